// SPDX-License-Identifier: BSD-2-Clause
/*
 * lwIP's operating-system layer (lwip/sys.h) on Vireo's kernel.
 *
 * Semaphores and mailboxes keep their counts under the scheduler lock
 * and block on wait queues with wait_block_locked(): the stack's own
 * waits are not interrupted by signals (the socket layer does its
 * interruptible waiting itself, net/socket.c), and a mailbox post may
 * come from any context.  Mutexes are the kernel's internal mutexes
 * (LOCK_TCPIP_CORE is one).  SYS_ARCH_PROTECT is one IRQ-safe spinlock
 * that the CPU holding it may take again (lwIP nests it).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <vireo/mm.h>
#include <vireo/clock.h>
#include <vireo/cpu.h>
#include <vireo/devfs.h>
#include <vireo/thread.h>
#include "lwip/sys.h"

void sys_init(void)
{
}

u32_t sys_now(void)
{
	return (u32_t)(clock_monotonic_ns() / 1000000);
}

unsigned int vireo_net_random(void)
{
	unsigned int r;

	devfs_random_bytes(&r, sizeof(r));
	return r;
}

void net_diag(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pr_debug("lwip: %s", buf);
}

/* A deadline for an lwIP timeout in ms (0: none). */
static uint64_t deadline_of(u32_t timeout_ms)
{
	return timeout_ms ? clock_monotonic_ns() + timeout_ms * 1000000ULL
			  : WAIT_FOREVER;
}

static u32_t ms_since(uint64_t start_ns)
{
	return (u32_t)((clock_monotonic_ns() - start_ns) / 1000000);
}

/* ---- semaphores ---- */

err_t sys_sem_new(sys_sem_t *s, u8_t count)
{
	s->count = count;
	wait_queue_init_kind(&s->wq, WAIT_SEM);
	s->valid = true;
	return ERR_OK;
}

void sys_sem_free(sys_sem_t *s)
{
	s->valid = false;
}

void sys_sem_signal(sys_sem_t *s)
{
	irqflags_t f = sched_lock_acquire();

	s->count++;
	wait_wake_one_locked(&s->wq, 0);
	sched_lock_release(f);
}

u32_t sys_arch_sem_wait(sys_sem_t *s, u32_t timeout_ms)
{
	uint64_t start = clock_monotonic_ns(), deadline = deadline_of(timeout_ms);
	irqflags_t f = sched_lock_acquire();

	while (s->count == 0) {
		if (wait_block_locked(&s->wq, deadline) == -ETIMEDOUT &&
		    s->count == 0) {
			sched_lock_release(f);
			return SYS_ARCH_TIMEOUT;
		}
	}
	s->count--;
	sched_lock_release(f);
	return ms_since(start);
}

/* ---- mutexes ---- */

err_t sys_mutex_new(sys_mutex_t *m)
{
	kmutex_init(&m->m, false);
	m->valid = true;
	return ERR_OK;
}

void sys_mutex_free(sys_mutex_t *m)
{
	m->valid = false;
}

void sys_mutex_lock(sys_mutex_t *m)
{
	kmutex_lock(&m->m);
}

void sys_mutex_unlock(sys_mutex_t *m)
{
	kmutex_unlock(&m->m);
}

/* ---- mailboxes ---- */

err_t sys_mbox_new(sys_mbox_t *mb, int size)
{
	if (size <= 0)
		size = 64;
	mb->msgs = kcalloc((size_t)size, sizeof(void *));
	if (!mb->msgs)
		return ERR_MEM;
	mb->size = (unsigned int)size;
	mb->head = mb->count = 0;
	wait_queue_init_kind(&mb->not_empty, WAIT_IO);
	wait_queue_init_kind(&mb->not_full, WAIT_IO);
	mb->valid = true;
	return ERR_OK;
}

