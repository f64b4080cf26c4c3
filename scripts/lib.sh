# SPDX-License-Identifier: BSD-3-Clause
# The shell library of vbridge's scripts and tests (sourced, never run): what every one of
# them needs once, here once.
#   source "$(dirname "$0")/lib.sh"                 from scripts/
#   source "$(dirname "$0")/../../scripts/lib.sh"   from tests/*/
#   vb_init NAME [keep-going]
#
# Messages and verdicts (NAME prefixes each message):
#   log MSG            a line on stderr
#   skip MSG           exit 77: the test cannot run here, and why
#   fail MSG           a failed check: exit 1, or, after `vb_init NAME keep-going`, counted
#                      (returns 1) so that the test goes on and reports every failure
#   expect STATUS TEXT [--] ARGS...
#                      run "${VB_EXPECT_CMD[@]}" ARGS: the exit status must be STATUS and the
#                      output (stdout and stderr, kept in VB_OUT) must contain TEXT
#   check [CMD...]     count a case; with CMD, run it and fail if it fails
#   vb_done            "NAME: N cases, M failed"; returns 1 if any failed (end a keep-going
#                      test with it)
# DPDK processes:
#   vb_scratch NAME    a test's own file prefix and scratch directory, cleaned at exit: sets
#                      prefix (vb_itest_NAME_PID; further ones are prefix_*) and tmp; at exit
#                      kills (SIGKILL) every background job still running, runs vb_on_exit if
#                      the test defines it (interfaces, users), removes tmp and the prefixes
#   vb_wait_ready ERRFILE PID [SECONDS]   until "vbridge: ready" is in ERRFILE (default 15 s);
#                      returns 0, 1 if PID exited first (its status in VB_RC), 2 on timeout
#   vb_clean_prefix PREFIX...   remove what a --file-prefix leaves behind (EAL's runtime
#                      directory, hugepage files, vbridge's stats segment); a PREFIX may be a
#                      pattern (vbbench_*)
#   vb_free_hugepages  the number of free 2 MiB hugepages
#   vb_need_hugepages N   skip unless N are free and hugetlbfs is mounted
#   vb_counter DIR FIELD [FILE]   a field of a final "dir A->B ..." line (vb_counter 0-\>1
#                      rx_frames); FILE defaults to $WORK/vbridge.out
#   vb_check_conservation [FILE] [--dirs N] [--moved] [--no-drops]
#                      every direction of FILE's final counters: rx_frames = tx_frames +
#                      dropped, dropped = the sum of drop_<reason>; --dirs: exactly N lines,
#                      --moved: rx_frames > 0, --no-drops: dropped = 0. fail()s otherwise.
# Packages:
#   vb_apt_install WHO PKG...   install Debian packages as root; as another user, say to run
#                      WHO as root and exit 1 (no sudo: a new Debian 12 machine has none)
# Results, for scripts/test.sh's last line (VB_RESULTS names a file; unset: not recorded):
#   vb_result pass|fail|skip NAME      one test's result
#   vb_results_meson TESTLOG [PREFIX]  every test of a meson testlog.json (names after PREFIX)
#   vb_results_line FILE               "N passed, N failed, N skipped"; returns 1 if any failed
[ -n "${VB_LIB_LOADED:-}" ] && return 0
VB_LIB_LOADED=1

VB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VB_NAME=${VB_NAME:-$(basename "$0" .sh)}
VB_KEEP_GOING=0
VB_CASES=0
VB_FAILED=0
VB_OUT=
VB_RC=
VB_EXPECT_CMD=()

vb_init() {
	VB_NAME=$1
	[ "${2:-}" = keep-going ] && VB_KEEP_GOING=1
	return 0
}

log() { echo "[$VB_NAME] $*" >&2; }
skip() { echo "SKIP [$VB_NAME]: $*" >&2; exit 77; }

