#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Benchmarks: vbridge against dpdk-testpmd io forwarding, side by side, in the same run.
# Builds (meson/ninja into build/), reserves hugepages, runs every case several times,
# alternating vbridge and the reference so that machine noise hits both, prints a table
# (median, min-max, ratio vbridge/reference per pair of runs) and writes it into
# docs/benchmarks.md between the "bench:results" markers. Not part of `meson test`.
#
# Usage: scripts/bench.sh [--quick] [--reps N] [--seconds S] [--cases LIST] [--scaling]
#                         [--no-build] [--no-write]          (as root)
#   --quick        2 runs of 1 s per point, 200 latency samples (~3-4 minutes)
#   default        5 runs of 3 s per point, 1000 latency samples (~13-15 minutes)
#   --cases 1,3    only these cases: 1 ceiling (net_null, copy=0 and copy=1), 2 mixes
#                  (net_ring loops), 3 classifier alone (TSC, callgrind), 4 latency,
#                  5 memory, 6 ARP storm replayed by net_pcap, 7 virtio-user/vhost-user,
#                  8 scaling (also --scaling), 9 policy of 10/1,000/10,000 rules (--policy)
#   --scaling      add case 8: 1, 2, 4, 8 workers on net_null pairs, each where the
#                  machine has a CPU per worker and one for the main lcore, skipped otherwise
#   --policy       add case 9 (about 12 runs per rep: keep --seconds short)
# VB_BENCH_VBRIDGE=PATH runs that vbridge binary instead of build/'s (an older build, side by
# side with this one in two runs); VB_BENCH_COMMIT names it in the table.
# One DPDK poller at a time, on lcore 1 (-l 0,1), except case 7 (the vhost-user generator
# on CPU 0, the bridge on CPU 1) and case 8; file prefixes vbbench_*, removed after.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/lib.sh
vb_init bench

reps=5 seconds=3 lat_samples=1000 cases="1,2,3,4,5,6,7" build=1 write=1 quick=0
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=1 reps=2 seconds=1 lat_samples=200 ;;
	--reps) reps=$2; shift ;;
	--seconds) seconds=$2; shift ;;
	--cases) cases=$2; shift ;;
	--scaling) cases="$cases,8" ;;
	--no-build) build=0 ;;
	--no-write) write=0 ;;
	--policy) cases="$cases,9" ;;
	-h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench.sh: unknown option '$1' (--help)" >&2; exit 2 ;;
	esac
	shift
done
has_case() { [[ ",$cases," == *",$1,"* ]]; }

if [ "$(id -u)" -ne 0 ]; then
	echo "bench.sh: run as root (hugepages, DPDK)" >&2
	exit 1
fi
for tool in dpdk-testpmd python3; do
	command -v "$tool" >/dev/null || { echo "bench.sh: $tool missing: run scripts/deps.sh as root" >&2; exit 1; }
done
if has_case 3 && ! command -v valgrind >/dev/null; then
	echo "bench.sh: valgrind missing (apt-get install valgrind): callgrind figures skipped" >&2
fi

if [ "$build" -eq 1 ]; then
	[ -f build/build.ninja ] || meson setup build >/dev/null
	ninja -C build >/dev/null
fi
scripts/hugepages.sh 512

VB=${VB_BENCH_VBRIDGE:-build/app/vbridge/vbridge}	# another build's, to compare two
FWD=build/bench/bench_fwd
CLS=build/bench/bench_classify
POL=build/bench/bench_policy
RATE=bench/ethdev_rate.py
out=$(mktemp -d /tmp/vbbench.XXXXXX)
res=$out/results.txt	# case|row|side|rep|value|command
EAL_LOG="--log-level lib.eal:warning"
child=

cleanup() {
	if [ -n "$child" ] && kill -0 "$child" 2>/dev/null; then
		kill -TERM "$child" 2>/dev/null || true
		wait "$child" 2>/dev/null || true
	fi
	vb_clean_prefix 'vbbench_*'
}
trap cleanup EXIT

record() { echo "$1|$2|$3|$4|$5|$6" >> "$res"; }

