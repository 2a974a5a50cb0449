// SPDX-License-Identifier: BSD-2-Clause
/*
 * Memory tagging (FEAT_MTE2) and the tag primitives of <vireo/mte.h>.
 *
 * Detection, before the final translation tables exist (mmu_init() asks
 * arm64_mte_probe() which memory type RAM gets): the configuration must
 * want it (CONFIG_ARM64_MTE), ID_AA64PFR1_EL1.MTE must be 2 or more, and
 * tags must stick per granule: the probe maps nothing yet, so the check
 * writes two different tags to two adjacent granules of a static buffer
 * after the tables are live (arm64_mte_selftest(), which mmu_init() calls)
 * and reads them back.  A machine without tag memory (QEMU without
 * mte=on reports MTE 1, or reads tags as 0) or that kept one tag for both
 * granules fails it, and the image runs untagged: RAM stays mapped as
 * tagged memory, but with SCTLR_EL1.TCF 0 nothing is ever checked, and
 * the allocator never tags (mte_enabled() is false).
 *
 * When it passes: TCF = synchronous, so a bad access faults on the
 * instruction that made it; TCR_EL1.TBI0 (head.S) lets tagged pointers
 * translate;
 * TCMA0 leaves tag 0 pointers unchecked (the kernel's own); GCR_EL1
 * excludes tag 0 from IRG, so no application pointer ever has the tag of
 * the allocator's metadata or of freed memory.
 *
 * Secondary CPUs take the boot CPU's result (arm64_mte_cpu_init(), their
 * first C code, before they touch a tagged pointer: their idle stacks
 * are untagged), so tagged memory and pointers mean the same everywhere.
 *
 * Only this file's inline assembly has the tag instructions (MEMTAG), so
 * the image stays ARMv8.0 and runs on a Cortex-A53; none of them executes
 * unless the probe found MTE2.
 */
#include <string.h>
#include <asm/sysregs.h>
#include <vireo/compiler.h>
#include <vireo/klog.h>
#include <vireo/mte.h>
#include "arm64_priv.h"

#define GCR_EL1		"S3_0_C1_C0_6"
/* The tag instructions, for the assembler only: the compiler keeps
 * targeting ARMv8.0, so that with -mbranch-protection it emits the
 * hint-space PACIASP/AUTIASP (NOPs on a Cortex-A53), never RETAA. */
#define MEMTAG		".arch armv8.5-a+memtag\n\t"

static bool mte_wanted;		/* probe: RAM is mapped as tagged memory */
/* The self-test passed: tags in use.  Read by switch.S (PSTATE.TCO). */
bool arm64_mte_on;
static const char *why_off = "not built in (CONFIG_ARM64_MTE)";

bool mte_enabled(void)
{
	return arm64_mte_on;
}

const char *mte_status(void)
{
	return arm64_mte_on ? "" : why_off;
}

/* Tag access at EL1, tag 0 unchecked, IRG never draws tag 0; tcf: the
 * check mode (SCTLR_EL1.TCF).  Tagged pointers already translate
 * (TCR_EL1.TBI0, set by head.S). */
static void cpu_setup(uint64_t tcf)
{
	write_sysreg(sctlr_el1, (read_sysreg(sctlr_el1) & ~SCTLR_TCF_MASK) |
		     SCTLR_ATA | tcf);
	write_sysreg(tcr_el1, read_sysreg(tcr_el1) | TCR_TCMA0);
	__asm__ volatile("msr " GCR_EL1 ", %0" :: "r"(GCR_RRND | 1UL));
	isb();
}

/* Called by mmu_init() before it builds the tables: whether RAM should
 * be Tagged Normal memory.  Enables EL1 tag access for the self-test. */
