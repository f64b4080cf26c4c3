#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vbridge-stat's text views in a real terminal: tmux panes of 80 and 120 columns (a private
# tmux server), each view run inside and read back with capture-pane:
#  - the summary, --watch (three refreshes, then the window resized: redrawn at the new
#    width), --diagnose, --macs, --samples and --rules of a vbridge with a policy, on
#    net_null ports with 29- and 30-character names that end alike;
#  - no line longer than the pane, and none wrapped (capture-pane -J joins what tmux
#    wrapped: a joined line longer than the pane is a wrapped one);
#  - each view shows what it is for (a port, a rate, the policy's finding, a sample, a
#    rule's text), so that a view printing nothing fails;
#  - and, piped, --json and --diagnose --json carry the policy's finding
#    (policy_drops_neighbours).
# Usage: test_terminal.sh PATH/TO/vbridge PATH/TO/vbridge-stat
set -u
source "$(dirname "$0")/../../scripts/lib.sh"
vb_init terminal keep-going
vbridge=$1
stat=$2
command -v tmux >/dev/null || skip "'tmux' is not installed (scripts/deps.sh --test installs it)"
vb_scratch terminal
sock=$tmp/tmux.sock
vb_on_exit() {
	tmux -S "$sock" kill-server 2>/dev/null
	[ -n "${VB_TERMINAL_KEEP:-}" ] && cp -r "$tmp" "$VB_TERMINAL_KEEP"
}

left=net_null_left_uplink_vswitch0
right=net_null_right_uplink_vswitch0
cat >"$tmp/rules" <<EOF
deny tcp dport 23
permit in $right ip6 dst 2001:db8:abcd::1 tcp sport 1024-65535 dport 443
deny arp
permit any
EOF
# net_null's frames are all zero: the sample filter samples them (at sample_rate, 1000/s)
"$vbridge" -l 0,1 --no-pci --no-huge -m 256 --file-prefix "$prefix" --log-level lib.eal:error \
	--vdev "$left" --vdev "$right" -- --policy "$tmp/rules" --sample-filter 'ether[0] == 0' \
	>"$tmp/v.out" 2>"$tmp/v.err" &
vpid=$!
if ! vb_wait_ready "$tmp/v.err" "$vpid" 15; then
	fail "vbridge did not become ready: $(tail -3 "$tmp/v.err")"
	vb_done
	exit 1
fi
S="$stat --file-prefix $prefix"

# --json and --diagnose --json, piped: the policy's finding is one of their findings
for view in --json "--diagnose --json"; do
	check
	timeout 20 $S $view -i 0.3 >"$tmp/json" 2>"$tmp/json.err"
	python3 - "$tmp/json" <<'EOF' ||
import json, sys
j = json.load(open(sys.argv[1]))
f = [x for x in j["findings"] if x["code"] == "policy_drops_neighbours"]
assert len(f) == 1 and f[0]["severity"] == "warning" and "'deny arp' drops ARP" in f[0]["text"], f
EOF
		fail "$view: no policy_drops_neighbours finding: $(head -c 300 "$tmp/json")"
done

# pane NAME WIDTH COMMAND: run COMMAND in a new WIDTHx50 pane until it ends; its whole output
# (history included), wrapped lines joined, in $tmp/NAME.WIDTH
pane() {
	local name=$1 width=$2 cmd=$3 _
	tmux -S "$sock" new-session -d -s "$name$width" -x "$width" -y 50 \
		"env -u COLUMNS $cmd; echo vb-terminal-done; sleep 60"
	for _ in $(seq 200); do
		tmux -S "$sock" capture-pane -p -t "$name$width" | grep -q '^vb-terminal-done' && break
		sleep 0.1
	done
	tmux -S "$sock" capture-pane -p -J -S - -E - -t "$name$width" |
		sed '/^vb-terminal-done/,$d' >"$tmp/$name.$width"
	tmux -S "$sock" kill-session -t "$name$width"
}
# fits NAME WIDTH PATTERN: every line within WIDTH, and PATTERN (grep -E) is there
fits() {
	local f=$tmp/$1.$2 long
	check
	long=$(awk -v w="$2" 'length($0) > w { printf "  %d: %s\n", length($0), $0 }' "$f")
	if [ -n "$long" ]; then
		fail "$1 at $2 columns: lines longer than the pane (or wrapped):"
		echo "$long"
	fi
	check
	grep -Eq -- "$3" "$f" || { fail "$1 at $2 columns: no '$3' in:"; cat "$f"; }
}

for w in 80 120; do
	pane summary $w "$S -i 0.3"
	fits summary $w "^   0  $left"
	fits summary $w '^  0 -> 1 +[0-9.]+ [kMG] '	# a rate with its unit
	pane watch $w "$S --watch 0.3 --count 3"
	fits watch $w 'rx frames/s'
	fits watch $w '(~|port 0|left).* -> .*[0-9.]+ [kMG]'
	pane diagnose $w "$S --diagnose -i 0.3"
	fits diagnose $w '^warning: policy_drops_neighbours'
	fits diagnose $w 'problems? or warnings? found'
	pane macs $w "$S --macs"
	fits macs $w 'MACs? live of [0-9]+ entries'
	pane samples $w "$S --samples"
	fits samples $w '^[0-9:.]+ +(~|port 0|port 1).* filter'
	fits samples $w 'samples shown; [0-9]+ lost'
	pane rules $w "$S --rules"
	fits rules $w 'deny tcp dport 23'
	fits rules $w 'dport 443'
	fits rules $w ' permit +[0-9.]+ [kMG] +[0-9.]+ [kMG] '	# permit any: counts with units
	echo "$w columns: $(cat "$tmp"/*.$w | wc -l) lines rendered"
done

# --watch redraws at once when its terminal is resized (SIGWINCH): 120, then 80 columns
tmux -S "$sock" new-session -d -s resize -x 120 -y 50 \
	"env -u COLUMNS $S --watch 0.5 --count 8; echo vb-terminal-done; sleep 60"
sleep 1.2
tmux -S "$sock" resize-window -t resize -x 80 -y 50
for _ in $(seq 100); do
	tmux -S "$sock" capture-pane -p -t resize | grep -q '^vb-terminal-done' && break
	sleep 0.1
done
tmux -S "$sock" capture-pane -p -J -t resize | sed '/^vb-terminal-done/,$d' >"$tmp/resize.80"
fits resize 80 'rx frames/s'

vb_stop "$vpid"
check
[ "$VB_STOP_STATUS" -eq 0 ] || fail "vbridge exit $VB_STOP_STATUS: $(tail -3 "$tmp/v.err")"
vb_done