# Wait for a primary's telemetry socket; 0 when it is there.
wait_socket() {
	local i
	for i in $(seq 100); do
		[ -S "/var/run/dpdk/$1/dpdk_telemetry.v2" ] && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# Run a primary in the background, sample its ethdev counters over $seconds, stop it.
# Prints "Mpps/Mpps per worker CPU second".
sample_primary() {
	local prefix=$1; shift
	"$@" > "$out/$prefix.log" 2>&1 < /dev/null &
	child=$!
	if ! wait_socket "$prefix" "$child"; then
		log "$prefix did not start: $(tail -3 "$out/$prefix.log")"
		return 1
	fi
	# EAL opens the socket before vbridge builds its policy (2.3 s at 10,000 rules on
	# AVX2): vbridge's samples start from its ready line, so the window holds no build.
	if [ "$(basename "$1")" = vbridge ] && ! vb_wait_ready "$out/$prefix.log" "$child" 60; then
		log "$prefix never became ready: $(tail -3 "$out/$prefix.log")"
		return 1
	fi
	sleep 1	# past start-up
	# shellcheck disable=SC2086 # PORTS: a list of port ids
	python3 "$RATE" --pid "$child" "$prefix" "$seconds" ${PORTS:-} |
		sed -n 's/^mpps=\([0-9.]*\) .*mpps_cpu=\([0-9.]*\).*/\1\/\2/p'
	kill -TERM "$child"
	wait "$child" || true
	child=
	vb_clean_prefix "$prefix"
}

uptime_load() { cut -d' ' -f1-3 /proc/loadavg; }
# Other busy processes (another poller on lcore 1 halves the figures): said, not hidden.
busy() { ps -eo pcpu=,comm= --sort=-pcpu | awk '$1 > 20 {printf "%s%s %s%%", n++ ? ", " : "", $2, $1}'; }
echo "load_start|$(uptime_load)" > "$out/meta"
echo "busy_start|$(busy)" >> "$out/meta"
[ -z "$(busy)" ] || log "other busy processes now: $(busy) (figures will be noisier)"
tsc_hz=$($CLS --iters 1 --reps 1 none | awk '/^# TSC/ {printf "%.0f", $3 * 1e9}')

# 1. Forwarding ceiling: two net_null ports, one forwarding lcore, burst 32, both directions;
#    copy=0 (the PMD never touches the frame) and copy=1 (it writes every frame, as a NIC does).
if has_case 1; then
	for copy in 0 1; do
		null="--no-pci --vdev net_null0,copy=$copy --vdev net_null1,copy=$copy"
		vb_cmd() { echo "$VB -l 0,1 $null --file-prefix vbbench_vb $EAL_LOG -- --burst 32 --classifier $1"; }
		tp_cmd="dpdk-testpmd -l 0,1 $null --file-prefix vbbench_tp $EAL_LOG -- --forward-mode=io --nb-cores=1 -a --stats-period 60 --burst=32 --rxd=1024 --txd=1024 --total-num-mbufs=8191"
		for r in $(seq "$reps"); do
			# rotate the order so that neither side always runs first
			if [ $((r % 2)) -eq 1 ]; then order="off tp on"; else order="on tp off"; fi
			for side in $order; do
				if [ "$side" = tp ]; then
					cmd=$tp_cmd
					v=$(sample_primary vbbench_tp $cmd)
					record 1 "net_null copy=$copy" ref "$r" "$v" "$cmd"
				else
					cmd=$(vb_cmd "$side")
					v=$(sample_primary vbbench_vb $cmd)
					record 1 "net_null copy=$copy" "vb_$side" "$r" "$v" "$cmd"
				fi
				log "case 1 copy=$copy run $r $side: $v Mpps"
			done
		done
	done
fi

# 2. Traffic mixes through net_ring loops, vbridge's loop vs testpmd's io loop, same process
#    set-up, one process per run (one run per EAL).
if has_case 2; then
	rows=(
		"uni64, classifier off|--mix uni64 --classifier off"
		"uni64|--mix uni64"
		"imix 7:4:1|--mix imix"
		"ARP storm, new frames|--mix arp"
		"50 % duplicated bcast|--mix dup50"
		"ARP storm, 1k src MACs|--mix arp --macs 1000"
		"ARP storm, 1M src MACs|--mix arp --macs 1000000"
		"uni64, mac-unicast, 1 MAC|--mix uni64 --mac-unicast on --macs 1"
		"uni64, mac-unicast, 1k MACs|--mix uni64 --mac-unicast on --macs 1000"
		"uni64, mac-unicast, 1M MACs|--mix uni64 --mac-unicast on --macs 1000000"
	)
	for r in $(seq "$reps"); do
		for row in "${rows[@]}"; do
			label=${row%%|*} args=${row#*|}
			if [ $((r % 2)) -eq 1 ]; then order="vbridge io"; else order="io vbridge"; fi
			for loop in $order; do
				cmd="$FWD -l 0,1 --no-pci --file-prefix vbbench_fwd $EAL_LOG -- --loop $loop $args --seconds $seconds"
				line=$($cmd 2>"$out/fwd.err" | grep '^result') || { log "failed: $cmd: $(tail -2 "$out/fwd.err")"; continue; }
				v=$(sed 's/.* mpps=\([0-9.]*\) .*mpps_cpu=\([0-9.]*\).*/\1\/\2/' <<< "$line")
				side=ref
				[ "$loop" = io ] || side=$([[ "$args" == *"--classifier off"* ]] && echo vb_off || echo vb_on)
				record 2 "$label" "$side" "$r" "$v" "$cmd"
				echo "$line" >> "$out/case2.lines"
				vb_clean_prefix vbbench_fwd
			done
			log "case 2 run $r: $label done"
		done
	done
fi

# 3. The classifier alone: TSC cycles per frame, and instructions per frame under callgrind.
if has_case 3; then
	iters=$([ "$quick" -eq 1 ] && echo 2000000 || echo 10000000)
	cmd="$CLS --iters $iters --reps $reps"
	$cmd > "$out/classify.txt"
	echo "cmd|$cmd" >> "$out/classify.meta"
	if command -v valgrind >/dev/null; then
		n=200000
		for k in $($CLS --help | awk '/^  [a-z]/ {print $1}'); do
			valgrind --tool=callgrind --toggle-collect='measure*' \
				--callgrind-out-file="$out/cg.$k" $CLS --iters $n --reps 1 "$k" > /dev/null 2>&1
			ir=$(awk '/^(summary|totals):/ {print $2; exit}' "$out/cg.$k")
			echo "$k|$ir|$n" >> "$out/callgrind.txt"
		done
		echo "cmd|valgrind --tool=callgrind --toggle-collect='measure*' $CLS --iters $n --reps 1 KIND" >> "$out/classify.meta"
	fi
	log "case 3 done"
fi

# 4. Latency: one frame at a time through the idle loop.
if has_case 4; then
	for d in 100 0; do
		for loop in vbridge io; do
			[ "$loop" = io ] && [ "$d" = 0 ] && continue	# io has no drain timer
			for mix in uni64 arp; do
				cmd="$FWD -l 0,1 --no-pci --file-prefix vbbench_lat $EAL_LOG -- --latency $lat_samples --loop $loop --drain-us $d --mix $mix"
				$cmd 2>/dev/null | grep '^result' | sed "s|\$| cmd=$cmd|" >> "$out/latency.txt" || true
				vb_clean_prefix vbbench_lat
			done
		done
	done
	log "case 4 done"
fi

# 5. Memory of the default configuration (and testpmd's for the same ports and mbufs).
if has_case 5; then
	mem_of() {	# prefix cmd...: hugepages in use, RSS, heap
		local prefix=$1; shift
		"$@" > "$out/$prefix.log" 2>&1 < /dev/null &
		child=$!
		wait_socket "$prefix" "$child" || { log "$prefix did not start"; return; }
		sleep 1
		local huge rss hugetlb
		huge=$(du -cb /dev/hugepages/"$prefix"* 2>/dev/null | awk 'END {printf "%.1f", $1/1048576}')
		rss=$(awk '/^VmRSS/ {printf "%.1f", $2/1024}' "/proc/$child/status")
		hugetlb=$(awk '/^HugetlbPages/ {printf "%.1f", $2/1024}' "/proc/$child/status")
		heap=$(python3 - "$prefix" <<-'EOF'
			import json, socket, sys
			s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
			s.connect("/var/run/dpdk/%s/dpdk_telemetry.v2" % sys.argv[1])
			s.recv(4096)
			s.send(b"/eal/heap_info,0")
			h = json.loads(s.recv(65536).decode())["/eal/heap_info"]
			print("heap_size_mib=%.1f heap_alloc_mib=%.1f" % (h["Heap_size"] / 2**20, h["Alloc_size"] / 2**20))
		EOF
		)
		echo "$prefix|hugepage_files_mib=$huge hugetlb_mib=$hugetlb rss_mib=$rss $heap|$*" >> "$out/memory.txt"
		kill -TERM "$child"; wait "$child" || true; child=
		vb_clean_prefix "$prefix"
	}
	mem_of vbbench_mem $VB -l 0,1 --no-pci --vdev net_null0 --vdev net_null1 --file-prefix vbbench_mem $EAL_LOG
	mem_of vbbench_memtp dpdk-testpmd -l 0,1 --no-pci --vdev net_null0 --vdev net_null1 --file-prefix vbbench_memtp $EAL_LOG -- --forward-mode=io --nb-cores=1 -a --stats-period 60 --rxd=1024 --txd=1024 --total-num-mbufs=8191
	log "case 5 done"
fi
# 6. A broadcast ARP storm written by the PMD: net_pcap replays 65,536 distinct ARP requests
#    forever on both ports (infinite_rx: every frame copied into a fresh mbuf, as a NIC's DMA
#    writes it), so each port sees every request, the second port as a reflection. TX is
#    dropped by the PMD (no tx_ devargs). One mbuf per frame of the file per port is needed.
if has_case 6; then
	storm=$out/arpstorm.pcap
	python3 - "$storm" <<-'EOF'
		import struct, sys
		# who-has 198.19.x.y tell 198.18.0.1, from 02:00:00:00:00:01, 60 bytes each
		out = open(sys.argv[1], "wb")
		out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
		src = bytes([2, 0, 0, 0, 0, 1])
		for i in range(65536):
		    f = b"\xff" * 6 + src + b"\x08\x06" + struct.pack(">HHBBH", 1, 0x0800, 6, 4, 1)
		    f += src + bytes([198, 18, 0, 1]) + bytes(6) + bytes([198, 19, i >> 8, i & 255])
		    f += bytes(60 - len(f))
		    out.write(struct.pack("<IIII", 0, i, 60, 60) + f)
	EOF
	pcap="--no-pci --vdev net_pcap0,rx_pcap=$storm,infinite_rx=1 --vdev net_pcap1,rx_pcap=$storm,infinite_rx=1"
	vb_cmd="$VB -l 0,1 $pcap --file-prefix vbbench_vb $EAL_LOG -- --mbufs 262143"
	tp_cmd="dpdk-testpmd -l 0,1 $pcap --file-prefix vbbench_tp $EAL_LOG -- --forward-mode=io --nb-cores=1 -a --stats-period 60 --total-num-mbufs=262143"
	for r in $(seq "$reps"); do
		if [ $((r % 2)) -eq 1 ]; then order="vb tp"; else order="tp vb"; fi
		for side in $order; do
			if [ "$side" = tp ]; then
				v=$(sample_primary vbbench_tp $tp_cmd)
				record 6 "net_pcap ARP storm" ref "$r" "$v" "$tp_cmd"
			else
				v=$(sample_primary vbbench_vb $vb_cmd)
				record 6 "net_pcap ARP storm" vb_on "$r" "$v" "$vb_cmd"
			fi
			log "case 6 run $r $side: $v Mpps"
		done
	done
fi

# 7. A virtio datapath: testpmd on CPU 0 is the host, two vhost-user ports, generating
#    (flowgen: sends 64-byte UDP frames, takes and frees what comes back); the bridge on CPU 1
#    has two virtio-user ports on the sockets (a real descriptor ring, a copy on the host
#    side, as a VM's NIC). vbridge and testpmd io take turns as the bridge.
if has_case 7; then
	sock=$out/vhost
	host_cmd="dpdk-testpmd --lcores 0@0,1@0 --no-pci --file-prefix vbbench_host $EAL_LOG --single-file-segments --vdev net_vhost0,iface=$sock.0,queues=1 --vdev net_vhost1,iface=$sock.1,queues=1 -- --forward-mode=flowgen --nb-cores=1 -a --stats-period 60 --total-num-mbufs=16383"
	virtio="--no-pci --single-file-segments --vdev net_virtio_user0,path=$sock.0,queues=1 --vdev net_virtio_user1,path=$sock.1,queues=1"
	vb_cmd="$VB --lcores 0@1,1@1 $virtio --file-prefix vbbench_vb $EAL_LOG"
	tp_cmd="dpdk-testpmd --lcores 0@1,1@1 $virtio --file-prefix vbbench_tp $EAL_LOG -- --forward-mode=io --nb-cores=1 -a --stats-period 60 --total-num-mbufs=16383"
	for r in $(seq "$reps"); do
		if [ $((r % 2)) -eq 1 ]; then order="vb tp"; else order="tp vb"; fi
		for side in $order; do
			$host_cmd > "$out/host.log" 2>&1 < /dev/null &
			host=$!
			if ! wait_socket vbbench_host "$host"; then
				log "case 7: the vhost-user host did not start: $(tail -3 "$out/host.log")"
				break 2
			fi
			if [ "$side" = tp ]; then
				v=$(sample_primary vbbench_tp $tp_cmd) || true
				record 7 "virtio-user, vhost-user host" ref "$r" "$v" "$tp_cmd"
			else
				v=$(sample_primary vbbench_vb $vb_cmd) || true
				record 7 "virtio-user, vhost-user host" vb_on "$r" "$v" "$vb_cmd"
			fi
			kill -TERM "$host"; wait "$host" || true
			vb_clean_prefix vbbench_host
			rm -f "$sock".*
			log "case 7 run $r $side: $v Mpps"
		done
	done
	echo "host|$host_cmd" >> "$out/meta"
fi

# 8. Scaling: N workers (1, 2, 4, 8) on N pairs of net_null copy=1 ports, one queue per port
#    (net_null has no RSS), so 2N directions over N workers; testpmd with 2N ports and
#    --nb-cores=N. A point runs only where the machine has N + 1 CPUs (the workers and the
#    main lcore on CPUs of their own): two pollers on one CPU measure the scheduler.
if has_case 8; then
	ncpu=$(nproc)
	skipped=
	for n in 1 2 4 8; do
		if [ $((n + 1)) -gt "$ncpu" ]; then
			skipped="$skipped${skipped:+, }$n"
			continue
		fi
		ports="--no-pci" plist=
		for p in $(seq 0 $((2 * n - 1))); do
			ports="$ports --vdev net_null$p,copy=1"
			plist="$plist $p"
		done
		vb_cmd="$VB -l 0-$n $ports --file-prefix vbbench_vb $EAL_LOG -- --queues 1 --mbufs $((16384 * n - 1))"
		tp_cmd="dpdk-testpmd -l 0-$n $ports --file-prefix vbbench_tp $EAL_LOG -- --forward-mode=io --nb-cores=$n -a --stats-period 60 --total-num-mbufs=$((16384 * n - 1))"
		for r in $(seq "$reps"); do
			for side in vb tp; do
				if [ "$side" = tp ]; then
					v=$(PORTS="$plist" sample_primary vbbench_tp $tp_cmd)
					record 8 "$n worker(s), $n pair(s)" ref "$r" "$v" "$tp_cmd"
				else
					v=$(PORTS="$plist" sample_primary vbbench_vb $vb_cmd)
					record 8 "$n worker(s), $n pair(s)" vb_on "$r" "$v" "$vb_cmd"
				fi
				log "case 8 $n workers run $r $side: $v Mpps"
			done
		done
	done
	if [ -n "$skipped" ]; then
		echo "scaling_skipped|$skipped worker(s): $ncpu CPUs here" >> "$out/meta"
		log "case 8: skipped $skipped worker(s): this machine has $ncpu CPUs"
	fi
fi
# 9. The policy's cost in the whole bridge: vbridge without --policy, and with 10, 1,000 and
#    10,000 random rules (bench_policy --write-rules: random prefixes and ports; nearly every
#    frame misses them all and the default permits it), taking turns, on net_null copy=1 (its
#    frames are zeros: not IP) and on net_pcap replaying uni64 and mixed frames (IPv4 TCP,
#    IPv4 UDP, IPv6 TCP, ARP, 802.1Q IPv4 in turn). Added = policy minus none, per rep.
if has_case 9; then
	for n in 10 1000 10000; do $POL --write-rules $n > "$out/rules.$n"; done
	python3 - "$out" <<-'EOF'
		import struct, sys
		def frame(i, kind):
		    eth = bytes([2, 0, 0, 0, 0, i & 255, 2, 0, 0, 0, 0, 1])
		    if kind == 3:	# ARP who-has
		        f = eth + b"\x08\x06" + struct.pack(">HHBBH", 1, 0x0800, 6, 4, 1) + bytes(20)
		        return f + bytes(60 - len(f))
		    if kind == 4:
		        eth += b"\x81\x00" + struct.pack(">H", 10)
		    sport, dport = 1024 + (i % 50000), 1 + (i * 7919) % 65535
		    if kind == 2:	# IPv6 TCP, 2001:2::/48 (benchmarking addresses)
		        src = bytes([0x20, 1, 0, 2] + [0] * 10 + [i >> 8 & 255, i & 255])
		        dst = bytes([0x20, 1, 0, 2] + [0] * 11 + [1])
		        l4 = struct.pack(">HHIIBBHHH", sport, dport, 0, 0, 0x50, 2, 0, 0, 0)
		        return eth + b"\x86\xdd" + struct.pack(">IHBB", 0x60000000, len(l4), 6, 64) + src + dst + l4
		    proto = 17 if kind == 1 else 6
		    l4 = struct.pack(">HHHH", sport, dport, 8, 0) if proto == 17 else \
		        struct.pack(">HHIIBBHHH", sport, dport, 0, 0, 0x50, 2, 0, 0, 0)
		    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), i & 0xffff, 0, 64, proto, 0,
		                     bytes([198, 18, i >> 8 & 255, i & 255]), bytes([198, 19, 0, 1]))
		    f = eth + b"\x08\x00" + ip + l4
		    return f + bytes(max(0, 60 - len(f)))
		for mix in ("uni64", "mixed"):
		    out = open("%s/%s.pcap" % (sys.argv[1], mix), "wb")
		    out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
		    for i in range(4096):
		        f = frame(i, 0 if mix == "uni64" else i % 5)
		        out.write(struct.pack("<IIII", 0, i, len(f), len(f)) + f)
	EOF
	traffics=(
		"net_null copy=1|--vdev net_null0,copy=1 --vdev net_null1,copy=1"
		"uni64, net_pcap|--vdev net_pcap0,rx_pcap=$out/uni64.pcap,infinite_rx=1 --vdev net_pcap1,rx_pcap=$out/uni64.pcap,infinite_rx=1"
		"mixed, net_pcap|--vdev net_pcap0,rx_pcap=$out/mixed.pcap,infinite_rx=1 --vdev net_pcap1,rx_pcap=$out/mixed.pcap,infinite_rx=1"
	)
	for r in $(seq "$reps"); do
		for t in "${traffics[@]}"; do
			label=${t%%|*} ports=${t#*|}
			if [ $((r % 2)) -eq 1 ]; then order="none 10 1000 10000"; else order="10000 1000 10 none"; fi
			for pol in $order; do
				opt=
				[ "$pol" = none ] || opt="--policy $out/rules.$pol"
				cmd="$VB -l 0,1 --no-pci $ports --file-prefix vbbench_vb $EAL_LOG -- --mbufs 32767 $opt"
				v=$(sample_primary vbbench_vb $cmd) || true
				record 9 "$label" "pol_$pol" "$r" "$v" "$cmd"
				# "policy FILE: N rules, ..., rte_acl ALG, K KiB, built in U us"
				[ "$pol" = none ] || sed -n "s/.*policy .*rte_acl \([a-z0-9]*\), \([0-9]*\) KiB, built in \([0-9]*\) us.*/$pol|\1|\2|\3/p" \
					"$out/vbbench_vb.log" >> "$out/policy_build.txt"
				log "case 9 run $r $label policy $pol: $v Mpps"
			done
		done
	done
fi
echo "load_end|$(uptime_load)" >> "$out/meta"
echo "busy_end|$(busy)" >> "$out/meta"

# The table: medians, spreads, ratios per pair of runs; then the other cases' figures.
python3 - "$out" "$reps" "$seconds" "${VB_BENCH_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}" "$tsc_hz" > "$out/table.md" <<'EOF'
import os, statistics, sys
out, reps, seconds, commit, hz = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
def rd(name):
    p = os.path.join(out, name)
    return open(p).read().splitlines() if os.path.exists(p) else []
meta = dict(l.split("|", 1) for l in rd("meta"))
rows, cmds = {}, {}
for l in rd("results.txt"):
    case, row, side, rep, val, cmd = l.split("|", 5)
    if "/" not in val:
        continue
    wall, cpu = (float(x) for x in val.split("/"))
    if wall <= 0 or cpu <= 0:
        continue
    rows.setdefault((case, row), {}).setdefault(side, {})[int(rep)] = (wall, cpu)
    cmds.setdefault(case, {}).setdefault(side + " " + row, cmd)
def stat(v):
    v = sorted(v)
    v = list(v)
    v.sort()
    return "%.2f (%.2f-%.2f)" % (statistics.median(v), v[0], v[-1]) if v else "-"
print("Commit %s; %s runs of %s s per point; load average %s at start, %s at end; "
      "other processes above 20 %% CPU at start: %s; at end: %s."
      % (commit, reps, seconds, meta.get("load_start", "?"), meta.get("load_end", "?"),
         meta.get("busy_start") or "none", meta.get("busy_end") or "none"))
print()
titles = (("1", "1. Forwarding ceiling, net_null, one forwarding lcore, burst 32 (Mpps, both directions)"),
          ("2", "2. Traffic mixes, net_ring loops (Mpps; cycles/frame = TSC Hz / rate)"),
          ("6", "6. Broadcast ARP storm written by net_pcap (65,536 distinct requests, both ports)"),
          ("7", "7. virtio-user ports, testpmd vhost-user host generating on the other CPU"),
          ("8", "8. Scaling, N workers on N pairs of net_null copy=1 (Mpps, all ports)"))
refs = {"1": "dpdk-testpmd --forward-mode=io",
        "2": "testpmd's io forwarding logic (bench_fwd --loop io) on the same ring ports",
        "6": "dpdk-testpmd --forward-mode=io on the same two net_pcap ports",
        "7": "dpdk-testpmd --forward-mode=io on the same two virtio-user ports, same CPU",
        "8": "dpdk-testpmd --forward-mode=io --nb-cores=N on the same ports"}
for case, title in titles:
    keys = [k for k in rows if k[0] == case]
    if not keys:
        continue
    print("### " + title)
    print()
    print("| traffic | vbridge | vbridge Mpps/CPU-s | reference Mpps/CPU-s | ratio per pair | cycles/frame vbridge | cycles/frame ref | vbridge Mpps wall | reference Mpps wall | ratio wall |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for k in keys:
        sides = rows[k]
        ref = sides.get("ref", {})
        for side in sorted(s for s in sides if s != "ref"):
            vb = sides[side]
            rc = [vb[r][1] / ref[r][1] for r in vb if r in ref]
            rw = [vb[r][0] / ref[r][0] for r in vb if r in ref]
            cyc = lambda d: "%.0f" % (hz / (statistics.median(x[1] for x in d.values()) * 1e6)) if d else "-"
            print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                k[1], "classifier " + side[3:], stat([x[1] for x in vb.values()]),
                stat([x[1] for x in ref.values()]), stat(rc), cyc(vb), cyc(ref),
                stat([x[0] for x in vb.values()]), stat([x[0] for x in ref.values()]), stat(rw)))
    print()
    print("Reference: " + refs[case] +
          ". Mpps/CPU-s: frames forwarded per second of CPU time of the worker thread (what "
          "it does while it has its core; the machine is shared); cycles/frame = TSC Hz / "
          "that rate; wall: frames per second of the sampling interval. Median (min-max).")
    print()
