// SPDX-License-Identifier: BSD-2-Clause
/*
 * GICv2m MSI frames ("arm,gic-v2m-frame", Arm Server Base System
 * Architecture, appendix E): a device raises SPI n by writing n to the
 * frame's MSI_SETSPI_NS register.  MSI_TYPER says which block of SPIs
 * the frame owns (the device tree's "arm,msi-base-spi" and
 * "arm,msi-num-spis" override it); they are handed out once, at driver
 * probe, and are edge-triggered.  v2m_lock protects each frame's
 * allocation bitmap.
 */
#include <errno.h>
#include <stdlib.h>
#include <vireo/compiler.h>
#include <vireo/driver.h>
#include <vireo/fdt.h>
#include <vireo/irq_chip.h>
#include <vireo/klog.h>
#include <vireo/mmio.h>
#include <vireo/mmu.h>
#include <vireo/spinlock.h>

#define V2M_MSI_TYPER		0x008
#define V2M_MSI_SETSPI_NS	0x040
#define V2M_FRAME_SIZE		0x1000
#define V2M_TYPER_BASE(t)	(((t) >> 16) & 0x3ff)
#define V2M_TYPER_NUM(t)	((t) & 0x3ff)
#define V2M_MAX_SPIS		1024

struct v2m {
	struct msi_controller mc;
	uint64_t phys;
	uint32_t base, num;
	uint8_t used[V2M_MAX_SPIS / 8];
};

static spinlock_t v2m_lock = SPINLOCK_INIT;

static int v2m_alloc(struct msi_controller *mc, uint32_t devid, unsigned int n,
		     uint32_t *intids, struct msi_msg *msgs)
{
	struct v2m *v = (struct v2m *)mc;
	irqflags_t f;
	int err;

	(void)devid;	/* the frame sees no requester ID: the data says it all */
	f = spin_lock_irqsave(&v2m_lock);
	err = msi_take_free(v->used, v->num, n, v->base, intids);
	spin_unlock_irqrestore(&v2m_lock, f);
	if (err)
		return err;
	for (unsigned int k = 0; k < n; k++)
		msgs[k] = (struct msi_msg){ v->phys + V2M_MSI_SETSPI_NS, intids[k] };
	return 0;
}

static int v2m_probe(const struct fdt *fdt, int node)
{
	struct v2m *v = calloc(1, sizeof(*v));
	volatile uint8_t *regs;
	uint64_t base, size;
	uint32_t typer;

	if (!v)
		return -ENOMEM;
	if (fdt_get_reg(fdt, node, 0, &base, &size) || size < V2M_FRAME_SIZE ||
	    !(regs = ioremap(base, V2M_FRAME_SIZE))) {
		free(v);
		return -EINVAL;
	}
	typer = mmio_read32(regs + V2M_MSI_TYPER);
	v->phys = base;
	v->base = V2M_TYPER_BASE(typer);
	v->num = V2M_TYPER_NUM(typer);
	fdt_getprop_u32(fdt, node, "arm,msi-base-spi", &v->base);
	fdt_getprop_u32(fdt, node, "arm,msi-num-spis", &v->num);
	if (v->base < 32 || v->num == 0 || v->num > V2M_MAX_SPIS || v->base + v->num > 1020) {
		pr_err("gicv2m %#llx: bad SPI range %u+%u\n", (unsigned long long)base,
		       v->base, v->num);
		free(v);
		return -EINVAL;
	}
	v->mc = (struct msi_controller){ .name = "v2m", .node = node, .alloc = v2m_alloc };
	msi_controller_register(&v->mc);
	pr_info("gicv2m %#llx: SPIs %u-%u\n", (unsigned long long)base, v->base,
		v->base + v->num - 1);
	return 0;
}

static const char *const v2m_compat[] = { "arm,gic-v2m-frame", NULL };
DRIVER_DECLARE(gicv2m, .name = "gicv2m", .compatible = v2m_compat,
	       .level = DRIVER_LEVEL_IRQCHIP, .probe = v2m_probe);
