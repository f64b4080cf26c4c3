#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The unit and integration suites built with AddressSanitizer and UndefinedBehaviorSanitizer
# (gcc, meson -Db_sanitize=address,undefined) in build-asan/, one test at a time.
#   scripts/sanitize.sh [meson test options, e.g. --suite unit: only those tests]
# Exits non-zero on any failure or sanitizer report.
#
# What is and is not checked: our code (lib/, app/, tests/) is instrumented; DPDK's shared
# libraries are Debian's, not instrumented. ASan still sees every access our code makes to
# the C heap, the stack and globals, and intercepts libc. It does not see inside rte_malloc,
# memzone or mempool memory (mbuf data, the shared counters): DPDK would have to be built
# with ASan itself for that (RTE_MALLOC_ASAN). The fuzzers cover the frame parsers on exact
# heap copies instead (scripts/fuzz.sh).
#
# What EAL needs under ASan (checked with DPDK 22.11 on Debian 12): no ASAN_OPTIONS of its
# own. Both --no-huge and real hugepages work (DPDK reserves large PROT_NONE address ranges,
# which ASan tolerates), and dpdk-proc-info attaches to an instrumented vbridge: always,
# since an ASan-built vbridge gives EAL a base address outside ASan's shadow gap (eal_init()
# in app/vbridge/main.c; without it one attach in a few failed, "Cannot get a virtual
# area"). Leak checking stays on: vbridge and the tests free what they allocate and end with
# rte_eal_cleanup(); the one leak inside DPDK (a secondary's vdev entries) is suppressed in
# tests/sanitize/lsan.supp. Every unit and integration test runs (below). b_lundef=false:
# meson's -Wl,--no-undefined would refuse the sanitizer runtime's symbols that are only
# resolved at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

scripts/deps.sh
if [ ! -f build-asan/build.ninja ]; then
	meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debug -Dwerror=true >/dev/null
fi
if ! build_log=$(ninja -C build-asan 2>&1); then
	echo "$build_log" >&2
	echo "sanitize.sh: the build failed" >&2
	exit 1
fi
# Like scripts/test.sh: real hugepages let the process test attach dpdk-proc-info.
if [ "$(id -u)" -eq 0 ]; then
	scripts/hugepages.sh 512
fi

# A report stops the program with a non-zero status (abort: 134), so the test fails;
# print_stacktrace gives UBSan reports a stack like ASan's.
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:print_summary=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1:print_summary=1
# Leaks inside Debian's DPDK libraries (not ours to fix) are listed, each with why, there.
export LSAN_OPTIONS=suppressions=$PWD/tests/sanitize/lsan.supp:print_suppressions=0

status=0
rm -f build-asan/meson-logs/testlog.json
if [ $# -gt 0 ]; then
	meson test -C build-asan --num-processes 1 --print-errorlogs "$@" || status=$?
else
	# Every unit and integration test but those in SANITIZE_SKIP (default: none). vbridge-stat
	# is no DPDK secondary any more (it maps the stats segment), so test_stat.sh and the
	# monitor-kill test run instrumented too; the latter allows an instrumented monitor the
	# time ASan's own start takes (50-130 ms here, against 3-20 ms uninstrumented).
	skip=${SANITIZE_SKIP-}
	export VB_MONITOR_ANSWER_MS=${VB_MONITOR_ANSWER_MS:-1000}
	# A name in both suites (notify) is given once: meson runs every test of that name.
	mapfile -t tests < <(meson test -C build-asan --list --suite unit --suite integration \
		2>/dev/null | sed -n 's#^vbridge:[a-z0-9_]* / ##p' | awk '!seen[$0]++' |
		grep -vxF -f <(tr ' ' '\n' <<<"${skip:-@none@}"))
	[ -n "$skip" ] && echo "sanitize.sh: not run under ASan: $skip (see the comment in $0)"
	meson test -C build-asan --num-processes 1 --print-errorlogs "${tests[@]}" || status=$?
fi

# A test that reports a sanitizer finding but still exits 0 (a script that ignores its
# child's status) must not pass: look for reports in the logs as well.
if grep -nE '(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:)' build-asan/meson-logs/testlog.txt; then
	echo "sanitize.sh: sanitizer reports in build-asan/meson-logs/testlog.txt" >&2
	status=1
	vb_result fail "sanitize/reports-in-testlog"
fi
vb_results_meson build-asan/meson-logs/testlog.json asan:
[ "$status" -eq 0 ] && echo "sanitize.sh: unit and integration suites clean under ASan+UBSan"
exit "$status"
