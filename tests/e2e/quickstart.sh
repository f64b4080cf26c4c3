#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# e2e: the README's first command as a new Debian 12 machine's root runs it: no sudo there, so
# scripts/quickstart.sh runs with a PATH whose `sudo` records any call and fails. It must
# install (nothing missing here), build, reserve hugepages, start its lab and vbridge, see
# traffic cross both ways, stop after --duration, and leave final counters that add up.
# Usage: quickstart.sh VBRIDGE_EXE (unused: quickstart builds and runs build/ itself)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
e2e_init qstart "$@"

mkdir "$WORK/bin"
printf '#!/bin/sh\necho "sudo $*" >>"%s/sudo.log"\necho "sudo: command not found" >&2\nexit 127\n' \
	"$WORK" >"$WORK/bin/sudo"
chmod 755 "$WORK/bin/sudo"
# quickstart removes its own lab and EAL files; the trap of lib.sh removes them again if not.
on_exit env LAB_PREFIX="$LAB_PREFIX" "$LAB" down
on_exit vb_clean_prefix vbquick

rc=0
PATH=$WORK/bin:$PATH timeout -k 5 100 "$E2E_ROOT/scripts/quickstart.sh" --duration 3 \
	>"$WORK/quickstart.out" 2>&1 || rc=$?
[ ! -s "$WORK/sudo.log" ] || fail "quickstart called sudo: $(head -n 1 "$WORK/sudo.log")"
if [ "$rc" -ne 0 ]; then
	tail -n 20 "$WORK/quickstart.out" | sed 's/^/    /' >&2
	fail "quickstart.sh exited $rc"
fi
grep -q 'frames crossed the bridge both ways' "$WORK/quickstart.out" ||
	fail "quickstart did not report traffic both ways"
grep '^dir ' "$WORK/quickstart.out" >"$WORK/vbridge.out" || fail "no final counters printed"
vb_check_conservation
log "PASS"
