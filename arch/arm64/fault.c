// SPDX-License-Identifier: BSD-2-Clause
/*
 * The panic report: exception class in words, ESR/FAR/ELR/SPSR, x0-x30,
 * the thread and a frame-pointer backtrace, printed with polled output so
 * that it works with interrupts off and locks held.  tools/crashdecode.py
 * turns the addresses into function names and lines.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <asm/esr.h>
#include <asm/trap_frame.h>
#include <vireo/cpu.h>
#include <vireo/mm.h>
#include <vireo/bprot.h>
#include <vireo/mte.h>
#include <vireo/panic.h>
#include <vireo/smp.h>
#include <vireo/spinlock.h>
#include <vireo/task.h>
#include <vireo/thread.h>
#include <vireo/uart.h>
#include <vireo/vmspace.h>
#include "arm64_priv.h"

#define BACKTRACE_MAX 24

struct ec_name {
	uint8_t ec;
	const char *name;
};

static const struct ec_name ec_names[] = {
	{ ESR_EC_UNKNOWN, "Unknown reason (undefined instruction)" },
	{ ESR_EC_WFX, "Trapped WFI/WFE" },
	{ ESR_EC_FP_ASIMD, "Access to SIMD or floating-point registers" },
	{ ESR_EC_BTI, "Branch target exception (BTI: an indirect branch to a non-landing pad)" },
	{ ESR_EC_ILLEGAL, "Illegal execution state" },
	{ ESR_EC_SVC64, "SVC from AArch64" },
	{ ESR_EC_SYS64, "Trapped MSR, MRS or system instruction" },
	{ ESR_EC_FPAC, "Pointer authentication failure (a corrupted return address)" },
	{ ESR_EC_IABT_LOW, "Instruction abort from a lower EL" },
	{ ESR_EC_IABT_CUR, "Instruction abort from the current EL" },
	{ ESR_EC_PC_ALIGN, "PC alignment fault" },
	{ ESR_EC_DABT_LOW, "Data abort from a lower EL" },
	{ ESR_EC_DABT_CUR, "Data abort from the current EL" },
	{ ESR_EC_SP_ALIGN, "SP alignment fault" },
	{ ESR_EC_FP_EXC64, "Floating-point exception" },
	{ ESR_EC_SERROR, "SError interrupt" },
	{ ESR_EC_BREAKPT_LOW, "Breakpoint from a lower EL" },
	{ ESR_EC_BREAKPT_CUR, "Breakpoint from the current EL" },
	{ ESR_EC_SOFTSTP_LOW, "Software step from a lower EL" },
	{ ESR_EC_SOFTSTP_CUR, "Software step from the current EL" },
	{ ESR_EC_WATCHPT_LOW, "Watchpoint from a lower EL" },
	{ ESR_EC_WATCHPT_CUR, "Watchpoint from the current EL" },
	{ ESR_EC_BRK64, "BRK instruction" },
};

static const char *ec_name(unsigned int ec)
{
	for (size_t i = 0; i < ARRAY_SIZE(ec_names); i++)
		if (ec_names[i].ec == ec)
			return ec_names[i].name;
	return "Reserved exception class";
}

/* Data/instruction fault status code (ISS.xFSC) in words. */
static void describe_fsc(char *buf, size_t len, uint64_t esr)
{
	unsigned int fsc = ESR_xFSC(esr), level = fsc & 3;
	const char *what;

	switch (fsc >> 2) {
	case 0: what = "address size fault"; break;
	case 1: what = "translation fault"; break;
	case 2: what = "access flag fault"; break;
	case 3: what = "permission fault"; break;
	default:
		what = fsc == 0x21 ? "alignment fault" :
		       fsc == ESR_FSC_TAG_CHECK ? "tag check fault" :
		       fsc == 0x10 ? "synchronous external abort" :
		       "other fault";
		level = 99;
	}
	if (level != 99)
		snprintf(buf, len, "%s at level %u", what, level);
	else
		snprintf(buf, len, "%s", what);
}

static void putstr(const char *s)
{
	uart_write_polled(s, strlen(s));
}

