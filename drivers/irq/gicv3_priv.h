/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private between the GICv3 driver (gicv3.c) and its ITS (gicv3_its.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct fdt;

/* The ITS at node, with nr_lpis LPIs from IRQ_LPI_BASE to hand out
 * (shared by every ITS).  Boot; 0 or -errno (logged). */
int gicv3_its_probe(const struct fdt *fdt, int node, uint32_t nr_lpis);
/* Makes the ITS that maps LPI intid re-read its configuration byte
 * (INV + SYNC); nothing when no ITS maps it.  Caller holds irq_lock. */
void gicv3_its_inv(uint32_t intid);
/* How an ITS names cpu's redistributor in MAPC and SYNC: its physical
 * address when GITS_TYPER.PTA is set, else its processor number. */
uint64_t gicv3_rd_target(int cpu, bool physical);
