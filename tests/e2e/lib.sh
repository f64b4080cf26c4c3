# SPDX-License-Identifier: BSD-3-Clause
# Shared helpers for the e2e tests (sourced, not run). Each test:
#   source "$(dirname "$0")/lib.sh"; e2e_init NAME "$@"   # $1: the vbridge executable
#   lab_up; vb_start [vbridge options]; ...traffic...; vb_stop; vb_check_conservation
# e2e_init installs an EXIT trap that stops vbridge and every helper process, removes the lab,
# the EAL runtime directory and hugepage files of this test's --file-prefix, whatever happened.
#
# Environment: LAB_PMD (af_packet default, af_xdp), LAB_MTU, E2E_KEEP=1 keeps the work dir,
# VB_CMD overrides the bridge command (e.g. "dpdk-testpmd" stand-in is NOT supported by the
# counter checks; it only serves to debug the lab).

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_ROOT=$(cd "$E2E_DIR/../.." && pwd)
# log, skip, fail, vb_counter, vb_check_conservation, hugepages and prefixes: scripts/lib.sh.
source "$E2E_ROOT/scripts/lib.sh"
LAB="$E2E_ROOT/scripts/lab.sh"
PY=/usr/bin/python3      # Debian's, with scapy; a pyenv python3 on PATH may lack it
E2E_BG_PIDS=()
E2E_ON_EXIT=()
VB_PID=
VB_RC=

# e2e_init NAME VBRIDGE_EXE (NAME at most 6 characters [a-z0-9]): checks what the test needs, picks names, installs the cleanup trap.
e2e_init() {
	E2E_NAME=$1
	vb_init "$E2E_NAME"
	VB_EXE=${VB_CMD:-${2:-}}
	[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, veth, DPDK)"
	[ -n "$VB_EXE" ] || fail "usage: $0 VBRIDGE_EXECUTABLE"
	[ -x "$VB_EXE" ] || command -v "$VB_EXE" >/dev/null || fail "vbridge executable '$VB_EXE' not found"
	local t
	for t in ip ethtool ping; do
		command -v "$t" >/dev/null || skip "'$t' is not installed (scripts/deps.sh installs it)"
	done
	vb_need_hugepages 64
	# Names from the test's own name, so that tests and labs never share anything.
	export LAB_PREFIX=${LAB_PREFIX:-e2$E2E_NAME}
	export LAB_PMD=${LAB_PMD:-af_packet}
	export LAB_MTU=${LAB_MTU:-1500}
	VB_FILE_PREFIX=vb$LAB_PREFIX
	NS_A=$LAB_PREFIX-a NS_B=$LAB_PREFIX-b
	IF_A=${LAB_PREFIX}h0 IF_B=${LAB_PREFIX}h1
	IP_A=198.18.0.1 IP_B=198.18.0.2
	IP6_A=2001:2::1 IP6_B=2001:2::2
	WORK=$(mktemp -d "/tmp/vbridge-e2e-$E2E_NAME.XXXXXX")
	trap e2e_cleanup EXIT
	trap 'exit 130' INT TERM
	log "lab $LAB_PREFIX, pmd $LAB_PMD, mtu $LAB_MTU, file-prefix $VB_FILE_PREFIX, logs in $WORK"
}

e2e_cleanup() {
	local rc=$?
	set +e
	local p
	for p in "${E2E_BG_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	if [ -n "$VB_PID" ] && kill -0 "$VB_PID" 2>/dev/null; then
		kill -TERM "$VB_PID" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$VB_PID" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$VB_PID" 2>/dev/null
		wait "$VB_PID" 2>/dev/null
	fi
	for p in "${E2E_BG_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	for p in "${E2E_ON_EXIT[@]}"; do
		eval "$p" >/dev/null 2>&1
	done
	"$LAB" down >/dev/null 2>&1
	# What a killed primary leaves behind; harmless after a clean exit.
	vb_clean_prefix "$VB_FILE_PREFIX"
	if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
		log "exit $rc; vbridge stderr tail ($WORK/vbridge.err):"
		tail -n 15 "$WORK/vbridge.err" 2>/dev/null | sed 's/^/    /' >&2
		log "work dir kept: $WORK"
	elif [ "${E2E_KEEP:-0}" = 1 ]; then
		log "work dir kept: $WORK"
	else
		rm -rf "$WORK"
	fi
	exit $rc
}

lab_up() {
	"$LAB" up 2>"$WORK/lab.err" || { cat "$WORK/lab.err" >&2; fail "lab.sh up failed"; }
	MAC_A=$(ip netns exec "$NS_A" cat "/sys/class/net/$IF_A/address")
	MAC_B=$(ip netns exec "$NS_B" cat "/sys/class/net/$IF_B/address")
}

in_a() { ip netns exec "$NS_A" "$@"; }
in_b() { ip netns exec "$NS_B" "$@"; }

