#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# quickstart: on a new Debian 12 machine, install what is missing, build, reserve hugepages,
# start the lab (two network namespaces joined through veth pairs, scripts/lab.sh), run
# vbridge between them, send traffic both ways (ping, arping) and show the counters.
# Runs until Ctrl-C or --duration N seconds; always removes the lab. Exits non-zero if traffic
# does not cross the bridge.
set -euo pipefail

usage() {
	cat <<USAGE
Usage: $0 [--duration N] [--no-deps] [--help]     (as root)
  --duration N   stop after N seconds (default: run until Ctrl-C)
  --no-deps      do not run scripts/deps.sh (packages already installed)
  --help         this text
Environment: LAB_PMD=af_packet|af_xdp (default af_packet), LAB_PREFIX (default vbq), LAB_MTU.
The lab uses 198.18.0.1 and 198.18.0.2 (198.18.0.0/15, reserved for benchmarking); no traffic
leaves the two namespaces.
USAGE
}

duration=0
deps=1
while [ $# -gt 0 ]; do
	case $1 in
	--duration) [ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] || { usage >&2; exit 2; }; duration=$2; shift 2;;
	--duration=*) duration=${1#*=}; [[ $duration =~ ^[0-9]+$ ]] || { usage >&2; exit 2; }; shift;;
	--no-deps) deps=0; shift;;
	-h|--help) usage; exit 0;;
	*) echo "quickstart: unknown option '$1'" >&2; usage >&2; exit 2;;
	esac
done
[ "$(id -u)" -eq 0 ] || { echo "quickstart: run as root (sudo): it installs packages, reserves hugepages and creates network namespaces" >&2; exit 1; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
source scripts/lib.sh
export LAB_PREFIX=${LAB_PREFIX:-vbq}
export LAB_PMD=${LAB_PMD:-af_packet}
FP=vbquick
NS_A=$LAB_PREFIX-a NS_B=$LAB_PREFIX-b
IF_A=${LAB_PREFIX}h0 IF_B=${LAB_PREFIX}h1
VB=build/app/vbridge/vbridge
LOG=$(mktemp -d /tmp/vbridge-quickstart.XXXXXX)
vb_pid=
say() { echo "== $*"; }

cleanup() {
	local rc=$?
	set +e
	if [ -n "$vb_pid" ] && kill -0 "$vb_pid" 2>/dev/null; then
		kill -TERM "$vb_pid"; wait "$vb_pid"
	fi
	scripts/lab.sh down
	vb_clean_prefix "$FP"
	if [ $rc -eq 0 ]; then rm -rf "$LOG"; else echo "quickstart: failed (exit $rc); logs in $LOG" >&2; fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ $deps -eq 0 ] || { say "installing missing packages (scripts/deps.sh)"; scripts/deps.sh; }
say "building"
[ -f build/build.ninja ] || meson setup build
ninja -C build
say "reserving hugepages"
scripts/hugepages.sh
say "starting the lab ($LAB_PREFIX, $LAB_PMD)"
scripts/lab.sh up
scripts/lab.sh status

mapfile -t vdevs < <(scripts/lab.sh vdevs)
say "starting: $VB -l 0,1 --file-prefix $FP ${vdevs[*]} --"
# The final counters (stdout) go to the terminal and to the log, which the last check reads.
"$VB" -l 0,1 --file-prefix "$FP" "${vdevs[@]}" -- > >(tee "$LOG/vbridge.out") 2>"$LOG/vbridge.err" &
vb_pid=$!
ready=0
vb_wait_ready "$LOG/vbridge.err" "$vb_pid" 15 || ready=$?
case $ready in
0) grep 'vbridge: ready' "$LOG/vbridge.err" ;;
1) cat "$LOG/vbridge.err" >&2; vb_pid=; echo "quickstart: vbridge did not start (exit $VB_RC)" >&2; exit 1 ;;
*) echo "quickstart: vbridge not ready after 15 s" >&2; exit 1 ;;
esac

