#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The hardening checks CI runs besides the test suites (issue 6), one after the other:
#   1. scripts/lint.sh       cppcheck + clang-tidy on app/ and lib/           (~1 min)
#   2. scripts/sanitize.sh   unit + integration suites under ASan + UBSan     (~1-2 min)
#   3. scripts/fuzz.sh 60    each libFuzzer harness for 60 s                  (~4-5 min)
# About 7 minutes on a 2-core machine. FUZZ_SECONDS=N changes the fuzzing time per harness.
# Every step runs even if an earlier one failed; exits 1 if any failed.
#   scripts/ci-extra.sh         (as root)
# Each step records its tests' results in $VB_RESULTS (scripts/lib.sh) when that is set, as
# scripts/test.sh does: a step that fails without naming a failed test counts as one.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

failed=()
step() {
	local name=$1 start=$SECONDS ok=1 own
	shift
	echo "=== ci-extra: $name"
	own=$(mktemp /tmp/vbridge-results-$name.XXXXXX)
	VB_RESULTS=$own "$@" || ok=0
	grep -q '^fail ' "$own" && ok=0
	if [ "$ok" -eq 1 ]; then
		[ -s "$own" ] || echo "pass $name" >>"$own"
		echo "=== ci-extra: $name passed ($((SECONDS - start)) s)"
	else
		grep -q '^fail ' "$own" || echo "fail $name" >>"$own"
		echo "=== ci-extra: $name FAILED ($((SECONDS - start)) s)"
		failed+=("$name")
	fi
	[ -z "${VB_RESULTS:-}" ] || cat "$own" >>"$VB_RESULTS"
	rm -f "$own"
}

step lint scripts/lint.sh
step sanitize scripts/sanitize.sh
step fuzz scripts/fuzz.sh "${FUZZ_SECONDS:-60}"

if [ ${#failed[@]} -gt 0 ]; then
	echo "ci-extra: FAILED: ${failed[*]} (${SECONDS} s)"
	exit 1
fi
echo "ci-extra: lint, sanitize and fuzz passed (${SECONDS} s)"
