#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# e2e: ping (IPv4 and IPv6) and arping both ways with no loss, then a few seconds of TCP with
# iperf3, through vbridge between the two lab hosts; the final counters must add up.
# Usage: ping.sh VBRIDGE_EXE
set -euo pipefail
source "$(dirname "$0")/lib.sh"
e2e_init ping "$@"
for t in arping iperf3; do
	command -v $t >/dev/null || skip "'$t' is not installed (scripts/deps.sh installs it)"
done

lab_up
vb_start

# ping: -W waits for each reply; exit 0 only if every reply came.
for dir in "a $IP_B" "b $IP_A" "a $IP6_B" "b $IP6_A"; do
	set -- $dir
	out=$(ip netns exec "$LAB_PREFIX-$1" ping -c 5 -i 0.2 -W 2 "$2" 2>&1) ||
		fail "ping from host $1 to $2 lost frames: $(echo "$out" | tail -2)"
	echo "$out" | grep -q ' 0% packet loss' || fail "ping $1 -> $2: $(echo "$out" | tail -2)"
	log "ping $1 -> $2: $(echo "$out" | grep -o '[0-9]* received, 0% packet loss')"
done

# arping (Debian's, by Thomas Habets): ARP requests are broadcasts, replies unicast: both must cross.
for dir in "a $IF_A $IP_B" "b $IF_B $IP_A"; do
	set -- $dir
	out=$(ip netns exec "$LAB_PREFIX-$1" arping -c 3 -W 0.2 -I "$2" "$3" 2>&1) ||
		fail "arping from host $1 to $3 failed: $out"
	n=$(echo "$out" | grep -c " bytes from " || true)
	[ "$n" -eq 3 ] || fail "arping $1 -> $3: $n of 3 replies: $out"
	log "arping $1 -> $3: 3 of 3 replies"
done

# TCP: iperf3 server on host b (one test, then exits), client on host a for 3 s.
iperf3_server
in_a iperf3 -c "$IP_B" -B "$IP_A" -p 5201 -t 3 -J >"$WORK/iperf3.json" 2>"$WORK/iperf3.err" ||
	fail "iperf3 failed: $(cat "$WORK/iperf3.err") $(grep -m1 '"error"' "$WORK/iperf3.json")"
read -r sent rcvd bps < <($PY -c '
import json, sys
j = json.load(open(sys.argv[1]))["end"]
print(j["sum_sent"]["bytes"], j["sum_received"]["bytes"], int(j["sum_received"]["bits_per_second"]))
' "$WORK/iperf3.json")
[ "$rcvd" -gt 1000000 ] || fail "iperf3 moved only $rcvd bytes"
log "iperf3: $rcvd bytes received in 3 s ($((bps / 1000000)) Mbit/s)"

vb_stop TERM
[ "$VB_RC" -eq 0 ] || fail "vbridge exited $VB_RC"
vb_check_conservation
rx01=$(vb_counter '0->1' rx_frames) rx10=$(vb_counter '1->0' rx_frames)
# At least every ping/arping request or reply plus the TCP segments that carried $rcvd bytes.
min01=$((20 + rcvd / 1500))
[ "$rx01" -ge "$min01" ] || fail "dir 0->1 received $rx01 frames, expected at least $min01"
[ "$rx10" -ge 20 ] || fail "dir 1->0 received $rx10 frames, expected at least 20"
log "PASS"
