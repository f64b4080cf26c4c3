#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install what is missing, build, reserve hugepages and run every test suite:
#   sudo scripts/test.sh [meson test options, e.g. --suite unit]
# Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
if [ ! -f build/build.ninja ]; then
	meson setup build -Dwerror=true
fi
ninja -C build
scripts/hugepages.sh 512

# DPDK tests spin cores and share hugepages: one at a time on a small machine.
suites=(--suite unit --suite integration --suite e2e)
for a in "$@"; do
	case "$a" in --suite*) suites=() ;; esac
done
meson test -C build --num-processes 1 --print-errorlogs "${suites[@]}" "$@"
