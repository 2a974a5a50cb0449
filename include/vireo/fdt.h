/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Read-only access to a flattened device tree (DTSpec v0.4, chapter 5).
 * Nodes are named by their offset in the structure block (an int >= 0);
 * negative values are -errno.  Every accessor bounds-checks against the
 * blob's declared sizes, so a corrupt blob yields errors, never a fault.
 * Portable: built unchanged into the kernel and the host unit tests.
 * Any context; the blob is never written.
 *
 * fdt_index() validates the whole structure block once and records every
 * node (offset, parent, subtree end, phandle, interrupt parent, where its
 * common properties are, a filter of its "compatible" strings); from then on
 * every lookup is answered from that index and reads properties without
 * re-checking them.  Without an index (or when the tree is too malformed
 * to index), each access checks what it reads, as before.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Properties whose place in each node the index records, so that their
 * lookup does not walk the node's properties (fdt.c: slot_names[]).
 */
enum fdt_slot {
	FDT_SLOT_COMPATIBLE,
	FDT_SLOT_REG,
	FDT_SLOT_INTERRUPTS,
	FDT_SLOT_INTERRUPT_PARENT,
	FDT_SLOT_STATUS,
	FDT_SLOT_DEVICE_TYPE,
	FDT_SLOT_ADDRESS_CELLS,
	FDT_SLOT_SIZE_CELLS,
	FDT_SLOT_INTERRUPT_CELLS,
	FDT_SLOT_RANGES,
	FDT_NR_SLOTS
};

/* One node of the index; indexes are positions in fdt->nodes. */
struct fdt_node {
	uint32_t off;		/* its BEGIN_NODE token */
	uint32_t props;		/* the token after its name */
	uint32_t end;		/* index of the first node after its subtree */
	int32_t parent;		/* -1 for the root */
	uint32_t depth;		/* 0 for the root */
	uint32_t phandle;	/* "phandle" (else "linux,phandle") ... */
	uint32_t compat_bloom;	/* a bit per "compatible" string's hash */
	int32_t iparent;	/* interrupt parent's index, or -errno */
	/* Per enum fdt_slot: 0 absent, else 1 + (its PROP token - props) / 4;
	 * FDT_SLOT_FAR when too far to say (then the properties are walked). */
	uint16_t slot[FDT_NR_SLOTS];
	bool has_phandle;	/* ... when it has one */
};
#define FDT_SLOT_FAR 0xffffu

struct fdt {
	const struct fdt_node *nodes;	/* NULL until fdt_index() */
	int nr_nodes;
	const uint8_t *blob;
	uint32_t total_size;
	uint32_t off_struct, size_struct;
	uint32_t off_strings, size_strings;
	uint32_t strings_end;	/* 1 + the strings block's last NUL, or 0 */
	uint32_t off_rsvmap;
};

/* Validates the header (magic, version >= 16, sizes within max_size and
 * consistent).  0, or -EINVAL. */
int fdt_init(struct fdt *fdt, const void *blob, size_t max_size);
size_t fdt_total_size(const struct fdt *fdt);
/*
 * Validates every token of the structure block (bounds, names, nesting:
 * NOPs, one root node, END) and indexes its nodes into nodes[0..max).
 * Returns the number of nodes; when that is more than max nothing is
 * indexed (nodes may be NULL to count).  -EINVAL for a malformed tree,
 * which stays unindexed.  nodes must outlive every later lookup.
 */
int fdt_index(struct fdt *fdt, struct fdt_node *nodes, int max);

/* The root node's offset (or -EINVAL). */
int fdt_root(const struct fdt *fdt);
/* Depth-first walk: the node after node, with *depth adjusted (+1 into a
 * child, -n back out).  Returns -ENOENT at the end of the tree. */
int fdt_next_node(const struct fdt *fdt, int node, int *depth);
/* First child / next sibling of a node, -ENOENT when none. */
int fdt_first_subnode(const struct fdt *fdt, int node);
int fdt_next_subnode(const struct fdt *fdt, int node);
/* The parent of node, -ENOENT for the root. */
int fdt_parent(const struct fdt *fdt, int node);
/* "name@unit" of a node ("" for the root); NULL if node is not one. */
const char *fdt_node_name(const struct fdt *fdt, int node);
/* Node by absolute path ("/cpus/cpu@0"); a unit address may be omitted
 * when it is unambiguous ("/psci").  -ENOENT when absent. */
