// SPDX-License-Identifier: BSD-2-Clause
/*
 * Secondary CPUs: the boot CPU gives each one an idle thread (whose stack
 * is also its boot stack), starts it through the arch (PSCI CPU_ON) and
 * waits, bounded, until it is online.  A secondary sets up its own
 * interrupt-controller interface, reschedule SGI and timer, then joins
 * the scheduler as an idle CPU.
 *
 * Ordering: cpu->online is written by the starting CPU under the
 * scheduler lock after its interrupt interface and timer work; the boot
 * CPU's acquire load of it sees the CPU fully set up.  Other CPUs only
 * consider an online CPU for placement (sched.c, under the same lock).
 *
 * Pausing: smp_pause_others() parks every other online CPU in its pause
 * SGI handler, IRQs masked, until smp_resume_others(); panic stops them
 * for good with smp_stop_others().  A pause is numbered (pause_gen): a
 * CPU parks for the pause it read, and the pauser counts only the CPUs
 * parked for its own, so a late SGI of an earlier pause cannot be taken
 * for an acknowledgement.  Pausers are serialised by pause_lock; one that
 * waits for it with IRQs masked parks meanwhile if another pause is on,
 * or two CPUs pausing each other would wait for ever.  Waiting for the
 * others to park is a bounded spin: it is the point of the operation.
 */
#include <vireo/clock.h>
#include <vireo/clock_event.h>
#include <vireo/cpu.h>
#include <vireo/irq.h>
#include <vireo/klog.h>
#include <vireo/panic.h>
#include <vireo/smp.h>
#include "kernel_priv.h"

/* QEMU starts a CPU in microseconds; a second means it will not come. */
#define CPU_START_TIMEOUT_NS (1000 * NSEC_PER_MSEC)

#define SGI_PAUSE 2
/* A CPU spinning with IRQs masked cannot park; give up on it after this. */
#define PAUSE_TIMEOUT_NS (1000 * NSEC_PER_MSEC)

static spinlock_t pause_lock = SPINLOCK_INIT;
static uint32_t pause_active;		/* the pause on, 0 when none */
static uint32_t pause_gen;		/* last pause number, under pause_lock */
static uint32_t parked[CONFIG_SMP_NCPUS];	/* the pause each CPU is parked for */

/* IRQs masked: stay here while pause g is on. */
static void park(uint32_t g)
{
	int id = this_cpu()->id;

	__atomic_store_n(&parked[id], g, __ATOMIC_RELEASE);
	while (__atomic_load_n(&pause_active, __ATOMIC_ACQUIRE) == g)
		arch_cpu_relax();
	__atomic_store_n(&parked[id], 0, __ATOMIC_RELEASE);
}

static void pause_irq(uint32_t intid, void *arg)
{
	uint32_t g = __atomic_load_n(&pause_active, __ATOMIC_ACQUIRE);

	if (g)
		park(g);
}

/* Sends pause g to the other online CPUs and waits, bounded, until they
 * are parked; returns how many are. */
static int pause_and_count(uint32_t g)
{
	uint32_t others = sched_online_mask() & ~(1u << this_cpu()->id);
	uint64_t deadline = clock_monotonic_ns() + PAUSE_TIMEOUT_NS;
	int n;

	__atomic_store_n(&pause_active, g, __ATOMIC_RELEASE);
	if (others)
		irq_send_sgi(SGI_PAUSE, others);
	for (;;) {
		n = 0;
		for (int i = 0; i < CONFIG_SMP_NCPUS; i++)
			n += (others >> i & 1) &&
			     __atomic_load_n(&parked[i], __ATOMIC_ACQUIRE) == g;
		if (n == __builtin_popcount(others) ||
		    clock_monotonic_ns() > deadline)
			return n;
		arch_cpu_relax();
	}
}

int smp_pause_others(irqflags_t *flags)
{
	*flags = arch_irq_save();
	while (!spin_trylock(&pause_lock)) {
		uint32_t g = __atomic_load_n(&pause_active, __ATOMIC_ACQUIRE);
		if (g)
			park(g);
		arch_cpu_relax();
	}
	/* 0 means no pause, UINT32_MAX is panic's stop. */
	if (++pause_gen == UINT32_MAX)
		pause_gen = 1;
	return pause_and_count(pause_gen);
}

void smp_resume_others(irqflags_t flags)
{
	__atomic_store_n(&pause_active, 0, __ATOMIC_RELEASE);
	spin_unlock(&pause_lock);
	arch_irq_restore(flags);
}

int smp_stop_others(void)
{
	/* Never resumed; a number no pause_lock holder uses. */
	return pause_and_count(UINT32_MAX);
}

static void pause_irq_init(void)
{
	if (this_cpu()->id == 0)
		irq_attach(SGI_PAUSE, pause_irq, NULL, "pause");
	irq_enable(SGI_PAUSE);	/* banked: this CPU's */
}

static bool wait_online(struct cpu *c, uint64_t deadline)
{
	/* Early boot: busy-waiting is allowed here (nothing else to run). */
	while (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE)) {
		if (clock_monotonic_ns() > deadline)
			return false;
		arch_cpu_relax();
	}
	return true;
}

/* Asks c to start: whether it was asked. */
static bool start_cpu(struct cpu *c)
{
	int r = thread_init_idle_secondary(c);

	if (r == 0)
		r = arch_cpu_start(c);
	if (r < 0)
		pr_err("CPU %d (MPIDR 0x%lx): cannot start (%d)\n", c->id,
		       (unsigned long)c->mpidr, r);
	return r >= 0;
}

static void report_online(struct cpu *c, uint64_t deadline)
{
	if (wait_online(c, deadline))
		pr_info("CPU %d online (MPIDR 0x%lx)\n", c->id,
			(unsigned long)c->mpidr);
	else
		pr_err("CPU %d (MPIDR 0x%lx) did not come online within %llu ms\n",
		       c->id, (unsigned long)c->mpidr,
		       (unsigned long long)(CPU_START_TIMEOUT_NS / NSEC_PER_MSEC));
}

void smp_init(void)
{
	sched_cpu_irq_init();	/* the boot CPU's reschedule SGI */
	pause_irq_init();
	if (!IS_ENABLED(CONFIG_SMP))
		return;
	/* Every CPU is asked first and they come up side by side; then one
	 * wait (one deadline) for them all, in order. */
	bool started[CONFIG_SMP_NCPUS] = { false };
	for (int i = 1; i < CONFIG_SMP_NCPUS; i++)
		if (cpus[i].id == i)	/* listed in the device tree */
			started[i] = start_cpu(&cpus[i]);
	uint64_t deadline = clock_monotonic_ns() + CPU_START_TIMEOUT_NS;
	for (int i = 1; i < CONFIG_SMP_NCPUS; i++)
		if (started[i])
			report_online(&cpus[i], deadline);
}

__noreturn void smp_secondary_main(struct cpu *c)
{
	if (irq_init_cpu() < 0)
		panic("CPU %d: no interrupt controller interface", c->id);
	sched_cpu_irq_init();
	pause_irq_init();
	clock_event_init_cpu();
	sched_cpu_online(c);
	arch_irq_enable();
	sched_idle_loop();
}