pol = [k for k in rows if k[0] == "9"]
if pol:
    stat1 = lambda v: "%.1f (%.1f-%.1f)" % (statistics.median(v), min(v), max(v))
    build = {}
    for l in rd("policy_build.txt"):
        n, alg, kib, us = l.split("|")
        build.setdefault(n, []).append((alg, int(kib), int(us)))
    print("### 9. Policy: random rules, nearly all missed, against no policy (vbridge, classifier on)")
    print()
    print("| traffic | rules | Mpps/CPU-s | cycles/frame | added cycles/frame (per pair) | Mpps wall | build | rte_acl memory | classify |")
    print("|---|---|---|---|---|---|---|---|---|")
    for k in pol:
        sides = rows[k]
        none = sides.get("pol_none", {})
        for n in ("none", "10", "1000", "10000"):
            d = sides.get("pol_" + n)
            if not d:
                continue
            cyc = lambda x: hz / (x[1] * 1e6)
            added = [cyc(d[r]) - cyc(none[r]) for r in d if r in none] if n != "none" else []
            b = build.get(n, [])
            print("| %s | %s | %s | %.0f | %s | %s | %s | %s | %s |" % (
                k[1], n, stat([x[1] for x in d.values()]),
                statistics.median(cyc(x) for x in d.values()),
                stat1(added) if added else "-",
                stat([x[0] for x in d.values()]),
                "%.0f ms" % statistics.median(x[2] / 1000 for x in b) if b else "-",
                "%d KiB" % statistics.median(x[1] for x in b) if b else "-",
                b[0][0] if b else "-"))
    print()
    print("cycles/frame = TSC Hz / frames per worker CPU-second; added: the policy's minus no "
          "policy's, per pair of runs in the same rep. Build: parse and rte_acl build on the main "
          "lcore at start (vbridge's log line); memory: the rte_malloc heap the rule set took. "
          "Median (min-max).")
    print()
