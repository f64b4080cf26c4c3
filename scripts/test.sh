#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Install what is missing, build, reserve hugepages and run every test suite (unit,
# integration, e2e), then the hardening checks (static analysis, the suites under
# AddressSanitizer and UndefinedBehaviorSanitizer, a minute of fuzzing per harness).
#   scripts/test.sh            everything (what CI runs), about 7 minutes on 2 cores
#   scripts/test.sh --quick    the three suites only, about 2 minutes
#   scripts/test.sh --suite unit [other meson test options]
# As root (sudo from another account). Exits non-zero if anything fails. The last line, and
# the only one of its kind, counts every test run: "N passed, N failed, N skipped" (each
# meson test, each sanitized test, each fuzz harness, each static analyser; a step that
# fails before its tests run counts as one failed test). CI reads it.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
args=()
for a in "$@"; do
	case "$a" in
	--quick) quick=1 ;;
	-h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) args+=("$a") ;;
	esac
done

source scripts/lib.sh
VB_RESULTS=$(mktemp /tmp/vbridge-results.XXXXXX)
export VB_RESULTS

# Whatever happens (a failed install or build included), the count is the last line.
finish() {
	local rc=$? line
	set +e
	[ "$rc" -eq 0 ] || grep -q '^fail ' "$VB_RESULTS" || vb_result fail "test.sh(exit-$rc)"
	line=$(vb_results_line "$VB_RESULTS") || rc=1
	rm -f "$VB_RESULTS"
	echo "$line"
	exit "$rc"
}
trap finish EXIT

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
# A testlog of an earlier run must not be counted as this one's.
rm -f build/meson-logs/testlog.json
meson test -C build --num-processes 1 --print-errorlogs "${suites[@]}" "${args[@]}" || status=1
vb_results_meson build/meson-logs/testlog.json
if [ "$status" -ne 0 ] && ! grep -q '^fail ' "$VB_RESULTS"; then
	vb_result fail "meson-test(no-test-failed)"
fi

if [ "$quick" -eq 0 ]; then
	scripts/ci-extra.sh || status=1
fi
exit "$status"
