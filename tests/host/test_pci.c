// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of the PCI BAR window allocator (drivers/pci/pci_window.c):
 * natural alignment, bridge granules, exhaustion refused cleanly (the
 * window unchanged), address overflow at the top of the 64-bit space,
 * and which window each kind of BAR lands in, with QEMU virt's windows.
 */
#include <errno.h>
#include <stdint.h>
#include "../../drivers/pci/pci_priv.h"
#include "unit.h"

#define MiB (1ULL << 20)

/* QEMU virt's host bridge: I/O at CPU 0x3eff0000 (bus 0), 32-bit memory
 * 0x10000000-0x3efeffff, 64-bit memory at 512 GiB. */
static int qemu_windows(struct pci_window *w)
{
	pci_window_init(&w[0], 0x3eff0000, 0, 0x10000, PCI_BAR_IO);
	pci_window_init(&w[1], 0x10000000, 0x10000000, 0x2eff0000, 0);
	pci_window_init(&w[2], 0x8000000000, 0x8000000000, 0x8000000000, PCI_BAR_MEM64);
	return 3;
}

TEST(alloc_aligns_naturally)
{
	struct pci_window w;
	uint64_t a = 0;

	pci_window_init(&w, 0x10000000, 0x10000000, 16 * MiB, 0);
	EXPECT_EQ(pci_window_alloc(&w, 0x100, &a), 0);
	EXPECT_EQ(a, 0x10000000);
	EXPECT_EQ(pci_window_alloc(&w, 0x1000, &a), 0);
	EXPECT_EQ(a, 0x10001000);
	EXPECT_EQ(pci_window_alloc(&w, MiB, &a), 0);
	EXPECT_EQ(a, 0x10100000);
	EXPECT_EQ(pci_window_alloc(&w, 0x10, &a), 0);
	EXPECT_EQ(a, 0x10200000);
	/* sizes that are not powers of two are no BAR */
	EXPECT_EQ(pci_window_alloc(&w, 0x3000, &a), -ENOSPC);
	EXPECT_EQ(pci_window_alloc(&w, 0, &a), -ENOSPC);
}

TEST(exhaustion_is_refused_and_leaves_the_window)
{
	struct pci_window w;
	uint64_t a = 0;

	pci_window_init(&w, 0x1000, 0x1000, 0x3000, 0);
	EXPECT_EQ(pci_window_alloc(&w, 0x1000, &a), 0);
	EXPECT_EQ(pci_window_alloc(&w, 0x2000, &a), 0);	/* aligned: 0x2000 */
	EXPECT_EQ(a, 0x2000);
	EXPECT_EQ(w.next, 0x4000);
	a = 0x1234;
	EXPECT_EQ(pci_window_alloc(&w, 0x1000, &a), -ENOSPC);
	EXPECT_EQ(a, 0x1234);
	EXPECT_EQ(w.next, 0x4000);
	/* a window that ends exactly at the top of the address space */
	pci_window_init(&w, 0, 0xfffffffffff00000ULL, MiB, PCI_BAR_MEM64);
	EXPECT_EQ(pci_window_alloc(&w, MiB / 2, &a), 0);
	EXPECT_EQ(pci_window_alloc(&w, MiB / 2, &a), 0);
	EXPECT_EQ(a, 0xfffffffffff80000ULL);
	EXPECT_EQ(pci_window_alloc(&w, 0x1000, &a), -ENOSPC);
	/* alignment that would wrap past 2^64 */
	pci_window_init(&w, 0, 0xfffffffffff00001ULL, 0x1000, PCI_BAR_MEM64);
	EXPECT_EQ(pci_window_alloc(&w, 1ULL << 63, &a), -ENOSPC);
	EXPECT_EQ(pci_window_align(&w, 1ULL << 63), -ENOSPC);
}

TEST(bridge_granules)
{
	struct pci_window w;
	uint64_t a = 0;

	pci_window_init(&w, 0x10000000, 0x10000000, 4 * MiB, 0);
	EXPECT_EQ(pci_window_alloc(&w, 0x1000, &a), 0);
	EXPECT_EQ(pci_window_align(&w, MiB), 0);
	EXPECT_EQ(w.next, 0x10100000);
	EXPECT_EQ(pci_window_align(&w, MiB), 0);	/* already aligned */
	EXPECT_EQ(w.next, 0x10100000);
	EXPECT_EQ(pci_window_alloc(&w, 3 * MiB, &a), -ENOSPC);
	EXPECT_EQ(pci_window_alloc(&w, 2 * MiB, &a), 0);
	EXPECT_EQ(a, 0x10200000);
	EXPECT_EQ(pci_window_align(&w, MiB), 0);	/* to the very end */
	EXPECT_EQ(w.next, 0x10400000);
	EXPECT_EQ(pci_window_align(&w, 8 * MiB), -ENOSPC);
}

TEST(placement_by_kind)
{
	struct pci_window w[3];
	int n = qemu_windows(w);
	uint64_t a = 0;

	EXPECT(pci_window_place(w, n, PCI_BAR_IO, true, 0x20, &a) == &w[0]);
	EXPECT_EQ(a, 0);
	EXPECT(pci_window_place(w, n, 0, true, 0x1000, &a) == &w[1]);
	EXPECT_EQ(a, 0x10000000);
	EXPECT(pci_window_place(w, n, PCI_BAR_PREFETCH, true, 0x1000, &a) == &w[1]);
	/* 64-bit: the 64-bit window on the root bus */
	EXPECT(pci_window_place(w, n, PCI_BAR_MEM64, true, 0x4000, &a) == &w[2]);
	EXPECT_EQ(a, 0x8000000000);
	/* behind a bridge: prefetchable may go high, the rest stays low */
	EXPECT(pci_window_place(w, n, PCI_BAR_MEM64 | PCI_BAR_PREFETCH, false,
				0x4000, &a) == &w[2]);
	EXPECT(pci_window_place(w, n, PCI_BAR_MEM64, false, 0x4000, &a) == &w[1]);
	EXPECT(a < (1ULL << 32));
}

TEST(placement_falls_back_and_refuses)
{
	struct pci_window w[3];
	int n = qemu_windows(w);
	uint64_t a = 0;

	/* a 64-bit BAR larger than what is left of the 64-bit window goes
	 * below 4 GiB; once that is full too, it is refused */
	w[2].size = 0x1000;
	EXPECT(pci_window_place(w, n, PCI_BAR_MEM64, true, 0x10000000, &a) == &w[1]);
	EXPECT_EQ(a, 0x10000000);
	EXPECT(pci_window_place(w, n, PCI_BAR_MEM64, true, 0x20000000, &a) == NULL);
	/* I/O never falls back to memory */
	EXPECT(pci_window_place(w, n, PCI_BAR_IO, true, 0x20000, &a) == NULL);
	/* no I/O window at all */
	EXPECT(pci_window_place(&w[1], 2, PCI_BAR_IO, true, 0x20, &a) == NULL);
}

UNIT_MAIN(UNIT_CASE(alloc_aligns_naturally),
	  UNIT_CASE(exhaustion_is_refused_and_leaves_the_window),
	  UNIT_CASE(bridge_granules), UNIT_CASE(placement_by_kind),
	  UNIT_CASE(placement_falls_back_and_refuses))
