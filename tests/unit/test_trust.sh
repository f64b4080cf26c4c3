#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Trusted files (lib/trust.c): a configuration file others may write (0666, 0664) or that
# another user owns, or that lies under a directory others may write or own, is refused
# with exit 2, the message naming the file (and the directory) and saying why;
# 0644 and 0600 files of root (or of the user running the test) are accepted;
# --no-strict-files accepts them all. No EAL: --version ends the run once the file is read.
# Usage: test_trust.sh PATH/TO/vbridge
set -u
source "$(dirname "$0")/../../scripts/lib.sh"
vb_init trust keep-going
vbridge=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
VB_EXPECT_CMD=("$vbridge")

mk() { # NAME MODE: a valid configuration file
	printf '[bridge]\nburst = 16\n' >"$tmp/$1"
	chmod "$2" "$tmp/$1"
}
mk w666.ini 0666
mk w664.ini 0664
mk w646.ini 0646
mk r644.ini 0644
mk r600.ini 0600
mk r444.ini 0444

for f in w666 w664 w646; do
	expect 2 "$tmp/$f.ini is writable by group/others (mode 0${f#w}" -- -- --config "$tmp/$f.ini" --version
	expect 2 "--no-strict-files" -- -- --config "$tmp/$f.ini" --version
	expect 0 "vbridge 0" -- -- --no-strict-files --config "$tmp/$f.ini" --version
	expect 0 "vbridge 0" -- -- --config "$tmp/$f.ini" --no-strict-files --version
done
for f in r644 r600 r444; do
	expect 0 "vbridge 0" -- -- --config "$tmp/$f.ini" --version
done
# The file the project ships, as checked out: accepted, unless the checkout itself lies under
# a directory others may write (then refused, naming it: the check is right, the place not).
shipped=$(realpath "$(dirname "$0")/../../config/vbridge.ini")
open_dir=
d=$(dirname "$shipped")
while :; do
	perm=$(stat -c '%a %u' "$d")
	mode=$((8#${perm% *})) owner=${perm#* }
	if { [ $((mode & 8#022)) -ne 0 ] && [ $((mode & 8#1000)) -eq 0 ]; } ||
		{ [ "$owner" != 0 ] && [ "$owner" != "$(id -u)" ]; }; then
		open_dir=$d
		break
	fi
	[ "$d" = / ] && break
	d=$(dirname "$d")
done
if [ -z "$open_dir" ]; then
	expect 0 "vbridge 0" -- -- --config "$shipped" --version
else
	echo "note: the checkout is under $open_dir, which others may write or own: refused"
	expect 2 "its directory $open_dir is" -- -- --config "$shipped" --version
fi

# The directories above the file, up to / (sshd's StrictModes): one that others may write
# lets them replace the file; a sticky one (/tmp) does not. Links: judged where they lead.
mkdir -p "$tmp/open/sub" "$tmp/sticky"
printf '[bridge]\nburst = 16\n' >"$tmp/open/sub/a.ini"
printf '[bridge]\nburst = 16\n' >"$tmp/sticky/a.ini"
ln -s "$tmp/open/sub/a.ini" "$tmp/link.ini"
for m in 0777 0775 0757; do
	chmod "$m" "$tmp/open"
	expect 2 "$tmp/open/sub/a.ini: its directory $tmp/open is writable by group/others (mode $m)" \
		-- -- --config "$tmp/open/sub/a.ini" --version
	expect 2 "its directory $tmp/open is writable" -- -- --config "$tmp/link.ini" --version
	expect 0 "vbridge 0" -- -- --no-strict-files --config "$tmp/open/sub/a.ini" --version
done
chmod 0755 "$tmp/open"
expect 0 "vbridge 0" -- -- --config "$tmp/open/sub/a.ini" --version
expect 0 "vbridge 0" -- -- --config "$tmp/link.ini" --version
chmod 1777 "$tmp/sticky"
expect 0 "vbridge 0" -- -- --config "$tmp/sticky/a.ini" --version

if [ "$(id -u)" -eq 0 ]; then
	# A directory of another user: that user can replace the file.
	mkdir "$tmp/theirs"
	printf '[bridge]\nburst = 16\n' >"$tmp/theirs/a.ini"
	chown 65534 "$tmp/theirs"
	expect 2 "its directory $tmp/theirs is owned by" -- -- --config "$tmp/theirs/a.ini" --version
	# Another owner: nobody (65534), mode 0644.
	mk nobody.ini 0644
	chown 65534 "$tmp/nobody.ini"
	chmod 0755 "$tmp"
	expect 2 "$tmp/nobody.ini is owned by" -- -- --config "$tmp/nobody.ini" --version
	expect 2 "(uid 65534), not by root or the user running vbridge" -- -- --config "$tmp/nobody.ini" --version
	expect 0 "vbridge 0" -- -- --no-strict-files --config "$tmp/nobody.ini" --version
	# Root's own 0644 and 0600: accepted (above, as root).
	check [ "$(stat -c %u "$tmp/r644.ini")" = 0 ]
else
	echo "note: not root: the other-owner case needs chown; skipped"
fi
vb_done
