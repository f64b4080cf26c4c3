#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# e2e: the capture tools given back (docs/capture.md).
#  (c) bad filter expressions are refused at start, exit 2, with libpcap's message; a mirror
#      filter without the mirror names the key;
#  (a) the mirror: vbridge --mirror on --mirror-filter 'arp or icmp' in the lab; tcpdump on the
#      mirror TAP sees exactly the ARP and ICMP frames sent (count and bytes), while both far
#      hosts still receive every frame, and the cap/mirror counters agree;
#  (d) --sample-filter 'udp port 53': sample_matched counts exactly the UDP/53 frames, per port;
#  (b) dpdk-dumpcap attached to the running vbridge: every frame of a batch captured once (count
#      and bytes by tshark/capinfos), timestamps inside the run's wall-clock window (the pcapng
#      clock fix), interface names in the file, "received/dropped N/0 (100.0)"; then with -f icmp
#      on the other port, only the ICMP frames.
# Traffic: scapy frames from made-up source MACs (02:00:00:ca:fe:0a/0b) to a MAC nobody has, so
# the far kernels answer nothing and every count is exact.
# Usage: capture.sh VBRIDGE_EXE
set -euo pipefail
source "$(dirname "$0")/lib.sh"
e2e_init cap "$@"
[ -c /dev/net/tun ] || skip "no /dev/net/tun (the mirror is a TAP interface)"
for t in tcpdump tshark capinfos dpdk-dumpcap; do
	command -v $t >/dev/null || skip "'$t' is not installed (scripts/deps.sh installs it)"
done
$PY -c 'import scapy' 2>/dev/null || skip "$PY has no scapy (apt-get install python3-scapy)"

MIRROR=${LAB_PREFIX}m0          # our own name: the default vbmirror0 may be someone else's
SRC_A=02:00:00:ca:fe:0a SRC_B=02:00:00:ca:fe:0b NOBODY=02:00:00:ca:fe:99
T0=$(date +%s)

# --- (c) bad expressions: refused before EAL starts ------------------------------------------
bad() { # EXPECTED_REGEX... -- vbridge options
	local pats=() rc=0
	while [ "$1" != -- ]; do pats+=("$1"); shift; done
	shift
	timeout 10 "$VB_EXE" -l 0,1 --no-huge --no-pci --file-prefix "${VB_FILE_PREFIX}x" \
		--vdev net_null0 --vdev net_null1 -- "$@" >"$WORK/bad.out" 2>"$WORK/bad.err" || rc=$?
	[ $rc -eq 2 ] || { cat "$WORK/bad.err" >&2; fail "vbridge -- $* exited $rc, expected 2"; }
	local p
	for p in "${pats[@]}"; do
		grep -qE "$p" "$WORK/bad.err" || { cat "$WORK/bad.err" >&2
			fail "vbridge -- $*: stderr lacks /$p/"; }
	done
	log "refused (exit 2): -- $* : $(head -n 1 "$WORK/bad.err")"
}
bad 'mirror_filter' 'syntax error' -- --mirror on --mirror-filter 'arp or or'
bad 'sample_filter' 'syntax error' -- --sample-filter 'tcp port'
bad 'mirror_filter' 'mirror = on|--mirror on' -- --mirror-filter arp

# --- the lab, vbridge with the mirror and the sample filter -----------------------------------
lab_up
vb_start --mirror on --mirror-iface "$MIRROR" --mirror-filter 'arp or icmp' \
	--sample-filter 'udp port 53'
ip link show "$MIRROR" >/dev/null 2>&1 || fail "mirror interface $MIRROR does not exist"
# The kernel would otherwise send its own IPv6 frames (MLD, RS) into the TAP; harmless
# (vbridge discards them, rx_discarded) but not what a test wants to see.
sysctl -qw "net.ipv6.conf.$MIRROR.disable_ipv6=1"
[ "$(cat "/sys/class/net/$MIRROR/operstate")" != down ] || fail "$MIRROR is down"

