#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Monitoring without root: vbridge's stats segment is readable by its [monitor] group.
# Throwaway users and a group made here (removed afterwards), vbridge on net_null ports:
#  - with --monitor-group G: directory 0750 and segment 0640 root:G; a user in G reads every
#    view (summary, --json, --prometheus, --diagnose, --watch, --macs, --samples, --pcapng);
#    a user outside G gets exit 1 and a message naming G to join; neither can write it;
#  - without the key and with no group "vbridge" on the machine: root only (0700 and 0600),
#    and the message says so;
#  - a group that does not exist is a configuration error (exit 2) naming it.
# Needs root, useradd/groupadd and setpriv (exit 77 without).
# Usage: test_group.sh PATH/TO/vbridge PATH/TO/vbridge-stat
set -u
vbridge=$1
stat_src=$2
prefix=vb_itest_grp_$$
group=vbtg$$
user_in=vbtin$$
user_out=vbtout$$
tmp=$(mktemp -d)
vpid=
if [ "$(id -u)" -ne 0 ] || ! command -v useradd >/dev/null || ! command -v setpriv >/dev/null; then
	echo "SKIP: needs root, useradd and setpriv to make throwaway users"
	exit 77
fi
cleanup() {
	[ -n "$vpid" ] && kill -9 "$vpid" 2>/dev/null
	wait 2>/dev/null
	userdel "$user_in" 2>/dev/null
	userdel "$user_out" 2>/dev/null
	groupdel "$group" 2>/dev/null
	rm -rf "$tmp" /var/run/dpdk/"$prefix"* /run/vbridge/"$prefix"* /dev/shm/vbridge/"$prefix"*
}
trap cleanup EXIT
failed=0 n=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

groupadd "$group" && useradd -M -N -s /usr/sbin/nologin -G "$group" "$user_in" &&
	useradd -M -N -s /usr/sbin/nologin "$user_out" || { echo "FAIL: cannot make test users"; exit 1; }
# A copy the test users can run, and a directory they can write to.
chmod 0755 "$tmp"
cp "$stat_src" "$tmp/vbridge-stat"
mkdir -m 0777 "$tmp/out"
stat=$tmp/vbridge-stat

# as USER ARGS...: run vbridge-stat as USER with their groups; output in $out, status in $st
as() {
	local u=$1
	shift
	out=$(cd "$tmp/out" && timeout 20 setpriv --reuid "$u" --regid "$(id -g "$u")" \
		--init-groups "$stat" -f "$prefix" "$@" 2>&1)
	st=$?
}

start_vbridge() {
	"$vbridge" -l 0,1 --no-pci --no-huge -m 256 --file-prefix "$prefix" \
		--log-level lib.eal:error --vdev net_null0 --vdev net_null1 -- "$@" \
		>"$tmp/vb.out" 2>"$tmp/vb.err" &
	vpid=$!
	for _ in $(seq 100); do
		grep -qs "vbridge: ready" "$tmp/vb.err" && return 0
		sleep 0.1
	done
	echo "vbridge did not become ready:"
	cat "$tmp/vb.err"
	return 1
}
stop_vbridge() {
	kill -TERM "$vpid"
	wait "$vpid"
	vpid=
}

# mode_of PATH: "mode owner:group"
mode_of() { stat -c '%a %U:%G' "$1"; }

# --- a group that does not exist ---
n=$((n + 1))
out=$("$vbridge" -l 0,1 --no-pci --no-huge -m 256 --file-prefix "$prefix" -- \
	--monitor-group "nosuch$$" 2>&1)
st=$?
[ "$st" -eq 2 ] && grep -q "no group 'nosuch$$'" <<<"$out" ||
	fail "--monitor-group nosuch$$: exit $st: $out"

# --- with the group ---
if ! start_vbridge --monitor-group "$group"; then
	echo "FAIL: vbridge did not start"
	exit 1
fi
seg=$("$stat" -f "$prefix" --no-rates --verbose 2>&1 >/dev/null | sed -n 's/^vbridge-stat: \([^:]*\): vbridge pid.*/\1/p')
n=$((n + 1))
if [ -z "$seg" ]; then
	fail "no segment path from --verbose"
else
	echo "segment $seg: $(mode_of "$seg"), directory $(mode_of "$(dirname "$seg")")"
	[ "$(mode_of "$seg")" = "640 root:$group" ] || fail "segment is $(mode_of "$seg")"
	[ "$(mode_of "$(dirname "$seg")")" = "750 root:$group" ] ||
		fail "directory is $(mode_of "$(dirname "$seg")")"
fi
for view in "-i 0.2" "--json -i 0.2" "--prometheus" "--diagnose -i 0.2" "--watch 0.1 --count 2" \
	"--macs" "--samples" "--pcapng $tmp/out/s.pcapng" "--no-rates --json"; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	as "$user_in" $view
	[ "$st" -eq 0 ] && [ -n "$out" ] || fail "$user_in (in $group) $view: exit $st: $(head -3 <<<"$out")"
done
grep -q '"state": "running"' <<<"$out" || fail "$user_in --json: $out"
echo "$user_in (in $group): every view read; --no-rates --json: $(head -c 80 <<<"$out" | tr -d '\n')..."
n=$((n + 1))
as "$user_out" --no-rates
echo "$user_out (not in $group): exit $st: $out"
[ "$st" -eq 1 ] && grep -q "join the group '$group'" <<<"$out" ||
	fail "$user_out: exit $st, expected 1 and a message naming $group"
n=$((n + 1))
if [ -n "$seg" ] && setpriv --reuid "$user_in" --regid "$(id -g "$user_in")" --init-groups \
	sh -c "echo x >>'$seg'" 2>/dev/null; then
	fail "$user_in could write the segment"
fi
stop_vbridge

# --- without the key: "vbridge" if it exists, else root only ---
if getent group vbridge >/dev/null; then
	echo "note: this machine has a group vbridge: the root-only default is not checked"
else
	start_vbridge || { echo "FAIL: vbridge did not start"; exit 1; }
	n=$((n + 1))
	[ "$(mode_of "$seg")" = "600 root:root" ] && [ "$(mode_of "$(dirname "$seg")")" = "700 root:root" ] ||
		fail "default: segment $(mode_of "$seg"), directory $(mode_of "$(dirname "$seg")")"
	n=$((n + 1))
	as "$user_in" --no-rates
	echo "default, root only: $user_in: exit $st: $out"
	[ "$st" -eq 1 ] && grep -q "only root may" <<<"$out" || fail "root only: exit $st: $out"
	stop_vbridge
fi

echo "$n checks, $failed failed"
[ "$failed" -eq 0 ]
