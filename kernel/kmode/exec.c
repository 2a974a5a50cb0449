// SPDX-License-Identifier: BSD-2-Clause
/*
 * Loading an ELF program into a new address space and starting it at
 * EL0 (include/vireo/elf.h, docs/kernel-mode.md section 3).  The whole
 * space is built by the caller of posix_spawn() before the task exists,
 * so a bad file fails the spawn with its error (ENOEXEC) and the new
 * task only has to enter EL0.  elf_check() has validated every value
 * taken from the file before it is used here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vireo/compiler.h>
#include <vireo/elf.h>
#include <vireo/file.h>
#include <vireo/mm.h>
#include <vireo/mmu.h>
#include <vireo/task.h>
#include <vireo/vfs.h>
#include <vireo/vmspace.h>

/* The headers read to check a file: the ELF header and up to
 * ELF_MAX_SEGMENTS * 2 program headers after it fit easily. */
#define HEAD_MAX	1024
/* A segment larger than this is refused (ENOEXEC) rather than tried:
 * memory is backed eagerly, so it would take all of RAM. */
#define SEGMENT_MAX	(64UL << 20)
#define COPY_CHUNK	4096
/* load()'s answer for a file that is not an ELF program at all. */
#define NOT_ELF		1

/* Reads exactly len bytes at off: 0, -ENOEXEC (the file is shorter
 * than it said) or the file system's error. */
static int read_at(struct file *f, void *buf, size_t len, off_t off)
{
	while (len) {
		ssize_t n = vfs_file_pread(f, buf, len, off);

		if (n < 0)
			return (int)n;
		if (n == 0)
			return -ENOEXEC;
		buf = (char *)buf + n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

static enum vm_kind kind_of(const struct elf_segment *s)
{
	if (s->prot & VM_EXEC)
		return VM_KIND_TEXT;
	if (s->filesz == 0)
		return VM_KIND_BSS;
	return VM_KIND_DATA;
}

/* Maps segment s (zeroed memory: the .bss part stays zero) and copies
 * its file bytes in through buf. */
static int load_segment(struct vmspace *vs, struct file *f,
			const struct elf_segment *s, char *buf)
{
	uint64_t start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
	uint64_t end = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
	int r;

	/* The stack and its guard are nobody else's (elf_check() kept
	 * segments inside the window; the stack sits at its top). */
	if (end - start > SEGMENT_MAX ||
	    end > USER_STACK_TOP - USER_STACK_SIZE - USER_STACK_GUARD)
		return -ENOEXEC;
	r = vmspace_map(vs, start, end - start, s->prot, kind_of(s));
	if (r)
		return r == -EEXIST ? -ENOEXEC : r;
	for (uint64_t done = 0; done < s->filesz;) {
		size_t n = (size_t)MIN((uint64_t)COPY_CHUNK, s->filesz - done);

		r = read_at(f, buf, n, (off_t)(s->offset + done));
		if (!r)
			r = vmspace_load(vs, s->vaddr + done, buf, n);
		if (r)
			return r;
		done += n;
	}
	return 0;
}

/* The stack region and its start-up contents; the initial sp in *sp. */
static int load_stack(struct vmspace *vs, char *const argv[],
		      char *const envp[], uint64_t entry, uint64_t *sp)
{
	size_t len = ELF_ARGS_MAX * 2;
	char *img = kcalloc(1, len);
	int r;

	if (!img)
		return -ENOMEM;
	r = vmspace_map(vs, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE,
			VM_READ | VM_WRITE, VM_KIND_STACK);
	if (!r)
		r = elf_stack_layout(img, len, USER_STACK_TOP, argv, envp, entry,
				     sp);
	if (!r)
		r = vmspace_load(vs, *sp, img + (*sp - (USER_STACK_TOP - len)),
				 USER_STACK_TOP - *sp);
	free(img);
	return r;
}

/* A space holding the program at path, ready to enter: 0 and *out,
 * NOT_ELF (path is no regular file starting with the ELF magic) or
 * -errno.  The file is opened and its headers read once. */
static int load(const char *path, char *const argv[], char *const envp[],
		struct vmspace **out)
{
	struct elf_image img;
	struct vmspace *vs = NULL;
	struct file *f;
	struct stat st;
	uint64_t sp;
	char *buf;
	ssize_t n;
	int r;

	*out = NULL;
	/* Only a regular file is opened: a FIFO's open would wait. */
	if (vfs_stat(path, &st, true) || !S_ISREG(st.st_mode) ||
	    vfs_open(path, O_RDONLY, &f))
		return NOT_ELF;
	buf = kmalloc(MAX(HEAD_MAX, COPY_CHUNK));
	if (!buf) {
		file_put(f);
		return -ENOMEM;
	}
	n = vfs_file_pread(f, buf, HEAD_MAX, 0);
	if (n < 0)
		r = (int)n;
	else if (n < 4 || memcmp(buf, "\x7f" "ELF", 4))
		r = NOT_ELF;
	else
		r = elf_check(buf, (size_t)n, (uint64_t)st.st_size, &img);
	if (!r)
		r = vmspace_create(&vs);
	for (int i = 0; !r && i < img.nseg; i++)
		r = load_segment(vs, f, &img.seg[i], buf);
	if (!r)
		r = load_stack(vs, argv, envp, img.entry, &sp);
	if (!r) {
		uint64_t heap = 0;

		for (int i = 0; i < img.nseg; i++)
			heap = MAX(heap, img.seg[i].vaddr + img.seg[i].memsz);
		vmspace_set_start(vs, img.entry, sp);
		vmspace_set_heap(vs, ALIGN_UP(heap, PAGE_SIZE));
	}
	else if (vs)
		vmspace_destroy(vs);
	free(buf);
	file_put(f);
	if (!r)
		*out = vs;
	return r;
}

/* The new task's main thread: installs the space it was given and
 * leaves for EL0; it comes back only through exceptions, and ends
 * through exit() or a fatal signal. */
static int elf_task_main(int argc, char **argv)
{
	struct vmspace *vs = task_vmspace(task_current());
	uintptr_t pc, sp;

	(void)argc;
	(void)argv;
	task_set_vmspace(vs);	/* already ours: installs it on this CPU */
	vmspace_start(vs, &pc, &sp);
	/* x0 = 0 as the ABI's process entry has it (no exit handler); the
	 * program sets up its own thread pointer. */
	arch_enter_user(pc, sp, 0, 0, 0);
}

int elf_spawn(const char *path, char *const argv[], char *const envp[],
	      const struct task_spawn_attr *attr)
{
	struct task_spawn_attr ta = *attr;
	struct vmspace *vs;
	int r = load(path, argv, envp ? envp : environ, &vs);

	if (r)
		return r == NOT_ELF ? 0 : r;
	ta.vmspace = vs;	/* task_spawn() owns it now */
	return task_spawn(elf_task_main, argv, envp, &ta);
}