fail() {
	echo "FAIL [$VB_NAME]: $*" >&2
	[ "$VB_KEEP_GOING" -eq 1 ] || exit 1
	VB_FAILED=$((VB_FAILED + 1))
	return 1
}

expect() {
	local want=$1 text=$2 status
	shift 2
	[ "${1:-}" = "--" ] && shift
	VB_CASES=$((VB_CASES + 1))
	VB_OUT=$("${VB_EXPECT_CMD[@]}" "$@" 2>&1) && status=0 || status=$?
	if [ "$status" -ne "$want" ] || ! grep -qF -- "$text" <<<"$VB_OUT"; then
		tail -n 5 <<<"$VB_OUT" | sed 's/^/    /' >&2
		fail "${VB_EXPECT_CMD[*]} $*: exit $status (expected $want), output (above) without '$text'"
	fi
}

check() {
	VB_CASES=$((VB_CASES + 1))
	[ $# -eq 0 ] || "$@" || fail "$*"
}

vb_done() {
	echo "$VB_NAME: $VB_CASES cases, $VB_FAILED failed"
	[ "$VB_FAILED" -eq 0 ]
}

vb_wait_ready() {
	local err=$1 pid=$2 tenths=$((${3:-15} * 10)) i
	for ((i = 0; i < tenths; i++)); do
		grep -qs 'vbridge: ready' "$err" && return 0
		if ! kill -0 "$pid" 2>/dev/null; then
			VB_RC=0
			wait "$pid" 2>/dev/null || VB_RC=$?
			grep -qs 'vbridge: ready' "$err" && return 0
			return 1
		fi
		sleep 0.1
	done
	return 2
}

# vb_stop PID: SIGTERM, wait up to 5 s (then SIGKILL and fail), reap it. Sets VB_STOP_STATUS
# (its exit status) and VB_STOP_MS (from the signal to its end).
vb_stop() {
	local pid=$1 t0
	t0=$(date +%s%N)
	kill -TERM "$pid"
	for _ in $(seq 500); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
	done
	if kill -0 "$pid" 2>/dev/null; then
		fail "vbridge still running 5 s after SIGTERM"
		kill -9 "$pid"
	fi
	{ wait "$pid"; } 2>/dev/null
	VB_STOP_STATUS=$?
	VB_STOP_MS=$((($(date +%s%N) - t0) / 1000000))
}

vb_scratch() {
	prefix=vb_itest_$1_$$
	tmp=$(mktemp -d)
	trap 'vb_scratch_clean 2>/dev/null' EXIT	# no "Killed" line for each job
}

vb_scratch_clean() {
	local p
	# The jobs, not remembered pids: a job already waited for is no longer listed, so no
	# reused pid is killed. A failed test must not leave a poller spinning.
	for p in $(jobs -p); do
		kill -9 "$p" 2>/dev/null
	done
	wait
	[ "$(type -t vb_on_exit)" = function ] && vb_on_exit
	rm -rf "$tmp"
	vb_clean_prefix "$prefix" "${prefix}_*"
}

vb_clean_prefix() {
	local p
	for p in "$@"; do
		[ -n "$p" ] || continue
		# Unquoted on purpose: a pattern names several prefixes.
		# shellcheck disable=SC2115
		rm -rf /var/run/dpdk/$p /run/vbridge/$p /dev/shm/vbridge/$p
		rm -f /dev/hugepages/${p}map_*
	done
}

vb_free_hugepages() {
	cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages 2>/dev/null || echo 0
}

vb_need_hugepages() {
	local free
	free=$(vb_free_hugepages)
	[ "$free" -ge "$1" ] || skip "only $free free 2 MiB hugepages, $1 needed (run scripts/hugepages.sh as root)"
	mountpoint -q /dev/hugepages || skip "hugetlbfs is not mounted on /dev/hugepages (run scripts/hugepages.sh as root)"
}

vb_counter() {
	awk -v d="$1" -v f="$2" '$1 == "dir" && $2 == d {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) { print kv[2]; found = 1 } }
	} END { if (!found) exit 1 }' "${3:-${WORK:-.}/vbridge.out}"
}

