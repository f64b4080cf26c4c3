#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The command line before EAL starts: bad options exit 2 naming what is wrong, --help and
# --version exit 0. Nothing here touches hugepages or devices.
# Usage: test_cli.sh PATH/TO/vbridge
set -u
source "$(dirname "$0")/../../scripts/lib.sh"
vb_init cli keep-going
vbridge=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# expect STATUS TEXT -- ARGS...: run vbridge ARGS, check exit status and that TEXT is printed.
VB_EXPECT_CMD=("$vbridge")

printf '[bridge]\nburst = 4\nburst = 5\n' >"$tmp/dup.ini"
printf '[bridge]\nbrust = 4\n' >"$tmp/typo.ini"
printf '[ports]\nmtu = 70000\n' >"$tmp/mtu.ini"
printf '[bridge]\nburst = 4\n' >"$tmp/unreadable.ini"
chmod 000 "$tmp/unreadable.ini"
head -c 300 /dev/urandom >"$tmp/garbage.ini"

expect 0 "--drain-us" -- --help
expect 0 "--drain-us" -- -- --help
expect 0 "frames per RX burst and per TX flush (default 32)" -- --help
expect 0 "vbridge 0" -- -- --version
expect 2 "burst" -- -- --burst 0
expect 2 "burst" -- -- --burst=-1
expect 2 "burst" -- -- --burst 1e3
expect 2 "drain-us" -- -- --drain-us 100001
expect 2 "mtu" -- -- --mtu 99999999999999999999
expect 2 "queues" -- -- --queues 17
expect 2 "rx-desc" -- -- --rx-desc 0
expect 2 "link-propagation" -- -- --link-propagation sometimes
expect 2 "itself" -- -- --pairs '(0,0)'
expect 2 "two pairs" -- -- --pairs '(0,1),(2,0)'
expect 2 "pairs" -- -- --pairs '0,1'
expect 2 "--frobnicate" -- -- --frobnicate
expect 2 "--burst needs a value" -- -- --burst
expect 2 "cannot open" -- -- --config "$tmp/missing.ini"
expect 2 "twice" -- -- --config "$tmp/dup.ini"
expect 2 "brust" -- -- --config "$tmp/typo.ini"
expect 2 "mtu" -- -- --config "$tmp/mtu.ini"
expect 2 "garbage.ini" -- -- --config "$tmp/garbage.ini"
if [ "$(id -u)" -ne 0 ]; then
	expect 2 "cannot open" -- -- --config "$tmp/unreadable.ini"
else
	echo "note: running as root, the unreadable-file case is skipped (root reads it)"
fi

vb_done
