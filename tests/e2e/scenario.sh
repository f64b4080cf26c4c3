#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# e2e: the fault of shared/scenario.md, reproduced in the lab, and vbridge's diagnosis of it.
#
#   host a (bridge port 0, "gateway" side, the vSwitch with two uplinks) reflects every
#   broadcast it receives back out of the same interface: a tc ingress filter with
#   mirred egress mirror, like the spare uplink of vSwitch0.
#
# 1. The reflector works: a capture on the bridge-side veth of port 0 sees each broadcast of
#    host b twice, once leaving toward host a and once coming back.
# 2. Control: a Linux bridge with learning (defaults) in vbridge's place. Without the reflector
#    ARP b -> a resolves; with it, arping b -> a gets no reply, ping fails with the neighbour
#    INCOMPLETE/FAILED, and `bridge fdb` shows host b's MAC learned on port 0 (the wrong side).
# 3. vbridge in its place, reflector still on: ARP resolves, ping works, and within a second
#    telemetry /vbridge/classifier,0 shows reflected, mac_moves and would_be_filtered > 0;
#    the cls lines at SIGTERM agree (every broadcast sent out of port 0 came back).
#    vbridge-stat, the monitor, tells the same story: --diagnose names the reflecting port
#    (bridge port 0) and host b's MAC, --samples shows the ARP requests decoded, --macs shows
#    host b's MAC with moves, and --pcapng writes a file tshark and capinfos read: frames,
#    timestamps within the run's wall-clock window, interfaces named as the ports, the
#    reasons as packet comments.
# 4. No false alarms: reflector off, a new vbridge, ping (IPv4 and IPv6), arping both ways,
#    iperf3: duplicate, reflected, looped, mac_moves, would_be_filtered are 0 on both ports,
#    and vbridge-stat --diagnose sees no problems.
# Usage: scenario.sh VBRIDGE_EXE (vbridge-stat is taken from the same build, or $VBRIDGE_STAT)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
e2e_init scen "$@"
for t in tc tcpdump arping iperf3 bridge dpdk-telemetry.py tshark capinfos; do
	command -v $t >/dev/null || skip "'$t' is not installed (scripts/deps.sh installs it)"
done
STAT=${VBRIDGE_STAT:-$(dirname "$VB_EXE")/../vbridge-stat/vbridge-stat}
[ -x "$STAT" ] || fail "vbridge-stat not found at $STAT (set VBRIDGE_STAT)"

BR=${LAB_PREFIX}br
PORT0=${LAB_PREFIX}p0 PORT1=${LAB_PREFIX}p1
# The Linux bridge lives in the root namespace: the lab's own cleanup would leave it behind.
ip link del "$BR" >/dev/null 2>&1 || true
on_exit ip link del "$BR"

lab_up
log "host a $IP_A $MAC_A on port 0 ($PORT0), host b $IP_B $MAC_B on port 1 ($PORT1)"

# --- telemetry and counter lines as "key=value ..." -------------------------------------------
tele() { # CMD: one telemetry answer, flattened to key=value words
	echo "$1" | timeout 10 dpdk-telemetry.py -f "$VB_FILE_PREFIX" 2>"$WORK/tele.err" |
		$PY -c 'import json, sys
d = json.loads(sys.stdin.read())
(v,) = d.values()
print(" ".join("%s=%s" % (k, str(x).replace(" ", "_")) for k, x in v.items()))' ||
		fail "telemetry $1 gave no answer: $(cat "$WORK/tele.err")"
}
kv() { # KEY WORDS...: the value of KEY in key=value words (fails if absent)
	local k=$1; shift
	echo "$*" | tr ' ' '\n' | awk -F= -v k="$k" '$1 == k { print $2; f = 1 } END { exit !f }'
}
cls_line() { # PORT: the "cls PORT ..." line vbridge printed at exit
	grep -E "^cls $1 " "$WORK/vbridge.out" || fail "no 'cls $1' line on vbridge's stdout"
}
ALARMS="duplicate reflected looped mac_moves would_be_filtered"
show() { # LABEL WORDS...: log the counters that tell the story
	local l=$1 k s=; shift
	for k in bcast mcast arp_request arp_reply nd_ns nd_na $ALARMS samples; do
		s+=" $k=$(kv $k "$@" || echo '?')"
	done
	log "$l:$s"
}
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# --- the reflector (reflector_on / reflector_off: lib.sh) -----------------------------------
reflected_by_tc() { # how many frames the reflector has mirrored so far
	in_a tc -s filter show dev "$IF_A" ingress | awk '/Sent [0-9]+ bytes/ { n = $4 } END { print n + 0 }'
}