int fdt_path_offset(const struct fdt *fdt, const char *path);
/* Subnode of parent by name (with or without its unit address). */
int fdt_subnode_offset(const struct fdt *fdt, int parent, const char *name);

/* Property value and its length in *len (may be NULL); NULL if absent
 * (*len is then -ENOENT, or -EINVAL for a corrupt node).  The value is
 * not necessarily NUL-terminated: use fdt_getprop_string for strings. */
const void *fdt_getprop(const struct fdt *fdt, int node, const char *name,
			int *len);
/* A string property (the first string of a list), NULL when absent or
 * not NUL-terminated within its length. */
const char *fdt_getprop_string(const struct fdt *fdt, int node,
			       const char *name);
/* One big-endian cell.  0, -ENOENT, or -EINVAL when too short. */
int fdt_getprop_u32(const struct fdt *fdt, int node, const char *name,
		    uint32_t *out);
/* Reads a 1- or 2-cell number at cell index idx of a property: 0,
 * -ENOENT (absent, or idx past the end) or -EINVAL (bad ncells/idx). */
int fdt_getprop_cells(const struct fdt *fdt, int node, const char *name,
		      int idx, int ncells, uint64_t *out);
/* Whether the "compatible" string list of node contains compat. */
bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat);
/* Next node after start (-1 to begin) compatible with compat, -ENOENT. */
int fdt_next_compatible(const struct fdt *fdt, int start, const char *compat);
/* "status" absent, "okay" or "ok". */
bool fdt_node_enabled(const struct fdt *fdt, int node);

/* #address-cells / #size-cells that apply to node's reg (its parent's;
 * 2 and 1 when absent, per DTSpec 2.3.5). */
int fdt_address_cells(const struct fdt *fdt, int node);
int fdt_size_cells(const struct fdt *fdt, int node);
/* Entry idx of node's "reg": 0, -ENOENT (no such entry) or -EINVAL.
 * size may be NULL; it is 0 when #size-cells is 0 (cpu nodes).  The
 * address is in the parent bus's space: "ranges" are not applied, which
 * is exact for QEMU virt (devices at the root, identity ranges). */
int fdt_get_reg(const struct fdt *fdt, int node, int idx, uint64_t *base,
		uint64_t *size);

/* Entry idx of node's "interrupts" for an ARM GIC parent (3 cells: type,
 * number, flags): *intid is the GIC INTID (SPI n -> 32 + n, PPI n ->
 * 16 + n; GICv3.1 ESPI n -> 4096 + n, EPPI n -> 1056 + n), *flags the
 * trigger flags (1 = rising edge, 4 = level high; the GICv2 PPI CPU mask
 * is dropped).  The interrupt parent (inherited from ancestors) must have
 * #interrupt-cells = 3.  0, -ENOENT (no such entry), -EINVAL. */
int fdt_get_gic_interrupt(const struct fdt *fdt, int node, int idx,
			  uint32_t *intid, uint32_t *flags);

/* The node whose phandle (or legacy linux,phandle) is ph, or -ENOENT. */
int fdt_node_by_phandle(const struct fdt *fdt, uint32_t ph);
/*
 * Translates an interrupt of a child of the nexus node through its
 * "interrupt-map" and "interrupt-map-mask" (DTSpec 2.4.3), following
 * further nexus nodes, down to a GIC specifier: *intid and *flags as
 * fdt_get_gic_interrupt.  key holds the child's unit address
 * (#address-cells of the nexus) followed by its specifier
 * (#interrupt-cells of the nexus), e.g. a PCI device's 3-cell address
 * and its pin.  0, -ENOENT (no entry matches) or -EINVAL (malformed).
 */
int fdt_map_gic_interrupt(const struct fdt *fdt, int nexus,
			  const uint32_t *key, uint32_t *intid, uint32_t *flags);

/* /chosen stdout-path (or linux,stdout-path), NULL when absent. */
const char *fdt_chosen_stdout(const struct fdt *fdt);
/* Memory reservation block entry idx (5.3): 0, -ENOENT at the end. */
int fdt_get_mem_rsv(const struct fdt *fdt, int idx, uint64_t *base,
		    uint64_t *size);
