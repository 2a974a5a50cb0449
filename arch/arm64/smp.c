// SPDX-License-Identifier: BSD-2-Clause
/*
 * Starting secondary CPUs: PSCI CPU_ON (through the device tree's conduit,
 * psci.c) sends a CPU to head.S's arm64_secondary_entry with its struct
 * cpu as the context id; head.S drops it to EL1 and turns its MMU on with
 * the final tables; arm64_boot_secondary() is its first C code.
 */
#include <errno.h>
#include <vireo/cpu.h>
#include <vireo/smp.h>
#include <vireo/thread.h>
#include "arm64_priv.h"

void arm64_secondary_entry(void);
void _set_tls(void *tls);

/* Data cache clean to the point of coherency (Arm ARM D7.5.9): the
 * starting CPU reads these with its MMU and caches off. */
static void clean_to_poc(const void *p, size_t len)
{
	uint64_t line = 4u << (read_sysreg(ctr_el0) >> 16 & 0xf);
	uintptr_t a = (uintptr_t)p & ~(line - 1);

	for (; a < (uintptr_t)p + len; a += line)
		__asm__ volatile("dc cvac, %0" :: "r"(a) : "memory");
	dsb(sy);	/* cleaned before the PSCI call starts the CPU */
}

int arch_cpu_start(struct cpu *c)
{
	int r;

	clean_to_poc(&arm64_ttbr0, sizeof(arm64_ttbr0));
	clean_to_poc(c, sizeof(*c));
	r = arm64_psci_cpu_on(c->mpidr, (uintptr_t)arm64_secondary_entry,
			      (uintptr_t)c);
	/* PSCI return codes (DEN0022 5.2.2): -2 INVALID_PARAMETERS,
	 * -4 ALREADY_ON, -5 ON_PENDING, -1 NOT_SUPPORTED. */
	return r == 0 ? 0 : r == -4 || r == -5 ? -EBUSY : -EIO;
}

__noreturn void arm64_boot_secondary(struct cpu *c)
{
	write_sysreg(vbar_el1, (uintptr_t)arm64_vectors);
	isb();
	arm64_mte_cpu_init();
	_set_tls(c->idle->tls);
	smp_secondary_main(c);
}
