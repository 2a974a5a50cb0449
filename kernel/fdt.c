// SPDX-License-Identifier: BSD-2-Clause
/*
 * Read-only flattened device tree access (DTSpec v0.4, chapter 5).
 *
 * The blob comes from outside the kernel (QEMU, a boot loader), so nothing
 * in it is trusted: fdt_init() checks only the header, and every later
 * access decodes tokens through read_token(), which bounds-checks each
 * token and its payload against the structure and strings blocks.  Every
 * walk moves strictly forward through the structure block, so a corrupt
 * blob ends a walk with -EINVAL instead of looping.  Multi-byte values are
 * read a byte at a time: the blob may sit at any alignment.  No recursion
 * and no depth limit: parents are found by walking again from the root.
 *
 * That is slow (every lookup walks from the root), so fdt_index() checks
 * every token once and records the nodes; an indexed tree is known good,
 * and lookups read it directly (node by offset: a binary search after a
 * hint; the common properties by their recorded place, "compatible"
 * matches after a 32-bit filter, interrupt parents resolved once).  The
 * checked walks remain for a tree that is not (or cannot be) indexed.
 */
#include <errno.h>
#include <string.h>
#include <vireo/compiler.h>
#include <vireo/fdt.h>

#define FDT_MAGIC 0xd00dfeedu

/* Structure block tokens (DTSpec 5.4.1). */
#define FDT_BEGIN_NODE 0x1u
#define FDT_END_NODE 0x2u
#define FDT_PROP 0x3u
#define FDT_NOP 0x4u
#define FDT_END 0x9u

/* Header fields (DTSpec 5.2): byte offsets; size_dt_struct is v17 only. */
#define HDR_MAGIC 0
#define HDR_TOTALSIZE 4
#define HDR_OFF_STRUCT 8
#define HDR_OFF_STRINGS 12
#define HDR_OFF_RSVMAP 16
#define HDR_VERSION 20
#define HDR_LAST_COMP 24
#define HDR_SIZE_STRINGS 32
#define HDR_SIZE_STRUCT 36
#define HDR_LEN_V16 36
#define HDR_LEN_V17 40

#define RSV_ENTRY_LEN 16	/* two big-endian u64: address, size (5.3.2) */
#define GIC_INT_CELLS 3

/* Binding of the GIC "interrupts" cells: type 0 SPI, 1 PPI, and the GICv3.1
 * extended ranges 2 ESPI, 3 EPPI, with their INTID bases and counts. */
static const struct { uint32_t base, count; } gic_int_types[] = {
	{ 32, 988 }, { 16, 16 }, { 4096, 1024 }, { 1056, 64 },
};

