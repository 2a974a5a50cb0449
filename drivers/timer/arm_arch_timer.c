// SPDX-License-Identifier: BSD-2-Clause
/*
 * The ARM generic timer as the clock-event device (Arm ARM D11.2.4): the
 * EL1 virtual timer, programmed through CNTV_CVAL_EL0 / CNTV_CTL_EL0 and
 * compared against CNTVCT_EL0, the counter the monotonic clock reads
 * (<asm/cpu.h>).  Binds to "arm,armv8-timer" / "arm,armv7-timer"; the
 * virtual timer's interrupt is the third entry of the node's
 * "interrupts" (secure physical, non-secure physical, virtual,
 * hypervisor), a PPI, normally INTID 27.
 *
 * Tickless: the timer interrupts only at the deadline the kernel timer
 * list asks for, never periodically.  Every register here is private to
 * its CPU, so no lock is needed; callers have IRQs masked.
 */
#include <errno.h>
#include <vireo/arch.h>
#include <vireo/clock_event.h>
#include <vireo/driver.h>
#include <vireo/fdt.h>
#include <vireo/irq.h>
#include <vireo/klog.h>

/* CNTV_CTL_EL0 fields */
#define CNTV_CTL_ENABLE		(1u << 0)
#define CNTV_CTL_IMASK		(1u << 1)
#define CNTV_CTL_ISTATUS	(1u << 2)
/* CNTKCTL_EL1: EL0 may read CNTVCT_EL0 (and CNTFRQ_EL0) */
#define CNTKCTL_EL0VCTEN	(1u << 1)

/* Device-tree "interrupts" entry of the EL1 virtual timer. */
#define VIRT_TIMER_IRQ_INDEX	2
/* Trigger bits of a GIC interrupt specifier's flags: 1, 2 edge; 4, 8 level. */
#define DT_IRQ_EDGE_MASK	0x3

static uint32_t timer_intid;
static bool timer_edge;
static bool bound;

/*
 * CVAL first, then enable with the interrupt unmasked: the timer fires
 * when CNTVCT >= CVAL, so a deadline already in the past fires at once
 * and none is lost.  The ISB between keeps the enable from taking
 * effect with the previous compare value (writes to different system
 * registers are only ordered by a context synchronisation event).
 */
static void vt_set_deadline(uint64_t ticks)
{
	write_sysreg(cntv_cval_el0, ticks);
	isb();
	write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE);
	isb();
}

/* Disabled and masked: the output to the GIC is deasserted. */
static void vt_stop(void)
{
	write_sysreg(cntv_ctl_el0, CNTV_CTL_IMASK);
	isb();
}

static void timer_init_cpu(void);

static const struct clock_event arch_timer_ce = {
	.name = "arch_timer",
	.set_deadline = vt_set_deadline,
	.stop = vt_stop,
	.init_cpu = timer_init_cpu,
};

/*
 * The interrupt is level-sensitive: stop the timer before anything else
 * so the line is low when the GIC gets the EOI, then let the kernel
 * timers run; they reprogram the next deadline through set_deadline().
 */
static void timer_irq(uint32_t intid, void *arg)
{
	vt_stop();
	clock_event_handle_from_irq();
}

/*
 * Per-CPU part: the timer and its PPI are banked per CPU.  The boot CPU
 * calls it from probe; every secondary through clock_event_init_cpu()
 * (IRQs masked, after irq_init_cpu()).
 */
static void timer_init_cpu(void)
{
	/* EL0 may read the virtual count and its frequency (CNTKCTL_EL1
	 * EL0VCTEN), as the time stamps of programs' benchmarks do; the
	 * timers themselves stay the kernel's. */
	write_sysreg(cntkctl_el1, CNTKCTL_EL0VCTEN);
	vt_stop();
	irq_set_trigger(timer_intid, timer_edge);
	irq_enable(timer_intid);
}

static int arch_timer_probe(const struct fdt *fdt, int node)
{
	uint32_t intid, flags;
	int r;

	/* QEMU lists both compatibles on one node: bind it once. */
	if (bound)
		return -ENODEV;
	r = fdt_get_gic_interrupt(fdt, node, VIRT_TIMER_IRQ_INDEX, &intid, &flags);
	if (r < 0) {
		pr_err("arch_timer: %s: no virtual timer interrupt (%d)\n",
		       fdt_node_name(fdt, node), r);
		return -EINVAL;
	}
	if (arch_counter_freq() == 0) {
		pr_err("arch_timer: CNTFRQ_EL0 is 0, firmware did not set it\n");
		return -EINVAL;
	}
	r = irq_attach(intid, timer_irq, NULL, "arch_timer");
	if (r < 0)
		return r;
	timer_intid = intid;
	timer_edge = flags & DT_IRQ_EDGE_MASK;
	bound = true;
	timer_init_cpu();
	clock_event_register(&arch_timer_ce);
	pr_info("arch_timer: EL1 virtual timer, INTID %u (%s), %lu Hz\n", intid,
		timer_edge ? "edge" : "level", (unsigned long)arch_counter_freq());
	return 0;
}

static const char *const arch_timer_compat[] = {
	"arm,armv8-timer", "arm,armv7-timer", NULL
};
DRIVER_DECLARE(arch_timer, .name = "arch_timer", .compatible = arch_timer_compat,
	       .level = DRIVER_LEVEL_TIMER, .probe = arch_timer_probe);
