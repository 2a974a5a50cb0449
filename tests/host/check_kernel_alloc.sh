#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Kernel code allocates with kmalloc() and friends (<vireo/mm.h>): a plain
# malloc() is charged to the calling task and freed when that task ends, so
# a device's or a mount's object would vanish under it (issue 19, the
# per-task heap).  Lists every plain call in kernel directories; mm/
# implements both families and is left out, and a line that says it
# allocates "the caller's" memory (getaddrinfo's result, which the
# application frees) is meant.
cd "$(dirname "$0")/../.." || exit 2
hits=$(grep -rnE '(^|[^_a-zA-Z0-9.>])(malloc|calloc|realloc|strdup|aligned_alloc)\(' \
	kernel drivers fs arch net --include='*.c' 2>/dev/null |
	grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|/\*|//)' |
	grep -v "the caller's")
if [ -n "$hits" ]; then
	echo "kernel code must use kmalloc/kcalloc/krealloc/kstrdup/kaligned_alloc:"
	echo "$hits"
	exit 1
fi
echo "1 passed, 0 failed"
