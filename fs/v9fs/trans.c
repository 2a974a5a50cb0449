// SPDX-License-Identifier: BSD-2-Clause
/*
 * The registry of 9P transports (<vireo/p9_trans.h>): drivers add to it
 * while probing, mounts look a tag up.  trans_lock (a spinlock, never
 * taken from interrupts) protects the list; entries are never removed.
 */
#include <string.h>
#include <vireo/p9_trans.h>
#include <vireo/spinlock.h>

static struct list_node transports = LIST_INIT(transports);
static spinlock_t trans_lock = SPINLOCK_INIT;

void p9_trans_register(struct p9_trans *t)
{
	spin_lock(&trans_lock);
	list_add_tail(&transports, &t->link);
	spin_unlock(&trans_lock);
}

struct p9_trans *p9_trans_find(const char *kind, const char *tag)
{
	struct p9_trans *found = NULL;
	struct list_node *n;

	spin_lock(&trans_lock);
	list_for_each(n, &transports) {
		struct p9_trans *t = list_entry(n, struct p9_trans, link);

		if (!strcmp(t->kind, kind) && !strcmp(t->tag, tag)) {
			found = t;
			break;
		}
	}
	spin_unlock(&trans_lock);
	return found;
}
