#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vbridge-stat --listen, scraped by Debian's real Prometheus server (run unprivileged on
# 127.0.0.1, a scrape every second, its own storage in a temporary directory):
#  - usage: bad addresses exit 2 naming the problem, a port in use exits 1 saying so;
#  - the exporter started before any vbridge: HTTP 200, vbridge_up 0 and the reason as a
#    comment; the landing page links /metrics; other paths 404, other methods 405, HEAD works;
#  - vbridge started under it (net_null ports at full load, a policy): Prometheus sees the
#    target up, vbridge_up 1 and rate(vbridge_frames_total[...]) > 0 over its HTTP API; the
#    scrape is valid exposition format (promtool) with the same metric families as
#    --prometheus, the policy's per-rule series included (vbridge_policy_rule_*{rule=...});
#  - vbridge stopped: still HTTP 200, vbridge_up 0 in Prometheus, the target still up;
#  - vbridge restarted: the same exporter process reads the new one by itself
#    (vbridge_info's pid is the new one, the rate > 0 again over samples after the restart);
#  - SIGTERM ends the exporter at once with exit 0.
# vbridge runs with --no-huge: the exporter maps its stats segment, no EAL.
# Usage: test_listen.sh PATH/TO/vbridge PATH/TO/vbridge-stat
set -u
source "$(dirname "$0")/../../scripts/lib.sh"
vb_init listen keep-going
vbridge=$1
stat=$2
vb_scratch listen
chmod 755 "$tmp"	# Prometheus runs as nobody and reads its configuration here
finish() {
	[ "$VB_FAILED" -eq 0 ] || { echo "--- the exporter's stderr:"; cat "$tmp/x.err"; } >&2
	log "$SECONDS s"
	vb_done
	exit
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

for t in prometheus promtool curl python3 setpriv; do
	command -v "$t" >/dev/null || skip "'$t' is not installed (scripts/deps.sh --test installs it)"
done

# --- usage: nothing is started ---
VB_EXPECT_CMD=(timeout 10 "$stat")
expect 2 "the port 'abc' is not a number from 0 to 65535" --listen abc
expect 2 "the port '70000' is not a number" --listen=70000
expect 2 "name the address" --listen :9478
expect 2 "write an IPv6 address in brackets" --listen ::1:9478
expect 2 "'1.2.3' is not an IPv4 address" --listen 1.2.3:9478
expect 2 "no ']' after the IPv6 address" --listen '[::1:9478'
# an address of the lab range, on no interface here: nothing is sent to it
expect 2 "not an address of this machine" --listen 198.18.255.254:9478
expect 2 "separate views" --listen 9478 --prometheus
expect 2 "--listen goes with --file-prefix and --lcore only" --listen 9478 --json
expect 0 "--listen [ADDR:]PORT" --help

# --- the exporter, before any vbridge; port 0: the kernel picks one, the exporter says it ---
"$stat" --listen 127.0.0.1:0 --file-prefix "$prefix" 2>"$tmp/x.err" &
xpid=$!
port=
for _ in $(seq 50); do
	port=$(sed -n 's|^vbridge-stat: serving http://127\.0\.0\.1:\([0-9]*\)/metrics.*|\1|p' \
		"$tmp/x.err")
	[ -n "$port" ] && break
	sleep 0.1
done
check
if [ -z "$port" ]; then
	fail "the exporter did not say where it serves: $(cat "$tmp/x.err")"
	finish
fi
url=http://127.0.0.1:$port

expect 1 "the port is in use" --listen "127.0.0.1:$port" --file-prefix "$prefix"

# get PATH [curl options]: body in $tmp/body, status code in $code
get() {
	local path=$1
	shift
	code=$(curl -s -o "$tmp/body" -w '%{http_code}' --max-time 5 "$@" "$url$path")
}
get /metrics
check
if [ "$code" != 200 ] || ! grep -qx 'vbridge_up 0' "$tmp/body" ||
	! grep -q "^# vbridge-stat: .*$prefix" "$tmp/body" || grep -q '^vbridge_frames' "$tmp/body"; then
	fail "no vbridge: HTTP $code, expected 200, vbridge_up 0 and the reason:"; cat "$tmp/body"
fi
check
promtool check metrics <"$tmp/body" >"$tmp/promtool" 2>&1 ||
	{ fail "no vbridge: promtool check metrics:"; cat "$tmp/promtool"; }
get /
check
[ "$code" = 200 ] && grep -q '<a href="/metrics">' "$tmp/body" ||
	{ fail "landing page: HTTP $code:"; cat "$tmp/body"; }
get /nowhere
check
[ "$code" = 404 ] || fail "/nowhere: HTTP $code, expected 404"
get /metrics -X POST -d x=1
check
[ "$code" = 405 ] || fail "POST /metrics: HTTP $code, expected 405"
get /metrics --head
check
[ "$code" = 200 ] && grep -qi '^content-type: text/plain; version=0.0.4' "$tmp/body" ||
	{ fail "HEAD /metrics: HTTP $code:"; cat "$tmp/body"; }

# --- Prometheus, unprivileged, scraping the exporter every second ---
# a free port for it (Prometheus does not say which port 0 gave it)
pport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
mkdir "$tmp/tsdb"
cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: vbridge
    static_configs:
      - targets: ['127.0.0.1:$port']
EOF
as_user=()
if [ "$(id -u)" -eq 0 ]; then
	chown nobody "$tmp/tsdb"
	as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
fi
"${as_user[@]}" prometheus --config.file="$tmp/prometheus.yml" \
	--storage.tsdb.path="$tmp/tsdb" --web.listen-address="127.0.0.1:$pport" \
	>"$tmp/prometheus.log" 2>&1 &
ppid=$!

# query EXPR: the values of an instant query, one a line (none: the expression is empty)
query() {
	curl -s --max-time 5 "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$1" |
		python3 -c '
import json, sys
try:
    j = json.load(sys.stdin)
except ValueError:
    sys.exit(0)
for r in j.get("data", {}).get("result", []):
    print(r["value"][1])'
}
# wait_for EXPR SECONDS WHAT: until the query has a result, or fail saying WHAT
wait_for() {
	local t0 deadline
	t0=$(now_ms)
	deadline=$((t0 + $2 * 1000))
	check
	while [ "$(now_ms)" -lt "$deadline" ]; do
		if [ -n "$(query "$1")" ]; then
			log "$3: $1 after $(($(now_ms) - t0)) ms"
			return 0
		fi
		sleep 0.5
	done
	fail "$3: no result for '$1' within $2 s"
	return 1
}
if ! wait_for 'up{job="vbridge"} == 1' 30 "Prometheus scraping the exporter"; then
	tail -5 "$tmp/prometheus.log"
	finish
fi
wait_for 'vbridge_up == 0' 10 "no vbridge yet"

# --- vbridge under it ---
# start_vbridge: in the background, sets vpid, waits until ready
# with a policy: its per-rule series are scraped too (the frames all match "permit any")
printf 'deny tcp dport 23\npermit any\n' >"$tmp/rules"
start_vbridge() {
	"$vbridge" -l 0,1 --no-pci --no-huge -m 256 --file-prefix "$prefix" \
		--log-level lib.eal:error --vdev net_null0 --vdev net_null1 \
		-- --policy "$tmp/rules" >"$tmp/v.out" 2>"$tmp/v.err" &
	vpid=$!
	check
	vb_wait_ready "$tmp/v.err" "$vpid" && return 0
	fail "vbridge did not become ready: $(tail -3 "$tmp/v.err")"
	return 1
}
stop_vbridge() {
	local rc
	kill -TERM "$vpid"
	wait "$vpid"
	rc=$?
	check
	[ "$rc" -eq 0 ] || fail "vbridge exited $rc after SIGTERM: $(tail -3 "$tmp/v.err")"
	vpid=
}
start_vbridge || finish
pid1=$vpid
wait_for "vbridge_info{pid=\"$pid1\"} == 1" 10 "vbridge started under the exporter"
wait_for 'sum(rate(vbridge_frames_total{direction="rx"}[5s])) > 0' 15 "frames forwarded"
wait_for 'up{job="vbridge"} == 1 and on() vbridge_up == 1' 5 "target and vbridge up"

get /metrics
check
if [ "$code" != 200 ] || ! grep -qx 'vbridge_up 1' "$tmp/body"; then
	fail "with vbridge: HTTP $code:"; head -5 "$tmp/body"
fi
check
promtool check metrics <"$tmp/body" >"$tmp/promtool" 2>&1 ||
	{ fail "with vbridge: promtool check metrics:"; cat "$tmp/promtool"; }
# the same families as vbridge-stat --prometheus
sed -n 's/^# TYPE \([^ ]*\) .*/\1/p' "$tmp/body" | sort >"$tmp/families.listen"
timeout 20 "$stat" --file-prefix "$prefix" --prometheus 2>"$tmp/p.err" |
	sed -n 's/^# TYPE \([^ ]*\) .*/\1/p' | sort >"$tmp/families.prometheus"
check
if [ ! -s "$tmp/families.listen" ] ||
	! cmp -s "$tmp/families.listen" "$tmp/families.prometheus"; then
	fail "metric families of --listen and --prometheus differ:"
	diff "$tmp/families.listen" "$tmp/families.prometheus" | head
	cat "$tmp/p.err"
fi

# the policy's series, as --prometheus has them: a series per rule, labelled with its text
check
r1='vbridge_policy_rule_frames_total{rule="1",line="1",action="deny",text="deny tcp dport 23"} 0'
r2='^vbridge_policy_rule_frames_total{rule="2",line="2",action="permit",text="permit any"} [1-9]'
if ! grep -qxF "$r1" "$tmp/body" || ! grep -q "$r2" "$tmp/body" ||
	! grep -q '^vbridge_policy_rule_bytes_total{rule="default",' "$tmp/body" ||
	! grep -q '^vbridge_policy_reloads_total 0$' "$tmp/body"; then
	fail "with a policy: the per-rule series are not served:"
	grep '^vbridge_policy' "$tmp/body"
fi
wait_for 'vbridge_policy_rule_frames_total{rule="2",text="permit any"} > 0' 10 \
	"per-rule series in Prometheus"

# --- vbridge stopped: the exporter answers, vbridge_up 0 ---
stop_vbridge
get /metrics
check
if [ "$code" != 200 ] || ! grep -qx 'vbridge_up 0' "$tmp/body"; then
	fail "vbridge stopped: HTTP $code, expected 200 and vbridge_up 0:"; cat "$tmp/body"
fi
wait_for 'vbridge_up == 0' 10 "vbridge stopped"
wait_for 'up{job="vbridge"} == 1' 5 "the target while vbridge is stopped"

# --- vbridge restarted: followed by the same exporter ---
start_vbridge || finish
pid2=$vpid
wait_for "vbridge_info{pid=\"$pid2\"} == 1" 10 "restarted vbridge read"
# Samples from after the restart only: the old series went stale while vbridge was away.
sleep 3
wait_for 'sum(rate(vbridge_frames_total{direction="rx"}[3s])) > 0' 10 "frames after the restart"
check
kill -0 "$xpid" 2>/dev/null || fail "the exporter is gone"
check
grep -q "reading vbridge pid $pid2" "$tmp/x.err" &&
	grep -q "vbridge_up 0: vbridge (pid $pid1)" "$tmp/x.err" ||
	fail "the exporter did not log the restart"
stop_vbridge

# --- SIGTERM ends the exporter at once ---
t0=$(now_ms)
kill -TERM "$xpid"
wait "$xpid"
rc=$?
t=$(($(now_ms) - t0))
check
[ "$rc" -eq 0 ] && [ "$t" -lt 2000 ] && grep -q "stopped by SIGTERM" "$tmp/x.err" ||
	fail "exporter after SIGTERM: exit $rc after $t ms"
xpid=
finish
