/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * User address spaces (docs/kernel-mode.md, section 3).  A vmspace is a
 * process's memory: a sorted list of regions in the user window, each
 * backed eagerly by zeroed kernel pages (no demand paging), and the
 * architecture's translation tables for them.  The kernel is mapped in
 * every space, for EL1 only.  A task with a vmspace runs with it
 * installed (task_set_vmspace()).  Thread context; each vmspace's
 * sleeping lock protects its regions and tables.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The user window: level-0 slots 16..31 of the 48-bit space, above
 * everything the kernel maps (RAM and every device of QEMU's virt). */
#define USER_VA_BASE	0x0000080000000000UL	/* 8 TiB */
#define USER_VA_END	0x0000100000000000UL	/* 16 TiB */

/* Whether [va, va + n) starts in the user window and does not leave it
 * (n 0: va in it).  Mapped or not is the space's business. */
static inline bool user_window_has(uintptr_t va, size_t n)
{
	return va >= USER_VA_BASE && va < USER_VA_END && n <= USER_VA_END - va;
}

/* Region protections. */
#define VM_READ		0x1
#define VM_WRITE	0x2
#define VM_EXEC		0x4

/* What a region holds, for /proc/<pid>/maps. */
enum vm_kind { VM_KIND_ANON, VM_KIND_TEXT, VM_KIND_DATA, VM_KIND_BSS,
	       VM_KIND_HEAP, VM_KIND_STACK };

/* A process's stack: USER_STACK_SIZE bytes ending at USER_STACK_TOP,
 * with USER_STACK_GUARD bytes below it that nothing may map, so an
 * overflow is a translation fault (SIGSEGV), never a write into
 * another region. */
#define USER_STACK_TOP		(USER_VA_END - 0x10000UL)
#define USER_STACK_SIZE		0x10000UL	/* 64 KiB */
#define USER_STACK_GUARD	0x1000UL

/* Memory an EL0 program asks for (sbrk, mmap): the heap grows from the
 * end of the loaded program up to USER_HEAP_END; anonymous mappings go
 * at the lowest gap from USER_MMAP_BASE up to the stack's guard.  One
 * request is at most USER_MMAP_MAX bytes (memory is eager: a larger one
 * could only take all of RAM). */
#define USER_MMAP_BASE		(USER_VA_BASE + 0x10000000000UL)	/* +1 TiB */
#define USER_HEAP_END		USER_MMAP_BASE
#define USER_MMAP_MAX		(1UL << 30)

struct vmspace;

/* A new empty space: 0 and *out, or -ENOMEM, -EAGAIN (no ASID free). */
int vmspace_create(struct vmspace **out);
/* Maps [va, va + len) (page-aligned, in the user window, overlapping
 * nothing) to new zeroed memory with prot.  0, -EINVAL, -EEXIST or
 * -ENOMEM (nothing changed then). */
int vmspace_map_anon(struct vmspace *vs, uintptr_t va, size_t len, int prot);
/* vmspace_map_anon() with the region's kind. */
int vmspace_map(struct vmspace *vs, uintptr_t va, size_t len, int prot,
		enum vm_kind kind);
/* Calls fn for each region by address, with vs's lock held (fn must not
 * call back into vs). */
void vmspace_for_each_region(struct vmspace *vs,
			     void (*fn)(uintptr_t start, uintptr_t end,
					int prot, enum vm_kind kind, void *ctx),
			     void *ctx);
/* A region as /proc/<pid>/maps shows it, "start-end rwx- kind", in buf. */
void vm_region_format(char *buf, size_t len, uintptr_t start,
		      uintptr_t end, int prot, enum vm_kind kind);
/* Where the space's first thread enters EL0 (a loaded program's entry
 * point and initial stack pointer), recorded by the loader. */
void vmspace_set_start(struct vmspace *vs, uintptr_t pc, uintptr_t sp);
void vmspace_start(struct vmspace *vs, uintptr_t *pc, uintptr_t *sp);
/* Where va lies in vs, in words, into buf: "in " and the region as
 * vm_region_format() gives it, "in the guard page under " a stack one,
 * "unmapped", "outside the user window" or, when vs is busy, "in a
 * space being changed".  Never sleeps: the fault report calls it. */
void vmspace_describe(struct vmspace *vs, uintptr_t va, char *buf,
		      size_t len);
/* Whether [va, va + n) lies wholly in regions of vs (n == 0: va in the
 * window).  Permissions are the hardware's business (uaccess). */
bool vmspace_range_ok(struct vmspace *vs, uintptr_t va, size_t n);
/* Takes a reference to vs (a reader of its regions while its task may
 * end); vmspace_destroy() drops it. */
void vmspace_get(struct vmspace *vs);
/* Drops a reference; the last frees every region, table and the ASID.
 * No thread may run in vs then. */
void vmspace_destroy(struct vmspace *vs);

/* ---- the architecture's part (arch/arm64/uspace.c) ---- */
struct arch_uspace;
/* Tables with the kernel mapped and an ASID: 0, -ENOMEM or -EAGAIN. */
int arch_uspace_create(struct arch_uspace **out);
/* Maps the page at user va to the kernel page at kva with prot. */
int arch_uspace_map_page(struct arch_uspace *as, uintptr_t va, void *kva,
			 int prot);
/* Removes the pages of [va, end) and their TLB entries on every CPU. */
void arch_uspace_unmap(struct arch_uspace *as, uintptr_t va, uintptr_t end);
/* Frees the tables (not the pages they map), flushes the ASID's TLB
 * entries and frees the ASID. */
void arch_uspace_destroy(struct arch_uspace *as);
/* Makes n bytes written at kernel address kva visible to instruction
 * fetch from any address that maps them. */
void arch_sync_icache(const void *kva, size_t n);
/* Installs as (NULL: the kernel's tables alone) on this CPU.  Called by
 * the context switch with the scheduler lock held, IRQs masked. */
void arch_uspace_switch(struct arch_uspace *as);
/* Leaves the calling thread for EL0 at pc with stack pointer sp, x0 =
 * a0, x1 = a1 and the thread pointer (TPIDR_EL0) tls, in the task's
 * installed space; the thread comes back only through exceptions
 * (system calls, faults, interrupts).  Thread context. */
__attribute__((noreturn)) void arch_enter_user(uintptr_t pc, uintptr_t sp,
					       uint64_t a0, uint64_t a1,
					       uintptr_t tls);
/* Copies n bytes from the kernel's src into the space at va, which must
 * lie in one region (loading a program: its text is read-only to EL0),
 * and makes them visible to instruction fetch.  0 or -EFAULT. */
int vmspace_load(struct vmspace *vs, uintptr_t va, const void *src, size_t n);
/* Where the heap starts (the loader: the page after the program). */
void vmspace_set_heap(struct vmspace *vs, uintptr_t start);
/* sbrk(): moves the break by incr; returns the old break, or -EINVAL
 * (below the heap's start), -ENOMEM.  New heap memory reads as zero;
 * heap pages wholly above a lowered break are freed. */
long vmspace_sbrk(struct vmspace *vs, intptr_t incr);
/* A new region of kind VM_KIND_ANON or VM_KIND_STACK, len bytes
 * (rounded up to pages) with prot, at the lowest free address from
 * USER_MMAP_BASE: its address, or -EINVAL (len 0), -ENOMEM.  Under a
 * stack region USER_STACK_GUARD bytes stay unmapped, and no later region
 * is placed there. */
long vmspace_mmap_anon(struct vmspace *vs, size_t len, int prot,
		       enum vm_kind kind);
/* Removes the region [va, va + len) (len rounded up to pages): exactly
 * one whole anonymous or stack region; any other range (part of a
 * region, several, program or heap) is -EINVAL. */
int vmspace_munmap(struct vmspace *vs, uintptr_t va, size_t len);
/*
 * mprotect(): prot (VM_*) for [va, va + len) (len rounded up to pages).
 * Inside a reservation (PROT_NONE) the range gets memory, zeroed, as an
 * anonymous region of its own (what is left on either side stays
 * reserved): how a thread's stack gets a guard of any size.  A whole
 * accessible anonymous or stack region changes between read-only and
 * read-write.  -EINVAL (not page aligned), -ENOMEM (not inside one
 * region, or no memory), -ENOTSUP (anything else: part of an accessible
 * region, making one PROT_NONE, the program's or the heap's regions).
 */
int vmspace_mprotect(struct vmspace *vs, uintptr_t va, size_t len, int prot);

/* ---- arithmetic of the above (mm/vm_limits.c, host-tested) ---- */
/* The break after sbrk(incr) from old on a heap starting at start:
 * 0 and *want, -EINVAL (below start), -ENOMEM (past USER_HEAP_END, more
 * than USER_MMAP_MAX at once, or wrapping). */
int vm_brk_check(uintptr_t start, uintptr_t old, intptr_t incr,
		 uintptr_t *want);
/* An mmap length rounded up to pages in *out: 0, -EINVAL (0 bytes) or
 * -ENOMEM (above USER_MMAP_MAX). */
int vm_anon_len(size_t len, size_t *out);
/* The region protection (VM_*) of an mmap() or mprotect() call: 0 for
 * PROT_NONE (a reservation: address space without memory), or -EINVAL
 * (not MAP_PRIVATE | MAP_ANONYMOUS, with or without MAP_STACK, with fd
 * -1 and offset 0; a PROT_NONE stack; unknown bits), -ENOTSUP
 * (PROT_EXEC: never writable and executable, and zeroed memory holds
 * no code). */
int vm_mmap_prot(int prot, int flags, int fd, off_t off);

/* The system calls (mm/vm_calls.c) on the calling task's space;
 * -ENOSYS without one (the flat build). */
long vm_sbrk(intptr_t incr);
long vm_mmap(uintptr_t addr, size_t len, int prot, int flags, int fd,
	     off_t off);
int vm_munmap(uintptr_t addr, size_t len);
int vm_mprotect(uintptr_t addr, size_t len, int prot);

/* vs's tables, for arch_uspace_switch(). */
struct arch_uspace *vmspace_arch(struct vmspace *vs);