# on_exit CMD...: run CMD (as given, no shell expansion) in the cleanup trap, after vbridge and
# the background processes have stopped and before the lab is removed; its failure is ignored.
# For what a test adds outside the lab's namespaces and veths (e.g. a Linux bridge).
on_exit() { E2E_ON_EXIT+=("$(printf '%q ' "$@")"); }

# bg CMD...: run in the background, killed by the cleanup trap.
bg() { "$@" & E2E_BG_PIDS+=($!); }

# vb_start [vbridge options after --]: start vbridge on the lab's ports and wait for "ready".
vb_start() {
	local vdevs
	mapfile -t vdevs < <("$LAB" vdevs)
	VB_ARGS=(-l 0,1 --file-prefix "$VB_FILE_PREFIX" "${vdevs[@]}" -- "$@")
	log "starting: $VB_EXE ${VB_ARGS[*]}"
	"$VB_EXE" "${VB_ARGS[@]}" >"$WORK/vbridge.out" 2>"$WORK/vbridge.err" &
	VB_PID=$!
	local ready=0
	vb_wait_ready "$WORK/vbridge.err" "$VB_PID" 15 || ready=$?
	case $ready in
	0) ;;
	1) VB_PID=; fail "vbridge exited with $VB_RC before it was ready" ;;
	*) fail "vbridge not ready after 15 s" ;;
	esac
}

# iperf3_server: one iperf3 test served on host b (198.18.0.2:5201), in the background; returns
# once it listens.
iperf3_server() {
	bg in_b iperf3 -s -1 -B "$IP_B" -p 5201 >"$WORK/iperf3-server.log" 2>&1
	local i
	for i in $(seq 1 50); do
		in_b ss -ltn 2>/dev/null | grep -q ':5201 ' && return 0
		sleep 0.1
	done
	fail "iperf3 server not listening after 5 s: $(cat "$WORK/iperf3-server.log")"
}

# vb_stop [SIGNAL]: signal vbridge, wait; sets VB_RC and VB_STOP_MS (signal to exit).
vb_stop() {
	local sig=${1:-TERM} t0 t1
	[ -n "$VB_PID" ] || fail "vb_stop: vbridge is not running"
	t0=$(date +%s%N)
	kill "-$sig" "$VB_PID"
	# Wait up to 10 s; the caller checks the time against its limit.
	local i
	for i in $(seq 1 1000); do
		kill -0 "$VB_PID" 2>/dev/null || break
		sleep 0.01
	done
	t1=$(date +%s%N)
	if kill -0 "$VB_PID" 2>/dev/null; then
		kill -KILL "$VB_PID"
		wait "$VB_PID" 2>/dev/null
		VB_PID=
		fail "vbridge still running 10 s after SIG$sig (killed)"
	fi
	wait "$VB_PID"
	VB_RC=$?
	VB_PID=
	VB_STOP_MS=$(( (t1 - t0) / 1000000 ))
	log "vbridge exited $VB_RC, $VB_STOP_MS ms after SIG$sig"
	sed 's/^/    /' "$WORK/vbridge.out" >&2
}
# reflector_on / reflector_off: host a reflects every broadcast it receives back out of the same
# interface (tc ingress, mirred egress mirror), like the spare uplink of the scenario's vSwitch0
# (shared/scenario.md). Sets REFLECTOR to the classifier used (flower or u32).
reflector_on() {
	in_a tc qdisc add dev "$IF_A" clsact 2>/dev/null || in_a tc qdisc add dev "$IF_A" ingress ||
		skip "cannot add an ingress qdisc (CONFIG_NET_SCH_INGRESS)"
	# flower where the kernel has it (CONFIG_NET_CLS_FLOWER), else u32 on the Ethernet header
	# (this sandbox kernel has u32 and mirred but neither flower nor matchall).
	if in_a tc filter add dev "$IF_A" ingress protocol all flower dst_mac ff:ff:ff:ff:ff:ff \
		action mirred egress mirror dev "$IF_A" 2>/dev/null; then
		REFLECTOR=flower
	elif in_a tc filter add dev "$IF_A" ingress protocol all u32 match ether dst ff:ff:ff:ff:ff:ff \
		action mirred egress mirror dev "$IF_A" 2>"$WORK/tc.err"; then
		REFLECTOR=u32
	else
		skip "tc cannot mirror: neither flower nor u32 with mirred: $(cat "$WORK/tc.err")"
	fi
	log "reflector on $IF_A in $NS_A: tc $REFLECTOR dst ff:ff:ff:ff:ff:ff -> mirred egress mirror dev $IF_A"
}
reflector_off() {
	in_a tc qdisc del dev "$IF_A" clsact 2>/dev/null || in_a tc qdisc del dev "$IF_A" ingress
}