/* One decoded token of the structure block. */
struct token {
	uint32_t tag;
	uint32_t next;		/* structure offset of the following token */
	const char *name;	/* BEGIN_NODE: node name; PROP: property name */
	const uint8_t *val;	/* PROP: value and its length */
	uint32_t len;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* Big-endian number of ncells (1 or 2) cells. */
static uint64_t read_cells(const uint8_t *p, int ncells)
{
	return ncells == 2 ? be64(p) : be32(p);
}

static const uint8_t *struct_at(const struct fdt *fdt, uint32_t off)
{
	return fdt->blob + fdt->off_struct + off;
}

/* The NUL-terminated string at nameoff in the strings block, or NULL.
 * A string that starts at or before the block's last NUL ends inside
 * the block (fdt_init found that NUL once). */
static const char *string_at(const struct fdt *fdt, uint32_t nameoff)
{
	if (nameoff >= fdt->strings_end)
		return NULL;
	return (const char *)fdt->blob + fdt->off_strings + nameoff;
}

/*
 * Decodes the token at structure offset off.  -EINVAL when the token, its
 * name or its value does not lie wholly inside its block, or the tag is
 * unknown.  t->next is always greater than off: callers rely on it to end.
 */
static inline __attribute__((always_inline)) int
read_token(const struct fdt *fdt, int64_t pos, struct token *t)
{
	const char *nul;
	uint32_t off, room;

	if (pos < 0 || pos % 4 || pos + 4 > fdt->size_struct)
		return -EINVAL;
	off = (uint32_t)pos;
	room = fdt->size_struct - off - 4;
	t->tag = be32(struct_at(fdt, off));
	switch (t->tag) {
	case FDT_BEGIN_NODE:
		t->name = (const char *)struct_at(fdt, off + 4);
		nul = memchr(t->name, 0, room);
		if (!nul)
			return -EINVAL;
		t->next = ALIGN_UP(off + 4 + (uint32_t)(nul - t->name) + 1, 4u);
		return 0;
	case FDT_PROP:
		if (room < 8)
			return -EINVAL;
		t->len = be32(struct_at(fdt, off + 4));
		if (t->len > room - 8)
			return -EINVAL;
		t->name = string_at(fdt, be32(struct_at(fdt, off + 8)));
		if (!t->name)
			return -EINVAL;
		t->val = struct_at(fdt, off + 12);
		t->next = ALIGN_UP(off + 12 + t->len, 4u);
		return 0;
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		t->next = off + 4;
		return 0;
	default:
		return -EINVAL;
	}
}

/* Decodes node's BEGIN_NODE token: 0, or -EINVAL if node is not one. */
static int read_node(const struct fdt *fdt, int node, struct token *t)
{
	int err = read_token(fdt, node, t);

	if (err)
		return err;
	return t->tag == FDT_BEGIN_NODE ? 0 : -EINVAL;
}

/* Whether [off, off + len) lies in [lo, total). */
static bool block_ok(uint32_t off, uint32_t len, uint32_t lo, uint32_t total)
{
	return off >= lo && (uint64_t)off + len <= total;
}

int fdt_init(struct fdt *fdt, const void *blob, size_t max_size)
{
	const uint8_t *b = blob;
	struct fdt f;
	uint32_t version, hdr_len;

	if (!b || max_size < HDR_LEN_V16 || be32(b + HDR_MAGIC) != FDT_MAGIC)
		return -EINVAL;
	version = be32(b + HDR_VERSION);
	if (version < 16 || be32(b + HDR_LAST_COMP) > 17)
		return -EINVAL;
	hdr_len = version >= 17 ? HDR_LEN_V17 : HDR_LEN_V16;
	f.nodes = NULL;
	f.nr_nodes = 0;
	f.blob = b;
	f.total_size = be32(b + HDR_TOTALSIZE);
	/* Offsets are handed out as int: keep them positive. */
	if (f.total_size < hdr_len || f.total_size > max_size ||
	    f.total_size > INT32_MAX)
		return -EINVAL;
	f.off_struct = be32(b + HDR_OFF_STRUCT);
	f.off_strings = be32(b + HDR_OFF_STRINGS);
	f.size_strings = be32(b + HDR_SIZE_STRINGS);
	f.off_rsvmap = be32(b + HDR_OFF_RSVMAP);
	if (version >= 17)
		f.size_struct = be32(b + HDR_SIZE_STRUCT);
	else	/* v16 does not say; the block may run to the end */
		f.size_struct = f.off_struct <= f.total_size ?
				f.total_size - f.off_struct : 0;
	if (f.off_struct % 4 ||
	    !block_ok(f.off_struct, f.size_struct, hdr_len, f.total_size) ||
	    !block_ok(f.off_strings, f.size_strings, hdr_len, f.total_size) ||
	    f.off_rsvmap % 8 ||
	    !block_ok(f.off_rsvmap, RSV_ENTRY_LEN, hdr_len, f.total_size))
		return -EINVAL;
	f.strings_end = f.size_strings;
	while (f.strings_end && f.blob[f.off_strings + f.strings_end - 1])
		f.strings_end--;
	/* A tree without a readable root node is of no use to anyone. */
	if (fdt_root(&f) < 0)
		return -EINVAL;
	*fdt = f;
	return 0;
}

size_t fdt_total_size(const struct fdt *fdt)
{
	return fdt->total_size;
}

/* Names of enum fdt_slot, with their lengths. */
static const struct { const char *name; uint8_t len; } slot_names[FDT_NR_SLOTS] = {
	[FDT_SLOT_COMPATIBLE] = { "compatible", 10 },
	[FDT_SLOT_REG] = { "reg", 3 },
	[FDT_SLOT_INTERRUPTS] = { "interrupts", 10 },
	[FDT_SLOT_INTERRUPT_PARENT] = { "interrupt-parent", 16 },
	[FDT_SLOT_STATUS] = { "status", 6 },
	[FDT_SLOT_DEVICE_TYPE] = { "device_type", 11 },
	[FDT_SLOT_ADDRESS_CELLS] = { "#address-cells", 14 },
	[FDT_SLOT_SIZE_CELLS] = { "#size-cells", 11 },
	[FDT_SLOT_INTERRUPT_CELLS] = { "#interrupt-cells", 16 },
	[FDT_SLOT_RANGES] = { "ranges", 6 },
};

/* Kinds of property name the index builder tells apart: a slot, or: */
#define NAME_PHANDLE FDT_NR_SLOTS
#define NAME_LINUX_PHANDLE (FDT_NR_SLOTS + 1)
#define NAME_OTHER (FDT_NR_SLOTS + 2)

/* The slot of a property name, or -1.  Length and first byte single out
 * at most one candidate, so this is one comparison. */
static int slot_of(const char *name)
{
	size_t len = strlen(name);

	for (int s = 0; s < FDT_NR_SLOTS; s++)
		if (slot_names[s].len == len && slot_names[s].name[0] == name[0])
			return memcmp(slot_names[s].name, name, len) ? -1 : s;
	return -1;
}

static int name_kind(const char *name)
{
	int s = slot_of(name);

	if (s >= 0)
		return s;
	if (!strcmp(name, "phandle"))
		return NAME_PHANDLE;
	return strcmp(name, "linux,phandle") ? NAME_OTHER : NAME_LINUX_PHANDLE;
}

/* Name kinds by string offset while indexing: device trees name a few
 * dozen properties, each stored once, so nearly every property's kind
 * is found here without comparing its name.  Collisions only evict. */
#define KIND_CACHE 128
struct kind_cache {
	uint32_t nameoff[KIND_CACHE];
	uint8_t kind[KIND_CACHE];	/* 0: empty, else kind + 1 */
};

static int cached_kind(struct kind_cache *kc, uint32_t nameoff, const char *name)
{
	unsigned int h = (uint32_t)(nameoff * 2654435761u) >> 25;	/* 0..127 */

	if (kc->kind[h] && kc->nameoff[h] == nameoff)
		return kc->kind[h] - 1;
	kc->nameoff[h] = nameoff;
	kc->kind[h] = (uint8_t)(name_kind(name) + 1);
	return kc->kind[h] - 1;
}

/* The hash of a "compatible" string that picks its bit of compat_bloom;
 * *end is set past its NUL (or to lim when it has none). */
static uint32_t compat_hash(const char *s, const char *lim, const char **end)
{
	uint32_t h = 5381;

	while (s < lim && *s)
		h = h * 33 + (uint8_t)*s++;
	*end = s < lim ? s + 1 : lim;
	return h;
}

static uint32_t compat_bit(uint32_t h)
{
	return 1u << (h % 32);
}

static uint32_t compat_bloom(const char *p, uint32_t len)
{
	const char *end = p + len;
	uint32_t bloom = 0;

	while (p < end)
		bloom |= compat_bit(compat_hash(p, end, &p));
	return bloom;
}

/* What the index builder keeps of the node whose properties it reads:
 * the first "phandle" and "linux,phandle" (DTSpec 2.3.3), as lookups
 * without an index would find them. */
struct ph_scan {
	bool seen, ok, seen_linux, ok_linux;
	uint32_t v, v_linux;
};

static void note_prop(const struct fdt *fdt, struct fdt_node *n,
		      struct ph_scan *ph, struct kind_cache *kc,
		      const struct token *t, uint32_t off)
{
	int kind = cached_kind(kc, be32(struct_at(fdt, off + 8)), t->name);
	bool is_ph = kind == NAME_PHANDLE;

	if (kind < FDT_NR_SLOTS) {
		uint32_t delta = (off - n->props) / 4 + 1;
		if (n->slot[kind])
			return;	/* the first of a repeated name counts */
		n->slot[kind] = delta < FDT_SLOT_FAR ? (uint16_t)delta : FDT_SLOT_FAR;
		if (kind == FDT_SLOT_COMPATIBLE)
			n->compat_bloom = compat_bloom((const char *)t->val, t->len);
	} else if (is_ph ? !ph->seen : !ph->seen_linux &&
		   kind == NAME_LINUX_PHANDLE) {
		bool ok = t->len >= 4;
		uint32_t v = ok ? be32(t->val) : 0;
		if (is_ph) {
			ph->seen = true;
			ph->ok = ok;
			ph->v = v;
		} else {
			ph->seen_linux = true;
			ph->ok_linux = ok;
			ph->v_linux = v;
		}
	}
}

/* Ends the property list of node n. */
static void end_props(struct fdt_node *n, struct ph_scan *ph)
{
	n->has_phandle = ph->ok || ph->ok_linux;
	n->phandle = ph->ok ? ph->v : ph->v_linux;
	*ph = (struct ph_scan){ 0 };
}

/*
 * One checked pass over the structure block: NOPs, one root node, NOPs,
 * END; properties before subnodes.  Stores nodes while they fit in max.
 * The number of nodes, or -EINVAL.
 */
static int build_index(const struct fdt *fdt, struct fdt_node *nodes, int max)
{
	struct ph_scan ph = { 0 };
	struct kind_cache kc = { .kind = { 0 } };
	struct token t;
	int64_t off = 0;
	int n = 0, cur = -1, depth = 0;
	bool store = true, in_props = false;

	for (;; off = t.next) {
		if (read_token(fdt, off, &t))
			return -EINVAL;
		switch (t.tag) {
		case FDT_BEGIN_NODE:
			if ((depth == 0 && n > 0) || n == INT32_MAX)
				return -EINVAL;	/* beside the root */
			if (store && in_props)
				end_props(&nodes[cur], &ph);
			store = store && n < max;
			if (store) {
				nodes[n] = (struct fdt_node){ .off = (uint32_t)off,
					.props = t.next, .parent = cur,
					.depth = (uint32_t)depth };
				cur = n;
			}
			n++;
			depth++;
			in_props = true;
			break;
		case FDT_PROP:
			if (!in_props)
				return -EINVAL;	/* outside a node, or after a subnode */
			if (store)
				note_prop(fdt, &nodes[cur], &ph, &kc, &t, (uint32_t)off);
			break;
		case FDT_END_NODE:
			if (depth == 0)
				return -EINVAL;
			depth--;
			if (store) {
				if (in_props)
					end_props(&nodes[cur], &ph);
				nodes[cur].end = (uint32_t)n;
				cur = nodes[cur].parent;
			}
			in_props = false;
			break;
		case FDT_END:
			return depth == 0 && n > 0 ? n : -EINVAL;
		}
	}
}

static int slot_prop(const struct fdt *fdt, int i, int s, struct token *t);

/* Index of the node with phandle ph among nodes[0..n), or -ENOENT. */
static int phandle_index(const struct fdt_node *nodes, int n, uint32_t ph)
{
	for (int i = 0; i < n; i++)
		if (nodes[i].has_phandle && nodes[i].phandle == ph)
			return i;
	return -ENOENT;
}

int fdt_index(struct fdt *fdt, struct fdt_node *nodes, int max)
{
	int n = build_index(fdt, nodes, nodes ? max : 0);
	struct token t;

	if (n <= 0 || n > max || !nodes)
		return n;
	fdt->nodes = nodes;
	fdt->nr_nodes = n;
	/* Interrupt parents (DTSpec 2.4.1): a node's own, else inherited;
	 * a parent comes before its children in the index. */
	for (int i = 0; i < n; i++) {
		struct fdt_node *nd = &nodes[i];
		if (!slot_prop(fdt, i, FDT_SLOT_INTERRUPT_PARENT, &t))
			nd->iparent = t.len >= 4 ?
				      phandle_index(nodes, n, be32(t.val)) : -EINVAL;
		else
			nd->iparent = nd->parent >= 0 ?
				      nodes[nd->parent].iparent : -ENOENT;
	}
	return n;
}

/* The index position node_index() found last, tried first, then its
 * parent and interrupt parent: walks ask for a node just returned (its
 * name, then its next sibling), a device's "reg" and "interrupts" for
 * its parent's and its controller's cells.  Only a hint, checked before
 * use, so any tree and any CPU may overwrite it. */
static int last_index;

/* Position in the index of the node at offset node, or -1. */
static int node_index(const struct fdt *fdt, int node)
{
	int lo = 0, hi = fdt->nr_nodes - 1;
	int hint = __atomic_load_n(&last_index, __ATOMIC_RELAXED);

	if (hint <= hi) {
		const struct fdt_node *h = &fdt->nodes[hint];
		if ((int64_t)h->off == node)
			return hint;
		if (h->parent >= 0 && (int64_t)fdt->nodes[h->parent].off == node)
			return h->parent;
		if (h->iparent >= 0 && h->iparent <= hi &&
		    (int64_t)fdt->nodes[h->iparent].off == node)
			return h->iparent;
	}
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		int64_t off = fdt->nodes[mid].off;
		if (off == node) {
			__atomic_store_n(&last_index, mid, __ATOMIC_RELAXED);
			return mid;
		}
		if (off < node)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

int fdt_root(const struct fdt *fdt)
{
	struct token t;
	int64_t off = 0;

	if (fdt->nodes)
		return (int)fdt->nodes[0].off;
	for (;;) {
		if (read_token(fdt, off, &t))
			return -EINVAL;
		if (t.tag == FDT_BEGIN_NODE)
			return (int)off;
		if (t.tag != FDT_NOP)
			return -EINVAL;
		off = t.next;
	}
}

/* fdt_next_node() from the index. */
static int next_indexed(const struct fdt *fdt, int node, int *depth)
{
	int i = node_index(fdt, node);

	if (i < 0)
		return -EINVAL;
	if (i + 1 >= fdt->nr_nodes)
		return -ENOENT;
	if (depth)
		*depth += (int)fdt->nodes[i + 1].depth - (int)fdt->nodes[i].depth;
	__atomic_store_n(&last_index, i + 1, __ATOMIC_RELAXED);
	return (int)fdt->nodes[i + 1].off;
}

int fdt_next_node(const struct fdt *fdt, int node, int *depth)
{
	struct token t;
	int delta = 1, err;
	int64_t off;

	if (fdt->nodes)
		return next_indexed(fdt, node, depth);
	err = read_node(fdt, node, &t);
	if (err)
		return err;
	for (;;) {
		off = t.next;
		if ((err = read_token(fdt, off, &t)))
			return err;
		switch (t.tag) {
		case FDT_BEGIN_NODE:
			if (depth)
				*depth += delta;
			return (int)off;
		case FDT_END_NODE:
			delta--;
			break;
		case FDT_END:
			return -ENOENT;
		}
	}
}

int fdt_first_subnode(const struct fdt *fdt, int node)
{
	int depth = 0, child;

	if (fdt->nodes) {
		int i = node_index(fdt, node);
		if (i < 0)
			return -EINVAL;
		if (i + 1 >= (int)fdt->nodes[i].end)
			return -ENOENT;
		__atomic_store_n(&last_index, i + 1, __ATOMIC_RELAXED);
		return (int)fdt->nodes[i + 1].off;
	}
	child = fdt_next_node(fdt, node, &depth);

	if (child < 0)
		return child;
	return depth == 1 ? child : -ENOENT;
}

int fdt_next_subnode(const struct fdt *fdt, int node)
{
	int depth = 0;

	if (fdt->nodes) {
		int i = node_index(fdt, node), next;
		if (i < 0)
			return -EINVAL;
		next = (int)fdt->nodes[i].end;
		if (next >= fdt->nr_nodes ||
		    fdt->nodes[next].parent != fdt->nodes[i].parent)
			return -ENOENT;
		__atomic_store_n(&last_index, next, __ATOMIC_RELAXED);
		return (int)fdt->nodes[next].off;
	}

	/* Skip node's subtree; depth 0 again is a sibling, below 0 means
	 * the parent ended first.  Each step moves forward, so this ends. */
	do {
		node = fdt_next_node(fdt, node, &depth);
		if (node < 0)
			return node;
	} while (depth > 0);
	return depth == 0 ? node : -ENOENT;
}

/* Depth of node below the root (0 for the root) into *depth: 0 or
 * -EINVAL when node is not the start of a node of this tree. */
static int node_depth(const struct fdt *fdt, int node, int *depth)
{
	int n = fdt_root(fdt);

	*depth = 0;
	while (n >= 0 && n < node)
		n = fdt_next_node(fdt, n, depth);
	return n == node ? 0 : -EINVAL;
}

int fdt_parent(const struct fdt *fdt, int node)
{
	int depth, d = 0, parent = -ENOENT, err;

	if (fdt->nodes) {
		int i = node_index(fdt, node);
		if (i < 0)
			return -EINVAL;
		parent = fdt->nodes[i].parent;
		return parent < 0 ? -ENOENT : (int)fdt->nodes[parent].off;
	}
	err = node_depth(fdt, node, &depth);
	if (err)
		return err;
	/* The root, or (in a corrupt tree) a node beside or above it. */
	if (depth <= 0)
		return -ENOENT;
	/* The parent is the last node one level up before node. */
	for (int n = fdt_root(fdt); n >= 0 && n < node;
	     n = fdt_next_node(fdt, n, &d))
		if (d == depth - 1)
			parent = n;
	return parent;
}

const char *fdt_node_name(const struct fdt *fdt, int node)
{
	struct token t;

	if (fdt->nodes)
		return node_index(fdt, node) < 0 ? NULL :
		       (const char *)struct_at(fdt, (uint32_t)node + 4);
	return read_node(fdt, node, &t) ? NULL : t.name;
}

/* Child of parent named by the len bytes at name (see fdt_subnode_offset). */
static int subnode_n(const struct fdt *fdt, int parent, const char *name,
		     size_t len)
{
	bool has_unit = memchr(name, '@', len) != NULL;
	int child, match = -ENOENT, nr_match = 0;

	for (child = fdt_first_subnode(fdt, parent); child >= 0;
	     child = fdt_next_subnode(fdt, child)) {
		const char *cn = fdt_node_name(fdt, child);

		if (!cn)
			return -EINVAL;
		/* strncmp stops at cn's NUL, so cn[len] is inside cn. */
		if (strncmp(cn, name, len))
			continue;
		if (cn[len] == 0)
			return child;
		if (cn[len] == '@' && !has_unit) {
			match = child;
			nr_match++;
		}
	}
	if (child != -ENOENT)
		return child;	/* corrupt */
	return nr_match == 1 ? match : -ENOENT;
}

int fdt_subnode_offset(const struct fdt *fdt, int parent, const char *name)
{
	return subnode_n(fdt, parent, name, strlen(name));
}

int fdt_path_offset(const struct fdt *fdt, const char *path)
{
	int node = fdt_root(fdt);

	if (!path || path[0] != '/')
		return -EINVAL;
	while (node >= 0) {
		while (*path == '/')
			path++;
		if (!*path)
			return node;
		size_t len = strcspn(path, "/");
		node = subnode_n(fdt, node, path, len);
		path += len;
	}
	return node;
}

/* Decodes the PROP token at off of an indexed (so checked) tree. */
static void prop_at(const struct fdt *fdt, uint32_t off, struct token *t)
{
	t->tag = FDT_PROP;
	t->len = be32(struct_at(fdt, off + 4));
	t->val = struct_at(fdt, off + 12);
	t->next = ALIGN_UP(off + 12 + t->len, 4u);
	t->name = (const char *)fdt->blob + fdt->off_strings +
		  be32(struct_at(fdt, off + 8));
}

/* Property name of index entry i, found by walking its properties. */
static int walk_props(const struct fdt *fdt, int i, const char *name,
		      struct token *t)
{
	uint32_t off, tag;

	for (off = fdt->nodes[i].props;; off = t->next) {
		tag = be32(struct_at(fdt, off));
		if (tag == FDT_NOP) {
			t->next = off + 4;
			continue;
		}
		if (tag != FDT_PROP)
			return -ENOENT;
		prop_at(fdt, off, t);
		/* Most names differ in the first byte: no call for those. */
		if (*t->name == *name && !strcmp(t->name, name))
			return 0;
	}
}

/* The property in slot s of index entry i: 0 or -ENOENT. */
static int slot_prop(const struct fdt *fdt, int i, int s, struct token *t)
{
	uint32_t v = fdt->nodes[i].slot[s];

	if (!v)
		return -ENOENT;
	if (v == FDT_SLOT_FAR)
		return walk_props(fdt, i, slot_names[s].name, t);
	prop_at(fdt, fdt->nodes[i].props + (v - 1) * 4, t);
	return 0;
}

/* find_prop() in an indexed tree: every token was checked once. */
static int find_prop_indexed(const struct fdt *fdt, int node, const char *name,
			     struct token *t)
{
	int i = node_index(fdt, node), s;

	if (i < 0)
		return -EINVAL;
	s = slot_of(name);
	return s >= 0 ? slot_prop(fdt, i, s, t) : walk_props(fdt, i, name, t);
}

/* Finds property name of node into *t: 0, -ENOENT or -EINVAL. */
static int find_prop(const struct fdt *fdt, int node, const char *name,
		     struct token *t)
{
	int err;

	if (fdt->nodes)
		return find_prop_indexed(fdt, node, name, t);
	err = read_node(fdt, node, t);

	while (!err) {
		err = read_token(fdt, t->next, t);
		if (err)
			break;
		if (t->tag == FDT_PROP && !strcmp(t->name, name))
			return 0;
		if (t->tag != FDT_PROP && t->tag != FDT_NOP)
			return -ENOENT;	/* properties come before subnodes */
	}
	return err;
}

/* find_prop() of the property in slot s. */
static int find_slot(const struct fdt *fdt, int node, int s, struct token *t)
{
	int i;

	if (!fdt->nodes)
		return find_prop(fdt, node, slot_names[s].name, t);
	i = node_index(fdt, node);
	return i < 0 ? -EINVAL : slot_prop(fdt, i, s, t);
}

/* fdt_getprop()'s answer for a lookup that returned err into t. */
static const void *prop_value(int err, const struct token *t, int *len)
{
	if (len)
		*len = err ? err : (int)t->len;
	return err ? NULL : t->val;
}

/* fdt_getprop_u32()'s answer for fdt_getprop()'s p and len. */
static int u32_value(const uint8_t *p, int len, uint32_t *out)
{
	if (!p)
		return len < 0 ? len : -EINVAL;	/* (always < 0: says so to gcc) */
	if (len < 4)
		return -EINVAL;
	*out = be32(p);
	return 0;
}

/* fdt_getprop() and fdt_getprop_u32() of the property in slot s. */
static const void *getprop_slot(const struct fdt *fdt, int node, int s,
				int *len)
{
	struct token t;

	return prop_value(find_slot(fdt, node, s, &t), &t, len);
}

static int getprop_u32_slot(const struct fdt *fdt, int node, int s,
			    uint32_t *out)
{
	int len;
	const uint8_t *p = getprop_slot(fdt, node, s, &len);

	return u32_value(p, len, out);
}

const void *fdt_getprop(const struct fdt *fdt, int node, const char *name,
			int *len)
{
	struct token t;

	return prop_value(find_prop(fdt, node, name, &t), &t, len);
}

const char *fdt_getprop_string(const struct fdt *fdt, int node,
			       const char *name)
{
	int len;
	const char *s = fdt_getprop(fdt, node, name, &len);

	return s && len > 0 && memchr(s, 0, len) ? s : NULL;
}

int fdt_getprop_u32(const struct fdt *fdt, int node, const char *name,
		    uint32_t *out)
{
	int len;
	const uint8_t *p = fdt_getprop(fdt, node, name, &len);

	return u32_value(p, len, out);
}

int fdt_getprop_cells(const struct fdt *fdt, int node, const char *name,
		      int idx, int ncells, uint64_t *out)
{
	int len;
	const uint8_t *p;

	if (idx < 0 || ncells < 1 || ncells > 2)
		return -EINVAL;
	p = fdt_getprop(fdt, node, name, &len);
	if (!p)
		return len;
	if (((int64_t)idx + ncells) * 4 > len)
		return -ENOENT;
	*out = read_cells(p + (size_t)idx * 4, ncells);
	return 0;
}

/* Whether the string list [p, p + len) holds compat.  A string list
 * (DTSpec 2.2.4.1); an unterminated tail never matches. */
static bool list_has(const char *p, int len, const char *compat)
{
	const char *end = p ? p + len : NULL;

	while (p && p < end) {
		const char *c = compat;
		while (p < end && *p && *p == *c) {
			p++;
			c++;
		}
		if (p < end && !*p && !*c)
			return true;
		while (p < end && *p)
			p++;
		p++;	/* past the NUL (or past end: the loop ends) */
	}
	return false;
}

/* Whether index entry i is compatible with the string compat, whose
 * compat_bit() is bit: most entries are ruled out by their filter. */
static bool indexed_compatible(const struct fdt *fdt, int i, const char *compat,
			       uint32_t bit)
{
	struct token t;

	return (fdt->nodes[i].compat_bloom & bit) &&
	       !slot_prop(fdt, i, FDT_SLOT_COMPATIBLE, &t) &&
	       list_has((const char *)t.val, (int)t.len, compat);
}

static uint32_t compat_bit_of(const char *compat)
{
	const char *end;

	return compat_bit(compat_hash(compat, compat + strlen(compat) + 1, &end));
}

bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat)
{
	int len, i;
	const char *p;

	if (fdt->nodes) {
		i = node_index(fdt, node);
		return i >= 0 && indexed_compatible(fdt, i, compat,
						    compat_bit_of(compat));
	}
	p = fdt_getprop(fdt, node, "compatible", &len);
	return list_has(p, len, compat);
}

int fdt_next_compatible(const struct fdt *fdt, int start, const char *compat)
{
	int depth = 0, node;

	if (fdt->nodes) {
		int i = start < 0 ? 0 : node_index(fdt, start) + 1;
		uint32_t bit = compat_bit_of(compat);
		if (i == 0 && start >= 0)
			return -EINVAL;
		for (; i < fdt->nr_nodes; i++)
			if (indexed_compatible(fdt, i, compat, bit)) {
				__atomic_store_n(&last_index, i, __ATOMIC_RELAXED);
				return (int)fdt->nodes[i].off;
			}
		return -ENOENT;
	}
	node = start < 0 ? fdt_root(fdt) : fdt_next_node(fdt, start, &depth);

	while (node >= 0 && !fdt_is_compatible(fdt, node, compat))
		node = fdt_next_node(fdt, node, &depth);
	return node;
}

bool fdt_node_enabled(const struct fdt *fdt, int node)
{
	int len;
	const char *status = getprop_slot(fdt, node, FDT_SLOT_STATUS, &len);

	if (!status)
		return len == -ENOENT;	/* absent: enabled; corrupt: not */
	if (!memchr(status, 0, len))
		return false;
	return !strcmp(status, "okay") || !strcmp(status, "ok");
}

/* parent's cell-count property (in slot), def when absent; 0..4 or -errno.
 * parent -ENOENT means node is the root, with nothing above it. */
static int cells_of(const struct fdt *fdt, int parent, int slot, int def)
{
	uint32_t v;
	int err;

	if (parent == -ENOENT)
		return def;
	if (parent < 0)
		return parent;
	err = getprop_u32_slot(fdt, parent, slot, &v);
	if (err == -ENOENT)
		return def;
	if (err)
		return err;
	return v <= 4 ? (int)v : -EINVAL;
}

int fdt_address_cells(const struct fdt *fdt, int node)
{
	return cells_of(fdt, fdt_parent(fdt, node), FDT_SLOT_ADDRESS_CELLS, 2);
}

int fdt_size_cells(const struct fdt *fdt, int node)
{
	return cells_of(fdt, fdt_parent(fdt, node), FDT_SLOT_SIZE_CELLS, 1);
}

/* cells_of() for index entry p (-1: none, the root's parent). */
static int cells_indexed(const struct fdt *fdt, int p, int slot, int def)
{
	struct token t;
	uint32_t v;

	if (p < 0 || slot_prop(fdt, p, slot, &t))
		return def;
	if (u32_value(t.val, (int)t.len, &v))
		return -EINVAL;
	return v <= 4 ? (int)v : -EINVAL;
}

int fdt_get_reg(const struct fdt *fdt, int node, int idx, uint64_t *base,
		uint64_t *size)
{
	int ac, sc, len, entry;
	const uint8_t *p;

	if (fdt->nodes) {	/* the node looked up once, not per property */
		int i = node_index(fdt, node), parent;
		struct token t;
		if (i < 0)
			return -EINVAL;
		parent = fdt->nodes[i].parent;
		ac = cells_indexed(fdt, parent, FDT_SLOT_ADDRESS_CELLS, 2);
		sc = cells_indexed(fdt, parent, FDT_SLOT_SIZE_CELLS, 1);
		len = slot_prop(fdt, i, FDT_SLOT_REG, &t);
		p = prop_value(len, &t, &len);
	} else {
		int parent = fdt_parent(fdt, node);
		ac = cells_of(fdt, parent, FDT_SLOT_ADDRESS_CELLS, 2);
		sc = cells_of(fdt, parent, FDT_SLOT_SIZE_CELLS, 1);
		p = getprop_slot(fdt, node, FDT_SLOT_REG, &len);
	}

	if (ac < 0 || sc < 0)
		return ac < 0 ? ac : sc;
	/* Wider numbers (PCI's 3-cell addresses) do not fit a uint64_t. */
	if (ac < 1 || ac > 2 || sc > 2 || idx < 0)
		return -EINVAL;
	if (!p)
		return len;
	entry = (ac + sc) * 4;
	if (len % entry)
		return -EINVAL;
	if (idx >= len / entry)
		return -ENOENT;
	p += (size_t)idx * entry;
	*base = read_cells(p, ac);
	if (size)
		*size = sc ? read_cells(p + ac * 4, sc) : 0;
	return 0;
}

int fdt_node_by_phandle(const struct fdt *fdt, uint32_t ph)
{
	int depth = 0;

	for (int i = 0; i < fdt->nr_nodes; i++)
		if (fdt->nodes[i].has_phandle && fdt->nodes[i].phandle == ph)
			return (int)fdt->nodes[i].off;
	if (fdt->nodes)
		return -ENOENT;

	for (int n = fdt_root(fdt); n >= 0; n = fdt_next_node(fdt, n, &depth)) {
		uint32_t v;
		if ((!fdt_getprop_u32(fdt, n, "phandle", &v) ||
		     !fdt_getprop_u32(fdt, n, "linux,phandle", &v)) && v == ph)
			return n;
	}
	return -ENOENT;
}

/* The interrupt controller of node: its own interrupt-parent or the
 * nearest ancestor's (DTSpec 2.4.1). */
static int interrupt_parent(const struct fdt *fdt, int node)
{
	uint32_t ph;
	int err;

	if (fdt->nodes && node >= 0) {
		int i = node_index(fdt, node), p;
		if (i < 0)
			return -EINVAL;
		p = fdt->nodes[i].iparent;
		return p < 0 ? p : (int)fdt->nodes[p].off;
	}
	while (node >= 0) {
		err = fdt_getprop_u32(fdt, node, "interrupt-parent", &ph);
		if (!err)
			return fdt_node_by_phandle(fdt, ph);
		if (err != -ENOENT)
			return err;
		node = fdt_parent(fdt, node);
	}
	return node;
}

/* Decodes one 3-cell GIC specifier at p (type, number, flags). */
static int decode_gic(const uint8_t *p, uint32_t *intid, uint32_t *flags)
{
	uint32_t type = be32(p), num = be32(p + 4);

	if (type >= ARRAY_SIZE(gic_int_types) || num >= gic_int_types[type].count)
		return -EINVAL;
	*intid = gic_int_types[type].base + num;
	/* Bits 3:0 are the trigger; GICv2 PPIs carry a CPU mask in 15:8. */
	*flags = be32(p + 8) & 0xf;
	return 0;
}

int fdt_get_gic_interrupt(const struct fdt *fdt, int node, int idx,
			  uint32_t *intid, uint32_t *flags)
{
	int ctrl, len;
	uint32_t cells;
	const uint8_t *p;
	struct token t;

	if (idx < 0)
		return -EINVAL;
	if (fdt->nodes) {	/* the node looked up once, not per property */
		int i = node_index(fdt, node);
		if (i < 0 || (ctrl = fdt->nodes[i].iparent) < 0)
			return -EINVAL;
		len = slot_prop(fdt, ctrl, FDT_SLOT_INTERRUPT_CELLS, &t);
		p = prop_value(len, &t, &len);
		if (u32_value(p, len, &cells) || cells != GIC_INT_CELLS)
			return -EINVAL;
		len = slot_prop(fdt, i, FDT_SLOT_INTERRUPTS, &t);
		p = prop_value(len, &t, &len);
	} else {
		ctrl = interrupt_parent(fdt, node);
		if (ctrl < 0)
			return -EINVAL;	/* no controller: nothing to decode against */
		if (getprop_u32_slot(fdt, ctrl, FDT_SLOT_INTERRUPT_CELLS, &cells) ||
		    cells != GIC_INT_CELLS)
			return -EINVAL;
		p = getprop_slot(fdt, node, FDT_SLOT_INTERRUPTS, &len);
	}
	if (!p)
		return len;
	if (len % (GIC_INT_CELLS * 4))
		return -EINVAL;
	if (idx >= len / (GIC_INT_CELLS * 4))
		return -ENOENT;
	return decode_gic(p + (size_t)idx * GIC_INT_CELLS * 4, intid, flags);
}

/* Whether the nac + nic cells of an interrupt-map entry at p equal the
 * child's unit address and specifier under the mask (absent: all ones). */
static bool map_entry_matches(const uint8_t *p, const uint8_t *mask,
			      const uint32_t *key, int ncells)
{
	for (int i = 0; i < ncells; i++) {
		uint32_t m = mask ? be32(mask + 4 * i) : 0xffffffffu;
		if ((key[i] & m) != be32(p + 4 * i))
			return false;
	}
	return true;
}

/* Cells of an interrupt parent in a map entry: its unit address
 * (#address-cells, 0 when absent, DTSpec 2.4.3.1) and its specifier. */
static int parent_cells(const struct fdt *fdt, int parent, uint32_t *pac,
			uint32_t *pic)
{
	int err = fdt_getprop_u32(fdt, parent, "#address-cells", pac);

	if (err == -ENOENT)
		*pac = 0;
	else if (err)
		return err;
	if (fdt_getprop_u32(fdt, parent, "#interrupt-cells", pic))
		return -EINVAL;
	return *pac <= 4 && *pic >= 1 && *pic <= 4 ? 0 : -EINVAL;
}

#define MAP_MAX_CELLS 8		/* unit address + specifier of one side */
#define MAP_MAX_DEPTH 8		/* nexus nodes chained */

static int map_interrupt(const struct fdt *fdt, int nexus, const uint32_t *key,
			 int depth, uint32_t *intid, uint32_t *flags)
{
	uint32_t nac, nic, pac, pic, next[MAP_MAX_CELLS];
	int len, mlen, err;
	const uint8_t *map, *mask, *p, *end;

	if (depth > MAP_MAX_DEPTH)
		return -EINVAL;
	if ((err = parent_cells(fdt, nexus, &nac, &nic)))
		return err;
	if (nac + nic > MAP_MAX_CELLS)
		return -EINVAL;
	map = fdt_getprop(fdt, nexus, "interrupt-map", &len);
	if (!map)
		return len;
	mask = fdt_getprop(fdt, nexus, "interrupt-map-mask", &mlen);
	if (mask && mlen != (int)(nac + nic) * 4)
		return -EINVAL;
	for (p = map, end = map + len; p + (nac + nic + 1) * 4 <= end;) {
		int parent = fdt_node_by_phandle(fdt, be32(p + (nac + nic) * 4));
		if (parent < 0 || (err = parent_cells(fdt, parent, &pac, &pic)))
			return parent < 0 ? -EINVAL : err;
		const uint8_t *pspec = p + (nac + nic + 1 + pac) * 4;
		if (pspec + pic * 4 > end || pac + pic > MAP_MAX_CELLS)
			return -EINVAL;
		if (map_entry_matches(p, mask, key, (int)(nac + nic))) {
			if (!fdt_getprop(fdt, parent, "interrupt-map", NULL))
				return pic == GIC_INT_CELLS ?
				       decode_gic(pspec, intid, flags) : -EINVAL;
			for (uint32_t i = 0; i < pac + pic; i++)
				next[i] = be32(p + (nac + nic + 1 + i) * 4);
			return map_interrupt(fdt, parent, next, depth + 1,
					     intid, flags);
		}
		p = pspec + pic * 4;
	}
	return p == end ? -ENOENT : -EINVAL;
}

int fdt_map_gic_interrupt(const struct fdt *fdt, int nexus,
			  const uint32_t *key, uint32_t *intid, uint32_t *flags)
{
	return map_interrupt(fdt, nexus, key, 0, intid, flags);
}

const char *fdt_chosen_stdout(const struct fdt *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *s;

	if (chosen < 0)
		return NULL;
	s = fdt_getprop_string(fdt, chosen, "stdout-path");
	return s ? s : fdt_getprop_string(fdt, chosen, "linux,stdout-path");
}

int fdt_get_mem_rsv(const struct fdt *fdt, int idx, uint64_t *base,
		    uint64_t *size)
{
	if (idx < 0)
		return -EINVAL;
	/* The list ends at an all-zero entry (5.3.2), which must be inside
	 * the blob; entries before idx are checked for it too. */
	for (int i = 0;; i++) {
		uint64_t off = fdt->off_rsvmap + (uint64_t)i * RSV_ENTRY_LEN;
		if (off + RSV_ENTRY_LEN > fdt->total_size)
			return -EINVAL;
		uint64_t b = be64(fdt->blob + off);
		uint64_t s = be64(fdt->blob + off + 8);
		if (!b && !s)
			return -ENOENT;
		if (i == idx) {
			*base = b;
			*size = s;
			return 0;
		}
	}
}