if meta.get("scaling_skipped"):
    print("Scaling points skipped: %s (each needs a CPU per worker and one for the main lcore)."
          % meta["scaling_skipped"])
    print()
cls = rd("classify.txt")
if cls:
    cg = {l.split("|")[0]: l.split("|")[1:] for l in rd("callgrind.txt")}
    base = int(cg["none"][0]) / int(cg["none"][1]) if "none" in cg and cg["none"][0] else None
    print("### 3. Classifier alone (bench_classify; TSC cycles per frame, Ir = instructions per frame)")
    print()
    print("| kind | cycles median | min | net of harness | Ir/frame | Ir net | what |")
    print("|---|---|---|---|---|---|---|")
    for l in cls:
        if l.startswith("#") or l.startswith("kind"):
            continue
        f = l.split(None, 4)
        ir = net = "-"
        if f[0] in cg and cg[f[0]][0]:
            irf = int(cg[f[0]][0]) / int(cg[f[0]][1])
            ir = "%.0f" % irf
            net = "%.0f" % (irf - base) if base is not None and f[0] != "none" else "-"
        print("| %s | %s | %s | %s | %s | %s | %s |" % (f[0], f[1], f[2], f[3], ir, net, f[4]))
    print()
    print(cls[0].lstrip("# "))
    print()
