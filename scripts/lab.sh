#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The e2e lab: two test hosts (network namespaces) joined to vbridge through veth pairs.
#
#   netns ${P}-a: ${P}h0 198.18.0.1/24 ==veth== ${P}p0 (root ns) <-vbridge port 0
#   netns ${P}-b: ${P}h1 198.18.0.2/24 ==veth== ${P}p1 (root ns) <-vbridge port 1
#
# Usage: lab.sh up|down|status|vdevs
# Environment:
#   LAB_PREFIX  name prefix (default "vb", at most 8 characters) so that labs can coexist
#   LAB_MTU     MTU of every veth end (default 1500)
#   LAB_PMD     af_packet (default) or af_xdp: which PMD `vdevs` prints arguments for.
#               af_packet works everywhere but turns an 802.1ad (0x88a8) outer tag into 0x8100
#               (the kernel strips the tag, DPDK 22.11 re-inserts it as 0x8100) and carries
#               frames up to 1518 bytes with its default framesz. af_xdp is byte-transparent
#               where it works, but needs BPF program loading and a kernel/libxdp pair that
#               delivers to the XSK: on the 6.18 sandbox kernel it attaches its program, the
#               veth counts xdp_redirect, yet DPDK receives nothing (see tests/e2e/README.md).
#   LAB_IPV6    1 (default) adds 2001:2::1/64 and 2001:2::2/64 (RFC 5180 benchmarking range)
#
# Only addresses from 198.18.0.0/15 and 2001:2::/48 are used; traffic stays between the two
# namespaces and the bridge. `up` removes leftovers of a crashed run with the same prefix
# first; `down` is idempotent. Callers should `trap 'lab.sh down' EXIT`.
set -euo pipefail

P=${LAB_PREFIX:-vb}
MTU=${LAB_MTU:-1500}
PMD=${LAB_PMD:-af_packet}
IPV6=${LAB_IPV6:-1}

prog=$(basename "$0")
die() { echo "$prog: $*" >&2; exit 1; }

# Interface names are limited to 15 characters; "${P}h0" must fit.
[[ $P =~ ^[A-Za-z][A-Za-z0-9_]{0,7}$ ]] ||
	die "LAB_PREFIX '$P' must be 1-8 characters [A-Za-z0-9_], starting with a letter"
[[ $MTU =~ ^[0-9]+$ ]] && [ "$MTU" -ge 68 ] && [ "$MTU" -le 65535 ] ||
	die "LAB_MTU '$MTU' must be a number 68..65535"

NS=("$P-a" "$P-b")
HOST=("${P}h0" "${P}h1")   # host ends, moved into the namespaces
PORT=("${P}p0" "${P}p1")   # root-namespace ends: the bridge's ports
ADDR4=(198.18.0.1/24 198.18.0.2/24)
ADDR6=(2001:2::1/64 2001:2::2/64)

