// SPDX-License-Identifier: BSD-2-Clause
/*
 * Interrupt dispatch over the registered controller.  The handler table
 * covers the chip's INTIDs below 1020 (allocated when it registers: 256
 * on QEMU's GIC, not 1020) and, from the first LPI attached, IRQ_NR_LPIS
 * LPIs from IRQ_LPI_BASE.  It is written under irq_lock at attach time
 * and only read by dispatch (the LPI table is published with a release
 * store):
 * a handler is published with a release store of its fn, and a shared
 * line's extra handlers are appended (never removed) with release stores
 * of the list links, so dispatch walks them without the lock.  Counts
 * are updated with relaxed atomics (they are statistics).  irq_lock also
 * serialises the chip's distributor settings, and msi_lock the list of
 * MSI controllers (written at boot, read at driver probe).
 */
#include <errno.h>
#include <stdlib.h>
#include <vireo/irq.h>
#include <vireo/irq_chip.h>
#include <vireo/klog.h>
#include <vireo/mm.h>
#include <vireo/spinlock.h>

#define IRQ_MAX 1020

struct irq_action {
	irq_handler_t fn;
	void *arg;
	const char *name;
	struct irq_action *next;
};

struct irq_desc {
	irq_handler_t fn;
	void *arg;
	const char *name;
	bool shared;
	struct irq_action *more;	/* a shared line's other handlers */
	uint64_t count;
};

static const struct irq_chip *chip;
static struct irq_desc *descs;		/* the chip's INTIDs below IRQ_MAX */
static uint32_t nr_descs;
static struct irq_desc *lpi_descs;	/* NULL until an LPI is attached */
static spinlock_t irq_lock = SPINLOCK_INIT;
static uint64_t spurious;

int irq_chip_register(const struct irq_chip *c)
{
	uint32_t n = MIN(c->nr_irqs, (uint32_t)IRQ_MAX);

	if (chip)
		return -EBUSY;
	descs = kcalloc(n, sizeof(*descs));
	if (!descs)
		return -ENOMEM;
	nr_descs = n;
	chip = c;
	return 0;
}

const char *irq_chip_name(void)
{
	return chip ? chip->name : "none";
}

/* The descriptor of intid, NULL when the chip has no such interrupt. */
/* Whether the chip has intid and the table a place for it. */
static bool intid_valid(uint32_t intid)
{
	return chip && (intid < nr_descs ||
		(intid >= IRQ_LPI_BASE && intid - IRQ_LPI_BASE < chip->nr_lpis &&
		 intid - IRQ_LPI_BASE < IRQ_NR_LPIS));
}

/* The descriptor of intid, NULL when there is none (yet). */
static struct irq_desc *desc_of(uint32_t intid)
{
	struct irq_desc *lpis;

	if (!intid_valid(intid))
		return NULL;
	if (intid < nr_descs)
		return &descs[intid];
	lpis = __atomic_load_n(&lpi_descs, __ATOMIC_ACQUIRE);
	return lpis ? &lpis[intid - IRQ_LPI_BASE] : NULL;
}

/* Allocates the LPI table for intid if it is an LPI (irq_lock held):
 * 0 or -ENOMEM. */
static int lpi_table_locked(uint32_t intid)
{
	struct irq_desc *t;

	if (!intid_valid(intid) || intid < IRQ_LPI_BASE || lpi_descs)
		return 0;
	t = kcalloc(IRQ_NR_LPIS, sizeof(*t));
	if (!t)
		return -ENOMEM;
	__atomic_store_n(&lpi_descs, t, __ATOMIC_RELEASE);
	return 0;
}

static int attach(uint32_t intid, irq_handler_t fn, void *arg,
		  const char *name, bool shared)
{
	struct irq_desc *d;
	struct irq_action *a = NULL;
	irqflags_t f;
	int r;

	if (!fn)
		return -EINVAL;
	if (shared && !(a = kmalloc(sizeof(*a))))
		return -ENOMEM;
	f = spin_lock_irqsave(&irq_lock);
	r = lpi_table_locked(intid);
	d = desc_of(intid);
	if (r || !d) {
		r = r ? r : -EINVAL;
	} else if (d->fn && (!shared || !d->shared)) {
		r = -EBUSY;
	} else if (d->fn) {
		/* Appended at the end: dispatch may be walking the list. */
		struct irq_action **tail = &d->more;
		while (*tail)
			tail = &(*tail)->next;
		*a = (struct irq_action){ fn, arg, name, NULL };
		__atomic_store_n(tail, a, __ATOMIC_RELEASE);
		a = NULL;
	} else {
		d->arg = arg;
		d->name = name;
		d->shared = shared;
		__atomic_store_n(&d->fn, fn, __ATOMIC_RELEASE);
		chip->set_priority(intid, IRQ_PRIO_DEFAULT);
	}
	spin_unlock_irqrestore(&irq_lock, f);
	free(a);
	return r;
}

