// SPDX-License-Identifier: BSD-2-Clause
/*
 * Interrupt dispatch over the registered controller.  The handler table
 * is written under irq_lock at attach time and only read by dispatch;
 * counts are updated with relaxed atomics (they are statistics).
 */
#include <errno.h>
#include <vireo/irq.h>
#include <vireo/irq_chip.h>
#include <vireo/klog.h>
#include <vireo/spinlock.h>

#define IRQ_MAX 1020

struct irq_desc {
	irq_handler_t fn;
	void *arg;
	const char *name;
	uint64_t count;
};

static const struct irq_chip *chip;
static struct irq_desc descs[IRQ_MAX];
static spinlock_t irq_lock = SPINLOCK_INIT;
static uint64_t spurious;

int irq_chip_register(const struct irq_chip *c)
{
	if (chip)
		return -EBUSY;
	chip = c;
	return 0;
}

const char *irq_chip_name(void)
{
	return chip ? chip->name : "none";
}

static bool valid(uint32_t intid)
{
	return chip && intid < chip->nr_irqs && intid < IRQ_MAX;
}

int irq_attach(uint32_t intid, irq_handler_t fn, void *arg, const char *name)
{
	irqflags_t f;
	int r = 0;

	if (!valid(intid) || !fn)
		return -EINVAL;
	f = spin_lock_irqsave(&irq_lock);
	if (descs[intid].fn) {
		r = -EBUSY;
	} else {
		descs[intid].arg = arg;
		descs[intid].name = name;
		__atomic_store_n(&descs[intid].fn, fn, __ATOMIC_RELEASE);
		chip->set_priority(intid, IRQ_PRIO_DEFAULT);
	}
	spin_unlock_irqrestore(&irq_lock, f);
	return r;
}

/* Distributor settings, serialised by irq_lock. */
#define CHIP_CALL(op, ...) do {						\
	if (valid(intid)) {						\
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
		if (intid >= IRQ_MAX)
			return;		/* 1020-1023: special or spurious */
		struct irq_desc *d = &descs[intid];
		irq_handler_t fn = __atomic_load_n(&d->fn, __ATOMIC_ACQUIRE);
		__atomic_fetch_add(&d->count, 1, __ATOMIC_RELAXED);
		if (fn) {
			fn(intid, d->arg);
		} else {
			chip->disable(intid);
			spurious++;
		}
		chip->eoi(token);
	}
}

int irq_get_info(struct irq_info *out, int max)
{
	int n = 0;

	for (uint32_t i = 0; i < IRQ_MAX && n < max; i++) {
		if (!descs[i].fn)
			continue;
		out[n].intid = i;
		out[n].count = __atomic_load_n(&descs[i].count, __ATOMIC_RELAXED);
		out[n].name = descs[i].name;
		n++;
	}
	return n;
}