arping_replies() { # HOST(a|b) IFACE IP COUNT: prints the number of replies; output in $WORK/arping.out
	ip netns exec "$LAB_PREFIX-$1" arping -c "$4" -W 0.3 -I "$2" "$3" >"$WORK/arping.out" 2>&1 || true
	grep -c ' bytes from ' "$WORK/arping.out" || true
}
neigh_flush() { in_a ip neigh flush dev "$IF_A"; in_b ip neigh flush dev "$IF_B"; }

T_START=$(date +%s%N)

# === 2. control: a Linux bridge with learning ================================================
ip link add "$BR" type bridge || skip "cannot create a Linux bridge"
sysctl -qw "net.ipv6.conf.$BR.disable_ipv6=1" >/dev/null 2>&1 || true
ip link set "$PORT0" master "$BR"
ip link set "$PORT1" master "$BR"
ip link set "$BR" up
log "control: Linux bridge $BR: $(ip -d link show "$BR" | grep -oE '(ageing_time|stp_state) [0-9]+' | tr '\n' ' ')"
for _ in $(seq 1 30); do   # STP is off: ports forward at once; wait for the bridge to say so
	[ "$(bridge link show dev "$PORT1" | grep -c 'state forwarding')" = 1 ] &&
		[ "$(bridge link show dev "$PORT0" | grep -c 'state forwarding')" = 1 ] && break
	sleep 0.1
done

# Baseline, no reflector yet: the Linux bridge itself is fine.
n=$(arping_replies b "$IF_B" "$IP_A" 2)
[ "$n" -eq 2 ] || fail "control baseline (Linux bridge, no reflector): arping b -> a got $n of 2 replies: $(cat "$WORK/arping.out")"
log "control baseline, no reflector: arping b -> a 2 of 2 replies; fdb: $(bridge fdb show br "$BR" | grep -i "^$MAC_B " | head -1)"

reflector_on
neigh_flush
# 1. The reflector works: each of b's broadcasts is on $PORT0 twice (out, and back in).
bg tcpdump -nn -e -i "$PORT0" -U --immediate-mode -w "$WORK/port0.pcap" "ether src $MAC_B and ether dst ff:ff:ff:ff:ff:ff" \
	2>"$WORK/tcpdump.err"
