// SPDX-License-Identifier: BSD-2-Clause
/*
 * Branch protection: what head.S (keys, SCTLR_EL1.EnIA) and mmu_init()
 * (PTE_GP on Vireo's text) turned on, for the boot log, mtetest and the
 * fault reports.
 *
 * Pointer authentication puts its code in the bits above the 48-bit
 * virtual address (bit 55 and, with TCR_EL1.TBI0, the top byte excepted).
 * Vireo's text lies in the low 256 TiB, so a stripped address is the low
 * 48 bits.
 */
#include <asm/cpu.h>
#include <asm/sysregs.h>
#include <vireo/bprot.h>
#include <vireo/klog.h>
#include "arm64_priv.h"

bool arm64_bti_guarded;		/* mmu_init(): text mapped with PTE_GP */

bool bprot_pac_enabled(void)
{
	return IS_ENABLED(CONFIG_ARM64_BRANCH_PROTECTION) &&
	       (read_sysreg(sctlr_el1) & SCTLR_EnIA);
}

bool bprot_bti_enabled(void)
{
	return arm64_bti_guarded;
}

bool arm64_bti_present(void)
{
	return IS_ENABLED(CONFIG_ARM64_BRANCH_PROTECTION) &&
	       (read_sysreg(id_aa64pfr1_el1) & ID_PFR1_BT_MASK);
}

void bprot_report_boot(void)
{
	pr_info("branch protection: pointer authentication %s, BTI %s\n",
		bprot_pac_enabled() ? "on (return addresses, per-boot key)"
				    : "off (the CPU has no FEAT_PAuth)",
		bprot_bti_enabled() ? "on (kernel text guarded)"
				    : "off (the CPU has no FEAT_BTI)");
}

uintptr_t arch_strip_pac(uintptr_t lr)
{
	return lr & ((UINT64_C(1) << 48) - 1);
}
