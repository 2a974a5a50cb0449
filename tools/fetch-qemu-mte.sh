#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Fetch a QEMU whose memory tagging works, for the mte tests.
#
#   tools/fetch-qemu-mte.sh [-q]
#
# Debian bookworm's QEMU 7.2 reports tag check faults on accesses whose
# pointer and memory tags match, so the mte configuration cannot be tested
# with it.  This downloads bookworm-backports' qemu-system-arm (10.0) with
# a private apt configuration under ~/.cache/vireo/qemu-bpo/ (its own
# sources.list, lists and cache) and unpacks it there (dpkg -x): nothing is
# installed system-wide.  tests/qemu/harness.py (QEMU_MTE) uses
# ~/.cache/vireo/qemu-bpo/root/usr/bin/qemu-system-aarch64.  Offline, or
# on another distribution, it only warns: the tests then use the system
# QEMU.  Does nothing when the binary is already there and runs.
set -uo pipefail

quiet=0
[ "${1:-}" = "-q" ] && quiet=1
dir=$HOME/.cache/vireo/qemu-bpo
bin=$dir/root/usr/bin/qemu-system-aarch64
warn() { echo "fetch-qemu-mte.sh: warning: $*; the mte tests use the system QEMU" >&2; exit 0; }

if [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then
	[ $quiet -eq 1 ] || echo "fetch-qemu-mte.sh: $("$bin" --version | head -n 1)"
	exit 0
fi
command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1 ||
	warn "no apt-get/dpkg"
grep -qs 'VERSION_CODENAME=bookworm' /etc/os-release || warn "not Debian bookworm"
mkdir -p "$dir/etc" "$dir/state/lists/partial" "$dir/cache/archives/partial" "$dir/dl"
echo "deb http://deb.debian.org/debian bookworm-backports main" >"$dir/etc/sources.list"
touch "$dir/state/status"
apt=(apt-get -q -o "Dir::Etc::SourceList=$dir/etc/sources.list"
	-o Dir::Etc::SourceParts=/dev/null -o "Dir::State=$dir/state"
	-o "Dir::State::status=$dir/state/status" -o "Dir::Cache=$dir/cache"
	-o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)")
"${apt[@]}" update >/dev/null 2>&1 || warn "cannot reach bookworm-backports"
rm -f "$dir"/dl/*.deb
(cd "$dir/dl" && "${apt[@]}" download qemu-system-arm >/dev/null 2>&1) ||
	warn "cannot download qemu-system-arm from bookworm-backports"
rm -rf "$dir/root"
dpkg -x "$dir"/dl/qemu-system-arm_*.deb "$dir/root" || warn "cannot unpack it"
if ldd "$bin" | grep -q 'not found'; then
	warn "$bin needs libraries this system lacks: $(ldd "$bin" | grep 'not found' | tr -s ' \n' ' ')"
fi
[ $quiet -eq 1 ] || echo "fetch-qemu-mte.sh: $("$bin" --version | head -n 1)"
