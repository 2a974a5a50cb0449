// SPDX-License-Identifier: BSD-2-Clause
/*
 * Arm semihosting (include/vireo/semihost.h): `HLT #0xF000` with the
 * operation number in W0 and the address of its parameter block in X1;
 * the host answers in X0 ("Semihosting for AArch32 and AArch64", release
 * 2.0, sections 4 and 6).  QEMU answers when started with -semihosting.
 *
 * Blocking: the CPU stops at the HLT until the host has done the work
 * (opened, read or written the host file) and goes on at the next
 * instruction.  No interrupt marks the end, so there is nothing to wait
 * for: an accepted exception to the rule that drivers are interrupt
 * driven, like the early console.  Interrupts stay enabled: the CPU takes
 * what arrived meanwhile once the HLT completes.
 *
 * Locking: one sleeping lock, semihost_lock, around every call.  The host
 * keeps one errno for all CPUs (QEMU's is a global in system emulation),
 * fetched with a second call, SYS_ERRNO, after the failed one: the lock
 * keeps another CPU's call from replacing it in between.  It also keeps
 * host_state consistent.  Parameter blocks live on the caller's stack:
 * Vireo maps memory one to one (virtual = physical), and the host reads
 * them through the CPU's current translation anyway.
 *
 * No host: QEMU without -semihosting treats the HLT as an undefined
 * instruction (HLT with halting debug off, Arm ARM C6.2.106).  The HLT has
 * an __ex_table entry (as the user copies of uaccess.S do), so the EL1
 * exception resumes at its fix-up, which reports "no host"; that call and
 * every later one (without trapping again) return -ENOSYS.
 *
 * With a debugger as the host (QEMU's gdbstub), SYS_FLEN has the debugger
 * write 64 bytes below SP: AAPCS64 has no red zone, so nothing live is
 * there.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <vireo/linux_errno.h>
#include <vireo/mutex.h>
#include <vireo/semihost.h>

/* Operation numbers (section 6). */
#define SYS_OPEN	0x01
#define SYS_CLOSE	0x02
#define SYS_WRITE	0x05
#define SYS_READ	0x06
#define SYS_SEEK	0x0a
#define SYS_FLEN	0x0c
#define SYS_REMOVE	0x0e
#define SYS_RENAME	0x0f
#define SYS_ERRNO	0x13

enum host_state { HOST_UNKNOWN, HOST_PRESENT, HOST_ABSENT };

static struct kmutex semihost_lock = KMUTEX_INIT(semihost_lock, false);
static enum host_state host_state;	/* semihost_lock */

/*
 * The call itself.  Inputs: op (x0), block (x1).  Outputs: the host's
 * result in *ret; false when the HLT was undefined (no host), in which
 * case the exception handler resumed at label 2, which sets x2.  The host
 * changes only x0 and the memory the block names.
 */
static bool trap(unsigned long op, void *block, long *ret)
{
	register unsigned long x0 __asm__("x0") = op;
	register void *x1 __asm__("x1") = block;
	register unsigned long x2 __asm__("x2") = 0;

	__asm__ volatile("1:	hlt	#0xf000\n"
			 "	b	3f\n"
			 "2:	mov	%2, #1\n"
			 "3:\n"
			 "	.pushsection __ex_table, \"a\"\n"
			 "	.balign	8\n"
			 "	.quad	1b, 2b\n"
			 "	.popsection\n"
			 : "+r"(x0), "+r"(x1), "+r"(x2)
			 :
			 : "memory");
	*ret = (long)x0;
	return x2 == 0;
}

/* The trap under the lock: 0 and *ret, or -ENOSYS without a host. */
static int trap_locked(unsigned long op, void *block, long *ret)
{
	if (host_state == HOST_ABSENT)
		return -ENOSYS;
	if (!trap(op, block, ret)) {
		host_state = HOST_ABSENT;	/* the callers say so */
		return -ENOSYS;
	}
	host_state = HOST_PRESENT;
	return 0;
}

/* -errno of the call that just failed; under the lock, right after it. */
static long host_error_locked(void)
{
	long e;

	if (trap_locked(SYS_ERRNO, NULL, &e))
		return -ENOSYS;
	return -errno_from_linux(e);	/* QEMU on Linux passes its numbers */
}

/* A call whose failure is a result of -1 (all but READ and WRITE). */
static long call(unsigned long op, void *block)
{
	long r;
	int e;

	kmutex_lock(&semihost_lock);
	e = trap_locked(op, block, &r);
	if (e)
		r = e;
	else if (r == -1)
		r = host_error_locked();
	kmutex_unlock(&semihost_lock);
	return r;
}

int semihost_probe(void)
{
	long e;
	int r;

	/* SYS_ERRNO changes nothing on the host: a harmless first call. */
	kmutex_lock(&semihost_lock);
	r = host_state == HOST_PRESENT ? 0 : trap_locked(SYS_ERRNO, NULL, &e);
	kmutex_unlock(&semihost_lock);
	return r;
}

long semihost_open(const char *name, enum semihost_mode mode)
{
	/* The length excludes the NUL, which the host also checks. */
	uint64_t block[3] = { (uintptr_t)name, mode, strlen(name) };

	return call(SYS_OPEN, block);
}

int semihost_close(long handle)
{
	uint64_t block[1] = { (uint64_t)handle };

	return (int)call(SYS_CLOSE, block);
}

/*
 * READ and WRITE answer the number of bytes NOT transferred; an error
 * transfers nothing.  A write that takes nothing failed (a regular file
 * takes at least a byte or reports an error); a read that gives nothing
 * is the end of the file or an error, which the interface cannot tell
 * apart.
 */
static ssize_t transfer(unsigned long op, long handle, void *buf, size_t len)
{
	uint64_t block[3] = { (uint64_t)handle, (uintptr_t)buf, len };
	long left;
	ssize_t r;
	int e;

	if (!len)
		return 0;
	kmutex_lock(&semihost_lock);
	e = trap_locked(op, block, &left);
	if (e)
		r = e;
	else if (left < 0 || (unsigned long)left > len)
		r = -EIO;	/* not an answer to this call */
	else if ((size_t)left == len && op == SYS_WRITE)
		r = host_error_locked();
	else
		r = (ssize_t)(len - (size_t)left);
	kmutex_unlock(&semihost_lock);
	return r;
}

ssize_t semihost_read(long handle, void *buf, size_t len)
{
	return transfer(SYS_READ, handle, buf, len);
}

ssize_t semihost_write(long handle, const void *buf, size_t len)
{
	return transfer(SYS_WRITE, handle, (void *)buf, len);
}

int semihost_seek(long handle, off_t pos)
{
	uint64_t block[2] = { (uint64_t)handle, (uint64_t)pos };

	return pos < 0 ? -EINVAL : (int)call(SYS_SEEK, block);
}

off_t semihost_flen(long handle)
{
	uint64_t block[1] = { (uint64_t)handle };

	return (off_t)call(SYS_FLEN, block);
}

int semihost_remove(const char *name)
{
	uint64_t block[2] = { (uintptr_t)name, strlen(name) };

	return (int)call(SYS_REMOVE, block);
}

int semihost_rename(const char *from, const char *to)
{
	uint64_t block[4] = { (uintptr_t)from, strlen(from), (uintptr_t)to,
			      strlen(to) };

	return (int)call(SYS_RENAME, block);
}
