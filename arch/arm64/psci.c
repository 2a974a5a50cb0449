// SPDX-License-Identifier: BSD-2-Clause
/*
 * PSCI (Arm DEN0022) calls through the conduit the device tree names:
 * "hvc" when QEMU emulates PSCI at EL2 (or KVM), "smc" when firmware or
 * QEMU's EL3 emulation provides it.  Function IDs are the SMC64 ones.
 */
#include <string.h>
#include <vireo/arch.h>
#include <vireo/fdt.h>
#include <vireo/klog.h>
#include "arm64_priv.h"

#define PSCI_CPU_ON_64		0xc4000003u
#define PSCI_SYSTEM_OFF		0x84000008u
#define PSCI_SYSTEM_RESET	0x84000009u

enum conduit { CONDUIT_NONE, CONDUIT_HVC, CONDUIT_SMC };
static enum conduit conduit;

static int64_t psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	/* SMCCC: x0-x17 may be clobbered by the callee. */
	if (conduit == CONDUIT_HVC)
		__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :: "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
				 "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	else if (conduit == CONDUIT_SMC)
		__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 :: "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
				 "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	else
		return -1;	/* NOT_SUPPORTED */
	return (int64_t)x0;
}

void arm64_psci_init(const struct fdt *fdt)
{
	int node = fdt_next_compatible(fdt, -1, "arm,psci-1.0");
	const char *method;

	if (node < 0)
		node = fdt_next_compatible(fdt, -1, "arm,psci-0.2");
	if (node < 0)
		node = fdt_path_offset(fdt, "/psci");
	if (node < 0) {
		pr_warn("psci: no PSCI node; power-off and SMP unavailable\n");
		return;
	}
	method = fdt_getprop_string(fdt, node, "method");
	if (method && !strcmp(method, "hvc"))
		conduit = CONDUIT_HVC;
	else if (method && !strcmp(method, "smc"))
		conduit = CONDUIT_SMC;
	else
		pr_warn("psci: unknown method\n");
	pr_info("psci: conduit %s\n", conduit == CONDUIT_HVC ? "hvc" :
		conduit == CONDUIT_SMC ? "smc" : "none");
}

int arm64_psci_cpu_on(uint64_t mpidr, uintptr_t entry, uint64_t context)
{
	return (int)psci_call(PSCI_CPU_ON_64, mpidr, entry, context);
}

__noreturn void arch_poweroff(void)
{
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;)
		arch_wait_for_interrupt();
}

__noreturn void arch_reset(void)
{
	psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
	for (;;)
		arch_wait_for_interrupt();
}