# capture NAME NETNS|- IFACE: tcpdump -Q in into $WORK/NAME.pcap, waits until it listens.
capture() {
	local name=$1 ns=$2 ifc=$3 pre=()
	[ "$ns" = - ] || pre=(ip netns exec "$ns")
	"${pre[@]}" tcpdump -i "$ifc" -Q in --immediate-mode -U -s 0 -n -w "$WORK/$name.pcap" \
		2>"$WORK/$name.err" &
	E2E_BG_PIDS+=($!)
	eval "CAP_$name=$!"
	local i
	for i in $(seq 1 50); do
		grep -qs "listening on" "$WORK/$name.err" && return 0
		sleep 0.1
	done
	fail "tcpdump on $ifc did not start: $(cat "$WORK/$name.err")"
}
capture mirror - "$MIRROR"
capture hosta "$NS_A" "$IF_A"
capture hostb "$NS_B" "$IF_B"

# dumpcap_start NAME [dumpcap options]: a secondary process on this vbridge, in the background.
dumpcap_start() {
	local name=$1; shift
	# stdbuf: "Capturing on" goes to a buffered stdout, we wait for it.
	stdbuf -oL dpdk-dumpcap --file-prefix "$VB_FILE_PREFIX" -q "$@" -w "$WORK/$name.pcapng" \
		>"$WORK/$name.out" 2>"$WORK/$name.err" &
	DC_PID=$!
	E2E_BG_PIDS+=($DC_PID)
	local i
	for i in $(seq 1 100); do
		grep -qs "Capturing on" "$WORK/$name.out" && return 0
		kill -0 $DC_PID 2>/dev/null || { cat "$WORK/$name.err" >&2; fail "dpdk-dumpcap $* exited"; }
		sleep 0.1
	done
	fail "dpdk-dumpcap $* did not start capturing in 10 s"
}
dumpcap_stop() {
	kill -INT $DC_PID
	local rc=0
	timeout 10 tail --pid=$DC_PID -f /dev/null || fail "dpdk-dumpcap did not stop after SIGINT"
	wait $DC_PID || rc=$?
	[ $rc -eq 0 ] || { cat "$WORK/$1.err" >&2; fail "dpdk-dumpcap exited $rc"; }
}

# gen NAME SRC_MAC SRC_IP DST_IP counts...: a pcap of known frames, and its "kind count bytes".
gen() {
	local name=$1 src=$2 sip=$3 dip=$4; shift 4
	$PY "$E2E_DIR/capture.py" gen "$WORK/$name.pcap" --src "$src" --dst "$NOBODY" \
		--src-ip "$sip" --dst-ip "$dip" "$@" >"$WORK/$name.counts"
}
# sent NAME KIND [count|bytes]
sent() {
	awk -v k="$2" -v f="${3:-count}" '$1 == k { print (f == "count" ? $2 : $3); found = 1 }
		END { if (!found) print 0 }' "$WORK/$1.counts"
}
send() { # NAME NETNS IFACE
	ip netns exec "$2" $PY "$E2E_DIR/frames.py" send "$3" "$WORK/$1.pcap" ||
		fail "sending $1 failed"
}
# pcap_frames FILE FILTER -> "count bytes" of the frames that match (tcpdump -r)
pcap_frames() {
	tcpdump -r "$1" -nn -e "$2" 2>/dev/null |
		awk '{ if (match($0, /, length [0-9]+: /)) { n++; b += substr($0, RSTART + 9, RLENGTH - 11) } }
		     END { printf "%d %d\n", n, b }'
}

gen a2b "$SRC_A" "$IP_A" "$IP_B" --arp 5 --icmp 7 --udp 11 --udp53 6 --tcp 13
gen b2a "$SRC_B" "$IP_B" "$IP_A" --arp 3 --icmp 2 --udp 4 --udp53 3 --tcp 5
gen a2b2 "$SRC_A" "$IP_A" "$IP_B" --arp 2 --icmp 4 --udp 3 --tcp 3