TCPDUMP=$!
for _ in $(seq 1 50); do grep -q 'listening on' "$WORK/tcpdump.err" && break; sleep 0.1; done
tc0=$(reflected_by_tc)
n=$(arping_replies b "$IF_B" "$IP_A" 3)
cp "$WORK/arping.out" "$WORK/arping-control.out"
sleep 0.2
kill -INT "$TCPDUMP"; wait "$TCPDUMP" || true
tc1=$(reflected_by_tc)
sent=$(grep -oE '^[0-9]+ packets transmitted' "$WORK/arping-control.out" | grep -oE '^[0-9]+' || echo 0)
seen=$(tcpdump -nn -r "$WORK/port0.pcap" 2>/dev/null | grep -c 'Request who-has' || true)
gaps=$(tcpdump -nn -tt -r "$WORK/port0.pcap" 2>/dev/null | awk '{ t[NR] = $1 }
	END { for (i = 2; i <= NR; i += 2) printf "%s%d", (i > 2 ? "," : ""), (t[i] - t[i-1]) * 1e6 }')
log "reflector: arping b sent $sent requests; $PORT0 saw $seen (out + reflected back, gaps ${gaps:-?} us); tc mirrored $((tc1 - tc0))"
[ "$sent" -ge 3 ] || fail "arping sent $sent requests, expected 3: $(cat "$WORK/arping-control.out")"
[ "$seen" -eq $((2 * sent)) ] ||
	fail "reflector: $PORT0 saw $seen ARP requests from host b, expected $((2 * sent)) (each twice)"
[ $((tc1 - tc0)) -ge "$sent" ] || fail "reflector: tc counted $((tc1 - tc0)) mirrored frames for $sent broadcasts"

# 2. The fault: the replies are filtered.
fdb=$(bridge fdb show br "$BR" | grep -iE "^($MAC_A|$MAC_B) " || true)
log "control, reflector on: arping b -> a: $n replies:"
sed 's/^/    /' "$WORK/arping-control.out" >&2
log "control: bridge fdb show br $BR:"
echo "$fdb" | sed 's/^/    /' >&2
[ "$n" -eq 0 ] || fail "control did NOT reproduce the fault: arping b -> a got $n replies through the learning Linux bridge with the reflector on"
echo "$fdb" | grep -qiE "^$MAC_B dev $PORT0 " ||
	fail "control: host b's MAC $MAC_B is not learned on $PORT0 (the wrong port): $fdb"
in_b ping -c 2 -i 0.5 -W 1 "$IP_A" >"$WORK/ping-control.out" 2>&1 &&
	fail "control: ping b -> a worked through the Linux bridge with the reflector on"
neigh=$(in_b ip neigh show "$IP_A" dev "$IF_B")
log "control: ping b -> a: $(grep -oE '[0-9]+ packets transmitted, [0-9]+ received, [0-9]+% packet loss' "$WORK/ping-control.out"); neighbour: $neigh"
echo "$neigh" | grep -qE 'INCOMPLETE|FAILED' || fail "control: neighbour of $IP_A on host b is '$neigh', expected INCOMPLETE or FAILED"
log "control reproduces the fault: ARP replies filtered, $MAC_B learned on $PORT0 ($(ms_since "$T_START") ms)"

ip link set "$PORT0" nomaster
ip link set "$PORT1" nomaster
ip link del "$BR"

# === 3. vbridge in its place, reflector still on ==============================================
neigh_flush
tc_before=$(reflected_by_tc)
T_VB=$(date +%s%N)
vb_start
# "Visible within a second": a watcher, connected to the telemetry socket before the traffic,
# asks /vbridge/classifier,0 every 20 ms and notes when reflected, mac_moves and
# would_be_filtered are all > 0. (dpdk-telemetry.py's own start-up takes 0.1-0.7 s on these
# two shared cores: it would measure Python rather than vbridge.)
cat >"$WORK/watch.py" <<'EOF'
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.recv(4096)                                    # the greeting: version, max_output_len
cmd = ("/vbridge/classifier,%s" % sys.argv[2]).encode()
keys = ("reflected", "mac_moves", "would_be_filtered")
first = None
deadline = time.time() + 20
while time.time() < deadline:
    s.send(cmd)
    (v,) = json.loads(s.recv(65536).decode()).values()
    if first is None:
        first = v
        print("start", " ".join("%s=%s" % (k, v[k]) for k in keys), file=sys.stderr, flush=True)
    if all(v[k] > 0 for k in keys):
        print(time.time_ns(), " ".join("%s=%s" % (k, str(x).replace(" ", "_"))
                                       for k, x in v.items()), flush=True)
        sys.exit(0)
    time.sleep(0.02)
sys.exit(1)
EOF
bg $PY "$WORK/watch.py" "/var/run/dpdk/$VB_FILE_PREFIX/dpdk_telemetry.v2" 0 >"$WORK/watch.out" 2>"$WORK/watch.err"
WATCH=$!
for _ in $(seq 1 100); do grep -q '^start' "$WORK/watch.err" && break; sleep 0.05; done
grep -q '^start reflected=0 mac_moves=0 would_be_filtered=0' "$WORK/watch.err" ||
	fail "telemetry watcher did not start at 0: $(cat "$WORK/watch.err")"
t0=$(date +%s%N)
n=$(arping_replies b "$IF_B" "$IP_A" 1)
t_arp=$(date +%s%N)
[ "$n" -eq 1 ] || fail "vbridge, reflector on: arping b -> a got no reply: $(cat "$WORK/arping.out")"
wait "$WATCH" || fail "telemetry never showed reflected, mac_moves and would_be_filtered > 0: $(cat "$WORK/watch.err")"
read -r t_vis c0 <"$WORK/watch.out"
dt=$(( (t_vis - t0) / 1000000 ))
log "vbridge: arping b -> a 1 of 1 reply; telemetry showed the diagnosis $dt ms after arping started (arping itself ran $(( (t_arp - t0) / 1000000 )) ms: it waits its interval after the reply)"
show "vbridge: telemetry /vbridge/classifier,0" $c0
for k in reflected mac_moves would_be_filtered; do
	[ "$(kv $k $c0)" -gt 0 ] || fail "telemetry /vbridge/classifier,0: $k = 0 after a reflected ARP request: $c0"
done
[ "$dt" -lt 1000 ] || fail "the reflection became visible in telemetry only $dt ms after arping started"
tables=$(tele /vbridge/tables)
[ "$(kv samples_written $tables)" -gt 0 ] || fail "no samples written: $tables"
log "vbridge: /vbridge/tables: samples_written=$(kv samples_written $tables) mac_live=$(kv mac_live $tables)"

n=$(arping_replies b "$IF_B" "$IP_A" 3)
[ "$n" -eq 3 ] || fail "vbridge, reflector on: arping b -> a got $n of 3 replies: $(cat "$WORK/arping.out")"
out=$(in_b ping -c 3 -i 0.2 -W 2 "$IP_A" 2>&1) || fail "vbridge, reflector on: ping b -> a failed: $(echo "$out" | tail -2)"
neigh=$(in_b ip neigh show "$IP_A" dev "$IF_B")
log "vbridge: arping b -> a 3 of 3 replies; ping b -> a $(echo "$out" | grep -oE '[0-9]+ received, 0% packet loss'); neighbour: $neigh"
echo "$neigh" | grep -qi "lladdr $MAC_A" || fail "host b did not resolve $IP_A to $MAC_A: $neigh"
macs=$(tele /vbridge/macs)
mb=$(echo "$MAC_B" | tr ':' '_')
log "vbridge: /vbridge/macs: $(echo "$macs" | tr ' ' '\n' | grep -i "^${mb}_vlan0=" || echo "$MAC_B missing")"
echo "$macs" | tr ' ' '\n' | grep -iqE "^${mb}_vlan0=.*_moves_[1-9]" ||
	fail "/vbridge/macs does not show host b's MAC with moves: $macs"
sleep 0.1
tc_vb=$(( $(reflected_by_tc) - tc_before ))

# --- the monitor tells the same story ----------------------------------------------------------
vbstat() { timeout 30 "$STAT" --file-prefix "$VB_FILE_PREFIX" "$@"; }
ports=$(vbstat --json --no-rates | $PY -c 'import json, sys
print(" ".join(p["name"] for p in json.load(sys.stdin)["ports"]))') || fail "vbridge-stat --json failed"
read -r NAME0 NAME1 <<<"$ports"
mac_b=$(echo "$MAC_B" | tr 'A-F' 'a-f')
vbstat --diagnose >"$WORK/diagnose.out" 2>&1 || fail "vbridge-stat --diagnose: exit $?: $(cat "$WORK/diagnose.out")"
log "vbridge-stat --diagnose:"
sed 's/^/    /' "$WORK/diagnose.out" >&2
grep -qE "^(problem|warning): reflected on $NAME0\$" "$WORK/diagnose.out" ||
	fail "vbridge-stat --diagnose has no 'reflected on $NAME0' finding"
text=$(awk -v p="reflected on $NAME0" '$0 ~ p { f = 1; next } f && /^$/ { exit } f' "$WORK/diagnose.out" | tr '\n' ' ')
echo "$text" | grep -q "from $mac_b" || fail "--diagnose: the reflected finding does not name host b's MAC $mac_b: $text"
echo "$text" | grep -q "come back into port $NAME0 [0-9]* µs after" ||
	fail "--diagnose: the reflected finding gives no delay for port $NAME0: $text"
grep -q "reflected on $NAME1" "$WORK/diagnose.out" && fail "--diagnose blames $NAME1 too"
vbstat --samples >"$WORK/samples.out" 2>&1 || fail "vbridge-stat --samples: exit $?: $(tail -3 "$WORK/samples.out")"
grep -q "ARP who-has $IP_A tell $IP_B" "$WORK/samples.out" ||
	fail "--samples does not show 'ARP who-has $IP_A tell $IP_B': $(head -5 "$WORK/samples.out")"
grep -qE " $NAME0 +arp,reflected,moved .* ARP who-has $IP_A tell $IP_B" "$WORK/samples.out" ||
	fail "--samples does not show the reflected copy on $NAME0: $(head -8 "$WORK/samples.out")"
grep -q "ARP reply $IP_A is-at" "$WORK/samples.out" || fail "--samples shows no ARP reply"
# The health check while broadcasts are being reflected: CRITICAL, saying so.
ip netns exec "$LAB_PREFIX-b" arping -c 6 -i 0.2 -I "$IF_B" "$IP_A" >/dev/null 2>&1 &
ARPING=$!
chk=$(vbstat --check -i 0.8) && rc=0 || rc=$?
wait "$ARPING" || true
sleep 0.1
tc_vb=$(( $(reflected_by_tc) - tc_before ))	# these broadcasts were reflected too
log "vbridge-stat --check, reflector on (exit $rc): $chk"
[ "$rc" -eq 2 ] && grep -q "^VBRIDGE CRITICAL - reflected/looped .*/s > 0" <<<"$chk" ||
	fail "--check with the reflector on: exit $rc (expected 2, reflected/looped): $chk"
log "vbridge-stat --samples: $(grep -c 'ARP' "$WORK/samples.out") ARP samples; $(tail -1 "$WORK/samples.out")"
head -4 "$WORK/samples.out" | sed 's/^/    /' >&2
vbstat --macs >"$WORK/macs.out" 2>&1 || fail "vbridge-stat --macs: exit $?"
grep -qE "^$mac_b +0 +($NAME0|$NAME1) +[1-9]" "$WORK/macs.out" ||
	fail "--macs does not show $mac_b with moves: $(cat "$WORK/macs.out")"
log "vbridge-stat --macs: $(grep "^$mac_b" "$WORK/macs.out")"
# pcapng: checked by Wireshark's own readers.
vbstat --pcapng "$WORK/samples.pcapng" 2>"$WORK/pcapng.err" || fail "vbridge-stat --pcapng: $(cat "$WORK/pcapng.err")"
T_PCAP=$(date +%s%N)
capinfos "$WORK/samples.pcapng" >"$WORK/capinfos.out" 2>&1 || fail "capinfos cannot read the pcapng: $(cat "$WORK/capinfos.out")"
tshark -r "$WORK/samples.pcapng" -T fields -E separator='|' -e frame.time_epoch \
	-e frame.interface_name -e frame.comment -e arp.opcode >"$WORK/tshark.out" 2>"$WORK/tshark.err" ||
	fail "tshark -r failed: $(cat "$WORK/tshark.err")"
frames=$(wc -l <"$WORK/tshark.out")
log "pcapng: $frames frames; capinfos: $(grep -E 'Number of interfaces|First packet|Last packet' "$WORK/capinfos.out" | tr -s ' ' | tr '\n' ';')"
[ "$frames" -gt 0 ] || fail "tshark read no frames from the pcapng"
# (Read after --samples: the rings may have taken more since, never fewer.)
[ "$frames" -ge "$(grep -c 'ARP' "$WORK/samples.out")" ] ||
	fail "pcapng has $frames frames, --samples showed $(grep -c 'ARP' "$WORK/samples.out") ARP samples"
grep -q "Number of interfaces in file: 2" "$WORK/capinfos.out" || fail "capinfos: not 2 interfaces: $(cat "$WORK/capinfos.out")"
$PY - "$WORK/tshark.out" "$T_VB" "$T_PCAP" "$NAME0" "$NAME1" <<'PYEOF' || fail "pcapng content (above)"
import sys
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1])]
t0, t1 = int(sys.argv[2]) / 1e9, int(sys.argv[3]) / 1e9
names = set(sys.argv[4:6])
bad = []
for t, ifname, comment, op in rows:
    if not t0 <= float(t) <= t1:
        bad.append("timestamp %s outside the run [%.3f, %.3f]" % (t, t0, t1))
    if ifname not in names:
        bad.append("interface name %r, expected one of %s" % (ifname, sorted(names)))
    if not comment.startswith("vbridge: ") or (op and "arp" not in comment):
        bad.append("comment %r" % comment)
