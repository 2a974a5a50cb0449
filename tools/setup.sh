#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Check that the tools Vireo is built, run, tested and debugged with are
# installed, and install the missing ones from Debian/Ubuntu packages.
#
#   tools/setup.sh [-q] [--check]
#
# As root it runs `apt-get update` once and installs what is missing; as
# another user it prints the exact command and fails.  -q prints nothing
# when everything is present; --check never installs.  Needs no terminal
# (works with CI=true and no standard input).
set -euo pipefail

quiet=0
check_only=0
for arg in "$@"; do
	case "$arg" in
	-q|--quiet) quiet=1 ;;
	--check) check_only=1 ;;
	-h|--help) sed -n '3,11s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "setup.sh: unknown argument '$arg'" >&2; exit 2 ;;
	esac
done

missing=()	# Debian packages to install
why=()		# what was missing, for the message

fuzzer_rt_ok() {	# clang can link a libFuzzer target
	compgen -G "/usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a" >/dev/null
}

need() {	# need PACKAGE WHAT TEST...: PACKAGE provides WHAT; TEST checks it
	local pkg=$1 what=$2
	shift 2
	if ! "$@" >/dev/null 2>&1; then
		case " ${missing[*]-} " in
		*" $pkg "*) ;;
		*) missing+=("$pkg") ;;
		esac
		why+=("$what")
	fi
}

have() { command -v "$1"; }

# The host compiler for the unit tests, with its sanitizer runtimes.
host_cc_ok() {
	have gcc && [ -e /usr/include/stdio.h ] &&
		[ "$(gcc -print-file-name=libasan.so)" != libasan.so ]
}

# kconfiglib for the interpreter the build uses, or the distribution's copy
# that tools/kconfig.py falls back to.
kconfiglib_ok() {
	[ -e /usr/lib/python3/dist-packages/kconfiglib.py ] ||
		python3 -c 'import kconfiglib'
}

need make make have make
need cmake cmake have cmake
need ninja-build ninja have ninja
need python3 python3 have python3
need python3-kconfiglib kconfiglib kconfiglib_ok
need gcc-aarch64-linux-gnu aarch64-linux-gnu-gcc have aarch64-linux-gnu-gcc
need binutils-aarch64-linux-gnu aarch64-linux-gnu-addr2line have aarch64-linux-gnu-addr2line
need picolibc-aarch64-linux-gnu picolibc \
	test -e /usr/lib/picolibc/aarch64-linux-gnu/picolibc.specs
need qemu-system-arm qemu-system-aarch64 have qemu-system-aarch64
# The fb line has no -net none: QEMU's default NIC loads its boot ROM.
need ipxe-qemu "QEMU's NIC boot ROMs" test -e /usr/lib/ipxe/qemu/efi-virtio.rom
need gdb-multiarch gdb-multiarch have gdb-multiarch
need device-tree-compiler dtc have dtc
need gcc "host gcc" have gcc
need libc6-dev "host C library headers" test -e /usr/include/stdio.h
need clang "clang (parser fuzzing)" have clang
need dosfstools "mkfs.fat, fsck.fat (FAT tests)" test -x /usr/sbin/fsck.fat
need mtools "mcopy (FAT tests)" have mcopy
# The network tests and make bench measure throughput with iperf 2.
need iperf "iperf 2 (network tests, bench)" have iperf
need libclang-rt-14-dev "libFuzzer runtime" fuzzer_rt_ok
# gcc's development package brings libasan and libubsan of its version.
if have gcc >/dev/null 2>&1; then
	need "libgcc-$(gcc -dumpversion | cut -d. -f1)-dev" "host sanitizer runtimes" host_cc_ok
fi

# The build fetches lwIP's Debian source package (net/CMakeLists.txt):
# apt needs a deb-src entry for the archive the binaries come from.
SRC_LIST=/etc/apt/sources.list.d/vireo-deb-src.list
deb_src_ok() { [ -n "$(apt-cache showsrc lwip 2>/dev/null)" ]; }
# "URI SUITE" of the first main component apt installs from (not -updates
# or -security, which carry no lwip source).
main_archive() {
	apt-cache policy 2>/dev/null |
		awk '$3 ~ /^[a-z]+\/main$/ { sub("/main", "", $3); print $2, $3; exit }'
}
add_deb_src() {
	local archive
	archive=$(main_archive)
	if [ -z "$archive" ]; then
		echo "setup.sh: no Debian main archive in apt's sources; add a deb-src line for lwip by hand" >&2
		return 1
	fi
	# apt refuses two entries for one archive with different keys.
	local key opt=""
	key=$(grep -rhs -A4 "${archive%% *}\$" /etc/apt/sources.list /etc/apt/sources.list.d |
		sed -n 's/^Signed-By: *//p' | head -1)
	[ -n "$key" ] && opt="[signed-by=$key] "
	echo "setup.sh: adding 'deb-src $opt$archive main' ($SRC_LIST) for the lwIP source package"
	echo "deb-src $opt$archive main" >"$SRC_LIST"
	apt-get update -q </dev/null
}
need_deb_src=0
if command -v apt-cache >/dev/null 2>&1 && ! deb_src_ok; then
	need_deb_src=1
fi
if [ $need_deb_src -eq 1 ] && [ $check_only -eq 0 ] && [ "$(id -u)" -eq 0 ]; then
	add_deb_src && need_deb_src=0
fi
if [ $need_deb_src -eq 1 ]; then
	echo "setup.sh: apt has no deb-src entry for the lwip source package; as root: tools/setup.sh" >&2
	[ $check_only -eq 1 ] && [ ${#missing[@]} -eq 0 ] && exit 1
fi

# A QEMU with working memory tagging for the mte tests (warns if offline).
if [ $check_only -eq 0 ]; then
	bash "$(dirname "$0")/fetch-qemu-mte.sh" $([ $quiet -eq 1 ] && echo -q)
fi

if [ ${#missing[@]} -eq 0 ]; then
	[ $quiet -eq 1 ] || echo "setup.sh: all tools present"
	exit 0
fi

echo "setup.sh: missing: ${why[*]}"
install=(apt-get install -y --no-install-recommends "${missing[@]}")
if [ $check_only -eq 1 ]; then
	echo "setup.sh: install them with: sudo apt-get update && sudo ${install[*]}" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "setup.sh: no apt-get here; install the equivalents of: ${missing[*]}" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "setup.sh: run this, then try again:" >&2
	echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive ${install[*]}" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "setup.sh: apt-get update"
apt-get update -q </dev/null
echo "setup.sh: ${install[*]}"
apt-get install -q -y --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}" </dev/null
# Whatever a package did not provide after all is an error here, not later.
bash "$0" --check -q
echo "setup.sh: done"
