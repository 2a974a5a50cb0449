/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Checking an ELF executable before it is loaded (kernel/kmode/elf.c;
 * docs/kernel-mode.md, section 3).  Only static AArch64 ET_EXEC files
 * whose loadable segments lie in the user window are accepted; the file
 * is outside input, so every field is checked and a bad one is
 * -ENOEXEC, never a fault.  The layouts are the ELF-64 object file
 * format's (System V ABI, "ELF Header" and "Program Header").
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	unsigned char e_ident[16];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
} Elf64_Ehdr;

typedef struct {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
} Elf64_Phdr;

#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define EV_CURRENT	1
#define ET_EXEC		2
#define EM_AARCH64	183
#define PT_LOAD		1
#define PT_INTERP	3
#define PF_X		1
#define PF_W		2
#define PF_R		4

/* At most this many loadable segments (text, rodata, data+bss, TLS
 * image...); more is -ENOEXEC. */
#define ELF_MAX_SEGMENTS 8

struct elf_segment {
	uint64_t vaddr;		/* where the file's bytes start */
	uint64_t filesz;	/* bytes from the file, */
	uint64_t memsz;		/* then zeroes up to this size */
	uint64_t offset;	/* of the bytes in the file */
	int prot;		/* VM_READ | VM_WRITE | VM_EXEC */
};

struct elf_image {
	uint64_t entry;
	int nseg;
	struct elf_segment seg[ELF_MAX_SEGMENTS];	/* by address */
};

/*
 * Checks the ELF header and program headers at the start of a file of
 * file_size bytes (head: its first head_len bytes, which must hold
 * them) and fills img with what to map.  0, or -ENOEXEC with img
 * unspecified: not ELF-64 little-endian AArch64 ET_EXEC, an interpreter
 * (dynamic), no or too many PT_LOAD, a segment outside the user window
 * or the file, overlapping another (by page), writable and executable,
 * or an entry point outside every executable segment.  Any context.
 */
int elf_check(const void *head, size_t head_len, uint64_t file_size,
	      struct elf_image *img);

/* Auxiliary vector types (the System V ABI's AT_ numbers). */
#define AT_NULL		0
#define AT_PAGESZ	6
#define AT_ENTRY	9

/* At most this many bytes of argument and environment strings, with
 * their pointers, on a new process's stack: more is -E2BIG. */
#define ELF_ARGS_MAX	8192

/*
 * Lays out a new process's start-up stack (AArch64 System V ABI: sp
 * points at argc, then argv[0..argc), NULL, envp[..], NULL, the
 * auxiliary vector AT_PAGESZ, AT_ENTRY, AT_NULL; the strings above them)
 * in buf, which stands for the user addresses [top - size, top).  The
 * image occupies the buffer's last top - *sp bytes; *sp is 16-aligned.
 * 0, or -E2BIG when it does not fit size (or ELF_ARGS_MAX).  Any
 * context; host-tested.
 */
int elf_stack_layout(void *buf, size_t size, uint64_t top,
		     char *const argv[], char *const envp[], uint64_t entry,
		     uint64_t *sp);

struct task_spawn_attr;
/*
 * Starts the ELF program at path as a new task (include/vireo/task.h's
 * task_spawn() with attr: descriptors, file actions, signal mask), in a
 * new address space holding its segments and a guarded stack with argv
 * (at least argv[0]) and envp (NULL: the caller's environment).  The
 * pid; 0 when path names no regular file starting with the ELF magic
 * (nothing started: the caller may look for the program elsewhere);
 * -ENOEXEC (an ELF file elf_check() refuses, or one too big), -E2BIG,
 * -ENOMEM, -EAGAIN, or the VFS's error reading path.  Nothing is left
 * allocated on an error.  Thread context.
 */
int elf_spawn(const char *path, char *const argv[], char *const envp[],
	      const struct task_spawn_attr *attr);
