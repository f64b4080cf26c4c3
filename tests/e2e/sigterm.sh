#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# e2e: SIGTERM while traffic flows (iperf3 TCP one way, a flood ping the other): vbridge must
# exit 0 within a second and its final counters must add up per direction
# (rx_frames == tx_frames + dropped, dropped == sum of drop_<reason>).
# Usage: sigterm.sh VBRIDGE_EXE
set -euo pipefail
source "$(dirname "$0")/lib.sh"
e2e_init term "$@"
command -v iperf3 >/dev/null || skip "iperf3 is not installed (scripts/deps.sh installs it)"

lab_up
vb_start
in_a ping -c 2 -i 0.2 -W 2 "$IP_B" >/dev/null || fail "no connectivity before the test"

iperf3_server
bg in_a iperf3 -c "$IP_B" -B "$IP_A" -p 5201 -t 10 >"$WORK/iperf3.log" 2>&1
bg in_b ping -f -w 10 "$IP_A" >"$WORK/flood.log" 2>&1
sleep 2

vb_stop TERM
[ "$VB_RC" -eq 0 ] || fail "vbridge exited $VB_RC after SIGTERM under traffic"
[ "$VB_STOP_MS" -le 1000 ] || fail "vbridge took $VB_STOP_MS ms to stop (limit 1000 ms)"
vb_check_conservation
for d in '0->1' '1->0'; do
	got=$(vb_counter "$d" rx_frames)
	[ "$got" -ge 1000 ] || fail "dir $d received only $got frames: was there traffic?"
done
log "PASS"