refl = [r for r in rows if "reflected" in r[2]]
if not refl or any(r[1] != sys.argv[4] for r in refl):
    bad.append("reflected frames must all be on %s: %r" % (sys.argv[4], refl[:3]))
for m in bad[:10]:
    print("  pcapng: " + m)
print("  pcapng: %d frames, %d reflected, all in the run's window" % (len(rows), len(refl)))
sys.exit(1 if bad else 0)
PYEOF

vb_stop TERM
[ "$VB_RC" -eq 0 ] || fail "vbridge exited $VB_RC"
vb_check_conservation
cls0=$(cls_line 0) cls1=$(cls_line 1)
show "vbridge: cls 0 at exit" $cls0
show "vbridge: cls 1 at exit" $cls1
for k in reflected mac_moves would_be_filtered; do
	[ "$(kv $k $cls0)" -gt 0 ] || fail "cls 0: $k = 0: $cls0"
done
# Every broadcast vbridge sent out of port 0 (all came in on port 1: host a sends none) came
# back: reflected on port 0 == broadcasts received on port 1; and none on port 1.
[ "$(kv reflected $cls0)" -eq "$(kv bcast $cls1)" ] ||
	fail "cls 0 reflected $(kv reflected $cls0) != broadcasts received on port 1 $(kv bcast $cls1)"
