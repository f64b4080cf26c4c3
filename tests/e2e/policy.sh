#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# e2e: the policy between the two lab hosts (netns + veth), real kernel TCP, ICMP and ARP:
#  1. enforce `deny tcp dport 23`: a connection to port 23 fails (its SYN is dropped, counted
#     as drop_policy), port 22, ping and arping pass;
#  2. SIGHUP to a file without the rule: port 23 connects, same process;
#  3. shadow mode with the rule: port 23 connects and policy_would_deny counts it;
#  4. `default deny` with `permit tcp port 22`: 22 connects, ping is denied, ARP still
#     passes (the neighbour cache flushed first) and is counted as protected.
# Usage: policy.sh VBRIDGE_EXE
set -euo pipefail
source "$(dirname "$0")/lib.sh"
e2e_init policy "$@"
command -v arping >/dev/null || skip "'arping' is not installed (scripts/deps.sh installs it)"

lab_up
# Host b listens on 22 and 23 (a plain accept loop, until the test ends).
bg in_b $PY -c '
import socket, sys, threading
def serve(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[1], port))
    s.listen(16)
    while True:
        c, _ = s.accept()
        c.close()
for p in (22, 23):
    threading.Thread(target=serve, args=(p,), daemon=True).start()
threading.Event().wait()
' "$IP_B"
for _ in $(seq 1 50); do
	in_b ss -ltn 2>/dev/null | grep -q ':23 ' && break
	sleep 0.1
done

# connects PORT: does a TCP connection from a to b:PORT open within 2 s?
connects() {
	in_a $PY -c '
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2).close()
except OSError:
    sys.exit(1)
' "$IP_B" "$1"
}
pings() { in_a ping -c 2 -i 0.2 -W 1 "$IP_B" >/dev/null 2>&1; }
arps() {
	in_a ip neigh flush dev "$IF_A" >/dev/null 2>&1 || true
	in_b ip neigh flush dev "$IF_B" >/dev/null 2>&1 || true
	# At least one reply of three: the first request may leave before the PMD reads.
	[ "$(in_a arping -c 3 -W 0.3 -I "$IF_A" "$IP_B" 2>&1 | grep -c ' bytes from ')" -ge 1 ]
}

printf 'deny tcp dport 23   # telnet\n' >"$WORK/deny23.rules"
printf 'permit any\n' >"$WORK/open.rules"
printf 'permit tcp port 22\ndefault deny\n' >"$WORK/only22.rules"
cp "$WORK/deny23.rules" "$WORK/cur.rules"

# 1. enforce
vb_start --policy "$WORK/cur.rules"
pid=$VB_PID
connects 23 && fail "a connection to port 23 opened through 'deny tcp dport 23'"
connects 22 || fail "port 22 does not connect"
pings || fail "ping does not pass"
arps || fail "ARP does not pass"
log "enforce: 23 refused, 22, ping and ARP pass"

# 2. SIGHUP to a file without the rule
cp "$WORK/open.rules" "$WORK/cur.rules"
n=$(grep -c 'reloaded policy' "$WORK/vbridge.err" || true)
kill -HUP "$pid"
for _ in $(seq 1 100); do
	[ "$(grep -c 'reloaded policy' "$WORK/vbridge.err" || true)" -gt "$n" ] && break
	sleep 0.05
done
[ "$(grep -c 'reloaded policy' "$WORK/vbridge.err" || true)" -gt "$n" ] ||
	fail "no reload logged after SIGHUP: $(tail -3 "$WORK/vbridge.err")"
connects 23 || fail "port 23 still refused after the reload"
kill -0 "$pid" || fail "vbridge is gone after SIGHUP"
[ "$VB_PID" = "$pid" ] || fail "another process"
log "SIGHUP: 23 connects, same process ($pid)"
vb_stop TERM
[ "$VB_RC" -eq 0 ] || fail "vbridge exited $VB_RC"
vb_check_conservation
denied=$(vb_counter '0->1' drop_policy)
[ "$denied" -ge 1 ] || fail "no SYN to port 23 counted as drop_policy (dir 0->1: $denied)"
grep -q ' generation=2 reloads=1 reload_failures=0$' "$WORK/vbridge.out" ||
	fail "final policy line: $(grep '^policy' "$WORK/vbridge.out")"

# 3. shadow
cp "$WORK/deny23.rules" "$WORK/cur.rules"
vb_start --policy "$WORK/cur.rules" --policy-mode shadow
connects 23 || fail "shadow mode: port 23 refused"
vb_stop TERM
vb_check_conservation --no-drops
would=$(vb_counter '0->1' policy_would_deny)
[ "$would" -ge 1 ] || fail "shadow mode: policy_would_deny=$would"
log "shadow: 23 connects, $would frames would have been denied"

# 4. default deny, permit 22: ARP still passes
cp "$WORK/only22.rules" "$WORK/cur.rules"
vb_start --policy "$WORK/cur.rules"
sleep 0.5
arps || fail "default deny cut ARP"
connects 22 || fail "default deny: port 22 does not connect"
pings && fail "default deny: ping passed"
connects 23 && fail "default deny: port 23 connects"
vb_stop TERM
vb_check_conservation
log "default deny: ARP and 22 pass, ping and 23 do not"
log "PASS"
