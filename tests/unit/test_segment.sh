#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vbridge-stat against stats segments that are not a live vbridge's, made up by a Python
# stand-in that holds the file's lock as vbridge does (fcntl), no DPDK anywhere:
#  - none at all, a file left by a process that has exited (nobody holds its lock), another
#    layout version, another header size, no magic, a file shorter than a header, a file of
#    another user: each exits 1 with a message that says which, at once.
# VBRIDGE_RUNTIME_DIR points vbridge-stat at a directory of the test's own.
# Usage: test_segment.sh PATH/TO/vbridge-stat
set -u
stat=$1
tmp=$(mktemp -d)
holder=
cleanup() {
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
export VBRIDGE_RUNTIME_DIR=$tmp/run
failed=0 n=0
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# segment PREFIX VERSION SIZE MAGIC BYTES LOCK: write a file, and with LOCK=1 hold its lock
# from a background process (pid in $holder) as a live vbridge would.
segment() {
	local prefix=$1
	[ -n "$holder" ] && kill "$holder" 2>/dev/null && wait "$holder" 2>/dev/null
	holder=
	mkdir -p "$VBRIDGE_RUNTIME_DIR/$prefix"
	python3 - "$VBRIDGE_RUNTIME_DIR/$prefix/stats" "$2" "$3" "$4" "$5" "$6" "$tmp/ready" <<'EOF' &
import fcntl, os, struct, sys, time
path, version, size, magic, length, lock, ready = sys.argv[1:]
fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
head = struct.pack("<QII", int(magic, 16), int(version), int(size))
head += struct.pack("<Q", int(length))           # total_size
head = head.ljust(64, b"\0")
# primary_pid sits after magic, version, size, total_size, tsc_hz, start_tsc, start_unix_ns
head = head[:48] + struct.pack("<i", 4242) + head[52:]
os.write(fd, head[:int(length)])
if int(length) > len(head):
    os.ftruncate(fd, int(length))
if lock == "1":
    fcntl.lockf(fd, fcntl.LOCK_EX)
open(ready, "w").close()
if lock == "1":
    time.sleep(600)
EOF
	local p=$!
	for _ in $(seq 100); do
		[ -e "$tmp/ready" ] && break
		sleep 0.02
	done
	rm -f "$tmp/ready"
	if [ "$6" = 1 ]; then holder=$p; else wait "$p"; fi
}

# expect TEXT ARGS...: exit 1 with TEXT, in under a second
expect() {
	local text=$1 out status t0
	shift
	n=$((n + 1))
	t0=$(now_ms)
	out=$(timeout 10 "$stat" "$@" 2>&1)
	status=$?
	if [ "$status" -ne 1 ] || ! grep -qF -- "$text" <<<"$out" ||
		[ $(($(now_ms) - t0)) -ge 1000 ]; then
		echo "FAIL: vbridge-stat $*: exit $status after $(($(now_ms) - t0)) ms (expected 1" \
			"at once) without '$text':"
		echo "$out" | head -3
		failed=$((failed + 1))
	else
		echo "ok: $(head -1 <<<"$out")"
	fi
}

MAGIC=5642524944474531
V=$("$stat" --version | sed -n 's/.*shared layout \([0-9]*\).*/\1/p')
[ -n "$V" ] || { echo "FAIL: no layout version in vbridge-stat --version"; exit 1; }
expect "no vbridge running with file prefix 'none' (no $VBRIDGE_RUNTIME_DIR/none/stats)" -f none
segment stale "$V" 0 $MAGIC 4096 0
expect "is left from a process that has exited (pid 4242)" -f stale --no-rates
segment other 99 0 $MAGIC 4096 1
expect "publishes shared layout version 99, this reader reads version $V" -f other
segment size "$V" 12345 $MAGIC $((4 << 20)) 1
expect "a header of 12345 bytes" -f size
segment magic "$V" 0 0123456789abcdef 4096 1
expect "is not a vbridge stats segment" -f magic
segment short "$V" 0 $MAGIC 64 1
expect "shorter than a header" -f short
segment tiny "$V" 0 $MAGIC 8 1
expect "is not a vbridge stats segment" -f tiny
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	segment theirs "$V" 0 $MAGIC $((4 << 20)) 1
	chown nobody "$VBRIDGE_RUNTIME_DIR/theirs/stats"
	expect "is not vbridge's: not a file of root's" -f theirs
else
	echo "note: not root: the segment-of-another-user case is skipped"
fi

echo "$n cases, $failed failed"
[ "$failed" -eq 0 ]
