#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vbridge's telemetry commands read by DPDK's own client, dpdk-telemetry.py (an independent
# reader), against a vbridge on two net_null ports with the mirror and a sample filter on:
#  - every per-port command (/vbridge/stats, /vbridge/classifier) answers the list of bridge
#    ports without a parameter, a port's counters with one, and nothing for a port that does
#    not exist;
#  - each command answers exactly the keys the counter lists (lib/counters.h) give: the list
#    comes from test_counters --telemetry-keys, so a counter added to a list must appear here;
#  - the counters add up: rx = tx + dropped per direction, and they grow.
# Usage: test_telemetry.sh PATH/TO/vbridge PATH/TO/test_counters
set -u
source "$(dirname "$0")/../../scripts/lib.sh"
vb_init telemetry keep-going
vbridge=$1
keys=$2
vb_scratch tel
tap=vbtel$$
vb_on_exit() { ip link del "${tap:0:15}" 2>/dev/null; }

for t in dpdk-telemetry.py python3; do
	command -v "$t" >/dev/null || skip "$t not installed (scripts/deps.sh installs it)"
done
# The mirror is a TAP interface: root only. Without it, the rest is still worth checking.
mirror=()
[ "$(id -u)" -eq 0 ] && [ -c /dev/net/tun ] && mirror=(--mirror on --mirror-iface "${tap:0:15}")

"$vbridge" -l 0,1 --no-huge -m 256 --no-pci --file-prefix "$prefix" --log-level lib.eal:error \
	--vdev net_null0 --vdev net_null1 -- "${mirror[@]}" --sample-filter arp \
	>"$tmp/out" 2>"$tmp/err" &
vpid=$!
if ! vb_wait_ready "$tmp/err" "$vpid"; then
	cat "$tmp/err" >&2
	vb_init telemetry
	fail "vbridge did not become ready"
fi

# One reply per command, as dpdk-telemetry.py prints it: a JSON object on one line.
for c in /vbridge/stats /vbridge/classifier /vbridge/stats,0 /vbridge/stats,1 \
	/vbridge/classifier,0 /vbridge/classifier,1 /vbridge/stats,2 /vbridge/classifier,x \
	/vbridge/tables /vbridge/info /vbridge/stats,0; do
	echo "$c" | timeout 10 dpdk-telemetry.py -f "$prefix" 2>&1 | grep '^{' || echo "{}"
done >"$tmp/replies"
"$keys" --telemetry-keys >"$tmp/keys"

python3 - "$tmp/replies" "$tmp/keys" "${#mirror[@]}" <<'EOF'
import json, sys

replies = [json.loads(line) for line in open(sys.argv[1])]
want = {}
for line in open(sys.argv[2]):
    cmd, key = line.split()
    want.setdefault(cmd, []).append(key)
mirror = sys.argv[3] != "0"
failed = 0
n = 0

def check(ok, what):
    global failed, n
    n += 1
    if not ok:
        failed += 1
        print("FAIL:", what)

def reply(i, cmd):
    r = replies[i]
    check(list(r.keys()) == [cmd], "reply %d is not for %s: %r" % (i, cmd, r))
    return r.get(cmd)

# Without a parameter: the bridge ports, as ethdev's /ethdev/stats lists its ports.
for i, cmd in enumerate(["/vbridge/stats", "/vbridge/classifier"]):
    r = reply(i, cmd)
    check(r == [0, 1], "%s without a port: %r, expected [0, 1]" % (cmd, r))

# With one: exactly the lists' keys, in their order, for each port.
for i, (cmd, port, name) in enumerate([("/vbridge/stats", 0, "net_null0"),
                                      ("/vbridge/stats", 1, "net_null1"),
                                      ("/vbridge/classifier", 0, "net_null0"),
                                      ("/vbridge/classifier", 1, "net_null1")]):
    r = reply(2 + i, cmd) or {}
    check(list(r.keys()) == want[cmd], "%s,%d keys %r\n  expected %r" %
          (cmd, port, list(r.keys()), want[cmd]))
    check(r.get("port") == name, "%s,%d: port %r" % (cmd, port, r.get("port")))

# A port that does not exist, a port that is not a number: no answer (null), not a crash.
for i, cmd in [(6, "/vbridge/stats"), (7, "/vbridge/classifier")]:
    r = reply(i, cmd)
    check(r is None, "%s with a bad port: %r, expected null" % (cmd, r))

r = reply(8, "/vbridge/tables") or {}
check(list(r.keys()) == want["/vbridge/tables"], "/vbridge/tables keys %r\n  expected %r" %
      (list(r.keys()), want["/vbridge/tables"]))
check(r.get("dup_entries") == 4096 and r.get("mac_entries") == 16384,
      "/vbridge/tables sizes: %r" % r)

r = reply(9, "/vbridge/info") or {}
mk = [k for k in r if k.startswith("mirror_") and k not in ("mirror_iface", "mirror_filter")]
check(mk == (want["/vbridge/info"] if mirror else []),
      "/vbridge/info mirror counters %r (mirror %s)" % (mk, "on" if mirror else "off"))

# The counters themselves: each direction adds up, and they grow.
a, b = replies[2]["/vbridge/stats"], replies[10]["/vbridge/stats"]
check(b["rx_frames"] > a["rx_frames"] > 0, "rx_frames did not grow: %d, %d" %
      (a["rx_frames"], b["rx_frames"]))
drops = sum(v for k, v in b.items() if k.startswith("drop_"))
check(b["dropped"] == drops, "dropped %d, the reasons sum to %d" % (b["dropped"], drops))
print("%d cases, %d failed" % (n, failed))
sys.exit(1 if failed else 0)
EOF
check [ $? -eq 0 ]

# Stopped, the final lines carry the same counters under the same names.
kill -TERM "$vpid"
rc=0
wait "$vpid" || rc=$?
vpid=
check [ "$rc" -eq 0 ] || log "vbridge exited $rc after SIGTERM"
while read -r cmd key; do
	case $cmd in
	/vbridge/stats)
		[[ $key == port* || $key == peer* || $key == link_* ]] && continue
		check grep -Eq "^(dir 0->1|cap 0) .* $key=[0-9]" "$tmp/out" ;;
	/vbridge/classifier)
		[[ $key == port || $key == enabled ]] && continue
		check grep -q "^cls 0 .* $key=[0-9]" "$tmp/out" ;;
	esac
done <"$tmp/keys"
vb_done
