#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vbridge as a process, on virtual ports:
#  - start-up errors that need EAL (lcores, ports, pairs, MTU) exit 2 with a clear message;
#  - under full load (net_null ports), telemetry answers, dpdk-proc-info attaches as a
#    secondary, SIGTERM stops it within a second with exit 0 and counters that add up.
# Usage: test_process.sh PATH/TO/vbridge
set -u
source "$(dirname "$0")/../../scripts/lib.sh"
vb_init process keep-going
vbridge=$1
vb_scratch proc

# expect STATUS TEXT EAL-AND-APP-ARGS...
VB_EXPECT_CMD=(timeout 30 "$vbridge" --no-huge -m 256 --no-pci --file-prefix "$prefix"
	--log-level lib.eal:error)

null2=(--vdev net_null0 --vdev net_null1)
expect 2 "worker lcore" -l 0 "${null2[@]}"
expect 2 "no Ethernet ports" -l 0,1
expect 2 "cannot be paired" -l 0,1 "${null2[@]}" --vdev net_null2
expect 2 "no port 'net_nothing'" -l 0,1 "${null2[@]}" -- --pairs '(0,net_nothing)'
expect 2 "is paired with itself" -l 0,1 "${null2[@]}" -- --pairs '(0,net_null0)'
expect 2 "no port '7'" -l 0,1 "${null2[@]}" -- --pairs '(0,7)'
expect 2 "EAL" -l 0,1 --bogus-eal-option
if [ "$(id -u)" -eq 0 ] && ip link add "${prefix:0:8}a" type veth peer name "${prefix:0:8}b" 2>/dev/null; then
	# net_af_packet frames are at most 1518 bytes: an MTU of 9000 must be refused by name.
	expect 2 "MTU 9000" -l 0,1 --vdev "net_af_packet0,iface=${prefix:0:8}a" \
		--vdev "net_af_packet1,iface=${prefix:0:8}b" -- --mtu 9000
	# ... and it has one queue pair unless told otherwise.
	expect 2 "queues = 2, but" -l 0,1 --vdev "net_af_packet0,iface=${prefix:0:8}a" \
		--vdev "net_af_packet1,iface=${prefix:0:8}b" -- --queues 2
	ip link del "${prefix:0:8}a" 2>/dev/null
else
	echo "note: not root or no veth: the PMD MTU and queue limit cases are skipped"
fi

# Full load: net_null receives as fast as the loop polls. Real hugepages when there are
# some, so that dpdk-proc-info can attach as a secondary; --no-huge otherwise.
mem=(--no-huge -m 256)
if [ "$(vb_free_hugepages)" -ge 128 ]; then
	mem=()
fi
"$vbridge" -l 0,1 "${mem[@]}" --no-pci --file-prefix "$prefix" "${null2[@]}" \
	>"$tmp/out" 2>"$tmp/err" &
pid=$!
check
if ! vb_wait_ready "$tmp/err" "$pid" 10; then
	cat "$tmp/err"
	fail "vbridge did not become ready (above)"
else
	sleep 1
	tel=$(echo "/vbridge/stats,0" | dpdk-telemetry.py -f "$prefix" 2>&1)
	rx=$(grep -o '"rx_frames": [0-9]*' <<<"$tel" | grep -o '[0-9]*$')
	[ "${rx:-0}" -gt 0 ] || fail "telemetry /vbridge/stats,0 shows no frames: $tel"
	info=$(echo "/vbridge/info" | dpdk-telemetry.py -f "$prefix" 2>&1)
	grep -q '"state": "running"' <<<"$info" || fail "telemetry /vbridge/info: $info"
	if [ ${#mem[@]} -eq 0 ]; then
		pi=$(timeout 20 dpdk-proc-info --file-prefix "$prefix" --log-level lib.eal:error -- --stats 2>&1)
		grep -q "RX-packets" <<<"$pi" || fail "dpdk-proc-info did not attach: $pi"
	else
		echo "note: fewer than 128 free hugepages: the dpdk-proc-info attach is skipped"
	fi
	kill -TERM "$pid"
	t0=$(date +%s%N)
	wait "$pid"
	status=$?
	pid=
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "SIGTERM under load: exit $status after $ms ms"
	[ "$status" -eq 0 ] || fail "exit status $status after SIGTERM"
	[ "$ms" -lt 1000 ] || fail "took $ms ms to stop"
	cat "$tmp/out"
	vb_check_conservation "$tmp/out" --dirs 2 --moved
fi

vb_done
