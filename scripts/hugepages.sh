#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Reserve 2 MiB hugepages and mount hugetlbfs, as DPDK needs. Usage: hugepages.sh [PAGES]
# Default 512 pages (1 GiB): vbridge's default configuration uses well under 256 MiB, the
# rest leaves room for tests that run a second DPDK process beside it.
set -euo pipefail
want=${1:-512}
sysfs=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages

if [ "$(id -u)" -ne 0 ]; then
	echo "hugepages.sh: must run as root to reserve hugepages" >&2
	exit 1
fi
have=$(cat "$sysfs")
if [ "$have" -lt "$want" ]; then
	echo "$want" > "$sysfs"
	have=$(cat "$sysfs")
fi
if [ "$have" -lt "$want" ]; then
	echo "hugepages.sh: asked for $want 2 MiB pages, the kernel gave $have (memory fragmented?)" >&2
	[ "$have" -gt 0 ] || exit 1
fi
mkdir -p /dev/hugepages
mountpoint -q /dev/hugepages || mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages
echo "hugepages.sh: $have x 2 MiB hugepages reserved, hugetlbfs on /dev/hugepages" >&2
