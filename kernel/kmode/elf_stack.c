// SPDX-License-Identifier: BSD-2-Clause
/*
 * The start-up stack of a new EL0 process (include/vireo/elf.h): built
 * in a kernel buffer that stands for the top of the user stack, then
 * copied in whole by the loader.  Portable (host-tested).
 */
#include <errno.h>
#include <string.h>
#include <vireo/elf.h>

static size_t count(char *const v[])
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* The bytes of v's strings with their NULs; false past ELF_ARGS_MAX. */
static bool strings_size(char *const v[], size_t n, size_t *total)
{
	for (size_t i = 0; i < n; i++) {
		*total += strlen(v[i]) + 1;
		if (*total > ELF_ARGS_MAX)
			return false;
	}
	return true;
}

/* Copies v's strings down from *str (a buffer offset), pointers into
 * vec as user addresses (base: the user address of buffer offset 0). */
static void put_strings(char *b, size_t *str, uint64_t base,
			char *const v[], size_t n, uint64_t *vec)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(v[i]) + 1;

		*str -= len;
		memcpy(b + *str, v[i], len);
		vec[i] = base + *str;
	}
	vec[n] = 0;
}

int elf_stack_layout(void *buf, size_t size, uint64_t top,
		     char *const argv[], char *const envp[], uint64_t entry,
		     uint64_t *sp)
{
	size_t argc = count(argv), envc = count(envp), strs = 0, words, need;
	uint64_t base = top - size, *w;
	size_t str = size, at;
	char *b = buf;

	if (!strings_size(argv, argc, &strs) || !strings_size(envp, envc, &strs))
		return -E2BIG;
	/* argc, argv + NULL, envp + NULL, three auxv pairs */
	words = 1 + (argc + 1) + (envc + 1) + 6;
	need = strs + 15 + words * 8 + 15;	/* with both alignments */
	if (need > size)
		return -E2BIG;
	at = (size - strs) & ~(size_t)15;	/* the vectors end here */
	at = (at - words * 8) & ~(size_t)15;
	w = (uint64_t *)(b + at);
	w[0] = argc;
	put_strings(b, &str, base, argv, argc, &w[1]);
	put_strings(b, &str, base, envp, envc, &w[1 + argc + 1]);
	w += 1 + argc + 1 + envc + 1;
	w[0] = AT_PAGESZ;
	w[1] = 4096;
	w[2] = AT_ENTRY;
	w[3] = entry;
	w[4] = AT_NULL;
	w[5] = 0;
	*sp = base + at;
	return 0;
}
