#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# No sequence of kills stops monitoring or shutdown. vbridge on two net_null ports at full
# load (lcore 1), then:
#  1. hundreds of vbridge-stat monitors, each a random view, SIGKILLed at a random moment of
#     their start or their read (0 to 80 ms in): every so often a fresh monitor must answer
#     in under 100 ms and show the counters still growing (forwarding never stopped);
#  2. torn reads: two monitors reading every 100 ms while the worker writes at full rate see
#     every counter (directions, drops, PMD, worker, classifier) only grow, PMD and bridge
#     counters agree, and the copy of the PMD counters is never older than 100 ms;
#  3. SIGTERM: exit 0 within 1.5 s, the final counters printed, rx = tx + dropped;
#  4. dpdk-proc-info (a real DPDK secondary) SIGKILLed mid-attach in a loop until DPDK's
#     shared memory lock is wedged (a later proc-info hangs) or 40 tries: vbridge-stat still
#     answers in under 100 ms, and SIGTERM still ends vbridge within 1.5 s, exit 0, with its
#     final counters.
# Part 4 needs real hugepages (secondaries); without them it is skipped with a note.
# VB_MONITOR_ANSWER_MS overrides the 100 ms a monitor may take (sanitize.sh: an instrumented
# vbridge-stat spends that much in ASan's own start).
# Usage: test_monitors.sh PATH/TO/vbridge PATH/TO/vbridge-stat
set -u
source "$(dirname "$0")/../../scripts/lib.sh"
vb_init monitors keep-going
answer_max=${VB_MONITOR_ANSWER_MS:-100}
vbridge=$1
stat=$2
vb_scratch mon
now_ms() { echo $(($(date +%s%N) / 1000000)); }
free_pages() { cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages 2>/dev/null || echo 0; }

# start_vbridge PREFIX MEM...: in the background, sets vpid, waits until ready
start_vbridge() {
	local p=$1
	shift
	"$vbridge" -l 0,1 --no-pci "$@" --file-prefix "$p" --log-level lib.eal:error \
		--vdev net_null0 --vdev net_null1 >"$tmp/$p.out" 2>"$tmp/$p.err" &
	vpid=$!
	vb_wait_ready "$tmp/$p.err" "$vpid" 10 && return 0
	echo "vbridge did not become ready:"
	cat "$tmp/$p.err"
	return 1
}

# rx_now PREFIX: sets rx, the frames received on port 0 so far as a fresh monitor says, and
# answer_ms, how long it took to say so
rx_now() {
	local t0 out
	t0=$(date +%s%N)
	out=$(timeout 10 "$stat" -f "$1" --no-rates --json 2>&1)
	answer_ms=$((($(date +%s%N) - t0) / 1000000))
	rx=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["directions"][0]["rx_frames"])' \
		"$out" 2>/dev/null) || { echo "monitor failed: $out"; rx=0; }
}

# stop_vbridge PREFIX: SIGTERM, then check time, status and the final counters
stop_vbridge() {
	check
	vb_stop "$vpid"
	echo "SIGTERM: exit $VB_STOP_STATUS after $VB_STOP_MS ms; $(grep -c '^dir ' "$tmp/$1.out")" \
		"dir lines $(grep -o 'clean-up is stuck' "$tmp/$1.err")"
	[ "$VB_STOP_STATUS" -eq 0 ] ||
		fail "exit status $VB_STOP_STATUS after SIGTERM: $(tail -2 "$tmp/$1.err")"
	[ "$VB_STOP_MS" -le 1500 ] || fail "SIGTERM took $VB_STOP_MS ms (at most 1500)"
	vb_check_conservation "$tmp/$1.out" --dirs 2 --moved
}

mem=(--no-huge -m 256)
[ "$(free_pages)" -ge 128 ] && mountpoint -q /dev/hugepages && mem=()
if ! start_vbridge "$prefix" "${mem[@]}"; then
	echo "FAIL: vbridge did not start"
	exit 1
fi

# --- 1. monitors killed at random moments ---
views=("--no-rates" "--json --interval 0.1" "--watch 0.1" "--prometheus" "--diagnose -i 0.1"
	"--macs" "--samples" "--json --watch 0.1" "--pcapng $tmp/k.pcapng --follow")
