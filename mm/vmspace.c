// SPDX-License-Identifier: BSD-2-Clause
/*
 * User address spaces: the region list of a process and its eager
 * backing (include/vireo/vmspace.h).  A region is one contiguous block
 * of kernel memory mapped page by page into the user window; it is freed
 * whole with the space.  A reservation (prot 0, PROT_NONE) is a region
 * without memory or mappings: it only holds its addresses.  vs->lock (a
 * sleeping mutex) protects the list and the architecture's tables:
 * mapping allocates and may sleep.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/compiler.h>
#include <vireo/list.h>
#include <vireo/mm.h>
#include <vireo/mmu.h>
#include <vireo/mutex.h>
#include <vireo/vmspace.h>

struct vm_region {
	struct list_node node;	/* vs->regions, by address */
	uintptr_t start, end;
	int prot;
	enum vm_kind kind;
	void *mem;		/* the kernel's view of the pages */
};

struct vmspace {
	struct kmutex lock;
	struct list_node regions;
	struct arch_uspace *arch;
	uintptr_t start_pc, start_sp;	/* set once by the loader */
	/* The heap: [heap_start, brk) is the program's, its pages
	 * [heap_start, heap_end) are mapped (regions of kind heap). */
	uintptr_t heap_start, brk, heap_end;
	unsigned int refs;		/* the task, and readers of its
					 * maps (atomic) */
};

int vmspace_create(struct vmspace **out)
{
	struct vmspace *vs = kcalloc(1, sizeof(*vs));
	int r;

	if (!vs)
		return -ENOMEM;
	r = arch_uspace_create(&vs->arch);
	if (r) {
		free(vs);
		return r;
	}
	kmutex_init(&vs->lock, false);
	list_init(&vs->regions);
	vs->refs = 1;
	*out = vs;
	return 0;
}

struct arch_uspace *vmspace_arch(struct vmspace *vs)
{
	return vs ? vs->arch : NULL;
}

/* The region before which one starting at va goes (or the list head),
 * or NULL when [va, end) overlaps a region.  vs->lock held. */
static struct list_node *insert_point(struct vmspace *vs, uintptr_t va,
				      uintptr_t end)
{
	struct list_node *n;

	list_for_each(n, &vs->regions) {
		struct vm_region *r = container_of(n, struct vm_region, node);

		if (end <= r->start)
			return n;
		if (va < r->end)
			return NULL;
	}
	return &vs->regions;
}

/* All of r's pages, or none (out of tables: -ENOMEM). */
static int map_region(struct vmspace *vs, struct vm_region *r)
{
	uintptr_t va;
	int err;

	for (va = r->start; va < r->end; va += PAGE_SIZE) {
		err = arch_uspace_map_page(vs->arch, va,
					   (char *)r->mem + (va - r->start),
					   r->prot);
		if (err) {
			arch_uspace_unmap(vs->arch, r->start, va);
			return err;
		}
	}
	return 0;
}

int vmspace_map_anon(struct vmspace *vs, uintptr_t va, size_t len, int prot)
{
	return vmspace_map(vs, va, len, prot, VM_KIND_ANON);
}

/* Gives r zeroed memory and maps it: 0 or -ENOMEM (nothing kept). */
static int back_region(struct vmspace *vs, struct vm_region *r)
{
	size_t len = r->end - r->start;
	int err;

	r->mem = kaligned_alloc(PAGE_SIZE, len);
	if (!r->mem)
		return -ENOMEM;
	memset(r->mem, 0, len);
	err = map_region(vs, r);
	if (err) {
		free(r->mem);
		r->mem = NULL;
	}
	return err;
}

/* vmspace_map() with vs->lock held. */
static int map_locked(struct vmspace *vs, uintptr_t va, size_t len, int prot,
		      enum vm_kind kind)
{
	struct vm_region *r;
	struct list_node *at;
	int err;

	if ((va | len) & (PAGE_SIZE - 1) || !len || va < USER_VA_BASE ||
	    va >= USER_VA_END || len > USER_VA_END - va)
		return -EINVAL;
	at = insert_point(vs, va, va + len);
	if (!at)
		return -EEXIST;
	r = kcalloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	*r = (struct vm_region){ .start = va, .end = va + len, .prot = prot,
				 .kind = kind };
	err = prot ? back_region(vs, r) : 0;
	if (err) {
		free(r);
		return err;
	}
	list_add_tail(at, &r->node);	/* before at */
	return 0;
}

