#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Least privilege, explained (docs/security.md): every item `systemd-analyze security
# --offline=yes` still marks (✗) in an installed unit is a right the unit keeps or a
# directive it cannot use, and a comment of the unit must say which and why: it names the
# capability (CAP_BPF), the address family (AF_PACKET), the system-call group or a call of it
# (@resources, bpf) or the directive (PrivateNetwork=). The figures themselves are checked
# by test_install.sh. Usage: test_units.sh BUILD_DIR
set -u
source "$(dirname "$0")/../../scripts/lib.sh"
vb_init units keep-going
build=$1
command -v systemd-analyze >/dev/null ||
	skip "systemd-analyze missing (Debian package systemd: scripts/deps.sh)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >"$tmp/log" 2>&1 ||
	{ cat "$tmp/log"; fail "meson install"; exit 1; }

# words ITEM DESCRIPTION: what a comment may name to explain a marked item.
words() {
	local item=$1 desc=$2 w pre inner
	case $item in
	*=~…) echo AF_XDP ;;				# "exotic" families: AF_XDP here
	*=~@*)	echo "${item#*=~}"
		# "(e.g. chown is allowed)": the call that puts the group in
		sed -n 's/.*(e\.g\. \([a-z_0-9]*\) is allowed).*/\1/p' <<<"$desc" ;;
	*=~*)	w=${item#*=~}
		if [[ $w == *"("* ]]; then	# CAP_NET_(BIND_SERVICE|RAW), AF_(INET|INET6)
			pre=${w%%(*}; inner=${w#*(}; inner=${inner%)*}
			tr '|' '\n' <<<"$inner" | sed "s/^/$pre/"
		else
			echo "$w"
		fi ;;
	*) echo "${item%%=*}=" ;;			# User=/DynamicUser= -> User=
	esac
}

for f in $(find "$tmp/root" -path '*systemd/system/*.service' | sort); do
	unit=$(basename "$f")
	[ "$unit" = vbridge-bypass.service ] && continue	# the admin's oneshot: plain root
	systemd-analyze security --offline=yes --no-pager "$f" >"$tmp/sec" 2>&1
	grep '^ *#' "$f" >"$tmp/comments"
	marked=0
	while read -r line; do
		item=$(awk '{ print $2 }' <<<"$line")
		desc=${line#*"$item"}
		marked=$((marked + 1))
		ok=0
		while read -r w; do
			[ -n "$w" ] && grep -qiF -- "$w" "$tmp/comments" && ok=1
		done < <(words "$item" "$desc")
		check
		[ $ok -eq 1 ] || fail "$unit: '$item' ($(sed 's/  */ /g' <<<"$desc" | cut -c1-70)) is marked by systemd-analyze, but no comment names $(words "$item" "$desc" | tr '\n' ' ')"
	done < <(grep '✗' "$tmp/sec")
	echo "$unit: $marked items marked by systemd-analyze security"
	check [ "$marked" -gt 0 ]
done
vb_done
