// SPDX-License-Identifier: BSD-2-Clause
/*
 * sbrk, mmap, munmap and mprotect (kernel/syscalls.tbl) for the calling
 * task's address space (include/vireo/vmspace.h).  A task without one
 * (the flat build, a built-in application) gets ENOSYS: its memory is
 * the kernel's heap, reached through malloc().
 */
#include <errno.h>
#include <sys/mman.h>
#include <vireo/task.h>
#include <vireo/vmspace.h>

long vm_sbrk(intptr_t incr)
{
	struct vmspace *vs = task_vmspace(task_current());

	return vs ? vmspace_sbrk(vs, incr) : -ENOSYS;
}

/* addr is a hint, and ignored: MAP_FIXED is refused. */
long vm_mmap(uintptr_t addr, size_t len, int prot, int flags, int fd,
	     off_t off)
{
	struct vmspace *vs = task_vmspace(task_current());
	int vmprot = vm_mmap_prot(prot, flags, fd, off);

	(void)addr;
	if (!vs)
		return -ENOSYS;
	if (vmprot < 0)
		return vmprot;
	return vmspace_mmap_anon(vs, len, vmprot, (flags & MAP_STACK) ?
				 VM_KIND_STACK : VM_KIND_ANON);
}

int vm_munmap(uintptr_t addr, size_t len)
{
	struct vmspace *vs = task_vmspace(task_current());

	return vs ? vmspace_munmap(vs, addr, len) : -ENOSYS;
}

int vm_mprotect(uintptr_t addr, size_t len, int prot)
{
	struct vmspace *vs = task_vmspace(task_current());
	int vmprot = vm_mmap_prot(prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (!vs)
		return -ENOSYS;
	return vmprot < 0 ? vmprot : vmspace_mprotect(vs, addr, len, vmprot);
}
