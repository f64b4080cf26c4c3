#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# e2e: a running vbridge can be watched from outside: dpdk-proc-info attaches as a secondary
# and reports both ports; telemetry answers /ethdev/stats and /vbridge/stats through
# dpdk-telemetry.py. (Uses real hugepages and no --huge-unlink: the secondary needs the files.)
# Usage: monitor.sh VBRIDGE_EXE
set -euo pipefail
source "$(dirname "$0")/lib.sh"
e2e_init mon "$@"
for t in dpdk-proc-info dpdk-telemetry.py; do
	command -v $t >/dev/null || skip "'$t' is not installed (Debian package dpdk)"
done

lab_up
vb_start
in_a ping -c 3 -i 0.2 -W 2 "$IP_B" >/dev/null || fail "ping a -> b failed"

# dpdk-proc-info picks its own lcore (-c) and polls nothing; it only reads stats.
timeout 30 dpdk-proc-info --file-prefix "$VB_FILE_PREFIX" --log-level=lib.eal:error -- --stats \
	>"$WORK/proc-info.out" 2>&1 || { cat "$WORK/proc-info.out" >&2; fail "dpdk-proc-info failed"; }
for p in 0 1; do
	grep -qE "NIC statistics for port $p " "$WORK/proc-info.out" || {
		cat "$WORK/proc-info.out" >&2; fail "dpdk-proc-info does not report port $p"; }
done
rx=$(awk '/NIC statistics for port 0 /{f=1} f && /RX-packets:/{print $2; exit}' "$WORK/proc-info.out")
[ "${rx:-0}" -ge 3 ] || fail "dpdk-proc-info: port 0 RX-packets ${rx:-?}, expected >= 3"
log "dpdk-proc-info attached: port 0 RX-packets $rx"

tele() { echo "$1" | timeout 10 dpdk-telemetry.py -f "$VB_FILE_PREFIX" 2>&1; }
out=$(tele /ethdev/stats,0)
echo "$out" | grep -q '"ipackets"' || fail "telemetry /ethdev/stats,0: $out"
out=$(tele /vbridge/stats,0)
echo "$out" | grep -q '"rx_frames"' || fail "telemetry /vbridge/stats,0: $out"
log "telemetry: /ethdev/stats,0 and /vbridge/stats,0 answered"
log "$(echo "$out" | tr -d '\n' | cut -c1-200)"

vb_stop TERM
[ "$VB_RC" -eq 0 ] || fail "vbridge exited $VB_RC"
vb_check_conservation
log "PASS"
