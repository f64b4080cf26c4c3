#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The policy as a process, on net_null ports under full load:
#  - start-up errors that need the ports (an unknown port name in `in`) exit 2 with file:line;
#  - 1,000 SIGHUPs (VB_RELOADS overrides) while both directions forward at full speed, the
#    file alternating between rule sets, every tenth one broken: each good reload replaces
#    the set, each bad one is refused with file:line and counted, the process never stops;
#  - at SIGTERM: exit 0, rx = tx + dropped in both directions, every frame judged (denied
#    by `default deny` in one of the sets, so drop_policy grows), the reload counters right.
# Under scripts/sanitize.sh the same run is ASan's: no leak, no invalid access.
# Usage: test_policy_reload.sh PATH/TO/vbridge
set -u
source "$(dirname "$0")/../../scripts/lib.sh"
vb_init policy_reload keep-going
vbridge=$1
reloads=${VB_RELOADS:-1000}
vb_scratch polrl

null2=(--vdev net_null0,copy=1 --vdev net_null1,copy=1)
eal=(-l 0,1 --no-huge -m 512 --no-pci --file-prefix "$prefix" --log-level lib.eal:error)

printf 'deny in net_null7 tcp\n' >"$tmp/badport.rules"
VB_EXPECT_CMD=(timeout 30 "$vbridge" "${eal[@]}" "${null2[@]}" --)
expect 2 "$tmp/badport.rules:1: in net_null7: unknown port name" --policy "$tmp/badport.rules"
printf '# ok\ndeny in 5 udp\n' >"$tmp/badid.rules"
expect 2 "$tmp/badid.rules:2: in 5: port out of range" --policy "$tmp/badid.rules"

# Two sets and a broken file: a rule that survives each change, a default that flips.
cat >"$tmp/a.rules" <<'EOF'
deny tcp dport 23
permit in net_null0 any
default deny
EOF
cat >"$tmp/b.rules" <<'EOF'
deny tcp dport 23
deny ether src 02:00:00:00:00:66
permit udp dport 53
EOF
printf 'deny tcp dport 23\ndeny tcp dport 99999\n' >"$tmp/bad.rules"
cp "$tmp/a.rules" "$tmp/cur.rules"

"$vbridge" "${eal[@]}" "${null2[@]}" -- --policy "$tmp/cur.rules" >"$tmp/out" 2>"$tmp/err" &
pid=$!
check
if ! vb_wait_ready "$tmp/err" "$pid" 15; then
	cat "$tmp/err"
	fail "vbridge did not become ready (above)"
	vb_done
	exit 1
fi

good=0 bad=0 start=$SECONDS
done_re='reloaded policy|reload of policy failed'
for ((i = 1; i <= reloads; i++)); do
	if ((i % 10 == 0)); then
		cp "$tmp/bad.rules" "$tmp/cur.tmp"
		bad=$((bad + 1))
	elif ((i % 2)); then
		cp "$tmp/b.rules" "$tmp/cur.tmp"
		good=$((good + 1))
	else
		cp "$tmp/a.rules" "$tmp/cur.tmp"
		good=$((good + 1))
	fi
	mv "$tmp/cur.tmp" "$tmp/cur.rules"
	before=$(grep -cE "$done_re" "$tmp/err")
	kill -HUP "$pid" 2>/dev/null || break
	# One SIGHUP at a time: the main lcore takes them every 10 ms, coalescing a burst.
	# Wait for the policy's own line: the configuration step logs one first, and a
	# SIGHUP sent between the two is merged into the reload still running.
	for ((t = 0; t < 500; t++)); do
		[ "$(grep -cE "$done_re" "$tmp/err")" -gt "$before" ] && break
		sleep 0.005
	done
done
log "$reloads SIGHUPs in $((SECONDS - start)) s"
check kill -0 "$pid"
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
check [ "$rc" -eq 0 ] || { fail "exit $rc after the reloads"; tail -20 "$tmp/err"; }

n_ok=$(grep -c 'reloaded policy' "$tmp/err")
n_bad=$(grep -c "reload of policy failed.*cur.rules:2: dport 99999 is out of range" "$tmp/err")
check [ "$n_ok" -eq "$good" ] || fail "$n_ok reloads logged, expected $good"
check [ "$n_bad" -eq "$bad" ] || fail "$n_bad refused reloads logged with file:line, expected $bad"
line=$(grep '^policy ' "$tmp/out")
check grep -q " generation=$((good + 1)) reloads=$good reload_failures=$bad\$" <<<"$line" ||
	fail "final policy line '$line', expected generation=$((good + 1)) reloads=$good" \
		"reload_failures=$bad"
vb_check_conservation "$tmp/out" --dirs 2 --moved
# net_null0's frames are permitted by every set; net_null1's by b only.
dp=$(vb_counter '0->1' drop_policy "$tmp/out")
check [ "${dp:-1}" -eq 0 ] || fail "dir 0->1: $dp frames denied, every set permits them"
dp=$(vb_counter '1->0' drop_policy "$tmp/out")
check [ "${dp:-0}" -gt 0 ] || fail "dir 1->0: no frame denied by default deny (drop_policy=$dp)"
vb_done