kills=300 slowest=0 stalls=0 last=0
t_start=$(now_ms)
for i in $(seq "$kills"); do
	# shellcheck disable=SC2086
	"$stat" -f "$prefix" ${views[$((RANDOM % ${#views[@]}))]} >/dev/null 2>&1 &
	m=$!
	sleep "$(printf '0.%03d' $((RANDOM % 80)))"
	kill -9 "$m" 2>/dev/null
	{ wait "$m"; } 2>/dev/null
	if [ $((i % 25)) -eq 0 ]; then
		check
		rx_now "$prefix"
		[ "$answer_ms" -gt "$slowest" ] && slowest=$answer_ms
		[ "$answer_ms" -lt "$answer_max" ] ||
			fail "after $i kills a monitor took $answer_ms ms to answer (at most $answer_max)"
		if [ "$rx" -le "$last" ]; then
			stalls=$((stalls + 1))
			fail "after $i kills: rx_frames $rx, was $last: forwarding stopped?"
		fi
		last=$rx
	fi
done
echo "$kills monitors SIGKILLed 0-80 ms into start or read in $(($(now_ms) - t_start)) ms;" \
	"the next monitor answered in at most $slowest ms; forwarding stalls: $stalls"

# --- 2. torn reads: monotonic counters under full-rate writes ---
check
watchers=()
for k in 1 2; do
	timeout 20 "$stat" -f "$prefix" --json --watch 0.1 --count 40 >"$tmp/w$k" 2>&1 &
	watchers+=($!)
done
wait "${watchers[@]}"
python3 - "$tmp/w1" "$tmp/w2" <<'EOF' || fail "torn or backward reads (above)"
import json, sys
bad = []
def flat(j):
    out = {}
    for d in j["directions"]:
        k = "dir%d." % d["rx_port"]
        for f in ("rx_frames", "rx_bytes", "tx_frames", "tx_bytes", "dropped"):
            out[k + f] = d[f]
    for p in j["ports"]:
        for f, v in p["ethdev"].items():
            if f not in ("error", "age_s"):
                out["%s.eth.%s" % (p["name"], f)] = v
        for f, v in p["classifier"].items():
            out["%s.cls.%s" % (p["name"], f)] = v
    for i, w in enumerate(j["workers"]):
        out["worker%d.polls" % i] = w["polls"]
    return out
for path in sys.argv[1:]:
    objs = [json.loads(l) for l in open(path)]
    if len(objs) != 40:
        bad.append("%s: %d reads, expected 40" % (path, len(objs)))
    prev = None
    for no, j in enumerate(objs):
        cur = flat(j)
        for p in j["ports"]:
            if p["ethdev"]["error"] is not None or not 0 <= p["ethdev"]["age_s"] < 0.1:
                bad.append("read %d: ethdev of %s: %r" % (no, p["name"], p["ethdev"]))
        for d in j["directions"]:
            if not 0 <= d["rx_frames"] - d["tx_frames"] - d["dropped"] <= 4096:
                bad.append("read %d: dir %d rx %d tx %d dropped %d" % (
                    no, d["rx_port"], d["rx_frames"], d["tx_frames"], d["dropped"]))
        if prev is not None:
            for k, v in cur.items():
                if v < prev.get(k, 0):
                    bad.append("read %d: %s went from %d to %d" % (no, k, prev[k], v))
            if cur["dir0.rx_frames"] <= prev["dir0.rx_frames"]:
                bad.append("read %d: rx_frames did not grow" % no)
        prev = cur
for b in bad[:10]:
    print("  " + b)
print("  torn reads: %d reads checked, %d problems" % (80, len(bad)))
sys.exit(1 if bad else 0)
EOF

# --- 3. SIGTERM after all that ---
stop_vbridge "$prefix"

# --- 4. dpdk-proc-info killed mid-attach until DPDK's lock is wedged ---
if [ ${#mem[@]} -ne 0 ] || ! command -v dpdk-proc-info >/dev/null; then
	echo "note: no hugepages or no dpdk-proc-info: the secondary-process part is skipped"
else
	p2=${prefix}_pi
	if start_vbridge "$p2"; then
		tries=0 wedged=0
		while [ "$tries" -lt 40 ] && [ "$wedged" -eq 0 ]; do
			tries=$((tries + 1))
			dpdk-proc-info --file-prefix "$p2" --log-level lib.eal:error -- --stats \
				>/dev/null 2>&1 &
			m=$!
			sleep "$(printf '0.%03d' $((5 + RANDOM % 95)))"
			kill -9 "$m" 2>/dev/null
			{ wait "$m"; } 2>/dev/null
			if [ $((tries % 5)) -eq 0 ]; then
				timeout 3 dpdk-proc-info --file-prefix "$p2" --log-level lib.eal:error \
					-- --stats >/dev/null 2>&1
				[ $? -eq 124 ] && wedged=1
			fi
		done
		if [ "$wedged" -eq 1 ]; then
			echo "DPDK's lock wedged after $tries dpdk-proc-info runs killed mid-attach"
		else
			echo "note: DPDK's lock not wedged in $tries killed dpdk-proc-info runs"
		fi
		check
		rx_now "$p2"
		r1=$rx
		sleep 0.2
		rx_now "$p2"
		r2=$rx
		echo "vbridge-stat beside it: answered in $answer_ms ms, rx_frames $r1 then $r2"
		[ "$answer_ms" -lt "$answer_max" ] ||
			fail "vbridge-stat took $answer_ms ms beside proc-info (at most $answer_max)"
		[ "$r2" -gt "$r1" ] || fail "rx_frames $r1 then $r2: forwarding or monitoring stopped"
		stop_vbridge "$p2"
	else
		fail "vbridge for the proc-info part did not start"
	fi
fi

vb_done
