#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# scripts/lib.sh, the shell library every script and shell test sources: its checks must
# catch what they are for (counters that do not add up, a process that never gets ready,
# a wrong exit status) and scripts/test.sh's last line must count right.
# Usage: test_lib.sh SOURCE_ROOT
set -u
source "${1:-$(dirname "$0")/../..}/scripts/lib.sh"
vb_init lib keep-going
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
WORK=$tmp

# want STATUS WHAT CMD...: CMD (a lib function, run in a subshell: a failure may exit)
# must end with STATUS.
want() {
	local status=$1 what=$2 got
	shift 2
	check
	("$@") >"$tmp/out" 2>&1 && got=0 || got=$?
	[ "$got" -eq "$status" ] || { sed 's/^/    /' "$tmp/out"; fail "$what: status $got, expected $status"; }
}

good='dir 0->1 a->b rx_frames=10 rx_bytes=600 tx_frames=7 tx_bytes=420 dropped=3 drop_peer_full=3'
printf '%s\n%s\n' "$good" "${good/0->1/1->0}" >"$tmp/good"
printf '%s\n' "${good/tx_frames=7/tx_frames=8}" >"$tmp/lost"
printf '%s\n' "${good/drop_peer_full=3/drop_peer_full=2}" >"$tmp/reasons"
printf '%s\n' 'dir 0->1 a->b rx_frames=0 tx_frames=0 dropped=0' >"$tmp/idle"
printf 'cls 0 net_null0 bcast=0\n' >"$tmp/none"
want 0 "counters that add up" vb_check_conservation "$tmp/good"
cp "$tmp/good" "$tmp/vbridge.out"
want 0 "counters in \$WORK/vbridge.out" vb_check_conservation
want 0 "two directions" vb_check_conservation "$tmp/good" --dirs 2 --moved
want 1 "a frame neither sent nor dropped" vb_check_conservation "$tmp/lost"
want 1 "drops not summed by reason" vb_check_conservation "$tmp/reasons"
want 1 "no dir lines" vb_check_conservation "$tmp/none"
want 1 "one direction where two are expected" vb_check_conservation "$tmp/lost" --dirs 2
want 1 "nothing moved" vb_check_conservation "$tmp/idle" --moved
want 1 "drops where none may be" vb_check_conservation "$tmp/good" --no-drops
check
[ "$(vb_counter '1->0' tx_frames "$tmp/good")" = 7 ] || fail "vb_counter 1->0 tx_frames"
want 1 "vb_counter of a field that is not there" vb_counter '0->1' nope "$tmp/good"

# vb_wait_ready: ready, exited first (with its status), never ready.
(sleep 0.3; echo 'vbridge: ready: 1 pair' >"$tmp/r.err"; sleep 5) &
p=$!
check
vb_wait_ready "$tmp/r.err" "$p" 5 || fail "vb_wait_ready: not ready although it said so"
kill "$p"
(exit 3) &
p=$!
check
rc=0
vb_wait_ready "$tmp/none.err" "$p" 5 || rc=$?
[ "$rc" -eq 1 ] && [ "$VB_RC" -eq 3 ] || fail "vb_wait_ready, process exited 3: returned $rc, VB_RC $VB_RC"
sleep 5 &
p=$!
check
rc=0
vb_wait_ready "$tmp/none.err" "$p" 1 || rc=$?
[ "$rc" -eq 2 ] || fail "vb_wait_ready, never ready: returned $rc, expected 2 (timeout)"
kill "$p"

# expect counts a case and fails on a wrong status or missing text; fail exits unless
# keep-going; skip exits 77.
strict() { VB_KEEP_GOING=0; "$@"; }
VB_EXPECT_CMD=(sh -c)
expect 3 "hello" -- 'echo hello; exit 3'
want 1 "expect, wrong status" strict expect 0 x 'echo x; exit 1'
want 1 "expect, missing text" strict expect 0 y 'echo x'
want 0 "expect, right status and text" strict expect 1 x 'echo x; exit 1'
want 1 "fail outside keep-going" strict fail boom
want 77 "skip" skip "no reason"
before=$VB_FAILED
fail "counted on purpose" 2>/dev/null
check
[ "$VB_FAILED" -eq $((before + 1)) ] || fail "fail in keep-going mode did not count"
VB_FAILED=$before

# scripts/test.sh's last line.
VB_RESULTS=$tmp/results
vb_result pass a
vb_result skip b
vb_result fail c
printf '%s\n' '{"name": "vbridge:unit / x", "result": "OK"}' \
	'{"name": "vbridge:unit / y", "result": "EXPECTEDFAIL"}' \
	'{"name": "vbridge:e2e / z", "result": "SKIP"}' \
	'{"name": "vbridge:e2e / t", "result": "TIMEOUT"}' >"$tmp/testlog.json"
vb_results_meson "$tmp/testlog.json" pre:
check
line=$(vb_results_line "$VB_RESULTS") && fail "vb_results_line: success with failures"
[ "$line" = "3 passed, 2 failed, 2 skipped" ] || fail "vb_results_line: '$line'"
grep -qx 'fail pre:vbridge:e2e/t' "$VB_RESULTS" || fail "meson test names: $(cat "$VB_RESULTS")"
: >"$VB_RESULTS"
check
line=$(vb_results_line "$VB_RESULTS") || fail "vb_results_line: failure with no results"
[ "$line" = "0 passed, 0 failed, 0 skipped" ] || fail "vb_results_line, nothing run: '$line'"
unset VB_RESULTS

vb_done