int vmspace_map(struct vmspace *vs, uintptr_t va, size_t len, int prot,
		enum vm_kind kind)
{
	int err;

	kmutex_lock(&vs->lock);
	err = map_locked(vs, va, len, prot, kind);
	kmutex_unlock(&vs->lock);
	return err;
}

/* Unmaps and frees region r.  vs->lock held. */
static void unmap_locked(struct vmspace *vs, struct vm_region *r)
{
	arch_uspace_unmap(vs->arch, r->start, r->end);
	list_del(&r->node);
	free(r->mem);
	free(r);
}

/* Zeroes the mapped bytes of [va, end).  vs->lock held. */
static void zero_locked(struct vmspace *vs, uintptr_t va, uintptr_t end)
{
	struct list_node *n;

	list_for_each(n, &vs->regions) {
		struct vm_region *r = container_of(n, struct vm_region, node);
		uintptr_t lo = MAX(va, r->start), hi = MIN(end, r->end);

		if (lo < hi && r->mem)
			memset((char *)r->mem + (lo - r->start), 0, hi - lo);
	}
}

void vmspace_set_heap(struct vmspace *vs, uintptr_t start)
{
	vs->heap_start = vs->brk = vs->heap_end = start;
}

long vmspace_sbrk(struct vmspace *vs, intptr_t incr)
{
	struct list_node *n, *next;
	uintptr_t old, want, end;
	long r;

	kmutex_lock(&vs->lock);
	old = vs->brk;
	r = vm_brk_check(vs->heap_start, old, incr, &want);
	end = ALIGN_UP(want, PAGE_SIZE);
	if (!r && end > vs->heap_end) {
		r = map_locked(vs, vs->heap_end, end - vs->heap_end,
			       VM_READ | VM_WRITE, VM_KIND_HEAP);
		if (r == -EEXIST)
			r = -ENOMEM;	/* an mmap region in the way */
		if (!r)
			vs->heap_end = end;
	} else if (!r && want < old) {
		/* Memory above the break reads as zero when it comes back;
		 * heap regions wholly above it are given back. */
		zero_locked(vs, want, MIN(old, vs->heap_end));
		list_for_each_safe(n, next, &vs->regions) {
			struct vm_region *reg = container_of(n, struct vm_region,
							     node);

			if (reg->kind == VM_KIND_HEAP && reg->start >= end) {
				vs->heap_end = MIN(vs->heap_end, reg->start);
				unmap_locked(vs, reg);
			}
		}
	}
	if (!r) {
		vs->brk = want;
		r = (long)old;
	}
	kmutex_unlock(&vs->lock);
	return r;
}

/* Where reg begins for placing others: a stack's guard is its. */
static uintptr_t reserved_start(const struct vm_region *reg)
{
	return reg->start - (reg->kind == VM_KIND_STACK ? USER_STACK_GUARD : 0);
}

long vmspace_mmap_anon(struct vmspace *vs, size_t len, int prot,
		       enum vm_kind kind)
{
	struct list_node *n;
	uintptr_t va = USER_MMAP_BASE;
	size_t guard = kind == VM_KIND_STACK ? USER_STACK_GUARD : 0;
	long r;

	r = vm_anon_len(len, &len);
	if (r)
		return r;
	kmutex_lock(&vs->lock);
	/* First fit: regions are sorted, so a gap is a region starting at
	 * least guard + len past the end of the one before. */
	list_for_each(n, &vs->regions) {
		struct vm_region *reg = container_of(n, struct vm_region, node);

		if (reg->end <= va)
			continue;
		if (reserved_start(reg) >= va + guard + len)
			break;
		va = reg->end;
	}
	va += guard;
	if (va + len > USER_STACK_TOP - USER_STACK_SIZE - USER_STACK_GUARD)
		r = -ENOMEM;
	else
		r = map_locked(vs, va, len, prot, kind);
	kmutex_unlock(&vs->lock);
	return r ? r : (long)va;
}

