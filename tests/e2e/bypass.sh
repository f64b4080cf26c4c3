#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# e2e: fail-open (config/vbridge-bypass) across a SIGKILL of vbridge, with the scenario's
# broadcast reflector on host a. What systemd would do is done by hand, in its order:
#   vbridge forwards; ping -i 0.05 b -> a runs throughout;
#   kill -9 vbridge; `vbridge-bypass on-failure` with SERVICE_RESULT=signal (ExecStopPost=);
#   ARP b -> a resolves through the bypass bridge although every broadcast is reflected;
#   2 s later (RestartSec=2): `vbridge-bypass off` (ExecStartPre=), vbridge starts again.
# Checks: the outage across the kill is under a second, ARP works through the bypass,
# vbridge takes the ports back (no bypass bridge left, its counters grow, they add up),
# ping works after. Prints both outages (kill -> bypass, bypass -> vbridge ready).
# Usage: bypass.sh VBRIDGE_EXE
set -euo pipefail
source "$(dirname "$0")/lib.sh"
e2e_init bypa "$@"
for t in tc arping bridge; do
	command -v $t >/dev/null || skip "'$t' is not installed (scripts/deps.sh installs it)"
done
BYPASS=$E2E_ROOT/config/vbridge-bypass
PORT0=${LAB_PREFIX}p0 PORT1=${LAB_PREFIX}p1
# As in vbridge.env: the interfaces taken from the --vdev iface= of the EAL options.
export VBRIDGE_BYPASS_NAME=${LAB_PREFIX}y VBRIDGE_BYPASS=auto
VBRIDGE_EAL=$("$LAB" vdevs | tr '\n' ' ')
export VBRIDGE_EAL
on_exit "$BYPASS" off
lab_up
ip link add "${VBRIDGE_BYPASS_NAME}t" type bridge 2>/dev/null || skip "cannot create a Linux bridge"
ip link del "${VBRIDGE_BYPASS_NAME}t"

now_s() { date +%s.%N; }
reflector_on
vb_start
n=$(in_b ping -c 3 -i 0.2 -W 1 "$IP_A" | grep -c ' bytes from ' || true)
[ "$n" -ge 2 ] || fail "ping through vbridge before the test: $n of 3 replies"

in_b ip neigh flush dev "$IF_B"
bg ip netns exec "$NS_B" ping -D -i 0.05 -W 1 -c 200 "$IP_A" >"$WORK/ping.out" 2>&1
PING=${E2E_BG_PIDS[-1]}
sleep 1.5

t_kill=$(now_s)
kill -KILL "$VB_PID"
wait "$VB_PID" 2>/dev/null || true
VB_PID=
SERVICE_RESULT=signal EXIT_STATUS=KILL "$BYPASS" on-failure >"$WORK/bypass-on.out" 2>&1 ||
	fail "vbridge-bypass on-failure: $(cat "$WORK/bypass-on.out")"
t_bypass=$(now_s)
log "$(cat "$WORK/bypass-on.out")"
log "bypass up $(awk -v a="$t_kill" -v b="$t_bypass" 'BEGIN { printf "%.0f", (b - a) * 1000 }') ms after kill -9"
[ -d "/sys/class/net/${VBRIDGE_BYPASS_NAME}0/brif/$PORT0" ] || fail "bypass bridge does not hold $PORT0"
d=$(ip -d link show "${VBRIDGE_BYPASS_NAME}0")
# The bridge has no IPv6 address of its own: it must not speak on the link under study.
ip -6 addr show dev "${VBRIDGE_BYPASS_NAME}0" | grep -q inet6 &&
	fail "the bypass bridge has an IPv6 address: $(ip -6 addr show dev "${VBRIDGE_BYPASS_NAME}0")"
for want in "ageing_time 0" "stp_state 0" "group_fwd_mask 0xfff8" "mcast_snooping 0"; do
	grep -q "$want" <<<"$d" || fail "bypass bridge lacks '$want': $d"
done