lat = rd("latency.txt")
if lat:
    print("### 4. Idle single-frame latency (bench_fwd --latency, net_ring, frame in -> frame out)")
    print()
    print("| loop | frame | drain_us | samples | p50 us | p90 us | p99 us | max us | > drain+50 us | preemptions |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for l in lat:
        kv = dict(x.split("=", 1) for x in l.split(" cmd=")[0].split()[2:])
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (kv["loop"], kv["mix"],
              kv["drain_us"], kv["samples"], kv["p50_us"], kv["p90_us"], kv["p99_us"],
              kv["max_us"], kv["over_drain_plus_50us"], kv["preemptions"]))
    print()
    print("preemptions: involuntary context switches of the process's threads during the run "
          "(the kernel took the worker or the injector off its core); each can add a time slice "
          "(ms) to a frame's latency.")
    print()
mem = rd("memory.txt")
if mem:
    print("### 5. Memory, default configuration (net_null pair, -l 0,1)")
    print()
    print("| process | figures |")
    print("|---|---|")
    for l in mem:
        p, figs, _ = l.split("|", 2)
        print("| %s | %s |" % ("vbridge" if p == "vbbench_mem" else "dpdk-testpmd (8191 mbufs)", figs))
    print()
print("### Commands")
print()
print("```")
for case in sorted(cmds):
    for k, c in sorted(cmds[case].items()):
        print("# case %s, %s" % (case, k))
        print(c)
