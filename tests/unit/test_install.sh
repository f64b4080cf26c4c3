#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `meson install --destdir` of this build: the programs in bindir, the documented
# configuration in sysconfdir/vbridge, the systemd units where systemd looks for this prefix,
# the man pages with every option of --help; and `systemd-analyze verify` accepts the units
# as installed (their ExecStart= must name the installed programs).
# Usage: test_install.sh BUILD_DIR SOURCE_DIR
set -u
source "$(dirname "$0")/../../scripts/lib.sh"
vb_init install keep-going
build=$1 src=$2
command -v meson >/dev/null || skip "meson not in PATH"
command -v python3 >/dev/null || skip "python3 missing"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >"$tmp/log" 2>&1; then
	cat "$tmp/log"
	echo "FAIL: meson install"
	exit 1
fi

# Where the build's options say each part goes.
eval "$(meson introspect --buildoptions "$build" | python3 -c '
import json, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
p = o["prefix"]
j = lambda d: d if d.startswith("/") else p + "/" + d
print("prefix=%s bindir=%s sbindir=%s sysconfdir=%s mandir=%s unitdir=%s man=%s" % (p,
      j(o["bindir"]), j(o["sbindir"]), j(o["sysconfdir"]), j(o["mandir"]),
      o["systemdsystemunitdir"], o["man"]))')"
sysusersdir=$prefix/lib/sysusers.d
[ "$prefix" = /usr ] && sysusersdir=$(pkg-config --variable=sysusersdir systemd 2>/dev/null || echo /usr/lib/sysusers.d)
if [ -z "$unitdir" ]; then
	unitdir=$prefix/lib/systemd/system
	[ "$prefix" = /usr ] && unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /usr/lib/systemd/system)
fi
root=$tmp/root

want=("$bindir/vbridge" "$bindir/vbridge-stat" "$sbindir/vbridge-bypass"
	"$sysconfdir/vbridge/vbridge.ini" "$sysconfdir/vbridge/vbridge.env"
	"$unitdir/vbridge.service" "$unitdir/vbridge-bypass.service"
	"$unitdir/vbridge-exporter.service" "$sysusersdir/vbridge.conf")
have_man=0
if [ -f "$build/docs/man/vbridge.8" ]; then
	have_man=1
	want+=("$mandir/man8/vbridge.8" "$mandir/man8/vbridge-stat.8" "$mandir/man8/vbridge-bypass.8")
elif [ "$man" = enabled ]; then
	fail "man pages enabled but not built"
fi
for f in "${want[@]}"; do
	check test -f "$root$f"
done
check test -x "$root$bindir/vbridge"
check test -x "$root$bindir/vbridge-stat"
check test -x "$root$sbindir/vbridge-bypass"
# Nothing else: no test program, no static library, no benchmark.
(cd "$root" && find . -type f | sed 's/^\.//' | sort) >"$tmp/installed"
printf '%s\n' "${want[@]}" | sort >"$tmp/wanted"
check
if ! diff -u "$tmp/wanted" "$tmp/installed"; then
	fail "installed files differ from the expected list (- expected, + installed)"
fi
check cmp -s "$src/config/vbridge.ini" "$root$sysconfdir/vbridge/vbridge.ini"

# The units name the installed paths, not the build tree.
for u in "$root$unitdir"/*.service; do
	check
	grep -qE "^ExecStart=($bindir|$sbindir)/" "$u" ||
		fail "$(basename "$u"): ExecStart is not in $bindir or $sbindir"
	check
	grep -q '@[a-z]*@' "$u" && fail "$(basename "$u"): unsubstituted @variable@"
done

# Every option --help prints is in the man page.
if [ "$have_man" -eq 1 ]; then
	for p in vbridge vbridge-stat; do
		page=$(MANWIDTH=200 man -l "$root$mandir/man8/$p.8" 2>/dev/null)
		check
		[ -n "$page" ] || { fail "man -l $p.8 shows nothing"; continue; }
		for o in $("$build/app/$p/$p" --help | grep -oE '^ {2,8}(-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+'); do
			check
			grep -qF -- "$o" <<<"$page" || fail "$p.8 lacks $o"
		done
	done
fi

# systemd-analyze verify in the installed tree: --root makes ExecStart= resolve there; the
# root needs systemd's own units (sysinit.target ...) and Debian's dpdk.service beside ours.
if command -v systemd-analyze >/dev/null && [ -d /lib/systemd/system ]; then
	mkdir -p "$root/lib/systemd" "$root/bin"
	cp -a /lib/systemd/system "$root/lib/systemd/" 2>/dev/null
	# ... and the system's programs the units run (ExecReload=/bin/kill).
	cp /bin/kill "$root/bin/"
	[ -f "$root/lib/systemd/system/dpdk.service" ] ||
		echo "note: no dpdk.service on this machine (Debian package dpdk); verify will say so"
	man_arg=--man=no
	[ "$have_man" -eq 1 ] && man_arg=--man=yes
	for u in "$root$unitdir"/*.service; do
		check
		if ! MANPATH=$root$mandir systemd-analyze verify $man_arg --root="$root" \
			"$unitdir/$(basename "$u")" >"$tmp/verify" 2>&1; then
			cat "$tmp/verify"
			fail "systemd-analyze verify $(basename "$u")"
		elif [ -s "$tmp/verify" ]; then
			cat "$tmp/verify"
			fail "systemd-analyze verify $(basename "$u") warned"
		fi
	done
else
	echo "note: systemd-analyze missing: units not verified"
fi

# Least privilege (docs/security.md): systemd's own rating of each installed unit.
if command -v systemd-analyze >/dev/null; then
	for u in vbridge:5.0 vbridge-exporter:2.5; do
		name=${u%%:*} max=${u#*:}
		check
		sec=$(systemd-analyze security --offline=yes --root="$root" "$unitdir/$name.service" 2>&1)
		got=$(grep -oE 'Overall exposure level for [^:]*: [0-9.]+' <<<"$sec" | grep -oE '[0-9.]+$')
		echo "systemd-analyze security --offline=yes $name.service: ${got:-?} (at most $max)"
		if [ -z "$got" ]; then
			fail "no exposure figure for $name.service: $(tail -3 <<<"$sec")"
		elif ! awk -v g="$got" -v m="$max" 'BEGIN { exit !(g <= m) }'; then
			grep '✗' <<<"$sec" | sort -k3 -rn | head -10
			fail "$name.service exposure $got > $max"
		fi
	done
fi

vb_done
