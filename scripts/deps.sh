#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install what building, running and testing vbridge needs, from Debian's archive.
# Quick when everything is there already; safe to run again.
#   deps.sh          what quickstart needs
#   deps.sh --test   also the independent checkers the tests use (promtool, prometheus, tmux)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

packages=(
	build-essential pkg-config meson ninja-build
	dpdk dpdk-dev libdpdk-dev libnuma-dev libpcap-dev libbsd-dev libsystemd-dev libmnl-dev
	libmicrohttpd-dev
	python3 python3-scapy
	iproute2 iputils-ping arping ethtool tcpdump tshark iperf3 procps
	scdoc man-db systemd
)
# scdoc builds the man pages, man-db's man shows them; systemd gives systemd-analyze (the units
# are verified in the unit suite).
# Debian's prometheus package: promtool checks vbridge-stat's Prometheus output, and the server
# itself (started by tests/integration/test_listen.sh, unprivileged on 127.0.0.1, never as a
# service) scrapes vbridge-stat --listen; curl asks both over HTTP.
# tmux gives tests/integration/test_terminal.sh its terminals of 80 and 120 columns.
[ "${1:-}" = "--test" ] && packages+=(prometheus curl tmux)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

# tshark asks whether non-root users may capture; the answer does not matter here.
if [ "$(id -u)" -eq 0 ]; then
	echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
fi
vb_apt_install deps.sh "${missing[@]}"