int vmspace_munmap(struct vmspace *vs, uintptr_t va, size_t len)
{
	struct list_node *n;
	int r = -EINVAL;

	if (va & (PAGE_SIZE - 1) || !len || len > USER_VA_END)
		return -EINVAL;
	kmutex_lock(&vs->lock);
	list_for_each(n, &vs->regions) {
		struct vm_region *reg = container_of(n, struct vm_region, node);

		if ((reg->kind == VM_KIND_ANON || reg->kind == VM_KIND_STACK) &&
		    reg->start == va &&
		    reg->end == va + ALIGN_UP(len, PAGE_SIZE)) {
			unmap_locked(vs, reg);
			r = 0;
			break;
		}
	}
	kmutex_unlock(&vs->lock);
	return r;
}

/* A whole accessible anonymous or stack region between read-only and
 * read-write.  vs->lock held. */
static int change_prot_locked(struct vmspace *vs, struct vm_region *r,
			      uintptr_t va, uintptr_t end, int prot)
{
	int old = r->prot, err;

	if (va != r->start || end != r->end || !prot ||
	    (r->kind != VM_KIND_ANON && r->kind != VM_KIND_STACK))
		return -ENOTSUP;
	if (prot == old)
		return 0;
	arch_uspace_unmap(vs->arch, r->start, r->end);
	r->prot = prot;
	err = map_region(vs, r);
	if (err) {	/* the tables are there: the old mapping comes back */
		r->prot = old;
		map_region(vs, r);
	}
	return err;
}

/* [va, end) of reservation r gets memory with prot, as a region of its
 * own between what stays reserved.  vs->lock held. */
static int commit_locked(struct vmspace *vs, struct vm_region *r,
			 uintptr_t va, uintptr_t end, int prot)
{
	struct vm_region *mid, *upper = NULL;
	int err;

	if (!prot)
		return 0;	/* reserved already */
	mid = kcalloc(1, sizeof(*mid));
	if (mid && end < r->end)
		upper = kcalloc(1, sizeof(*upper));
	if (!mid || (end < r->end && !upper)) {
		free(mid);
		return -ENOMEM;
	}
	*mid = (struct vm_region){ .start = va, .end = end, .prot = prot,
				   .kind = VM_KIND_ANON };
	err = back_region(vs, mid);
	if (err) {
		free(mid);
		free(upper);
		return err;
	}
	list_add_head(&r->node, &mid->node);	/* after r */
	if (upper) {
		*upper = (struct vm_region){ .start = end, .end = r->end,
					     .kind = r->kind };
		list_add_head(&mid->node, &upper->node);
	}
	if (va == r->start) {
		list_del(&r->node);
		free(r);
	} else {
		r->end = va;
	}
	return 0;
}

int vmspace_mprotect(struct vmspace *vs, uintptr_t va, size_t len, int prot)
{
	struct vm_region *r = NULL;
	struct list_node *n;
	uintptr_t end;
	int err = -ENOMEM;

	if (va & (PAGE_SIZE - 1) || !len)
		return -EINVAL;
	if (len > USER_VA_END || va > USER_VA_END - ALIGN_UP(len, PAGE_SIZE))
		return -ENOMEM;
	end = va + ALIGN_UP(len, PAGE_SIZE);
	kmutex_lock(&vs->lock);
	list_for_each(n, &vs->regions) {
		struct vm_region *reg = container_of(n, struct vm_region, node);

		if (va >= reg->start && end <= reg->end) {
			r = reg;
			break;
		}
	}
	if (r)
		err = r->prot ? change_prot_locked(vs, r, va, end, prot)
			      : commit_locked(vs, r, va, end, prot);
	kmutex_unlock(&vs->lock);
	return err;
}

bool vmspace_range_ok(struct vmspace *vs, uintptr_t va, size_t n)
{
	struct list_node *node;
	uintptr_t end;
	bool ok = false;

	if (!user_window_has(va, n))
		return false;
	end = va + n;
	kmutex_lock(&vs->lock);
	list_for_each(node, &vs->regions) {	/* sorted: one pass */
		struct vm_region *r = container_of(node, struct vm_region, node);

		if (va < r->start)
			break;		/* a hole before the rest */
		if (va < r->end && !r->prot)
			break;		/* a reservation */
		if (va < r->end)
			va = r->end;	/* covered up to here */
		if (va >= end) {
			ok = true;
			break;
		}
	}
	kmutex_unlock(&vs->lock);
	return ok || n == 0;
}