for l in rd("classify.meta"):
    print("# case 3")
    print(l.split("|", 1)[1])
for l in lat[:1] + lat[1:]:
    print("# case 4")
    print(l.split(" cmd=")[1])
for l in mem:
    print("# case 5")
    print(l.split("|", 2)[2])
if meta.get("host"):
    print("# case 7, the vhost-user host (CPU 0), started before each run")
    print(meta["host"])
print("```")
EOF

cat "$out/table.md"
if [ "$write" -eq 1 ]; then
	doc=docs/benchmarks.md
	[ -f "$doc" ] || printf '# Benchmarks\n\n<!-- bench:results begin -->\n<!-- bench:results end -->\n' > "$doc"
	python3 - "$doc" "$out/table.md" <<'EOF'
import sys
doc, table = sys.argv[1], open(sys.argv[2]).read()
text = open(doc).read()
b, e = "<!-- bench:results begin -->", "<!-- bench:results end -->"
if b not in text or e not in text:
    text = text.rstrip("\n") + "\n\n## Results (written by scripts/bench.sh)\n\n" + b + "\n" + e + "\n"
head, rest = text.split(b, 1)
tail = rest.split(e, 1)[1]
open(doc, "w").write(head + b + "\n" + table + e + tail)
EOF
	log "results written to $doc (raw figures in $out)"
fi
