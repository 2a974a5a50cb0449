// SPDX-License-Identifier: BSD-2-Clause
/*
 * C entry of the boot CPU.  head.S left us at EL1 with the boot map on;
 * this sets up the per-CPU pointer, the vectors and a TLS block for the
 * boot context, finds the device tree and hands over to the kernel.
 */
#include <stdint.h>
#include <vireo/cpu.h>
#include <vireo/fdt.h>
#include <vireo/init.h>
#include "arm64_priv.h"

void _set_tls(void *tls);
void _init_tls(void *tls);

/* TLS of the boot context (later CPU 0's idle thread): errno et al. */
static uint8_t boot_tls[256] __aligned(16);

static int fdt_magic_at(uintptr_t pa)
{
	const uint8_t *p = (const uint8_t *)pa;

	return pa && !(pa & 7) && p[0] == 0xd0 && p[1] == 0x0d &&
	       p[2] == 0xfe && p[3] == 0xed;
}

__noreturn void arm64_boot_primary(uintptr_t x0)
{
	uintptr_t dtb = fdt_magic_at(x0) ? x0 : CONFIG_BOARD_DTB_FALLBACK_ADDR;

	arch_set_this_cpu(&cpus[0]);
	cpus[0].mpidr = read_sysreg(mpidr_el1) & 0xff00ffffffUL;
	arm64_emergency_stacks_init();
	write_sysreg(vbar_el1, (uintptr_t)arm64_vectors);
	isb();
	_init_tls(boot_tls);
	_set_tls(boot_tls);
	kernel_main((const void *)dtb);
}

void arch_platform_init(const struct fdt *fdt)
{
	arm64_spinlock_init(fdt);
	arm64_psci_init(fdt);
}
