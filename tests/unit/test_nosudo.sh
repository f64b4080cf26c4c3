#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The scripts work on a new Debian 12 machine, where root has no sudo: none of them may call
# it. Each script runs with a PATH whose `sudo` only records that it was called and fails as
# a missing command would; apt-get and dpkg-query are stand-ins too, so that deps.sh takes
# the path of a machine with nothing installed (without installing anything). As root the
# scripts must do their work; as another user (nobody) they must say to run them as root.
# Usage: test_nosudo.sh SOURCE_ROOT
set -u
root=${1:-$(dirname "$0")/../..}
root=$(cd "$root" && pwd)
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

mkdir "$tmp/bin" "$tmp/fakeapt"
cat >"$tmp/bin/sudo" <<EOF
#!/bin/sh
echo "sudo \$*" >>"$tmp/sudo.log"
echo "sudo: command not found" >&2
exit 127
EOF
# A machine with nothing installed: dpkg-query knows no package, apt-get records its calls.
cat >"$tmp/fakeapt/dpkg-query" <<'EOF'
#!/bin/sh
exit 1
EOF
cat >"$tmp/fakeapt/apt-get" <<EOF
#!/bin/sh
echo "apt-get \$*" >>"$tmp/apt.log"
EOF
cat >"$tmp/fakeapt/debconf-set-selections" <<'EOF'
#!/bin/sh
cat >/dev/null
EOF
chmod 755 "$tmp"/bin/* "$tmp"/fakeapt/*
: >"$tmp/sudo.log"
: >"$tmp/apt.log"
chmod 666 "$tmp/sudo.log" "$tmp/apt.log"

# run WHO STATUS TEXT EXTRA_PATH -- SCRIPT ARGS...: WHO is "me" or "nobody"; checks the exit
# status, that TEXT is in the output, and that sudo was not called.
run() {
	local who=$1 want=$2 text=$3 extra=$4 out status path
	shift 5
	n=$((n + 1))
	path=$tmp/bin:${extra:+$extra:}$PATH
	: >"$tmp/sudo.log"
	if [ "$who" = nobody ]; then
		out=$(cd / && setpriv --reuid=nobody --regid=nogroup --clear-groups \
			env PATH="$path" HOME=/ "$@" 2>&1)
	else
		out=$(cd / && env PATH="$path" "$@" 2>&1)
	fi
	status=$?
	if [ -s "$tmp/sudo.log" ]; then
		echo "FAIL ($who) $*: called sudo: $(head -n 1 "$tmp/sudo.log")"
		failed=$((failed + 1))
	elif [ "$status" -ne "$want" ] || ! grep -qF -- "$text" <<<"$out"; then
		echo "FAIL ($who) $*: exit $status (expected $want), output:"
		head -n 5 <<<"$out" | sed 's/^/    /'
		echo "    (expected to contain: $text)"
		failed=$((failed + 1))
	else
		echo "ok ($who) $*"
	fi
}

nobody_can_run() {
	command -v setpriv >/dev/null && getent passwd nobody >/dev/null &&
		setpriv --reuid=nobody --regid=nogroup --clear-groups test -r "$root/scripts/deps.sh"
}

s=$root/scripts
if [ "$(id -u)" -eq 0 ]; then
	: >"$tmp/apt.log"
	run me 0 "deps.sh: installing" "$tmp/fakeapt" -- "$s/deps.sh" --test
	if ! grep -q '^apt-get install .*dpdk' "$tmp/apt.log"; then
		echo "FAIL (root) deps.sh: did not install the missing packages with apt-get"
		failed=$((failed + 1))
	fi
	pages=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages 2>/dev/null || echo 0)
	if [ "$pages" -gt 0 ]; then
		# As many as there are: nothing changes, hugetlbfs is checked to be mounted.
		run me 0 "hugepages reserved" "" -- "$s/hugepages.sh" "$pages"
	else
		echo "note: no hugepages reserved here, hugepages.sh as root not run"
	fi
	run me 0 "--duration" "" -- "$s/quickstart.sh" --help
	run me 0 "--quick" "" -- "$s/test.sh" --help
	if nobody_can_run; then
		who=nobody
	else
		who=
		echo "note: user nobody cannot read $root, the non-root cases are skipped"
	fi
else
	who=me
fi
if [ -n "$who" ]; then
	: >"$tmp/apt.log"
	run "$who" 1 "run as root" "$tmp/fakeapt" -- "$s/deps.sh"
	if [ -s "$tmp/apt.log" ]; then
		echo "FAIL ($who) deps.sh: ran apt-get without being root"
		failed=$((failed + 1))
	fi
	run "$who" 1 "must run as root" "" -- "$s/hugepages.sh" 1
	run "$who" 1 "run as root" "" -- "$s/quickstart.sh" --duration 1
fi

echo "nosudo: $n runs, $failed failed"
[ "$failed" -eq 0 ]
