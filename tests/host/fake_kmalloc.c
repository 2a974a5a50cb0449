// SPDX-License-Identifier: BSD-2-Clause
/*
 * The kernel's allocation calls (<vireo/mm.h>) that host-tested code
 * uses: on the host there are no tasks, so they are the C library's, and
 * ASan checks the code under test's use of them.
 */
#include <stdlib.h>
#include <string.h>
#include <vireo/mm.h>

void *kmalloc(size_t size)
{
	return malloc(size);
}

void *kcalloc(size_t n, size_t size)
{
	return calloc(n, size);
}

void *krealloc(void *p, size_t size)
{
	return realloc(p, size);
}

char *kstrdup(const char *s)
{
	return strdup(s);
}

void *kaligned_alloc(size_t align, size_t size)
{
	return aligned_alloc(align, size);
}
