/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Branch protection (CONFIG_ARM64_BRANCH_PROTECTION): return addresses
 * signed and authenticated (pointer authentication, FEAT_PAuth) and
 * indirect branches that must land on BTI instructions (FEAT_BTI), where
 * the CPU has them.  arch/arm64/bprot.c.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Whether return addresses are signed and checked on this machine. */
bool bprot_pac_enabled(void);

/* Whether the kernel's text pages are BTI-guarded on this machine. */
bool bprot_bti_enabled(void);

/* Prints, once, what the boot found (after the banner). */
void bprot_report_boot(void);

/* A saved return address without its authentication code: the code
 * address it signs, for backtraces and reports. */
uintptr_t arch_strip_pac(uintptr_t lr);
