#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Choose the configuration that `make` builds.
#
#   tools/configure.sh [-l] [-B BUILD_DIR] [-q] BOARD:CONFIG
#   tools/configure.sh [-L]          list the configurations
#   tools/configure.sh -h
#
# Configures BUILD_DIR (default build/ at the top of the tree) with CMake and
# Ninja for BOARD:CONFIG (boards/BOARD/configs/CONFIG/defconfig); then `make`
# builds it and copies the image to ./vireo.  The build directory records the
# choice, so a later plain `make` builds the same configuration.  Doing it
# again with the configuration already chosen does nothing; choosing another
# one reconfigures the directory from that configuration's defconfig.
# -l (Linux host) is accepted for the board document's sake; it is the only
# host there is.  BOARD/CONFIG is accepted too, and CONFIG alone when only one
# board has it.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
	sed -n '3,18s/^# \{0,1\}//p' "$0"
}

configs() {	# every BOARD:CONFIG with a defconfig, sorted
	local d b c
	for d in "$TOP"/boards/*/configs/*/; do
		[ -f "$d/defconfig" ] || continue
		c=$(basename "$d")
		b=$(basename "$(dirname "$(dirname "$d")")")
		echo "$b:$c"
	done | sort
}

list() {
	local bc desc
	echo "Configurations:"
	for bc in $(configs); do
		# The defconfig's first line reads "# board:config - what it is".
		desc=$(sed -n '1s/^# *[^ ]* - *//p' "$TOP/boards/${bc%%:*}/configs/${bc#*:}/defconfig")
		printf '  %-28s %s\n' "$bc" "$desc"
	done
}

# The configuration a build directory was last configured for successfully.
MARK=.vireo-config

build=$TOP/build
quiet=0
name=
while [ $# -gt 0 ]; do
	case "$1" in
	-h|--help) usage; exit 0 ;;
	-L|--list) list; exit 0 ;;
	-l) ;;
	-q) quiet=1 ;;
	-B) [ $# -ge 2 ] || { echo "configure.sh: -B needs a directory" >&2; exit 2; }
	    build=$2; shift ;;
	-*) echo "configure.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	*) [ -z "$name" ] || { echo "configure.sh: one configuration only" >&2; exit 2; }
	   name=$1 ;;
	esac
	shift
done

if [ -z "$name" ]; then
	list
	echo "Choose one: tools/configure.sh BOARD:CONFIG"
	exit 0
fi

name=${name/\//:}
if [[ $name != *:* ]]; then	# CONFIG alone: the board that has it
	matches=$(configs | grep -x ".*:$name" || true)
	[ "$(printf '%s\n' "$matches" | grep -c .)" -eq 1 ] && name=$matches
fi
if ! configs | grep -qxF "$name"; then
	echo "configure.sh: unknown configuration '$name'" >&2
	list >&2
	exit 1
fi

mkdir -p "$build"
build=$(cd "$build" && pwd)

"$TOP/tools/setup.sh" -q

if [ "$(cat "$build/$MARK" 2>/dev/null)" = "$name" ] &&
	[ -f "$build/CMakeCache.txt" ]; then
	[ $quiet -eq 1 ] || echo "configure.sh: $build is already configured for $name"
	exit 0
fi

generator=()
[ -f "$build/CMakeCache.txt" ] || generator=(-G Ninja)
echo "configure.sh: configuring $build for $name"
rm -f "$build/$MARK"
out=$(cmake -S "$TOP" -B "$build" "${generator[@]}" -DBOARD_CONFIG="$name" 2>&1) || {
	echo "$out" >&2
	echo "configure.sh: cmake failed for $name" >&2
	exit 1
}
echo "$name" > "$build/$MARK"
[ $quiet -eq 1 ] || echo "configure.sh: $name is configured; now run make"