# ARP through the bypass, every broadcast of b reflected back by a: the reply still arrives.
sleep 0.3
in_b ip neigh flush dev "$IF_B"
replies=$(in_b arping -c 3 -W 0.3 -I "$IF_B" "$IP_A" 2>&1 | grep -c ' bytes from ' || true)
fdb=$(bridge fdb show br "${VBRIDGE_BYPASS_NAME}0" | grep -vc permanent || true)
log "through the bypass, reflector on: arping b -> a $replies of 3 replies; learned fdb entries: $fdb"
[ "$replies" -ge 2 ] || fail "ARP through the bypass with the reflector on: $replies of 3 replies"
[ "$fdb" -eq 0 ] || fail "the bypass bridge learned $fdb MAC(s): $(bridge fdb show br "${VBRIDGE_BYPASS_NAME}0")"

# The restart, as systemd does it after RestartSec=2.
sleep $(awk -v a="$t_kill" -v b="$(now_s)" 'BEGIN { d = 2 - (b - a); print (d > 0 ? d : 0) }')
t_restart=$(now_s)
"$BYPASS" off >"$WORK/bypass-off.out" 2>&1 || fail "vbridge-bypass off: $(cat "$WORK/bypass-off.out")"
vb_start
t_ready=$(now_s)
log "restart: bypass off and vbridge ready in $(awk -v a="$t_restart" -v b="$t_ready" 'BEGIN { printf "%.0f", (b - a) * 1000 }') ms"
! ip link show "${VBRIDGE_BYPASS_NAME}0" >/dev/null 2>&1 ||
	fail "the bypass bridge is left: $(ip -d link show "${VBRIDGE_BYPASS_NAME}0")"
"$BYPASS" status | grep -q 'no bypass bridge' || fail "vbridge-bypass status: $("$BYPASS" status)"

wait "$PING" || true
# Outages: gaps between consecutive replies, attributed to the kill or to the restart.
gaps=$(awk -v k="$t_kill" -v r="$t_restart" '
	/bytes from/ { t = substr($1, 2, length($1) - 2) + 0
		if (last != "" && t - last > 0.12) {
			at = (last <= r + 0.05 && t >= k) ? (last < r - 0.2 ? "kill" : "restart") : "other"
			printf "%s:%.0f ", at, (t - last) * 1000
		}
		last = t; n++ }
	END { printf "replies:%d", n }' "$WORK/ping.out")
log "ping -i 0.05 b -> a, 200 sent: gaps > 120 ms (ms) $gaps"
kill_ms=$(grep -oE 'kill:[0-9]+' <<<"$gaps" | cut -d: -f2 | sort -n | tail -1)
restart_ms=$(grep -oE 'restart:[0-9]+' <<<"$gaps" | cut -d: -f2 | sort -n | tail -1)
log "outage across kill -9 (vbridge gone -> bypass forwarding): ${kill_ms:-under 120} ms"
log "outage across the restart (bypass removed -> vbridge forwarding): ${restart_ms:-under 120} ms"
[ "${kill_ms:-0}" -lt 1000 ] || fail "outage across kill -9 with the bypass: $kill_ms ms"
replies=$(grep -oE 'replies:[0-9]+' <<<"$gaps" | cut -d: -f2)
[ "$replies" -ge 150 ] || fail "only $replies of 200 pings answered"
# Two bridges at once (vbridge and a bypass left behind) would answer every ping twice or more.
dups=$(grep -c 'DUP!' "$WORK/ping.out" || true)
[ "$dups" -eq 0 ] || fail "$dups duplicate ping replies: vbridge and a bypass both forwarded"

# vbridge has the ports again: traffic through it, counted.
n=$(in_b ping -c 3 -i 0.2 -W 1 "$IP_A" | grep -c ' bytes from ' || true)
[ "$n" -ge 2 ] || fail "ping after vbridge took the ports back: $n of 3 replies"
vb_stop TERM
[ "$VB_RC" -eq 0 ] || fail "vbridge exited $VB_RC"
rx=$(vb_counter 1-\>0 rx_frames)
[ "$rx" -gt 0 ] || fail "vbridge counted no frames after taking the ports back"
vb_check_conservation
reflector_off
log "ok"
