#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Static analysis of app/ and lib/: cppcheck and clang-tidy (configuration in .clang-tidy,
# cppcheck's options here and its suppressions in .cppcheck-suppressions).
#   scripts/lint.sh [FILE.c...]     default: every .c file under app/ and lib/
# Exits 1 on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

need=()
command -v clang-tidy >/dev/null || need+=(clang-tidy)
command -v cppcheck >/dev/null || need+=(cppcheck)
[ ${#need[@]} -eq 0 ] || vb_apt_install lint.sh "${need[@]}"
scripts/deps.sh
# clang-tidy compiles each file as the build does: it needs build/compile_commands.json,
# and generated files in place.
[ -f build/build.ninja ] || meson setup build -Dwerror=true >/dev/null
if ! build_log=$(ninja -C build 2>&1); then
	echo "$build_log" >&2
	echo "lint.sh: the build failed" >&2
	exit 1
fi

if [ $# -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <(find app lib -name '*.c' | sort)
fi
status=0

# cppcheck: warnings, performance and portability; not its style class, which argues with
# DPDK's declarations-at-the-top style. Without DPDK's headers (see the suppressions file).
echo "lint: cppcheck on ${#files[@]} files"
if ! cppcheck --std=c11 -D_GNU_SOURCE -Ilib --enable=warning,performance,portability \
	--inline-suppr --suppressions-list=.cppcheck-suppressions --error-exitcode=1 -q \
	--template='{file}:{line}: {severity}: {message} [{id}]' "${files[@]}"; then
	status=1
	vb_result fail lint/cppcheck
else
	vb_result pass lint/cppcheck
fi

# clang-tidy: one process per file, two at a time (a file's findings do not depend on which
# files were analysed before it in the same process).
echo "lint: clang-tidy on ${#files[@]} files"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
printf '%s\n' "${files[@]}" |
	xargs -P "${LINT_JOBS:-2}" -n 1 clang-tidy -p build --quiet 2>/dev/null |
	sed -E "s#^($PWD/)?(build/)?\.\./##" >"$out" || true
# A path the analyzer follows into a DPDK inline function is reported at the DPDK line.
# That is not ours to fix, and these have been false positives (rte_ring's head/tail after
# a ring we created): shown, not counted. Anything in our files is counted.
if grep -E '^/usr/include/.*: (warning|error):' "$out" >/dev/null; then
	echo "lint: clang-tidy notes inside system headers (not counted):"
	grep -E '^/usr/include/.*: (warning|error):' "$out" | sort -u | sed 's/^/  /'
fi
findings=$(grep -E '^[^ ].*:[0-9]+:[0-9]+: (warning|error):' "$out" |
	grep -vE '^/usr/include/' | sort -u || true)
if [ -n "$findings" ]; then
	echo "$findings"
	echo "lint: clang-tidy: $(wc -l <<<"$findings") finding(s); details: clang-tidy -p build FILE"
	status=1
	vb_result fail lint/clang-tidy
else
	vb_result pass lint/clang-tidy
fi
[ "$status" -eq 0 ] && echo "lint: clean"
exit "$status"