void sys_mbox_free(sys_mbox_t *mb)
{
	free(mb->msgs);
	mb->msgs = NULL;
	mb->valid = false;
}

static void put_locked(sys_mbox_t *mb, void *msg)
{
	mb->msgs[(mb->head + mb->count) % mb->size] = msg;
	mb->count++;
	wait_wake_one_locked(&mb->not_empty, 0);
}

static void *take_locked(sys_mbox_t *mb)
{
	void *msg = mb->msgs[mb->head];

	mb->head = (mb->head + 1) % mb->size;
	mb->count--;
	wait_wake_one_locked(&mb->not_full, 0);
	return msg;
}

void sys_mbox_post(sys_mbox_t *mb, void *msg)
{
	irqflags_t f = sched_lock_acquire();

	while (mb->count == mb->size)
		wait_block_locked(&mb->not_full, WAIT_FOREVER);
	put_locked(mb, msg);
	sched_lock_release(f);
}

err_t sys_mbox_trypost(sys_mbox_t *mb, void *msg)
{
	irqflags_t f = sched_lock_acquire();
	err_t r = ERR_MEM;

	if (mb->count < mb->size) {
		put_locked(mb, msg);
		r = ERR_OK;
	}
	sched_lock_release(f);
	return r;
}

err_t sys_mbox_trypost_fromisr(sys_mbox_t *mb, void *msg)
{
	return sys_mbox_trypost(mb, msg);
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mb, void **msg, u32_t timeout_ms)
{
	uint64_t start = clock_monotonic_ns(), deadline = deadline_of(timeout_ms);
	irqflags_t f = sched_lock_acquire();
	void *m;

	while (mb->count == 0) {
		if (wait_block_locked(&mb->not_empty, deadline) == -ETIMEDOUT &&
		    mb->count == 0) {
			sched_lock_release(f);
			return SYS_ARCH_TIMEOUT;
		}
	}
	m = take_locked(mb);
	sched_lock_release(f);
	if (msg)
		*msg = m;
	return ms_since(start);
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mb, void **msg)
{
	irqflags_t f = sched_lock_acquire();
	void *m = NULL;
	u32_t r = SYS_MBOX_EMPTY;

	if (mb->count) {
		m = take_locked(mb);
		r = 0;
	}
	sched_lock_release(f);
	if (msg && r == 0)
		*msg = m;
	return r;
}

unsigned int sys_mbox_pending(sys_mbox_t *mb)
{
	irqflags_t f = sched_lock_acquire();
	unsigned int n = mb->valid ? mb->count : 0;

	sched_lock_release(f);
	return n;
}

/* ---- threads ---- */

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn fn, void *arg,
			    int stacksize, int prio)
{
	struct thread *t;
	int r = thread_create(&t, name, prio, POLICY_FIFO, (size_t)stacksize,
			      fn, arg);

	if (r)
		panic("lwIP: cannot start thread %s (%d)", name, r);
	return t;
}

/* ---- SYS_ARCH_PROTECT ---- */

static spinlock_t prot_lock = SPINLOCK_INIT;
static int prot_cpu = -1;	/* CPU holding prot_lock (atomic) */
static unsigned int prot_depth;	/* its nesting; prot_lock */

sys_prot_t sys_arch_protect(void)
{
	irqflags_t f = arch_irq_save();
	int me = this_cpu()->id;

	/* Only this CPU can have stored its own number (IRQs are off). */
	if (__atomic_load_n(&prot_cpu, __ATOMIC_RELAXED) != me) {
		spin_lock(&prot_lock);
		__atomic_store_n(&prot_cpu, me, __ATOMIC_RELAXED);
	}
	prot_depth++;
	return f;
}

void sys_arch_unprotect(sys_prot_t f)
{
	if (--prot_depth == 0) {
		__atomic_store_n(&prot_cpu, -1, __ATOMIC_RELAXED);
		spin_unlock(&prot_lock);
	}
	arch_irq_restore(f);
}
