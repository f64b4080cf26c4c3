#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The bad-input corpus: every file tests/unit/badinput/*.ini and every line of
# tests/unit/badinput/cmdlines.tsv must make vbridge exit 2 with a message that contains
# what the case expects: never a crash (status >= 128), a hang, or a silent default (0).
# Nothing here starts EAL: configuration errors are reported before it.
#   .ini files: line 1 is "; expect: TEXT"; an optional line 2 "; xfail: WHY" marks a known,
#   reported bug (reported as XFAIL, not counted; XPASS when it no longer fails).
#   cmdlines.tsv: TEXT<TAB>ARG<TAB>ARG... (the arguments after "--"; an ARG may be empty).
# Plus cases made here: a missing file, a directory, an unreadable file (skipped as root,
# who can read anything), a file that never ends (/dev/zero).
# Plus tests/unit/badinput/policy/*.rules: bad policy rules files, each naming file:line.
# Usage: test_badinput.sh PATH/TO/vbridge [PATH/TO/badinput]
set -u
vbridge=$1
dir=${2:-$(dirname "$0")/badinput}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0 xfailed=0

# check NAME TEXT XFAIL TIMEOUT -- ARGS...: run vbridge -- ARGS and judge the result.
check() {
	local name=$1 text=$2 xfail=$3 limit=$4 out status why=
	shift 5
	n=$((n + 1))
	# An EAL option that EAL refuses before touching anything: should a bad configuration
	# be accepted, vbridge stops there instead of starting a DPDK primary.
	out=$(timeout -k 2 "$limit" "$vbridge" --vb-badinput-stop -- "$@" 2>&1)
	status=$?
	if grep -q 'EAL' <<<"$out"; then
		why="accepted: vbridge went on to start EAL (exit $status)"
	elif [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
		why="no answer within ${limit}s (hang)"
	elif [ "$status" -ge 128 ]; then
		why="crashed: exit $status (signal $((status - 128)))"
	elif [ "$status" -ne 2 ]; then
		why="exit $status, expected 2"
	elif ! grep -qF -- "$text" <<<"$out"; then
		why="message lacks '$text'"
	fi
	if [ -n "$xfail" ]; then
		if [ -n "$why" ]; then
			echo "XFAIL $name: $why (known bug: $xfail)"
			xfailed=$((xfailed + 1))
		else
			echo "XPASS $name: fixed? remove its '; xfail:' line"
		fi
		return
	fi
	if [ -n "$why" ]; then
		echo "FAIL $name: $why; vbridge -- $*"
		head -c 600 <<<"$out" | head -5 | sed 's/^/    /'
		failed=$((failed + 1))
	fi
}

for f in "$dir"/*.ini; do
	first=$(head -n 1 "$f")
	text=${first#; expect: }
	if [ "$text" = "$first" ] || [ -z "$text" ]; then
		echo "FAIL $(basename "$f"): first line is not '; expect: TEXT'"
		failed=$((failed + 1))
		continue
	fi
	second=$(sed -n '2p' "$f" | tr -d '\0')
	xfail=
	case "$second" in "; xfail: "*) xfail=${second#; xfail: } ;; esac
	check "$(basename "$f")" "$text" "$xfail" 10 -- --config "$f"
done

# Split one line of cmdlines.tsv on tabs, keeping empty fields (read -a would drop them).
while IFS= read -r line || [ -n "$line" ]; do
	case "$line" in '#'* | '') continue ;; esac
	line=${line//@DIR@/$tmp}
	line=${line//@BADINPUT@/$dir}
	fields=()
	while :; do
		fields+=("${line%%$'\t'*}")
		[ "$line" = "${line#*$'\t'}" ] && break
		line=${line#*$'\t'}
	done
	check "cmdline ${fields[*]:1}" "${fields[0]}" "" 10 -- "${fields[@]:1}"
done <"$dir/cmdlines.tsv"

# Policy rules files: tests/unit/badinput/policy/NN.rules, line 1 "# expect: :LINE: TEXT";
# the message must name the file and the line (checked before EAL, syntax only).
for f in "$dir"/policy/*.rules; do
	first=$(head -n 1 "$f" | tr -d '\0')
	text=${first#\# expect: }
	chmod 0644 "$f"
	check "policy/$(basename "$f")" "$(basename "$f")$text" "" 10 -- --policy "$f"
done
check "policy: missing file" "no/such.rules: cannot open" "" 10 -- --policy "$tmp/no/such.rules"
check "policy: bad mode" "'block' is not enforce or shadow" "" 10 -- --policy-mode block

printf '[bridge]\nburst = 4\n' >"$tmp/unreadable.ini"
chmod 000 "$tmp/unreadable.ini"
if [ "$(id -u)" -ne 0 ]; then
	check "unreadable file" "cannot open" "" 10 -- --config "$tmp/unreadable.ini"
else
	echo "SKIP unreadable file: running as root, who can read a mode-000 file"
fi
check "missing file" "cannot open" "" 10 -- --config "$tmp/no/such/file.ini"
check "directory" "$tmp" "" 10 -- --config "$tmp"
# /dev/zero is mode 0666: refused as untrusted; past that check, it has no end.
check "/dev/zero: writable by others" "/dev/zero is writable by group/others" "" 3 -- --config /dev/zero
check "/dev/zero: a file without end" "/dev/zero" "" 3 -- --no-strict-files --config /dev/zero

echo "badinput: $n cases, $failed failed, $xfailed known bugs (XFAIL)"
[ "$failed" -eq 0 ]
