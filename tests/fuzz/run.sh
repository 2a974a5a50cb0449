#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Builds the fuzz targets with clang's libFuzzer and runs each for
# FUZZ_SECONDS (default 20) from its seed corpus; exits non-zero on a
# crash.  fuzz_nsh_parse: the shell parser; fuzz_fat: fs/fat on corrupted
# volumes.  Needs clang (tools/setup.sh installs it); without it, says so
# and skips.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${1:-$TOP/build-fuzz}
CC=${FUZZ_CC:-clang}
if ! command -v "$CC" >/dev/null; then
	echo "fuzz: $CC not found, skipped (apt-get install clang)"
	exit 0
fi
FLAGS=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)
# run NAME MAX_LEN SOURCES...: builds and runs one target.
run() {
	local name=$1 max_len=$2
	shift 2
	mkdir -p "$OUT/corpus-$name"
	cp "$TOP"/tests/fuzz/corpus/"$name"/* "$OUT/corpus-$name/" 2>/dev/null || true
	"$CC" "${FLAGS[@]}" -o "$OUT/$name" "$@"
	echo "fuzz: $name"
	"$OUT/$name" -max_total_time="${FUZZ_SECONDS:-20}" -max_len="$max_len" \
		-print_final_stats=1 "$OUT/corpus-$name"
}
run fuzz_nsh_parse 512 "$TOP/tests/fuzz/fuzz_nsh_parse.c" "$TOP/apps/nsh/parse.c"
run fuzz_fat 2048 -I"$TOP/include" -I"$TOP/tests/host/fake_arch" \
	-DVIREO_HOST_TEST=1 -DCONFIG_BLOCK_CACHE_KIB=64 \
	"$TOP/tests/fuzz/fuzz_fat.c" "$TOP/tests/host/fat_env.c" \
	"$TOP/tests/host/fake_kmalloc.c" \
	"$TOP"/fs/fat/fat_{bpb,dir,file,format,meta,mount,table,vfs}.c "$TOP/fs/path.c" \
	"$TOP"/drivers/block/{bcache,blockdev,blockdev_rw}.c