bool arm64_mte_probe(void)
{
	uint64_t pfr1 = read_sysreg(id_aa64pfr1_el1);

	if (!IS_ENABLED(CONFIG_ARM64_MTE))
		return false;
	if (((pfr1 >> ID_PFR1_MTE_SHIFT) & 0xf) < 2) {
		why_off = "the CPU has no MTE2 (ID_AA64PFR1_EL1.MTE < 2)";
		return false;
	}
	mte_wanted = true;
	cpu_setup(0);		/* no checks until the self-test passed */
	return true;
}

void arm64_mte_cpu_init(void)
{
	if (arm64_mte_on)
		cpu_setup(SCTLR_TCF_SYNC);
}

static inline void stg(void *tagged)
{
	__asm__ volatile(MEMTAG "stg %0, [%0]"
			 :: "r"(tagged) : "memory");
}

static inline void st2g(void *tagged)
{
	__asm__ volatile(MEMTAG "st2g %0, [%0]"
			 :: "r"(tagged) : "memory");
}

static unsigned int ldg(const void *p)
{
	uintptr_t v = (uintptr_t)p;

	__asm__ volatile(MEMTAG "ldg %0, [%0]"
			 : "+r"(v) :: "memory");
	return mte_ptr_tag((void *)v);
}

static void *with_tag(const void *p, unsigned int tag)
{
	return (void *)((uintptr_t)mte_untag(p) | (uintptr_t)tag << MTE_TAG_SHIFT);
}

/* Two granules of RAM in .bss, mapped like the rest of RAM. */
static uint8_t selftest_buf[2 * MTE_GRANULE] __aligned(MTE_GRANULE);

/* After mmu_init() installed the tables: do tags stick per granule? */
void arm64_mte_selftest(void)
{
	void *a = selftest_buf, *b = selftest_buf + MTE_GRANULE;
	unsigned int ta, tb;

	if (!mte_wanted)
		return;
	stg(with_tag(a, 0x3));
	stg(with_tag(b, 0x5));
	dsb(ish);
	ta = ldg(a);
	tb = ldg(b);
	stg(with_tag(a, 0));
	stg(with_tag(b, 0));
	if (ta != 0x3 || tb != 0x5) {
		why_off = ta == tb && ta ? "tags do not stick per 16-byte granule"
					 : "the machine has no tag memory (QEMU: -machine mte=on)";
		write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) & ~SCTLR_ATA);
		isb();
		return;
	}
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | SCTLR_TCF_SYNC);
	isb();
	arm64_mte_on = true;
}

void mte_report_boot(void)
{
	if (arm64_mte_on)
		pr_info("mte: memory tagging on (synchronous tag checks, tagged heap)\n");
	else
		pr_info("mte: memory tagging off: %s; running untagged\n", why_off);
}

unsigned int mte_mem_tag(const void *p)
{
	return arm64_mte_on ? ldg((const void *)((uintptr_t)p & ~(uintptr_t)(MTE_GRANULE - 1)))
		      : 0;
}

/* Tags [p, p + size) with p's tag: two granules a store where it can. */
static void set_tags(void *p, size_t size)
{
	char *c = p;

	if (size >= MTE_GRANULE && ((uintptr_t)c & MTE_GRANULE)) {
		stg(c);
		c += MTE_GRANULE;
		size -= MTE_GRANULE;
	}
	for (; size >= 2 * MTE_GRANULE; size -= 2 * MTE_GRANULE, c += 2 * MTE_GRANULE)
		st2g(c);
	if (size >= MTE_GRANULE)
		stg(c);
}

void *mte_tag_new(void *p, size_t size, uint16_t excl)
{
	uintptr_t t = (uintptr_t)mte_untag(p);

	if (!arm64_mte_on)
		return p;
	/* IRG: a random tag, never one of excl nor GCR_EL1's tag 0. */
	__asm__ volatile(MEMTAG "irg %0, %0, %1"
			 : "+r"(t) : "r"((uint64_t)excl));
	set_tags((void *)t, size);
	return (void *)t;
}

void mte_tag_clear(void *p, size_t size)
{
	if (arm64_mte_on)
		set_tags(mte_untag(p), size);
}