# --- (b) dumpcap, every frame, port 0 (both directions: pdump captures RX and TX) ------------
dumpcap_start all0 -i 0
W0=$(date +%s.%N)
send a2b "$NS_A" "$IF_A"
send b2a "$NS_B" "$IF_B"
sleep 0.5
W1=$(date +%s.%N)
dumpcap_stop all0

# --- (b) dumpcap -f icmp on port 1, by name -----------------------------------------------------
dumpcap_start icmp1 -i 1 -f icmp
send a2b2 "$NS_A" "$IF_A"
sleep 0.5
W2=$(date +%s.%N)
dumpcap_stop icmp1

sleep 0.3
for c in mirror hosta hostb; do
	eval "kill -INT \$CAP_$c"
	eval "wait \$CAP_$c" || true
done
vb_stop TERM
[ "$VB_RC" -eq 0 ] || fail "vbridge exited $VB_RC"
vb_check_conservation

rc=0
check() { # WHAT GOT EXPECTED
	if [ "$2" = "$3" ]; then log "ok   $1: $2"; else log "FAIL $1: got $2, expected $3"; rc=1; fi
}

# (a) the mirror: exactly the ARP and ICMP frames, count and bytes.
exp_n=0 exp_b=0
for n in a2b b2a a2b2; do
	for k in arp icmp; do
		exp_n=$((exp_n + $(sent $n $k))); exp_b=$((exp_b + $(sent $n $k bytes)))
	done
done
check "mirror $MIRROR: frames, bytes (all)" "$(pcap_frames "$WORK/mirror.pcap" '')" "$exp_n $exp_b"
check "mirror $MIRROR: frames that are not arp/icmp" \
	"$(pcap_frames "$WORK/mirror.pcap" 'not (arp or icmp)' | cut -d' ' -f1)" 0
# The far hosts still receive every frame, whatever the mirror filter.
tot() { local s=0 n; for n in "$@"; do s=$((s + $(sent $n total $FIELD))); done; echo $s; }
FIELD=count; nb=$(tot a2b a2b2); FIELD=bytes; bb=$(tot a2b a2b2)
check "host b received from a: frames, bytes" \
	"$(pcap_frames "$WORK/hostb.pcap" "ether src $SRC_A")" "$nb $bb"
check "host a received from b: frames, bytes" \
	"$(pcap_frames "$WORK/hosta.pcap" "ether src $SRC_B")" "$(sent b2a total) $(sent b2a total bytes)"

# The counters: per receiving port; port 0 carried a2b + a2b2, port 1 b2a.
capctr() { # PORT FIELD
	awk -v p="$1" -v f="$2" '$1 == "cap" && $2 == p {
		for (i = 4; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }' \
		"$WORK/vbridge.out"
}
mirctr() {
	awk -v f="$1" '$1 == "mirror" { for (i = 3; i <= NF; i++) { split($i, kv, "=")
		if (kv[1] == f) print kv[2] } }' "$WORK/vbridge.out"
}
m0=$(( $(sent a2b arp) + $(sent a2b icmp) + $(sent a2b2 arp) + $(sent a2b2 icmp) ))
m1=$(( $(sent b2a arp) + $(sent b2a icmp) ))
check "cap 0 mirror_matched" "$(capctr 0 mirror_matched)" $m0
check "cap 0 mirrored" "$(capctr 0 mirrored)" $m0
check "cap 0 mirror_full" "$(capctr 0 mirror_full)" 0
check "cap 1 mirror_matched" "$(capctr 1 mirror_matched)" $m1
check "cap 1 mirrored" "$(capctr 1 mirrored)" $m1
check "cap 1 mirror_full" "$(capctr 1 mirror_full)" 0
check "mirror tx_frames" "$(mirctr tx_frames)" $exp_n
check "mirror tx_bytes" "$(mirctr tx_bytes)" $exp_b
check "mirror tx_dropped" "$(mirctr tx_dropped)" 0
# (d) the sample filter
check "cap 0 sample_matched (udp port 53)" "$(capctr 0 sample_matched)" \
	$(( $(sent a2b udp53) + $(sent a2b2 udp53) ))
