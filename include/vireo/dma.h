/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Barriers between the CPU and a DMA-coherent device that shares normal
 * memory with it (virtqueue rings).  They order this CPU's accesses as the
 * device observes them; they are not locks.  Outer-shareable on AArch64,
 * so they hold for a real bus master as well as for QEMU's device threads.
 * On the host (unit tests, the fake device is another piece of code in the
 * same process) they are C11 fences.
 *
 *   dma_wmb()  earlier stores are visible before later stores
 *              (buffer and descriptor contents before the index publishing
 *              them)
 *   dma_rmb()  earlier loads complete before later loads (an index before
 *              the entries it covers; a device register before the memory
 *              it announces)
 *   dma_mb()   earlier loads and stores before later loads and stores (a
 *              published index before reading the other side's event
 *              index, and before a doorbell register write)
 */
#pragma once

#if defined(__aarch64__) && !defined(VIREO_HOST_TEST)
/* Arm ARM, "Data Memory Barrier (DMB)": with the OSH domain it orders
 * accesses to Normal and Device memory for every observer in the
 * outer-shareable domain, bus masters included; ST orders stores only,
 * LD orders loads against later loads and stores. */
#define dma_wmb() __asm__ volatile("dmb oshst" ::: "memory")
#define dma_rmb() __asm__ volatile("dmb oshld" ::: "memory")
#define dma_mb() __asm__ volatile("dmb osh" ::: "memory")
#else
#define dma_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define dma_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define dma_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