need_root() { [ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces, veth)"; }

# Everything a veth end might do to a frame: segmentation offloads (a 64 KiB TSO segment does not
# fit a PMD frame), checksum offloads (frames would leave with partial checksums) and VLAN
# offloads (the kernel would strip/insert tags: we want to see the real bytes).
offloads_off() { # [netns] ifname
	local ns=() ; [ $# -eq 2 ] && { ns=(ip netns exec "$1"); shift; }
	local f
	for f in tso gso gro lro ufo sg tx rx rxvlan txvlan rx-vlan-stag-hw-parse \
		tx-vlan-stag-hw-insert rx-gro-hw rx-udp-gro-forwarding tx-udp-segmentation; do
		"${ns[@]}" ethtool -K "$1" "$f" off >/dev/null 2>&1 || true
	done
}

lab_down() {
	local i
	for i in 0 1; do
		# Deleting either end of a veth removes both; the namespace may hold the other end.
		ip link del "${PORT[$i]}" >/dev/null 2>&1 || true
		ip link del "${HOST[$i]}" >/dev/null 2>&1 || true
		if ip netns list | awk '{print $1}' | grep -qx "${NS[$i]}"; then
			# Anything still running in the namespace (iperf3 -s, tcpdump) would keep it busy.
			local pids
			pids=$(ip netns pids "${NS[$i]}" 2>/dev/null || true)
			[ -n "$pids" ] && kill $pids >/dev/null 2>&1 || true
			ip netns del "${NS[$i]}" >/dev/null 2>&1 || true
		fi
	done
}

lab_up() {
	need_root
	command -v ethtool >/dev/null || die "ethtool is missing (scripts/deps.sh installs it)"
	lab_down
	local i
	for i in 0 1; do
		ip netns add "${NS[$i]}"
		ip link add "${PORT[$i]}" mtu "$MTU" type veth peer name "${HOST[$i]}" mtu "$MTU"
		ip link set "${HOST[$i]}" netns "${NS[$i]}"
		ip netns exec "${NS[$i]}" ip link set lo up
		# No router solicitations or DAD delays: the hosts should be quiet and ready at once.
		ip netns exec "${NS[$i]}" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.router_solicitations=0 \
			net.ipv6.conf.default.router_solicitations=0 >/dev/null 2>&1 || true
		ip netns exec "${NS[$i]}" sysctl -qw "net.ipv6.conf.${HOST[$i]}.accept_dad=0" \
			"net.ipv6.conf.${HOST[$i]}.router_solicitations=0" >/dev/null 2>&1 || true
		ip netns exec "${NS[$i]}" ip addr add "${ADDR4[$i]}" dev "${HOST[$i]}"
		if [ "$IPV6" = 1 ]; then
			ip netns exec "${NS[$i]}" ip addr add "${ADDR6[$i]}" dev "${HOST[$i]}" nodad
		fi
		# The bridge's ports carry no addresses and must not talk themselves.
		sysctl -qw "net.ipv6.conf.${PORT[$i]}.disable_ipv6=1" >/dev/null 2>&1 || true
		offloads_off "${PORT[$i]}"
		offloads_off "${NS[$i]}" "${HOST[$i]}"
		ip link set "${PORT[$i]}" up
		ip netns exec "${NS[$i]}" ip link set "${HOST[$i]}" up
	done
}

lab_status() {
	local i rc=0
	for i in 0 1; do
		if ip netns exec "${NS[$i]}" true 2>/dev/null; then
			echo "netns ${NS[$i]}:"
			ip netns exec "${NS[$i]}" ip -br addr show "${HOST[$i]}" 2>/dev/null |
				sed 's/^/  /' || { echo "  ${HOST[$i]} missing"; rc=1; }
		else
			echo "netns ${NS[$i]}: missing"; rc=1
		fi
		if ip link show "${PORT[$i]}" >/dev/null 2>&1; then
			echo "port $i: $(ip -br link show "${PORT[$i]}")"
		else
			echo "port $i: ${PORT[$i]} missing"; rc=1
		fi
	done
	return $rc
}

# EAL --vdev arguments, one per port, in bridge port order (port 0 = host a, port 1 = host b).
# af_xdp: one queue each; the PMD loads its own XDP program on the root-ns veth end.
# af_packet: qdisc bypass so the kernel does not queue, one queue pair each.
lab_vdevs() {
	local i
	for i in 0 1; do
		case $PMD in
		af_xdp|net_af_xdp)
			printf -- '--vdev=net_af_xdp%d,iface=%s,start_queue=0,queue_count=1\n' "$i" "${PORT[$i]}";;
		af_packet|net_af_packet)
			printf -- '--vdev=net_af_packet%d,iface=%s,qpairs=1,qdisc_bypass=1\n' "$i" "${PORT[$i]}";;
		*) die "LAB_PMD '$PMD' must be af_xdp or af_packet";;
		esac
	done
}

case ${1:-} in
up) lab_up; echo "$prog: lab '$P' up: ${NS[0]} ${ADDR4[0]} <-> ${PORT[0]} | ${PORT[1]} <-> ${NS[1]} ${ADDR4[1]}, mtu $MTU" >&2;;
down) need_root; lab_down;;
status) lab_status;;
vdevs) lab_vdevs;;
-h|--help|help) sed -n '3,24p' "$0" | sed 's/^# \{0,1\}//';;
*) echo "usage: $prog up|down|status|vdevs (see --help)" >&2; exit 2;;
esac
