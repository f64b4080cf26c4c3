#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# e2e: the links of net_af_packet ports are the kernel's. With vbridge between two veth pairs:
#  1. propagation on (link_poll_ms 1000, so only a netlink event can be fast): port 0's veth
#     end set down is seen within 300 ms, port 1's interface follows down and up again; the
#     host end of port 0 going down (no carrier on port 0) does the same; vbridge-stat (JSON,
#     summary) and telemetry give the kernel's state;
#  2. propagation off (link_poll_ms 100): a link down is seen within 2 x 100 ms and only
#     counted, the peer's interface stays up;
#  3. `ip link del` of port 1's interface under traffic: vbridge keeps running and says so,
#     frames for it are dropped as peer_down, vbridge-stat says "interface removed" (and
#     "replaced" once a new interface of that name exists); SIGTERM is clean and
#     rx = tx + dropped in both directions.
# Usage: link.sh VBRIDGE_EXE VBRIDGE_STAT_EXE
set -euo pipefail
source "$(dirname "$0")/lib.sh"
e2e_init link "$1"
STAT=${2:-}
[ -x "$STAT" ] || fail "usage: $0 VBRIDGE_EXE VBRIDGE_STAT_EXE"
command -v dpdk-telemetry.py >/dev/null || skip "dpdk-telemetry.py is not installed (package dpdk)"

P0=${LAB_PREFIX}p0 P1=${LAB_PREFIX}p1

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# wait_log PATTERN LIMIT_MS: wait for a new stderr line of vbridge matching PATTERN (after the
# mark set by mark_log); prints the milliseconds it took, fails after LIMIT_MS.
LOG_MARK=0 T_CHANGE=0
mark_log() { LOG_MARK=$(wc -l <"$WORK/vbridge.err"); }
wait_log() {
	local t0 t
	t0=$(now_ms)
	while :; do
		tail -n +"$((LOG_MARK + 1))" "$WORK/vbridge.err" | grep -q -- "$1" && break
		t=$(( $(now_ms) - t0 ))
		[ "$t" -le "$2" ] || fail "no '$1' from vbridge within $2 ms"
		sleep 0.01
	done
	echo $(( $(now_ms) - T_CHANGE ))
}
change() { T_CHANGE=$(now_ms); mark_log; "$@"; }

# flags IFACE [netns]: the interface's flags as ip prints them, e.g. BROADCAST,MULTICAST,UP
flags() {
	if [ $# -eq 2 ]; then ip -n "$2" -br link show "$1"; else ip -br link show "$1"; fi |
		sed 's/.*<\(.*\)>.*/\1/'
}
# wait_flags IFACE NETNS|"" up|down LIMIT_MS: until IFACE is (not) administratively UP
wait_admin() {
	local t0 f
	t0=$(now_ms)
	while :; do
		if [ -n "$2" ]; then f=$(flags "$1" "$2"); else f=$(flags "$1"); fi
		case ",$f," in *,UP,*) [ "$3" = up ] && return 0;; *) [ "$3" = down ] && return 0;; esac
		[ $(( $(now_ms) - t0 )) -le "$4" ] || fail "$1 is not $3 after $4 ms (flags $f)"
		sleep 0.01
	done
}

stat_json() { timeout 20 "$STAT" -f "$VB_FILE_PREFIX" --json --no-rates 2>"$WORK/stat.err"; }
# kernel_state PORT: the kernel state vbridge-stat's JSON gives for bridge port PORT
kernel_state() {
	stat_json | "$PY" -c 'import json, sys
p = json.load(sys.stdin)["ports"][int(sys.argv[1])]["link"]
print(p["kernel"]["state"] if p["kernel"] else "none", "forced" if p["forced_down"] else "-",
      p["changes"])' "$1"
}
tele() { echo "$1" | timeout 10 dpdk-telemetry.py -f "$VB_FILE_PREFIX" 2>&1; }

lab_up

# 1. Propagation on. Polling every second: what is seen sooner came by netlink event.
vb_start --link-propagation on --link-poll-ms 1000
LOG_MARK=0
wait_log "net_af_packet1: link up" 3000 >/dev/null
in_a ping -c 2 -i 0.2 -W 2 "$IP_B" >/dev/null || fail "no connectivity before the test"
read -r st forced _ < <(kernel_state 0)
[ "$st" = up ] || fail "vbridge-stat: port 0 kernel state '$st', expected up"

change ip link set "$P0" down
ms=$(wait_log "net_af_packet0: link down" 300)
log "$P0 set down: seen by vbridge after $ms ms (poll interval 1000 ms)"
wait_admin "$P1" "" down 300
ip -n "$NS_B" link show "${LAB_PREFIX}h1" | grep -q NO-CARRIER ||
	fail "host b's interface has carrier though vbridge set $P1 down"
read -r st forced _ < <(kernel_state 0)
[ "$st" = admin_down ] && [ "$forced" = - ] || fail "vbridge-stat: port 0 '$st $forced', expected admin_down -"
read -r st forced _ < <(kernel_state 1)
[ "$st" = admin_down ] && [ "$forced" = forced ] || fail "vbridge-stat: port 1 '$st $forced', expected admin_down forced"
"$STAT" -f "$VB_FILE_PREFIX" --no-rates >"$WORK/summary.txt" 2>&1 || fail "vbridge-stat summary failed"
grep -q "DOWN $P1: set down by vbridge" "$WORK/summary.txt" || {
	cat "$WORK/summary.txt" >&2; fail "vbridge-stat's summary does not say $P1 was set down by vbridge"; }
