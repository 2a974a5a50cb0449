/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Intrusive circular doubly linked lists.  A list head is a node whose
 * next/prev point to itself when empty.  No locking: the owner of the
 * list says which lock protects it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct list_node {
	struct list_node *next, *prev;
};

#define LIST_INIT(name) { &(name), &(name) }
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define list_entry(node, type, member) container_of(node, type, member)

static inline void list_init(struct list_node *l)
{
	l->next = l->prev = l;
}

static inline bool list_empty(const struct list_node *l)
{
	return l->next == l;
}

/* Inserts n between prev and next. */
static inline void list_insert(struct list_node *n, struct list_node *prev,
			       struct list_node *next)
{
	n->next = next;
	n->prev = prev;
	prev->next = n;
	next->prev = n;
}

static inline void list_add_tail(struct list_node *l, struct list_node *n)
{
	list_insert(n, l->prev, l);
}

static inline void list_add_head(struct list_node *l, struct list_node *n)
{
	list_insert(n, l, l->next);
}

/* Unlinks n and leaves it self-linked, so a second delete is harmless. */
static inline void list_del(struct list_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

static inline struct list_node *list_first(const struct list_node *l)
{
	return list_empty(l) ? NULL : l->next;
}

#define list_for_each(pos, head) \
	for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)
#define list_for_each_safe(pos, tmp, head) \
	for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head); \
	     (pos) = (tmp), (tmp) = (pos)->next)