int vmspace_load(struct vmspace *vs, uintptr_t va, const void *src, size_t n)
{
	struct list_node *node;
	int r = -EFAULT;

	kmutex_lock(&vs->lock);
	list_for_each(node, &vs->regions) {
		struct vm_region *reg = container_of(node, struct vm_region, node);

		if (va >= reg->start && va < reg->end && n <= reg->end - va &&
		    reg->mem) {
			char *k = (char *)reg->mem + (va - reg->start);

			memcpy(k, src, n);
			arch_sync_icache(k, n);
			r = 0;
			break;
		}
	}
	kmutex_unlock(&vs->lock);
	return r;
}

void vmspace_describe(struct vmspace *vs, uintptr_t va, char *buf,
		      size_t len)
{
	const struct vm_region *in = NULL, *above = NULL;
	struct list_node *node;

	if (!user_window_has(va, 0)) {
		snprintf(buf, len, "outside the user window");
		return;
	}
	if (kmutex_trylock(&vs->lock)) {
		snprintf(buf, len, "in a space being changed");
		return;
	}
	list_for_each(node, &vs->regions) {
		const struct vm_region *r =
			container_of(node, struct vm_region, node);

		if (va < r->start) {
			above = r;
			break;
		}
		if (va < r->end) {
			in = r;
			break;
		}
	}
	if (!in && above && above->kind == VM_KIND_STACK &&
	    va >= above->start - USER_STACK_GUARD)
		in = above;
	if (in) {
		int n = snprintf(buf, len, "in %s", in == above ?
				 "the guard page under " :
				 !in->prot ? "a reservation (PROT_NONE) " : "");

		if (n >= 0 && (size_t)n < len)
			vm_region_format(buf + n, len - (size_t)n, in->start,
					 in->end, in->prot, in->kind);
	}
	else
		snprintf(buf, len, "unmapped");
	kmutex_unlock(&vs->lock);
}

void vmspace_for_each_region(struct vmspace *vs,
			     void (*fn)(uintptr_t start, uintptr_t end,
					int prot, enum vm_kind kind, void *ctx),
			     void *ctx)
{
	struct list_node *n;

	kmutex_lock(&vs->lock);
	list_for_each(n, &vs->regions) {
		struct vm_region *r = container_of(n, struct vm_region, node);

		fn(r->start, r->end, r->prot, r->kind, ctx);
	}
	kmutex_unlock(&vs->lock);
}

void vm_region_format(char *buf, size_t len, uintptr_t start,
		      uintptr_t end, int prot, enum vm_kind kind)
{
	static const char *const names[] = {
		[VM_KIND_ANON] = "anon", [VM_KIND_TEXT] = "text",
		[VM_KIND_DATA] = "data", [VM_KIND_BSS] = "bss",
		[VM_KIND_HEAP] = "heap", [VM_KIND_STACK] = "stack",
	};

	snprintf(buf, len, "%012lx-%012lx %c%c%c- %s", (unsigned long)start,
		 (unsigned long)end, (prot & VM_READ) ? 'r' : '-',
		 (prot & VM_WRITE) ? 'w' : '-', (prot & VM_EXEC) ? 'x' : '-',
		 (unsigned int)kind < ARRAY_SIZE(names) ? names[kind] : "?");
}

void vmspace_set_start(struct vmspace *vs, uintptr_t pc, uintptr_t sp)
{
	vs->start_pc = pc;
	vs->start_sp = sp;
}

void vmspace_start(struct vmspace *vs, uintptr_t *pc, uintptr_t *sp)
{
	*pc = vs->start_pc;
	*sp = vs->start_sp;
}

void vmspace_get(struct vmspace *vs)
{
	__atomic_fetch_add(&vs->refs, 1, __ATOMIC_RELAXED);
}

void vmspace_destroy(struct vmspace *vs)
{
	struct list_node *n, *next;

	/* Acquire-release: the last holder sees every other's writes. */
	if (__atomic_sub_fetch(&vs->refs, 1, __ATOMIC_ACQ_REL))
		return;

	arch_uspace_destroy(vs->arch);
	list_for_each_safe(n, next, &vs->regions) {
		struct vm_region *r = container_of(n, struct vm_region, node);

		free(r->mem);
		free(r);
	}
	kmutex_destroy(&vs->lock);
	free(vs);
}
