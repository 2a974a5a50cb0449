// SPDX-License-Identifier: BSD-2-Clause
/*
 * The user-access path (include/vireo/uaccess.h): a range check against
 * the calling task's address space, then the unprivileged copies of
 * uaccess.S.  A fault inside one of those copies is not a kernel bug:
 * arm64_extable_fixup() finds its address in __ex_table and the copy
 * returns -EFAULT.  That covers what the range check cannot: a region
 * unmapped by another thread meanwhile, a write to a read-only page.
 * semihosting.c lists its HLT in the same table: without a host it is an
 * undefined instruction, and the call reports that instead of faulting.
 */
#include <errno.h>
#include <asm/esr.h>
#include <asm/trap_frame.h>
#include <vireo/task.h>
#include <vireo/uaccess.h>
#include <vireo/vmspace.h>
#include "arm64_priv.h"

struct ex_entry {
	uintptr_t insn;		/* a user access, or semihosting's HLT */
	uintptr_t fixup;	/* where it resumes when it faults */
};

extern const struct ex_entry __ex_table_start[], __ex_table_end[];

int arm64_copy_from_user(void *dst, uintptr_t src, size_t n);
int arm64_copy_to_user(uintptr_t dst, const void *src, size_t n);
int arm64_strncpy_from_user(char *dst, uintptr_t src, size_t size,
			    size_t *len);

bool arm64_extable_fixup(struct trap_frame *f)
{
	unsigned int ec = ESR_EC(f->esr);

	/* The only exceptions the listed instructions raise: a data abort
	 * at EL1 (the user copies) or an undefined instruction (the HLT).
	 * An undefined instruction taken from EL0 is the program's own,
	 * whatever its address. */
	if (ec != ESR_EC_DABT_CUR &&
	    (ec != ESR_EC_UNKNOWN || arm64_from_el0(f)))
		return false;
	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++) {
		if (e->insn == f->elr) {
			f->elr = e->fixup;
			return true;
		}
	}
	return false;
}

bool user_range_ok(uaddr_t a, size_t n)
{
	struct vmspace *vs = task_vmspace(task_current());

	return vs && vmspace_range_ok(vs, a.va, n);
}

int copy_from_user(void *dst, uaddr_t src, size_t n)
{
	if (!user_range_ok(src, n) || arm64_copy_from_user(dst, src.va, n))
		return -EFAULT;
	return 0;
}

int copy_from_user_locked(void *dst, uaddr_t src, size_t n)
{
	if (!user_window_has(src.va, n) || arm64_copy_from_user(dst, src.va, n))
		return -EFAULT;
	return 0;
}

int copy_to_user(uaddr_t dst, const void *src, size_t n)
{
	if (!user_range_ok(dst, n) || arm64_copy_to_user(dst.va, src, n))
		return -EFAULT;
	return 0;
}

/* The string may end before the region does: only its first byte's
 * mapping is checked ahead, the rest by the unprivileged loads (which
 * stop at the window's end: nothing above it is EL0's). */
long strncpy_from_user(char *dst, uaddr_t src, size_t size)
{
	size_t len;

	if (!size || !user_range_ok(src, 1) ||
	    arm64_strncpy_from_user(dst, src.va, size, &len))
		return -EFAULT;
	return (long)len;
}
