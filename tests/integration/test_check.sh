#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vbridge-stat --check, the monitoring-plugins health check, against a real vbridge: bad
# options UNKNOWN (3); no vbridge CRITICAL (2); vbridge on two net_tap ports (kernel
# interfaces whose link state the PMD reads from the kernel) healthy: OK (0) with perfdata;
# one tap set down: CRITICAL naming the port; up again: OK; vbridge stopped: CRITICAL.
# Every answer is one line on stdout. (WARNING and the thresholds: tests/unit/test_check.c.)
# Usage: test_check.sh PATH/TO/vbridge PATH/TO/vbridge-stat
set -u
source "$(dirname "$0")/../../scripts/lib.sh"
vb_init check keep-going
vbridge=$1 stat=$2
vb_scratch check
WORK=$tmp
tap0=vbck$$a tap1=vbck$$b
tap0=${tap0:0:15} tap1=${tap1:0:15}
VB_EXPECT_CMD=(timeout 20 "$stat")

# one_line: the last answer was exactly one line, with perfdata after a '|'.
one_line() {
	check
	[ "$(printf '%s\n' "$VB_OUT" | wc -l)" -eq 1 ] && grep -q '^VBRIDGE [A-Z]* - .*' <<<"$VB_OUT" ||
		fail "not one plugin line: $VB_OUT"
}

expect 3 "VBRIDGE UNKNOWN - --warning 'abc'" --check -w abc -f "$prefix"
expect 3 "VBRIDGE UNKNOWN - --check does not take '--json'" --check --json
expect 3 "VBRIDGE UNKNOWN - --interval" --check -i 0 -f "$prefix"
expect 2 "VBRIDGE CRITICAL - no vbridge running with file prefix '$prefix'" --check -f "$prefix"
one_line

[ "$(id -u)" -eq 0 ] || skip "needs root for net_tap ports"
[ -c /dev/net/tun ] || skip "no /dev/net/tun for net_tap"
"$vbridge" -l 0,1 --no-huge -m 256 --no-pci --file-prefix "$prefix" --log-level lib.eal:error \
	--vdev "net_tap0,iface=$tap0" --vdev "net_tap1,iface=$tap1" >"$WORK/out" 2>"$WORK/err" &
pid=$!
vb_wait_ready "$WORK/err" "$pid" 20 || { cat "$WORK/err"; fail "vbridge did not start"; vb_done; exit 1; }
# The kernel's own IPv6 on the taps (MLD reports, sent twice at random times up to 1 s apart,
# DAD, router solicitations) can repeat a frame within the duplicate window, which is a
# WARNING, not the OK this test expects: the taps carry nothing but what the test asks for.
for tap in "$tap0" "$tap1"; do
	sysctl -qw "net.ipv6.conf.$tap.disable_ipv6=1" >/dev/null 2>&1 || true
done
sleep 1

expect 0 "VBRIDGE OK - 2 ports, 2/2 links up, 1 worker(s)" --check -f "$prefix" -i 0.5
one_line
check grep -qE '\| rx_fps=[0-9]+;;;0 tx_fps=[0-9]+;;;0 drops_per_s=0\.00;;0;0 ' <<<"$VB_OUT"
check grep -qF "links_up=2;;2:;0;2 'rx_fps net_tap0'=" <<<"$VB_OUT"
# Thresholds go into the perfdata.
expect 0 "drops_per_s=0.00;5;50;0 loops_per_s=0.00;1;2;0" --check -f "$prefix" -i 0.2 \
	-w 5 -c 50 --warning-loops 1 --critical-loops 2

ip link set dev "$tap1" down
sleep 0.5
expect 2 "VBRIDGE CRITICAL - link down: net_tap1" --check -f "$prefix" -i 0.5
one_line
check grep -qF "1/2 links up" <<<"$VB_OUT"
ip link set dev "$tap1" up
sleep 0.5
expect 0 "VBRIDGE OK - " --check -f "$prefix" -i 0.5

kill -TERM "$pid"
wait "$pid"
pid=
expect 2 "VBRIDGE CRITICAL - " --check -f "$prefix"
one_line
vb_done
