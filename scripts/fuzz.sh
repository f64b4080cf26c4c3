#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the libFuzzer harnesses of tests/fuzz with clang (ASan + UBSan + libFuzzer, in
# build-fuzz/, never the default build) and run each for a bounded time, one at a time.
#   scripts/fuzz.sh [SECONDS] [HARNESS...]     default: 60 s each, every harness
#   FUZZ_JOBS=2 scripts/fuzz.sh 3600 fuzz_tables   longer, on more cores
# Seeds come from tests/fuzz/corpus/<harness>/ (checked in); what the fuzzer finds on top
# accumulates in build-fuzz/corpus/<harness>/ so later runs continue from there.
# tests/fuzz/regress/<harness>/ holds inputs that once failed: replayed first, every run.
# Prints executions per harness; exits 1 if any harness crashed, leaked, timed out or broke
# a checked property (the input is saved under build-fuzz/artifacts/, with the command to
# reproduce it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

seconds=${1:-60}
shift || true
case "$seconds" in ''|*[!0-9]*) echo "usage: $0 [SECONDS] [HARNESS...]" >&2; exit 2 ;; esac

# clang and its runtime libraries (libFuzzer and the sanitizers live in libclang-rt).
need=()
command -v clang >/dev/null || need+=(clang)
ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
	need+=(libclang-rt-dev)
[ ${#need[@]} -eq 0 ] || vb_apt_install fuzz.sh "${need[@]}"
scripts/deps.sh

if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dfuzz=true -Dtests=false \
		-Dbuildtype=debugoptimized >/dev/null
fi
# Only the harnesses: they compile the library sources they need themselves.
mapfile -t targets < <(ninja -C build-fuzz -t targets all 2>/dev/null |
	sed -n 's#^\(tests/fuzz/fuzz_[a-z_]*\): .*#\1#p')
if ! build_log=$(ninja -C build-fuzz "${targets[@]}" 2>&1); then
	echo "$build_log" >&2
	echo "fuzz.sh: the build failed" >&2
	exit 1
fi

harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
	for f in build-fuzz/tests/fuzz/fuzz_*; do
		[ -x "$f" ] && [ -f "$f" ] && harnesses+=("$(basename "$f")")
	done
fi

# Longest input per harness: a config file of many lines; a jumbo frame plus headers;
# a sequence of frames.
max_len() {
	case "$1" in
	fuzz_config) echo 8192 ;;
	fuzz_args) echo 4096 ;;
	fuzz_classify) echo 9728 ;;
	*) echo 16384 ;;
	esac
}

mkdir -p build-fuzz/artifacts build-fuzz/logs
top=$PWD
failed=()
total=0
for h in "${harnesses[@]}"; do
	bin=build-fuzz/tests/fuzz/$h
	work=build-fuzz/corpus/$h
	seeds=tests/fuzz/corpus/$h
	log=build-fuzz/logs/$h.log
	mkdir -p "$work"
	[ -d "$seeds" ] || seeds=

	# Inputs that failed once must keep passing.
	if [ -d "tests/fuzz/regress/$h" ] && [ -n "$(ls -A "tests/fuzz/regress/$h")" ]; then
		if ! "$bin" -runs=0 "tests/fuzz/regress/$h"/* >"$log.regress" 2>&1; then
			echo "$h: a regression input fails again; see $log.regress" >&2
			tail -20 "$log.regress" >&2
			failed+=("$h(regress)")
			vb_result fail "fuzz/$h"
			continue
		fi
	fi

	jobs=()
	if [ "${FUZZ_JOBS:-1}" -gt 1 ]; then
		# Each job logs to fuzz-N.log in the current directory: the log directory.
		jobs=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS")
		rm -f build-fuzz/logs/fuzz-*.log
	fi
	status=0
	# The policy parser is small: half the time keeps CI's total in bounds.
	t=$seconds
	[ "$h" = fuzz_policy ] && t=$(((seconds + 1) / 2))
	(cd build-fuzz/logs && "$top/$bin" -max_total_time="$t" \
		-max_len="$(max_len "$h")" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		"${jobs[@]}" -artifact_prefix="$top/build-fuzz/artifacts/$h-" \
		"$top/$work" ${seeds:+"$top/$seeds"}) >"$log" 2>&1 || status=$?
	if [ ${#jobs[@]} -gt 0 ]; then
		cat build-fuzz/logs/fuzz-*.log >>"$log" 2>/dev/null || true
		rm -f build-fuzz/logs/fuzz-*.log
	fi
	execs=$(awk '/stat::number_of_executed_units/ { n += $2 } END { print n + 0 }' "$log")
	corpus=$(find "$work" -type f | wc -l)
	total=$((total + execs))
	if [ "$status" -ne 0 ] || grep -qE '^(==[0-9]+==ERROR|SUMMARY: )' "$log"; then
		echo "$h: FAILED (exit $status) after $execs executions; log $log" >&2
		grep -E 'ERROR|runtime error|SUMMARY|^fuzz_|artifact_prefix|Test unit written' \
			"$log" | head -20 >&2
		art=$(grep -o 'Test unit written to [^ ]*' "$log" | head -1 | cut -d' ' -f5)
		[ -n "$art" ] && echo "  reproduce: $bin $art" >&2
		failed+=("$h")
		vb_result fail "fuzz/$h"
	else
		vb_result pass "fuzz/$h"
		printf '%s: %d executions in %d s, corpus %d inputs, no failure\n' \
			"$h" "$execs" "$t" "$corpus"
	fi
done

echo "fuzz: ${#harnesses[@]} harnesses, $total executions in all"
if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: FAILED: ${failed[*]}" >&2
	exit 1
fi
