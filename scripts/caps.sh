#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Which capabilities vbridge needs for each kind of port (docs/security.md, "measured"): it
# runs vbridge as uid 0 with nothing but the capabilities given (setpriv's bounding set, as
# CapabilityBoundingSet= gives a root service), 7 s each, and says ready or the first errors.
#   scripts/caps.sh [PATH/TO/vbridge]     as root; needs 64 MiB of free hugepages
# Interfaces vbcaps<pid>{a,b}[p] (veth) are made and removed; no traffic is sent.
set -u
source "$(dirname "$0")/lib.sh"
vb_init caps
vb=${1:-$VB_ROOT/build/app/vbridge/vbridge}
[ "$(id -u)" -eq 0 ] || skip "run as root (it makes veth pairs and drops capabilities)"
command -v setpriv >/dev/null || skip "setpriv missing (util-linux)"
vb_need_hugepages 32
a=vbcaps$$a b=vbcaps$$b prefix=vbcaps_$$ out=$(mktemp -d)
cleanup() {
	ip link del "$a" 2>/dev/null; ip link del "$b" 2>/dev/null
	vb_clean_prefix "$prefix"; rm -rf "$out"
}
trap cleanup EXIT

veths() {
	ip link del "$a" 2>/dev/null; ip link del "$b" 2>/dev/null
	ip link add "$a" type veth peer name "${a}p" && ip link add "$b" type veth peer name "${b}p"
	for i in "$a" "${a}p" "$b" "${b}p"; do ip link set "$i" up; done
}

# run NAME CAPS EAL-AND-APP-ARGS...: one start with exactly CAPS (+cap_x,+cap_y or "")
run() {
	local name=$1 caps=$2 rc res
	shift 2
	timeout -s INT 7 setpriv --bounding-set=-all${caps:+,$caps} --inh-caps=-all -- \
		"$vb" -l 0,1 -m 64 --no-pci --file-prefix "$prefix" --log-level lib.eal:error "$@" \
		>"$out/out" 2>"$out/err"
	rc=$?
	if grep -q 'vbridge: ready' "$out/err"; then res=ready; else res="FAILS (exit $rc)"; fi
	printf '%-10s %-58s %s\n' "$name" "[${caps:-no capability}]" "$res"
	[ "$res" = ready ] || grep -iE "error|fail|cannot|denied|not permitted" "$out/err" |
		head -n 2 | sed 's/^/             /'
	vb_clean_prefix "$prefix"
}

null=(--vdev net_null0 --vdev net_null1)
afp=(--vdev "net_af_packet0,iface=$a" --vdev "net_af_packet1,iface=$b")
xdp=(--vdev "net_af_xdp0,iface=$a" --vdev "net_af_xdp1,iface=$b")
tap=(--vdev "net_tap0,iface=$a" --vdev "net_tap1,iface=$b")
run net_null "" "${null[@]}"
veths
run af_packet "+net_raw" "${afp[@]}"
run af_packet "+net_admin" "${afp[@]}"
run af_packet "+net_raw,+net_admin" "${afp[@]}"
veths
run af_xdp "+net_raw,+net_admin,+bpf" "${xdp[@]}"
run af_xdp "+net_raw,+net_admin,+bpf,+ipc_lock" "${xdp[@]}"
run af_xdp "+net_raw,+net_admin,+bpf,+ipc_lock,+perfmon" "${xdp[@]}"
run af_xdp "+net_raw,+net_admin,+bpf,+ipc_lock,+sys_admin" "${xdp[@]}"
ip link del "$a" 2>/dev/null; ip link del "$b" 2>/dev/null
run net_tap "" "${tap[@]}"
run net_tap "+net_admin" "${tap[@]}"
run mirror "" "${null[@]}" -- --mirror on --mirror-iface "${a}m"
run mirror "+net_admin" "${null[@]}" -- --mirror on --mirror-iface "${a}m"