check "cap 1 sample_matched (udp port 53)" "$(capctr 1 sample_matched)" "$(sent b2a udp53)"

# (b) dumpcap, all frames on port 0: a2b received + b2a transmitted, each once.
tshark -r "$WORK/all0.pcapng" -T fields -E separator=' ' -e frame.time_epoch \
	-e frame.interface_name -e frame.len -e eth.src >"$WORK/all0.txt" 2>"$WORK/tshark.err" ||
	{ cat "$WORK/tshark.err" >&2; fail "tshark cannot read the dumpcap file"; }
ours_n=$(awk -v a=$SRC_A -v b=$SRC_B '$4 == a || $4 == b' "$WORK/all0.txt" | wc -l)
ours_b=$(awk -v a=$SRC_A -v b=$SRC_B '$4 == a || $4 == b { s += $3 } END { print s + 0 }' \
	"$WORK/all0.txt")
check "dumpcap -i 0: our frames, bytes" "$ours_n $ours_b" \
	"$(( $(sent a2b total) + $(sent b2a total) )) $(( $(sent a2b total bytes) + $(sent b2a total bytes) ))"
cap_n=$(capinfos -c -M "$WORK/all0.pcapng" | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }')
check "dumpcap -i 0: capinfos packets (ours + background $((cap_n - ours_n)))" \
	"$([ "$cap_n" -ge "$ours_n" ] && echo yes)" yes
bad_ts=$(awk -v w0="$W0" -v w1="$W1" '$1 < w0 - 1 || $1 > w1 + 1' "$WORK/all0.txt" | wc -l)
log "dumpcap timestamps: $(head -n1 "$WORK/all0.txt" | cut -d' ' -f1) .. $(tail -n1 "$WORK/all0.txt" | cut -d' ' -f1), window $W0 .. $W1"
check "dumpcap -i 0: timestamps outside the run's window" "$bad_ts" 0
ifnames=$(awk '{ print $2 }' "$WORK/all0.txt" | sort -u | tr '\n' ' ')
log "dumpcap -i 0: interface names in the file: $ifnames"
check "dumpcap -i 0: frames without an interface name" \
	"$(awk '$2 == "" || NF < 4' "$WORK/all0.txt" | wc -l)" 0
grep -E "Packets received/dropped" "$WORK/all0.err" >&2 || true
check "dumpcap -i 0: 'received/dropped R/0 (100.0)'" \
	"$(grep -cE "received/dropped on interface '[^']+': $cap_n/0 \(100\.0\)" "$WORK/all0.err")" 1

# (b) -f icmp on port 1: the ICMP frames of a2b2 (transmitted there), nothing else.
tshark -r "$WORK/icmp1.pcapng" -T fields -E separator=' ' -e frame.time_epoch -e frame.len \
	-e frame.protocols >"$WORK/icmp1.txt" 2>"$WORK/tshark.err" ||
	{ cat "$WORK/tshark.err" >&2; fail "tshark cannot read the dumpcap -f icmp file"; }
check "dumpcap -i 1 -f icmp: frames, bytes" \
	"$(awk '{ n++; s += $2 } END { printf "%d %d", n, s }' "$WORK/icmp1.txt")" \
	"$(sent a2b2 icmp) $(sent a2b2 icmp bytes)"
check "dumpcap -i 1 -f icmp: frames that are not ICMP" \
	"$(awk '$3 !~ /:icmp(:|$)/' "$WORK/icmp1.txt" | wc -l)" 0
check "dumpcap -i 1 -f icmp: timestamps outside the run's window" \
	"$(awk -v w0="$W0" -v w1="$W2" '$1 < w0 - 1 || $1 > w1 + 1' "$WORK/icmp1.txt" | wc -l)" 0
grep -E "Packets received/dropped" "$WORK/icmp1.err" >&2 || true

[ $rc -eq 0 ] || fail "capture checks failed (see above)"
log "PASS in $(( $(date +%s) - T0 )) s"