[ "$(kv reflected $cls0)" -eq "$tc_vb" ] ||
	fail "cls 0 reflected $(kv reflected $cls0) != $tc_vb broadcasts the reflector mirrored"
[ "$(kv reflected $cls1)" -eq 0 ] || fail "cls 1: reflected $(kv reflected $cls1), but nothing reflects on port 1"
for k in duplicate looped; do
	[ "$(kv $k $cls0)" -eq 0 ] && [ "$(kv $k $cls1)" -eq 0 ] ||
		fail "scenario: $k should be 0 (each broadcast comes back once, on the port it left): $cls0 | $cls1"
done
log "vbridge diagnoses it: port 0 reflected=$(kv reflected $cls0) mac_moves=$(kv mac_moves $cls0) would_be_filtered=$(kv would_be_filtered $cls0); the reflector mirrored $tc_vb ($(ms_since "$T_START") ms)"

# === 4. no false alarms: reflector off, normal traffic =======================================
reflector_off
neigh_flush
vb_start
for dir in "a $IP_B" "b $IP_A" "a $IP6_B" "b $IP6_A"; do
	set -- $dir
	out=$(ip netns exec "$LAB_PREFIX-$1" ping -c 3 -i 0.2 -W 2 "$2" 2>&1) ||
		fail "no reflector: ping $1 -> $2 lost frames: $(echo "$out" | tail -2)"
