// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of kernel/kmode/elf_stack.c: the start-up stack of a new
 * process as the AArch64 System V ABI has it (argc, argv, NULL, envp,
 * NULL, auxv at a 16-aligned sp; the strings above), read back through
 * the user addresses it holds; too much is -E2BIG.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <vireo/elf.h>
#include "unit.h"

#define TOP	0x0000100000000000UL
#define SIZE	16384
#define ENTRY	0x80000010000UL

static _Alignas(16) unsigned char buf[SIZE];

/* The buffer byte a user address stands for. */
static void *at(uint64_t ua)
{
	return buf + (ua - (TOP - SIZE));
}

static uint64_t word(uint64_t ua)
{
	uint64_t w;

	memcpy(&w, at(ua), sizeof(w));
	return w;
}

TEST(layout_follows_the_abi)
{
	char *argv[] = { "/host/hello", "a", "", "bc", NULL };
	char *envp[] = { "HOME=/", "GREETING=salut", NULL };
	uint64_t sp, p;

	memset(buf, 0xa5, sizeof(buf));
	EXPECT_EQ(elf_stack_layout(buf, SIZE, TOP, argv, envp, ENTRY, &sp), 0);
	EXPECT_EQ(sp % 16, 0);
	EXPECT(sp < TOP && sp >= TOP - SIZE);
	EXPECT_EQ(word(sp), 4);
	for (int i = 0; i < 4; i++) {
		p = word(sp + 8 + 8 * i);
		EXPECT(p > sp && p < TOP);
		EXPECT_STR((char *)at(p), argv[i]);
	}
	EXPECT_EQ(word(sp + 8 + 8 * 4), 0);
	p = sp + 8 + 8 * 5;			/* envp */
	EXPECT_STR((char *)at(word(p)), "HOME=/");
	EXPECT_STR((char *)at(word(p + 8)), "GREETING=salut");
	EXPECT_EQ(word(p + 16), 0);
	p += 24;				/* auxv */
	EXPECT_EQ(word(p), AT_PAGESZ);
	EXPECT_EQ(word(p + 8), 4096);
	EXPECT_EQ(word(p + 16), AT_ENTRY);
	EXPECT_EQ(word(p + 24), ENTRY);
	EXPECT_EQ(word(p + 32), AT_NULL);
	EXPECT_EQ(word(p + 40), 0);
	/* The strings end at the top. */
	EXPECT_EQ(*(char *)at(TOP - 1), '\0');
}

TEST(no_arguments_no_environment)
{
	char *argv[] = { NULL };
	uint64_t sp;

	EXPECT_EQ(elf_stack_layout(buf, SIZE, TOP, argv, NULL, ENTRY, &sp), 0);
	EXPECT_EQ(sp % 16, 0);
	EXPECT_EQ(word(sp), 0);
	EXPECT_EQ(word(sp + 8), 0);	/* argv's NULL */
	EXPECT_EQ(word(sp + 16), 0);	/* envp's NULL */
	EXPECT_EQ(word(sp + 24), AT_PAGESZ);
}

TEST(too_much_is_e2big)
{
	static char big[ELF_ARGS_MAX + 2];
	char *argv[] = { "x", big, NULL };
	char *many[600];
	uint64_t sp = 0;

	memset(big, 'b', sizeof(big) - 1);
	EXPECT_EQ(elf_stack_layout(buf, SIZE, TOP, argv, NULL, ENTRY, &sp), -E2BIG);
	big[ELF_ARGS_MAX / 2] = '\0';	/* fits ELF_ARGS_MAX, not 2 KiB */
	EXPECT_EQ(elf_stack_layout(buf, 2048, TOP, argv, NULL, ENTRY, &sp), -E2BIG);
	EXPECT_EQ(elf_stack_layout(buf, SIZE, TOP, argv, NULL, ENTRY, &sp), 0);
	/* Many empty strings: the pointers, not the bytes, overflow. */
	for (int i = 0; i < 599; i++)
		many[i] = "";
	many[599] = NULL;
	EXPECT_EQ(elf_stack_layout(buf, 4096, TOP, many, NULL, ENTRY, &sp), -E2BIG);
	EXPECT_EQ(elf_stack_layout(buf, SIZE, TOP, many, NULL, ENTRY, &sp), 0);
	EXPECT_EQ(word(sp), 599);
}

UNIT_MAIN(UNIT_CASE(layout_follows_the_abi), UNIT_CASE(no_arguments_no_environment),
	  UNIT_CASE(too_much_is_e2big))