static void __printf_like(1, 2) report(const char *fmt, ...)
{
	char line[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	putstr(line);
}

int arch_backtrace(uintptr_t fp, uintptr_t lo, uintptr_t hi,
		   uintptr_t *pcs, int max)
{
	int n = 0;

	/* Frame pointers may carry the stack's MTE tag, return addresses a
	 * PAC: both are compared and reported as plain addresses. */
	fp = (uintptr_t)mte_untag((void *)fp);
	while (n < max && fp >= lo && fp + 16 <= hi && !(fp & 7)) {
		const uintptr_t *rec = (const uintptr_t *)fp;
		uintptr_t next = (uintptr_t)mte_untag((void *)rec[0]);
		if (rec[1] == 0)
			break;
		pcs[n++] = arch_strip_pac(rec[1]);
		if (next <= fp)		/* frames move up the stack */
			break;
		fp = next;
	}
	return n;
}

/* Stack bounds of the current thread, or a window around fp at boot. */
static void stack_bounds(uintptr_t fp, uintptr_t *lo, uintptr_t *hi)
{
	struct thread *t = this_cpu()->current;

	if (t && t->stack) {
		*lo = (uintptr_t)mte_untag(t->stack);
		*hi = *lo + t->stack_size;
	} else {
		*lo = fp & ~(uintptr_t)0xf;
		*hi = (uintptr_t)boot_stack_top;
		if (*hi < *lo || *hi - *lo > 65536)
			*hi = *lo + 65536;
	}
}

static spinlock_t panic_lock = SPINLOCK_INIT;
static int others_online, others_stopped;	/* under panic_lock */

static void report_thread_and_backtrace(uintptr_t pc0, uintptr_t fp,
					const char *end)
{
	struct cpu *c = this_cpu();
	struct thread *t = c->current;
	uintptr_t pcs[BACKTRACE_MAX], lo, hi;
	int n = 0;

	if (t)
		report("thread %s (tid %d) on cpu %d\n", t->name, t->tid, c->id);
	else
		report("thread (boot) on cpu %d\n", c->id);
	report("backtrace:\n");
	if (pc0)
		report("  #%-2d 0x%016lx\n", n++, (unsigned long)pc0);
	stack_bounds(fp, &lo, &hi);
	int got = arch_backtrace(fp, lo, hi, pcs, BACKTRACE_MAX);
	for (int i = 0; i < got; i++)
		report("  #%-2d 0x%016lx\n", n++, (unsigned long)pcs[i]);
	if (others_online)
		report("other CPUs: %d of %d stopped\n", others_stopped,
		       others_online);
	report("*** %s ***\n", end);
}

static void panic_enter(void)
{
	arch_irq_disable();
	arm64_fpu_enable_for_panic();	/* the formatter may use FP registers */
	/* One report at a time; a CPU that faults inside the report stops. */
	if (!spin_trylock(&panic_lock))
		for (;;)
			arch_wait_for_interrupt();
	/* Nothing else runs while we report, and nothing after. */
	others_online = __builtin_popcount(sched_online_mask()) - 1;
	others_stopped = smp_stop_others();
}

static __noreturn void halt(void)
{
	for (;;)
		arch_wait_for_interrupt();
}

/*
 * A synchronous tag check fault (MTE): the address, the tag the pointer
 * had (FAR bits 59:56), the tag the memory has, and the heap block the
 * address falls in, when the heap can tell.
 */
static void report_tag_fault(uint64_t far)
{
	const void *addr = (const void *)(uintptr_t)far;
	void *start;
	size_t size;
	bool freed;

	report("tag check fault at 0x%016lx: pointer tag %#x, memory tag %#x\n",
	       (unsigned long)(uintptr_t)mte_untag(addr), mte_ptr_tag(addr),
	       mte_mem_tag(mte_untag(addr)));
	if (mm_find_block(addr, &start, &size, &freed))
		report("heap block 0x%016lx size %zu (%s), fault at offset %ld\n",
		       (unsigned long)(uintptr_t)start, size,
		       freed ? "freed" : "allocated",
		       (long)((uintptr_t)mte_untag(addr) - (uintptr_t)start));
	else
		report("not in the heap\n");
}

/* Whether FAR_EL1 holds this exception's address (else it is stale). */
static bool far_valid(unsigned int ec)
{
	switch (ec) {
	case ESR_EC_IABT_LOW: case ESR_EC_IABT_CUR:
	case ESR_EC_DABT_LOW: case ESR_EC_DABT_CUR:
	case ESR_EC_PC_ALIGN:
	case ESR_EC_WATCHPT_LOW: case ESR_EC_WATCHPT_CUR:
		return true;
	default:
		return false;
	}
}

/* The exception's class, cause, address and registers. */
static void report_frame(const struct trap_frame *f)
{
	unsigned int ec = ESR_EC(f->esr);
	char cause[64] = "";

	report("ESR  0x%016lx  EC 0x%02x (%s)\n", (unsigned long)f->esr, ec,
	       ec_name(ec));
	if (ec == ESR_EC_DABT_CUR || ec == ESR_EC_DABT_LOW ||
	    ec == ESR_EC_IABT_CUR || ec == ESR_EC_IABT_LOW) {
		describe_fsc(cause, sizeof(cause), f->esr);
		report("cause %s%s\n", cause,
		       (ec == ESR_EC_DABT_CUR || ec == ESR_EC_DABT_LOW) ?
		       ((f->esr & ESR_DABT_WNR) ? ", write" : ", read") : "");
	}
	if (far_valid(ec))
		report("FAR  0x%016lx\n", (unsigned long)f->far);
	if ((ec == ESR_EC_IABT_CUR || ec == ESR_EC_IABT_LOW) &&
	    bprot_pac_enabled() && arch_strip_pac(f->far) != f->far)
		report("the address has bits above the 48-bit address set: a "
		       "return address whose pointer authentication failed\n");
	if ((ec == ESR_EC_DABT_CUR || ec == ESR_EC_DABT_LOW) &&
	    ESR_xFSC(f->esr) == ESR_FSC_TAG_CHECK)
		report_tag_fault(f->far);
	report("ELR  0x%016lx  SPSR 0x%016lx\n", (unsigned long)f->elr,
	       (unsigned long)f->spsr);
	for (int i = 0; i < 28; i += 4)
		report("x%-3d 0x%016lx  x%-3d 0x%016lx  x%-3d 0x%016lx  x%-3d 0x%016lx\n",
		       i, (unsigned long)f->x[i], i + 1, (unsigned long)f->x[i + 1],
		       i + 2, (unsigned long)f->x[i + 2], i + 3,
		       (unsigned long)f->x[i + 3]);
	report("x28  0x%016lx  x29  0x%016lx  x30  0x%016lx  sp   0x%016lx\n",
	       (unsigned long)f->x[28], (unsigned long)f->x[29],
	       (unsigned long)f->x[30], (unsigned long)f->sp);
}

__noreturn void arm64_fatal_exception(struct trap_frame *f, const char *what)
{
	panic_enter();
	report("\n*** VIREO PANIC: %s ***\n", what ? what : ec_name(ESR_EC(f->esr)));
	report_frame(f);
	report_thread_and_backtrace(f->elr, f->x[29], "end of panic report");
	halt();
}

/* One fault report at a time; the rest of the system goes on (IRQs are
 * masked on this CPU while it prints). */
static spinlock_t fault_lock = SPINLOCK_INIT;

void arm64_fault_report(const struct trap_frame *f, int sig)
{
	struct thread *t = this_cpu()->current;
	struct vmspace *vs = task_vmspace(t->task);
	bool far = far_valid(ESR_EC(f->esr));
	char where[96];

	arm64_fpu_save_owner();		/* the formatter may use FP registers */
	/* For a process: which of its regions the address falls in
	 * (looked up before the spinlock: it takes the space's lock). */
	if (vs && arm64_from_el0(f))
		vmspace_describe(vs, far ? f->far : f->elr, where,
				 sizeof(where));
	spin_lock(&fault_lock);
	report("\n*** VIREO FAULT: %s: task %d (thread %s) ends with signal %d ***\n",
	       ec_name(ESR_EC(f->esr)), task_pid(t->task), t->name, sig);
	report_frame(f);
	if (vs && arm64_from_el0(f))
		report("%s 0x%016lx is %s\n", far ? "FAR" : "ELR",
		       (unsigned long)(far ? f->far : f->elr), where);
	report_thread_and_backtrace(f->elr, f->x[29], "end of fault report");
	spin_unlock(&fault_lock);
}

__noreturn void panic(const char *fmt, ...)
{
	char msg[128];
	va_list ap;

	panic_enter();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report("\n*** VIREO PANIC: %s ***\n", msg);
	report_thread_and_backtrace(0, arch_frame_address(), "end of panic report");
	halt();
}
