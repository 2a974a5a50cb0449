/* SPDX-License-Identifier: BSD-2-Clause */
/* Interfaces private to arch/arm64. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <vireo/arch.h>
#include <vireo/compiler.h>
#include <vireo/signal.h>

struct trap_frame;
struct fdt;

/* exception.c / fault.c */
__noreturn void arm64_fatal_exception(struct trap_frame *f, const char *what);
/* Sets up cpu->emergency_sp of every CPU (boot, before any thread). */
void arm64_emergency_stacks_init(void);
/* vectors.S: the stack-overflow path (see there).  IRQs masked. */
__noreturn void arm64_stack_overflow_entry(void);
__noreturn void arm64_call_on_stack(uintptr_t sp, void (*fn)(void));

/* fpu.c */
void arm64_fpu_trap(void);
void arm64_fpu_exception_exit(void);
/* An interrupt's entry at thread level: a thread's live registers are
 * kept from the handlers (turns access off, see fpu.c). */
void arm64_fpu_irq_entry(void);
void arm64_fpu_enable_for_panic(void);
/* The FP/SIMD registers become free for this CPU's own use (a fault
 * report that the system survives): their owner's state is saved first.
 * IRQs masked. */
void arm64_fpu_save_owner(void);
/* The report of a fault that ends only its task (exception.c). */
struct trap_frame;
void arm64_fault_report(const struct trap_frame *f, int sig);
void arm64_fpu_save(struct arch_fpu_state *s);
void arm64_fpu_restore(const struct arch_fpu_state *s);

/* uaccess.c: a data abort in a user access, or an undefined semihosting
 * HLT, resumes at its __ex_table fix-up (f->elr changed): true; any other
 * exception: false. */
bool arm64_extable_fixup(struct trap_frame *f);

/* uspace.c: user address spaces in existence (atomic). */
extern unsigned int arm64_uspaces_live;
/* uspace.c: whether f was taken from EL0, and a system call from there
 * (x8 = number, x0-x5 = arguments, the result in x0). */
bool arm64_from_el0(const struct trap_frame *f);
void arm64_syscall(struct trap_frame *f);
/* The return of the current thread to EL0 from the exception with frame
 * f (IRQs masked, as they stay): delivers its pending signals, pushing
 * a signal frame for each handler (arch/arm64/signal.c).  svc_x0: the
 * x0 a system call was entered with, so that it can be restarted; NULL
 * after an interrupt or a fault. */
void arm64_user_deliver(struct trap_frame *f, const uint64_t *svc_x0);

/* arm64_user_deliver() when there is something to deliver: the
 * lock-free look is inline, as nearly every return has nothing to do
 * (a null system call pays a few instructions, not a call's frame). */
static inline void arm64_user_return(struct trap_frame *f,
				     const uint64_t *svc_x0)
{
	if (signal_pending())
		arm64_user_deliver(f, svc_x0);
}
/* vectors.S: leaves for EL0 with frame's registers.  IRQs masked. */
__noreturn void arm64_enter_user(struct trap_frame *frame);

/* psci.c */
void arm64_psci_init(const struct fdt *fdt);
/* Boot CPU, before the others start: picks the spinlock atomics and order. */
void arm64_spinlock_init(const struct fdt *fdt);
int arm64_psci_cpu_on(uint64_t mpidr, uintptr_t entry, uint64_t context);

/* mmu.c */
void arm64_switch_ttbr0(uint64_t ttbr0);
/* arch/arm64/mte.c: whether RAM is mapped tagged; the check once mapped. */
bool arm64_mte_probe(void);
void arm64_mte_cpu_init(void);	/* a secondary CPU: as the boot CPU */

/* bprot.c: whether to guard the text (FEAT_BTI wanted and present), and
 * whether mmu_init() did */
bool arm64_bti_present(void);
extern bool arm64_bti_guarded;
void arm64_mte_selftest(void);
extern uint64_t arm64_ttbr0;

/* head.S / vectors.S / switch.S */
extern char arm64_vectors[];
void arm64_thread_trampoline(void);

/* Linker-script symbols */
extern char __image_start[], __image_end[], __text_start[], __text_end[];
extern char __text_libs_start[];
extern char __rodata_start[], __rodata_end[], __data_start[];
extern char __bss_start[], __bss_end[], boot_stack_top[];