int irq_attach(uint32_t intid, irq_handler_t fn, void *arg, const char *name)
{
	return attach(intid, fn, arg, name, false);
}

int irq_attach_shared(uint32_t intid, irq_handler_t fn, void *arg,
		      const char *name)
{
	return attach(intid, fn, arg, name, true);
}

/* Distributor settings, serialised by irq_lock. */
#define CHIP_CALL(op, ...) do {						\
	if (intid_valid(intid)) {					\
		irqflags_t f = spin_lock_irqsave(&irq_lock);		\
		chip->op(__VA_ARGS__);					\
		spin_unlock_irqrestore(&irq_lock, f);			\
	}								\
} while (0)

void irq_enable(uint32_t intid) { CHIP_CALL(enable, intid); }
void irq_disable(uint32_t intid) { CHIP_CALL(disable, intid); }
void irq_set_priority(uint32_t intid, uint8_t p) { CHIP_CALL(set_priority, intid, p); }
void irq_set_trigger(uint32_t intid, bool edge) { CHIP_CALL(set_trigger, intid, edge); }

void irq_send_sgi(uint32_t sgi, uint32_t cpu_mask)
{
	if (chip && sgi < 16)
		chip->send_sgi(sgi, cpu_mask);
}

int irq_init_cpu(void)
{
	return chip ? chip->init_cpu() : -ENODEV;
}

void irq_dispatch(void)
{
	for (;;) {
		uint32_t token = chip->ack();
		uint32_t intid = IRQ_TOKEN_INTID(token);
		if (intid >= IRQ_MAX && intid < IRQ_LPI_BASE)
			return;		/* 1020-1023: special or spurious */
		struct irq_desc *d = desc_of(intid);
		irq_handler_t fn = d ? __atomic_load_n(&d->fn, __ATOMIC_ACQUIRE) : NULL;
		if (fn) {
			__atomic_fetch_add(&d->count, 1, __ATOMIC_RELAXED);
			fn(intid, d->arg);
			for (struct irq_action *a = __atomic_load_n(&d->more, __ATOMIC_ACQUIRE);
			     a; a = __atomic_load_n(&a->next, __ATOMIC_ACQUIRE))
				a->fn(intid, a->arg);
		} else {
			if (d)	/* nobody wants it: stop it coming back */
				chip->disable(intid);
			spurious++;
		}
		chip->eoi(token);
	}
}

int irq_get_info(struct irq_info *out, int max)
{
	struct irq_desc *lpis = __atomic_load_n(&lpi_descs, __ATOMIC_ACQUIRE);
	uint32_t nr_lpis = lpis ? IRQ_NR_LPIS : 0;
	int n = 0;

	for (uint32_t i = 0; i < nr_descs + nr_lpis && n < max; i++) {
		bool lpi = i >= nr_descs;
		struct irq_desc *d = lpi ? &lpis[i - nr_descs] : &descs[i];
		uint32_t intid = lpi ? IRQ_LPI_BASE + i - nr_descs : i;
		if (!d->fn)
			continue;
		uint64_t count = __atomic_load_n(&d->count, __ATOMIC_RELAXED);
		out[n++] = (struct irq_info){ intid, count, d->name };
		for (struct irq_action *a = __atomic_load_n(&d->more, __ATOMIC_ACQUIRE);
		     a && n < max; a = a->next)
			out[n++] = (struct irq_info){ intid, count, a->name };
	}
	return n;
}

/* ---- MSI controllers ---- */

static struct msi_controller *msi_controllers;
static spinlock_t msi_lock = SPINLOCK_INIT;

void msi_controller_register(struct msi_controller *mc)
{
	irqflags_t f = spin_lock_irqsave(&msi_lock);

	mc->next = msi_controllers;
	msi_controllers = mc;
	spin_unlock_irqrestore(&msi_lock, f);
}

int msi_take_free(uint8_t *used, uint32_t count, unsigned int n, uint32_t base,
		  uint32_t *intids)
{
	unsigned int got = 0;

	for (uint32_t i = 0; i < count && got < n; i++)
		if (!(used[i / 8] & (1u << (i % 8))))
			intids[got++] = i;
	if (got < n)
		return -ENOSPC;
	for (unsigned int k = 0; k < n; k++) {
		used[intids[k] / 8] |= (uint8_t)(1u << (intids[k] % 8));
		intids[k] += base;
	}
	return 0;
}

struct msi_controller *msi_controller_find(int node)
{
	struct msi_controller *mc;
	irqflags_t f = spin_lock_irqsave(&msi_lock);

	for (mc = msi_controllers; mc && mc->node != node; mc = mc->next)
		;
	spin_unlock_irqrestore(&msi_lock, f);
	return mc;
}
