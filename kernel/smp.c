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

static bool wait_online(struct cpu *c)
{
	uint64_t deadline = clock_monotonic_ns() + CPU_START_TIMEOUT_NS;

	/* Early boot: busy-waiting is allowed here (nothing else to run). */
	while (!__atomic_load_n(&c->online, __ATOMIC_ACQUIRE)) {
		if (clock_monotonic_ns() > deadline)
			return false;
		arch_cpu_relax();
	}
	return true;
}

static void start_cpu(struct cpu *c)
{
	int r = thread_init_idle_secondary(c);

	if (r == 0)
		r = arch_cpu_start(c);
	if (r < 0) {
		pr_err("CPU %d (MPIDR 0x%lx): cannot start (%d)\n", c->id,
		       (unsigned long)c->mpidr, r);
		return;
	}
	if (wait_online(c))
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
	if (!IS_ENABLED(CONFIG_SMP))
		return;
	for (int i = 1; i < CONFIG_SMP_NCPUS; i++)
		if (cpus[i].id == i)	/* listed in the device tree */
			start_cpu(&cpus[i]);
}

__noreturn void smp_secondary_main(struct cpu *c)
{
	if (irq_init_cpu() < 0)
		panic("CPU %d: no interrupt controller interface", c->id);
	sched_cpu_irq_init();
	clock_event_init_cpu();
	sched_cpu_online(c);
	arch_irq_enable();
	sched_idle_loop();
}
