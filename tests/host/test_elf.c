// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of kernel/kmode/elf.c: a static AArch64 executable is
 * accepted with its segments and protections; every kind of bad header
 * or segment is -ENOEXEC (the file is outside input).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <vireo/elf.h>
#include <vireo/mmu.h>
#include <vireo/vmspace.h>
#include "unit.h"

#define TEXT	(USER_VA_BASE + 0x1000)
#define DATA	(USER_VA_BASE + 0x10000)
#define FSIZE	0x20000

/* A file's first page: the ELF header, then its program headers. */
struct head {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[12];
};

static _Alignas(8) struct head h;

static void good(void)
{
	memset(&h, 0, sizeof(h));
	memcpy(h.eh.e_ident, "\x7f" "ELF\x02\x01\x01", 7);
	h.eh.e_type = ET_EXEC;
	h.eh.e_machine = EM_AARCH64;
	h.eh.e_version = EV_CURRENT;
	h.eh.e_entry = TEXT + 0x40;
	h.eh.e_phoff = offsetof(struct head, ph);
	h.eh.e_phentsize = sizeof(Elf64_Phdr);
	h.eh.e_phnum = 3;
	h.ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
		.p_offset = 0x1000, .p_vaddr = TEXT, .p_filesz = 0x3000,
		.p_memsz = 0x3000 };
	h.ph[1] = (Elf64_Phdr){ .p_type = 0x6474e551 /* GNU_STACK */,
		.p_flags = PF_R | PF_W };
	h.ph[2] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
		.p_offset = 0x4000, .p_vaddr = DATA, .p_filesz = 0x100,
		.p_memsz = 0x2000 };
}

static int check(void)
{
	struct elf_image img;

	return elf_check(&h, sizeof(h), FSIZE, &img);
}

TEST(accepts_a_static_executable)
{
	struct elf_image img;

	good();
	EXPECT_EQ(elf_check(&h, sizeof(h), FSIZE, &img), 0);
	EXPECT_EQ(img.entry, TEXT + 0x40);
	EXPECT_EQ(img.nseg, 2);
	EXPECT_EQ(img.seg[0].vaddr, TEXT);
	EXPECT_EQ(img.seg[0].prot, VM_READ | VM_EXEC);
	EXPECT_EQ(img.seg[1].prot, VM_READ | VM_WRITE);
	EXPECT_EQ(img.seg[1].filesz, 0x100);
	EXPECT_EQ(img.seg[1].memsz, 0x2000);
	EXPECT_EQ(img.seg[1].offset, 0x4000);
}

TEST(rejects_bad_headers)
{
	struct elf_image img;

	good(); h.eh.e_ident[0] = 0x7e;		EXPECT_EQ(check(), -ENOEXEC);
	good(); h.eh.e_ident[4] = 1;		EXPECT_EQ(check(), -ENOEXEC);
	good(); h.eh.e_ident[5] = 2;		EXPECT_EQ(check(), -ENOEXEC);
	good(); h.eh.e_type = 3;		EXPECT_EQ(check(), -ENOEXEC);
	good(); h.eh.e_machine = 62;		EXPECT_EQ(check(), -ENOEXEC);
	good(); h.eh.e_version = 0;		EXPECT_EQ(check(), -ENOEXEC);
	good(); h.eh.e_phentsize = 48;		EXPECT_EQ(check(), -ENOEXEC);
	good(); h.eh.e_phnum = 0;		EXPECT_EQ(check(), -ENOEXEC);
	good(); h.eh.e_phnum = 13;		EXPECT_EQ(check(), -ENOEXEC);
	good(); h.eh.e_phoff = 4;		EXPECT_EQ(check(), -ENOEXEC);
	good(); h.eh.e_phoff = UINT64_MAX - 8;	EXPECT_EQ(check(), -ENOEXEC);
	good();
	EXPECT_EQ(elf_check(&h, sizeof(Elf64_Ehdr) - 1, FSIZE, &img), -ENOEXEC);
}

TEST(rejects_bad_segments)
{
	good(); h.ph[1].p_type = PT_INTERP;	EXPECT_EQ(check(), -ENOEXEC);
	good(); h.ph[2].p_filesz = 0x2001;	EXPECT_EQ(check(), -ENOEXEC);
	good(); h.ph[2].p_memsz = 0;
		h.ph[2].p_filesz = 0;		EXPECT_EQ(check(), -ENOEXEC);
	good(); h.ph[2].p_offset = FSIZE - 0xff; EXPECT_EQ(check(), -ENOEXEC);
	good(); h.ph[2].p_offset = UINT64_MAX;	EXPECT_EQ(check(), -ENOEXEC);
	good(); h.ph[0].p_vaddr = 0x400000;
		h.eh.e_entry = 0x400040;	EXPECT_EQ(check(), -ENOEXEC);
	good(); h.ph[2].p_vaddr = USER_VA_END - 0x1000; EXPECT_EQ(check(), -ENOEXEC);
	good(); h.ph[2].p_vaddr = UINT64_MAX - 0x100; EXPECT_EQ(check(), -ENOEXEC);
	good(); h.ph[2].p_flags |= PF_X;	EXPECT_EQ(check(), -ENOEXEC);
	/* data sharing the last text page: one page, two protections */
	good(); h.ph[2].p_vaddr = TEXT + 0x3000 - 8; EXPECT_EQ(check(), -ENOEXEC);
	/* out of order */
	good(); h.ph[2].p_vaddr = USER_VA_BASE;	EXPECT_EQ(check(), -ENOEXEC);
	good(); h.ph[0].p_type = 4;
		h.ph[2].p_type = 4;		EXPECT_EQ(check(), -ENOEXEC);
}

TEST(rejects_bad_entry_points)
{
	good(); h.eh.e_entry = DATA;		EXPECT_EQ(check(), -ENOEXEC);
	good(); h.eh.e_entry = TEXT + 0x3000;	EXPECT_EQ(check(), -ENOEXEC);
	good(); h.eh.e_entry = 0;		EXPECT_EQ(check(), -ENOEXEC);
}

TEST(limits_the_number_of_segments)
{
	good();
	h.eh.e_phnum = ELF_MAX_SEGMENTS + 1;
	for (int i = 0; i <= ELF_MAX_SEGMENTS; i++)
		h.ph[i] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
			.p_vaddr = TEXT + (uint64_t)i * PAGE_SIZE,
			.p_memsz = 0x100 };
	EXPECT_EQ(check(), -ENOEXEC);
	h.eh.e_phnum = ELF_MAX_SEGMENTS;
	EXPECT_EQ(check(), 0);
}

UNIT_MAIN(UNIT_CASE(accepts_a_static_executable), UNIT_CASE(rejects_bad_headers),
	  UNIT_CASE(rejects_bad_segments), UNIT_CASE(rejects_bad_entry_points),
	  UNIT_CASE(limits_the_number_of_segments))
