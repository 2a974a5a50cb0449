#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Builds the shell-parser fuzz target with clang's libFuzzer and runs it for
# FUZZ_SECONDS (default 20) from the seed corpus; exits non-zero on a crash.
# Needs clang (tools/setup.sh installs it); without it, says so and skips.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${1:-$TOP/build-fuzz}
CC=${FUZZ_CC:-clang}
if ! command -v "$CC" >/dev/null; then
	echo "fuzz: $CC not found, skipped (apt-get install clang)"
	exit 0
fi
mkdir -p "$OUT/corpus"
cp "$TOP"/tests/fuzz/corpus/* "$OUT/corpus/" 2>/dev/null || true
"$CC" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-o "$OUT/fuzz_nsh_parse" "$TOP/tests/fuzz/fuzz_nsh_parse.c" "$TOP/apps/nsh/parse.c"
"$OUT/fuzz_nsh_parse" -max_total_time="${FUZZ_SECONDS:-20}" -max_len=512 \
	-print_final_stats=1 "$OUT/corpus"