vb_check_conservation() {
	local file=${WORK:-.}/vbridge.out dirs=-1 moved=0 nodrops=0
	if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then
		file=$1
		shift
	fi
	while [ $# -gt 0 ]; do
		case $1 in
		--dirs) dirs=$2; shift ;;
		--moved) moved=1 ;;
		--no-drops) nodrops=1 ;;
		*) fail "vb_check_conservation: unknown option $1"; return 1 ;;
		esac
		shift
	done
	awk -v want="$dirs" -v moved="$moved" -v nodrops="$nodrops" '$1 == "dir" {
		n++; delete v; sum = 0
		for (i = 3; i <= NF; i++) {
			split($i, kv, "="); v[kv[1]] = kv[2]
			if (kv[1] ~ /^drop_/) sum += kv[2]
		}
		if (!("rx_frames" in v) || !("tx_frames" in v) || !("dropped" in v)) {
			print "malformed counter line: " $0; bad = 1; next
		}
		if (v["rx_frames"] != v["tx_frames"] + v["dropped"]) {
			printf "dir %s: rx_frames %d != tx_frames %d + dropped %d\n", $2,
				v["rx_frames"], v["tx_frames"], v["dropped"]; bad = 1
		}
		if (v["dropped"] != sum) {
			printf "dir %s: dropped %d != sum of drop_* %d\n", $2, v["dropped"], sum; bad = 1
		}
		if (moved && v["rx_frames"] == 0) {
			printf "dir %s: no frames received\n", $2; bad = 1
		}
		if (nodrops && v["dropped"] != 0) {
			printf "dir %s: %d frames dropped\n", $2, v["dropped"]; bad = 1
		}
	} END {
		if (n == 0) { print "no \"dir\" counter lines"; bad = 1 }
		else if (want >= 0 && n != want) { printf "%d \"dir\" lines, expected %d\n", n, want; bad = 1 }
		exit bad
	}' "$file" >&2 || { fail "final counters in $file do not add up (above)"; return 1; }
	log "counters add up in every direction"
}

vb_apt_install() {
	local who=$1
	shift
	if [ "$(id -u)" -ne 0 ]; then
		echo "$who: missing packages: $*; run as root (sudo) to install them" >&2
		exit 1
	fi
	echo "$who: installing $*" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "$@"
}

vb_result() {
	[ -n "${VB_RESULTS:-}" ] || return 0
	echo "$1 $2" >>"$VB_RESULTS"
}

vb_results_meson() {
	[ -n "${VB_RESULTS:-}" ] && [ -f "$1" ] || return 0
	python3 - "$1" "${2:-}" >>"$VB_RESULTS" <<'EOF'
import json, sys
# meson's results: OK, EXPECTEDFAIL (a known failure that still fails: as expected) pass;
# SKIP is a skip; FAIL, UNEXPECTEDPASS, TIMEOUT, ERROR, INTERRUPT and the rest fail.
kind = {"OK": "pass", "EXPECTEDFAIL": "pass", "SKIP": "skip"}
for line in open(sys.argv[1]):
    line = line.strip()
    if line:
        t = json.loads(line)
        print(kind.get(t.get("result"), "fail"), sys.argv[2] + t.get("name", "?").replace(" ", ""))
EOF
}

vb_results_line() {
	local pass fail skip
	pass=$(grep -c '^pass ' "$1" 2>/dev/null || true)
	fail=$(grep -c '^fail ' "$1" 2>/dev/null || true)
	skip=$(grep -c '^skip ' "$1" 2>/dev/null || true)
	echo "${pass:-0} passed, ${fail:-0} failed, ${skip:-0} skipped"
	[ "${fail:-0}" -eq 0 ]
}
