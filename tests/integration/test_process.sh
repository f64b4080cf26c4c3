#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vbridge as a process, on virtual ports:
#  - start-up errors that need EAL (lcores, ports, pairs, MTU) exit 2 with a clear message;
#  - under full load (net_null ports), telemetry answers, dpdk-proc-info attaches as a
#    secondary, SIGTERM stops it within a second with exit 0 and counters that add up.
# Usage: test_process.sh PATH/TO/vbridge
set -u
vbridge=$1
prefix=vb_itest_proc_$$
tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	rm -rf "$tmp" "/var/run/dpdk/$prefix"* /dev/hugepages/"$prefix"* 2>/dev/null
}
trap cleanup EXIT
failed=0 n=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

# expect STATUS TEXT EAL-AND-APP-ARGS...
expect() {
	local want=$1 text=$2 out status
	shift 2
	n=$((n + 1))
	out=$(timeout 30 "$vbridge" --no-huge -m 256 --no-pci --file-prefix "$prefix" \
		--log-level lib.eal:error "$@" 2>&1)
	status=$?
	if [ "$status" -ne "$want" ] || ! grep -qF -- "$text" <<<"$out"; then
		fail "vbridge $*: exit $status (expected $want) without '$text':"
		echo "$out" | tail -4
	fi
}

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
if [ "$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages 2>/dev/null || echo 0)" -ge 128 ]; then
	mem=()
fi
"$vbridge" -l 0,1 "${mem[@]}" --no-pci --file-prefix "$prefix" "${null2[@]}" \
	>"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do
	grep -q "vbridge: ready" "$tmp/err" && break
	sleep 0.1
done
n=$((n + 1))
if ! grep -q "vbridge: ready" "$tmp/err"; then
	fail "vbridge did not become ready:"; cat "$tmp/err"
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
	dirs=$(grep -c '^dir ' "$tmp/out")
	[ "$dirs" -eq 2 ] || fail "expected 2 direction lines, got $dirs"
	while read -r line; do
		rx=$(grep -o 'rx_frames=[0-9]*' <<<"$line" | cut -d= -f2)
		tx=$(grep -o 'tx_frames=[0-9]*' <<<"$line" | cut -d= -f2)
		dr=$(grep -o ' dropped=[0-9]*' <<<"$line" | cut -d= -f2)
		[ "$rx" -gt 0 ] && [ "$rx" -eq $((tx + dr)) ] ||
			fail "counters do not add up: $line"
	done < <(grep '^dir ' "$tmp/out")
fi

echo "$n cases, $failed failed"
[ "$failed" -eq 0 ]
