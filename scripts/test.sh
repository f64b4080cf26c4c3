#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install what is missing, build, reserve hugepages and run every test suite (unit,
# integration, e2e), then the hardening checks (static analysis, the suites under
# AddressSanitizer and UndefinedBehaviorSanitizer, a minute of fuzzing per harness).
#   scripts/test.sh            everything (what CI runs), about 7 minutes on 2 cores
#   scripts/test.sh --quick    the three suites only, about 2 minutes
#   scripts/test.sh --suite unit [other meson test options]
# As root (sudo from another account). Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
args=()
for a in "$@"; do
	case "$a" in
	--quick) quick=1 ;;
	-h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) args+=("$a") ;;
	esac
done

scripts/deps.sh --test
if [ ! -f build/build.ninja ]; then
	meson setup build -Dwerror=true
fi
ninja -C build
scripts/hugepages.sh 512

# DPDK tests spin cores and share hugepages: one at a time on a small machine.
suites=(--suite unit --suite integration --suite e2e)
for a in "${args[@]}"; do
	case "$a" in --suite*) suites=(); quick=1 ;; esac
done
status=0
meson test -C build --num-processes 1 --print-errorlogs "${suites[@]}" "${args[@]}" || status=1

if [ "$quick" -eq 0 ]; then
	scripts/ci-extra.sh || status=1
fi
[ "$status" -eq 0 ] && echo "test.sh: all passed" || echo "test.sh: FAILED" >&2
exit "$status"