done
# arping repeats an identical request every -W 0.3 s: outside the 50 ms duplicate window. (At
# an interval below the window, those would be real duplicates, counted correctly.)
for dir in "a $IF_A $IP_B" "b $IF_B $IP_A"; do
	set -- $dir
	n=$(arping_replies $1 "$2" "$3" 3)
	[ "$n" -eq 3 ] || fail "no reflector: arping $1 -> $3: $n of 3 replies: $(cat "$WORK/arping.out")"
done
iperf3_server
in_a iperf3 -c "$IP_B" -B "$IP_A" -p 5201 -t 2 >"$WORK/iperf3.out" 2>&1 ||
	fail "no reflector: iperf3 failed: $(tail -3 "$WORK/iperf3.out")"
log "no reflector: ping v4/v6 and arping both ways, no loss; iperf3 $(grep -E 'receiver' "$WORK/iperf3.out" | grep -oE '[0-9.]+ [MG]bits/sec' | head -1)"
t0=$(tele /vbridge/classifier,0) t1=$(tele /vbridge/classifier,1)
timeout 30 "$STAT" --file-prefix "$VB_FILE_PREFIX" --diagnose >"$WORK/diagnose4.out" 2>&1 ||
	fail "no reflector: vbridge-stat --diagnose: exit $?: $(cat "$WORK/diagnose4.out")"
