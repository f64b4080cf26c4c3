#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Live reload (SIGHUP) under full load (net_null ports), as `systemctl reload vbridge` does:
#  - the mirror and sample filters change live: frames matched stop growing when the filters
#    stop matching ("greater 9999") and grow again when they match ("greater 1");
#  - the classifier's windows (dup_window_ms, mac_ageing_s) change live, as readers see them;
#  - a key that needs a restart (burst) keeps its running value and the log says so;
#  - a file that does not parse, a filter that does not compile, an untrusted file (0666)
#    change nothing and say why;
#  - forwarding never stops, SIGTERM ends it with exit 0 and counters that add up.
# Usage: test_reload.sh PATH/TO/vbridge PATH/TO/vbridge-stat
set -u
source "$(dirname "$0")/../../scripts/lib.sh"
vb_init reload keep-going
vbridge=$1 stat=$2
[ "$(id -u)" -eq 0 ] || skip "needs root (the mirror is a TAP interface)"
[ -c /dev/net/tun ] || skip "no /dev/net/tun for the mirror"
vb_scratch reload
WORK=$tmp
mirror=vbrl$$
mirror=${mirror:0:15}
ini=$WORK/vbridge.ini

write_ini() { # FILTER [EXTRA LINES]: the configuration, with both filters set to FILTER
	printf '[bridge]\n%s\n[classifier]\nsample_filter = %s\n%s\n[capture]\nmirror = on\nmirror_iface = %s\nmirror_filter = %s\n' \
		"${3:-}" "$1" "${2:-}" "$mirror" "$1" >"$ini.new"
	chmod 0644 "$ini.new"
	mv "$ini.new" "$ini"
}
# matched: "MIRROR SAMPLE" frames matched so far, summed over the ports
matched() {
	timeout 10 "$stat" -f "$prefix" --json --no-rates 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(sum(p["capture"]["mirror_matched"] for p in d["ports"]),
      sum(p["capture"]["sample_matched"] for p in d["ports"]),
      d["tables"]["dup_window_ms"], d["tables"]["mac_ageing_s"])'
}
reloads_done=0
reload() { # send SIGHUP, wait for the reload's log line
	local before i
	before=$(grep -c 'reload' "$WORK/err")
	kill -HUP "$pid"
	for i in $(seq 50); do
		[ "$(grep -c 'reload' "$WORK/err")" -gt "$before" ] && { sleep 0.2; return 0; }
		sleep 0.1
	done
	fail "no reload logged 5 s after SIGHUP"
}
grows() { # LABEL WANT(yes|no): do both filter counters grow over 0.5 s?
	local a b
	read -r am as _ <<<"$(matched)"
	sleep 0.5
	read -r bm bs dw ma <<<"$(matched)"
	check
	if [ "$2" = yes ]; then
		[ "$bm" -gt "$am" ] && [ "$bs" -gt "$as" ] ||
			fail "$1: mirror $am -> $bm, samples $as -> $bs: expected both to grow"
	else
		[ "$bm" -eq "$am" ] && [ "$bs" -eq "$as" ] ||
			fail "$1: mirror $am -> $bm, samples $as -> $bs: expected neither to grow"
	fi
	log "$1: mirror_matched $am -> $bm, sample_matched $as -> $bs"
}

write_ini "greater 1"
"$vbridge" -l 0,1 --no-huge -m 512 --no-pci --file-prefix "$prefix" --log-level lib.eal:error \
	--vdev net_null0 --vdev net_null1 -- --config "$ini" >"$WORK/out" 2>"$WORK/err" &
pid=$!
vb_wait_ready "$WORK/err" "$pid" 20 || { cat "$WORK/err"; fail "vbridge did not start"; vb_done; exit 1; }
sleep 0.3
grows "at start, filters match every frame" yes

write_ini "greater 9999"
reload
check grep -q "reloaded config: \[capture\] mirror_filter 'greater 9999', \[classifier\] sample_filter 'greater 9999'" "$WORK/err"
grows "after reload, filters match nothing" no

# Not parsed: kept, and said.
printf '[bridge]\nburst = 0\n' >"$ini.bad"; chmod 0644 "$ini.bad"; cp "$ini" "$ini.good"; mv "$ini.bad" "$ini"
reload
check grep -q "reload of config failed, the running one stays: .*burst" "$WORK/err"
grows "a file that does not parse: still nothing" no
# A filter that does not compile: kept.
write_ini "bogus ( filter"
reload
check grep -q "reload of config failed, the running one stays: \[capture\] mirror_filter: " "$WORK/err"
grows "a filter that does not compile: still nothing" no
# Untrusted (0666): kept.
write_ini "greater 1"
chmod 0666 "$ini"
reload
check grep -q "reload of config failed, the running one stays: .*writable by group/others" "$WORK/err"
grows "an untrusted file: still nothing" no

# Back to matching, with new windows and a key that needs a restart.
write_ini "greater 1" $'dup_window_ms = 80\nmac_ageing_s = 120' "burst = 16"
reload
check grep -q "dup_window_ms 80, \[classifier\] mac_ageing_s 120" "$WORK/err"
check grep -q "kept at the running value until a restart: \[bridge\] burst" "$WORK/err"
grows "filters match again" yes
read -r _ _ dw ma <<<"$(matched)"
check [ "$dw" = 80 ] && [ "$ma" = 120 ] || fail "readers see dup_window_ms $dw, mac_ageing_s $ma"
check grep -q '"burst": 32' <(timeout 10 "$stat" -f "$prefix" --json --no-rates 2>/dev/null)

# Ten reloads in a row under load, filters flipping.
for i in $(seq 10); do
	[ $((i % 2)) -eq 0 ] && write_ini "greater 1" || write_ini "greater 9999"
	reload
done
grows "after ten reloads" yes

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
check [ "$rc" -eq 0 ] || fail "vbridge exited $rc after SIGTERM"
vb_check_conservation "$WORK/out" --dirs 2 --moved
log "$(grep -c 'reloaded config' "$WORK/err") reloads applied; log excerpt:"
grep 'reload' "$WORK/err" | head -8 | sed 's/^/    /' >&2
vb_done