out=$(tele /vbridge/stats,1)
echo "$out" | grep -q '"kernel_state": "admin_down"' || fail "telemetry /vbridge/stats,1: $out"
log "vbridge-stat and telemetry: $P0 admin_down, $P1 admin_down (forced by propagation)"

change ip link set "$P0" up
ms=$(wait_log "net_af_packet1: link up" 300)
wait_admin "$P1" "" up 100
log "$P0 up again: $P1 set up by vbridge after $ms ms"
in_a ping -c 2 -i 0.2 -W 2 "$IP_B" >/dev/null || fail "no connectivity after the link came back"

# The far side: host a's end goes down, so port 0 has no carrier.
change in_a ip link set "$IF_A" down
ms=$(wait_log "$P0: no carrier" 300)
wait_admin "$P1" "" down 300
log "host a's interface down: '$P0: no carrier' after $ms ms, $P1 set down"
read -r st _ _ < <(kernel_state 0)
[ "$st" = no_carrier ] || fail "vbridge-stat: port 0 kernel state '$st', expected no_carrier"
change in_a ip link set "$IF_A" up
wait_log "net_af_packet1: link up" 300 >/dev/null
wait_admin "$P1" "" up 100
in_a ping -c 2 -i 0.2 -W 2 "$IP_B" >/dev/null || fail "no connectivity after host a came back"
vb_stop TERM
[ "$VB_RC" -eq 0 ] || fail "vbridge exited $VB_RC"
vb_check_conservation

# 2. Propagation off: counted, the peer left alone; the periodic poll alone is fast enough.
vb_start --link-propagation off --link-poll-ms 100
LOG_MARK=0
wait_log "net_af_packet1: link up" 3000 >/dev/null
change ip link set "$P0" down
ms=$(wait_log "net_af_packet0: link down" 200)
sleep 0.3
case ",$(flags "$P1")," in *,UP,*) ;; *) fail "propagation is off, yet $P1 went down";; esac
read -r st _ changes < <(kernel_state 0)
[ "$st" = admin_down ] && [ "$changes" -ge 2 ] ||
	fail "vbridge-stat: port 0 '$st', $changes changes; expected admin_down, >= 2 changes"
log "propagation off: $P0 down seen after $ms ms, $P1 still up, $changes link changes"
ip link set "$P0" up
wait_log "net_af_packet0: link up" 300 >/dev/null
in_a ping -c 2 -i 0.2 -W 2 "$IP_B" >/dev/null || fail "no connectivity after the link came back"

# 3. Port 1's interface deleted under traffic (host a keeps sending towards it).
bg in_a ping -i 0.005 -w 20 "$IP_B" >"$WORK/ping.log" 2>&1
sleep 1
change ip link del "$P1"
ms=$(wait_log "$P1: interface removed" 300)
log "$P1 deleted under traffic: '$P1: interface removed' after $ms ms"
sleep 1
kill -0 "$VB_PID" 2>/dev/null || fail "vbridge died when $P1 was deleted"
read -r st _ _ < <(kernel_state 1)
[ "$st" = removed ] || fail "vbridge-stat: port 1 kernel state '$st', expected removed"
"$STAT" -f "$VB_FILE_PREFIX" --no-rates >"$WORK/summary.txt" 2>&1 || fail "vbridge-stat summary failed"
grep -q "DOWN $P1: interface removed" "$WORK/summary.txt" || {
	cat "$WORK/summary.txt" >&2; fail "vbridge-stat's summary does not say $P1 was removed"; }
"$STAT" -f "$VB_FILE_PREFIX" --diagnose >"$WORK/diagnose.txt" 2>&1 || true
grep -q "$P1 behind port net_af_packet1 was removed" "$WORK/diagnose.txt" || {
	cat "$WORK/diagnose.txt" >&2; fail "--diagnose does not say $P1 was removed"; }
grep -q "net_af_packet1's link was down" "$WORK/diagnose.txt" || {
	cat "$WORK/diagnose.txt" >&2; fail "--diagnose does not explain the peer_down drops"; }
log "vbridge-stat: summary and --diagnose say '$P1: interface removed'"

# A new interface of the same name is not the one the port is bound to.
change ip link add "$P1" type veth peer name "${LAB_PREFIX}x1"
on_exit ip link del "$P1"
wait_log "$P1 was removed and a new $P1 exists" 300 >/dev/null
read -r st _ _ < <(kernel_state 1)
[ "$st" = replaced ] || fail "vbridge-stat: port 1 kernel state '$st', expected replaced"
log "a new $P1: vbridge says it is not the port's (replaced)"

vb_stop TERM
[ "$VB_RC" -eq 0 ] || fail "vbridge exited $VB_RC after $P1 was deleted"
[ "$VB_STOP_MS" -le 2500 ] || fail "vbridge took $VB_STOP_MS ms to stop"
vb_check_conservation
down=$(vb_counter '0->1' drop_peer_down)
sent=$(vb_counter '0->1' tx_frames)
[ "$down" -ge 100 ] || fail "dir 0->1: only $down frames dropped as peer_down while $P1 was gone"
log "dir 0->1: $down frames dropped as peer_down, $sent sent while it was there"
log "PASS"