grep -q "^No problems seen" "$WORK/diagnose4.out" || {
	sed 's/^/    /' "$WORK/diagnose4.out" >&2; fail "no reflector: vbridge-stat --diagnose found problems"; }
log "no reflector: vbridge-stat --diagnose: $(grep '^No problems seen' "$WORK/diagnose4.out" | cut -c1-60)..."
chk=$(timeout 30 "$STAT" --file-prefix "$VB_FILE_PREFIX" --check -i 0.5) && rc=0 || rc=$?
log "no reflector: vbridge-stat --check (exit $rc): $chk"
[ "$rc" -eq 0 ] && grep -q "^VBRIDGE OK - 2 ports, 2/2 links up" <<<"$chk" ||
	fail "--check in the healthy lab: exit $rc (expected 0): $chk"
vb_stop TERM
[ "$VB_RC" -eq 0 ] || fail "vbridge exited $VB_RC"
vb_check_conservation
cls0=$(cls_line 0) cls1=$(cls_line 1)
show "no reflector: cls 0" $cls0
show "no reflector: cls 1" $cls1
bad=
for p in 0 1; do
	eval "line=\$cls$p tl=\$t$p"
	for k in $ALARMS; do
		[ "$(kv $k $line)" -eq 0 ] || bad+=" cls $p $k=$(kv $k $line)"
		[ "$(kv $k $tl)" -eq 0 ] || bad+=" telemetry $p $k=$(kv $k $tl)"
	done
	# Not vacuous: the classifier did see the ARP requests of both hosts.
	[ "$(kv arp_request $line)" -gt 0 ] || bad+=" port $p: the classifier saw no ARP request"
done
# And IPv6 ND: host a's multicast NS for b. (b answers with a unicast NA, which takes the fast
# path and is not classified; b then knows a from the NS's source link-layer option and sends
# no NS of its own, so nd_ns stays 0 on port 1.)
[ $(( $(kv nd_ns $cls0) + $(kv nd_ns $cls1) )) -gt 0 ] || bad+=" the classifier saw no ND NS"
[ -z "$bad" ] || fail "false alarms on normal traffic:$bad"
log "no false alarms: $ALARMS all 0 on both ports"
log "PASS ($(ms_since "$T_START") ms)"