fails=0
try() { # description command...
	local d=$1; shift
	if out=$("$@" 2>&1); then
		say "ok: $d"; echo "$out" | tail -n 2 | sed 's/^/   /'
	else
		say "FAILED: $d"; echo "$out" | tail -n 4 | sed 's/^/   /'; fails=$((fails + 1))
	fi
}
traffic() {
	try "ping 198.18.0.1 -> 198.18.0.2" ip netns exec "$NS_A" ping -c 3 -i 0.2 -W 2 198.18.0.2
	try "ping 198.18.0.2 -> 198.18.0.1" ip netns exec "$NS_B" ping -c 3 -i 0.2 -W 2 198.18.0.1
	try "arping 198.18.0.1 -> 198.18.0.2" ip netns exec "$NS_A" arping -c 3 -W 0.2 -I "$IF_A" 198.18.0.2
	try "arping 198.18.0.2 -> 198.18.0.1" ip netns exec "$NS_B" arping -c 3 -W 0.2 -I "$IF_B" 198.18.0.1
}
STAT=build/app/vbridge-stat/vbridge-stat
counters() {
	# The monitor first (it maps the stats segment and only reads); telemetry as a fallback.
	if [ -x "$STAT" ] && "$STAT" -f "$FP" --no-rates >"$LOG/stat.out" 2>&1; then
		say "the monitor: $STAT -f $FP"
		sed 's/^/   /' "$LOG/stat.out"
		return
	fi
	say "counters (telemetry: echo /vbridge/stats,N | dpdk-telemetry.py -f $FP)"
	local p out
	for p in 0 1; do
		if out=$(echo "/vbridge/stats,$p" | timeout 5 dpdk-telemetry.py -f "$FP" 2>/dev/null) &&
			echo "$out" | grep -q rx_frames; then
			echo "   port $p: $(echo "$out" | tr -d '\n')"
		else
			timeout 20 dpdk-proc-info --file-prefix "$FP" -- --stats 2>/dev/null |
				grep -E 'NIC statistics|RX-packets:|TX-packets:' | grep -v 'Stats reg' | sed 's/^/   /'
			break
		fi
	done
}

traffic
counters
if [ "$fails" -ne 0 ]; then
	echo "quickstart: $fails traffic check(s) failed: frames do not cross the bridge" >&2
	exit 1
fi

start=$SECONDS
if [ "$duration" -gt 0 ]; then
	say "running for $duration s (Ctrl-C stops earlier); traffic every 5 s"
else
	say "running until Ctrl-C; traffic every 5 s"
fi
while [ "$duration" -eq 0 ] || [ $((SECONDS - start)) -lt "$duration" ]; do
	left=5
	[ "$duration" -gt 0 ] && [ $((duration - (SECONDS - start))) -lt 5 ] && left=$((duration - (SECONDS - start)))
	[ "$left" -gt 0 ] && sleep "$left"
	[ "$duration" -gt 0 ] && [ $((SECONDS - start)) -ge "$duration" ] && break
	ip netns exec "$NS_A" ping -c 2 -i 0.2 -W 2 198.18.0.2 >/dev/null || fails=$((fails + 1))
	ip netns exec "$NS_B" ping -c 2 -i 0.2 -W 2 198.18.0.1 >/dev/null || fails=$((fails + 1))
	counters
done

if [ -x "$STAT" ]; then
	say "what vbridge-stat finds: $STAT -f $FP --diagnose"
	"$STAT" -f "$FP" --diagnose 2>&1 | sed 's/^/   /' || true
fi
say "stopping vbridge (SIGTERM); final counters:"
kill -TERM "$vb_pid"
rc=0; wait "$vb_pid" || rc=$?
vb_pid=
[ "$rc" -eq 0 ] || { echo "quickstart: vbridge exited $rc" >&2; exit 1; }
sleep 0.2
for d in '0->1' '1->0'; do
	n=$(vb_counter "$d" tx_frames "$LOG/vbridge.out" || echo 0)
	[ "${n:-0}" -gt 0 ] || { echo "quickstart: no frames crossed in direction $d" >&2; exit 1; }
done
# Every frame received was sent or counted as dropped, for its reason.
vb_check_conservation "$LOG/vbridge.out" --dirs 2
[ "$fails" -eq 0 ] || { echo "quickstart: $fails ping round(s) failed while running" >&2; exit 1; }
say "frames crossed the bridge both ways; removing the lab"
