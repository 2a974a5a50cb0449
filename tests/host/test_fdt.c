// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of kernel/fdt.c against device trees dumped from QEMU's virt
 * machine (fixtures/, see fixtures/regen.sh): GICv3 with 4 CPUs and 1 GiB,
 * GICv2 with 2 CPUs and 128 MiB.  Then hostile input: bad headers, every
 * truncation of a fixture, hand-built blobs with lying lengths,
 * unterminated strings and deep nesting, and random byte flips.  Blobs
 * live in malloc'd buffers of their exact size, so ASan reports any read
 * past the end; none may happen.  The fixture checks run on an unindexed
 * and an indexed tree (fdt_index); every blob the index accepts must
 * answer every lookup exactly as the checked walks do.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <vireo/compiler.h>
#include <vireo/fdt.h>
#include "unit.h"

struct blob {
	uint8_t *data;
	size_t len;
};

static struct blob load(const char *name)
{
	char path[512];
	struct blob b = { NULL, 0 };
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", FIXTURE_DIR, name);
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	b.len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	b.data = malloc(b.len);
	if (fread(b.data, 1, b.len, f) != b.len)
		exit(2);
	fclose(f);
	return b;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static struct blob copy_of(const uint8_t *data, size_t len)
{
	struct blob b = { malloc(len ? len : 1), len };

	memcpy(b.data, data, len);
	return b;
}

/* While set, open_fixture() indexes the tree it opens. */
static bool index_fixtures;
static struct fdt_node fixture_nodes[128];

static struct fdt open_fixture(struct blob *b, const char *name)
{
	struct fdt fdt;

	*b = load(name);
	EXPECT_EQ(fdt_init(&fdt, b->data, b->len), 0);
	if (index_fixtures)
		EXPECT(fdt_index(&fdt, fixture_nodes, ARRAY_SIZE(fixture_nodes)) > 0);
	return fdt;
}

static int path(const struct fdt *fdt, const char *p)
{
	return fdt_path_offset(fdt, p);
}

/* ---- a QEMU virt tree, either GIC version ---- */

struct machine {
	const char *file;
	uint64_t ram;
	int nr_cpus;
	int nr_nodes;
	const char *psci_method;
};

static const struct machine gicv3 = { "virt-gicv3.dtb", 1ull << 30, 4, 62,
				      "smc" };
static const struct machine gicv2 = { "virt-gicv2.dtb", 128ull << 20, 2, 58,
				      "hvc" };

static void check_header(const struct machine *m)
{
	struct blob b;
	struct fdt fdt = open_fixture(&b, m->file);
	uint64_t base, size;

	EXPECT_EQ(fdt_total_size(&fdt), b.len);
	EXPECT_EQ(fdt_root(&fdt), 0);
	EXPECT_STR(fdt_node_name(&fdt, 0), "");
	EXPECT_EQ(fdt_get_mem_rsv(&fdt, 0, &base, &size), -ENOENT);
	/* Misaligned in memory: every read is bytewise. */
	uint8_t *odd = malloc(b.len + 1);
	memcpy(odd + 1, b.data, b.len);
	struct fdt f2;
	EXPECT_EQ(fdt_init(&f2, odd + 1, b.len), 0);
	int mem = fdt_path_offset(&f2, "/memory");
	EXPECT_EQ(fdt_get_reg(&f2, mem, 0, &base, &size), 0);
	EXPECT_EQ(base, 0x40000000);
	EXPECT_EQ(size, m->ram);
	free(odd);
	free(b.data);
}

static void check_memory(const struct machine *m)
{
	struct blob b;
	struct fdt fdt = open_fixture(&b, m->file);
	uint64_t base = 0, size = 0;
	int node = path(&fdt, "/memory@40000000");

	EXPECT(node > 0);
	EXPECT_EQ(path(&fdt, "/memory"), node);
	EXPECT_STR(fdt_getprop_string(&fdt, node, "device_type"), "memory");
	EXPECT_EQ(fdt_address_cells(&fdt, node), 2);
	EXPECT_EQ(fdt_size_cells(&fdt, node), 2);
	EXPECT_EQ(fdt_get_reg(&fdt, node, 0, &base, &size), 0);
	EXPECT_EQ(base, 0x40000000);
	EXPECT_EQ(size, m->ram);
	EXPECT_EQ(fdt_get_reg(&fdt, node, 1, &base, &size), -ENOENT);
	EXPECT_EQ(fdt_get_reg(&fdt, node, -1, &base, &size), -EINVAL);
	free(b.data);
}

static void check_cpus(const struct machine *m)
{
	struct blob b;
	struct fdt fdt = open_fixture(&b, m->file);
	int cpus = path(&fdt, "/cpus"), n = 0;

	EXPECT(cpus > 0);
	for (int c = fdt_first_subnode(&fdt, cpus); c >= 0;
	     c = fdt_next_subnode(&fdt, c)) {
		const char *type = fdt_getprop_string(&fdt, c, "device_type");
		uint64_t mpidr = ~0ull, size = ~0ull;
		char name[16];

		if (!type || strcmp(type, "cpu"))
			continue;	/* cpu-map */
		snprintf(name, sizeof(name), "cpu@%d", n);
		EXPECT_STR(fdt_node_name(&fdt, c), name);
		EXPECT_EQ(fdt_address_cells(&fdt, c), 1);
		EXPECT_EQ(fdt_size_cells(&fdt, c), 0);
		EXPECT_EQ(fdt_get_reg(&fdt, c, 0, &mpidr, &size), 0);
		EXPECT_EQ(mpidr, n);	/* Aff0 = n on virt */
		EXPECT_EQ(size, 0);
		EXPECT_EQ(fdt_get_reg(&fdt, c, 0, &mpidr, NULL), 0);
		EXPECT_STR(fdt_getprop_string(&fdt, c, "enable-method"), "psci");
		EXPECT(fdt_is_compatible(&fdt, c, "arm,cortex-a53"));
		EXPECT(fdt_node_enabled(&fdt, c));
		EXPECT_EQ(fdt_parent(&fdt, c), cpus);
		n++;
	}
	EXPECT_EQ(n, m->nr_cpus);
	free(b.data);
}

static void expect_reg(const struct fdt *fdt, int node, int idx, uint64_t base,
		       uint64_t size)
{
	uint64_t b = 0, s = 0;

	EXPECT_EQ(fdt_get_reg(fdt, node, idx, &b, &s), 0);
	EXPECT_EQ(b, base);
	EXPECT_EQ(s, size);
}

static void expect_irq(const struct fdt *fdt, int node, int idx,
		       uint32_t intid, uint32_t flags)
{
	uint32_t i = 0, f = 0;

	EXPECT_EQ(fdt_get_gic_interrupt(fdt, node, idx, &i, &f), 0);
	EXPECT_EQ(i, intid);
	EXPECT_EQ(f, flags);
}

static void check_devices(const struct machine *m)
{
	struct blob b;
	struct fdt fdt = open_fixture(&b, m->file);
	uint32_t intid, flags;

	/* Timer: secure, non-secure, virtual, hypervisor PPIs 13, 14, 11, 10
	 * (level-high; GICv2 adds a CPU mask in bits 15:8, dropped). */
	int timer = fdt_next_compatible(&fdt, -1, "arm,armv8-timer");
	EXPECT_EQ(timer, path(&fdt, "/timer"));
	EXPECT(fdt_is_compatible(&fdt, timer, "arm,armv7-timer"));
	expect_irq(&fdt, timer, 0, 29, 4);
	expect_irq(&fdt, timer, 1, 30, 4);
	expect_irq(&fdt, timer, 2, 27, 4);
	expect_irq(&fdt, timer, 3, 26, 4);
	EXPECT_EQ(fdt_get_gic_interrupt(&fdt, timer, 4, &intid, &flags), -ENOENT);
	int len = -1;
	EXPECT(fdt_getprop(&fdt, timer, "always-on", &len) != NULL);
	EXPECT_EQ(len, 0);

	/* UART: SPI 1, level-high. */
	int uart = fdt_next_compatible(&fdt, -1, "arm,pl011");
	EXPECT_STR(fdt_node_name(&fdt, uart), "pl011@9000000");
	expect_reg(&fdt, uart, 0, 0x9000000, 0x1000);
	expect_irq(&fdt, uart, 0, 33, 4);
	EXPECT_STR(fdt_chosen_stdout(&fdt), "/pl011@9000000");
	EXPECT_EQ(path(&fdt, fdt_chosen_stdout(&fdt)), uart);
	EXPECT_EQ(path(&fdt, "/pl011"), uart);
	EXPECT_EQ(fdt_parent(&fdt, uart), 0);

	/* RTC: SPI 2. */
	int rtc = fdt_next_compatible(&fdt, -1, "arm,pl031");
	expect_reg(&fdt, rtc, 0, 0x9010000, 0x1000);
	expect_irq(&fdt, rtc, 0, 34, 4);

	/* PSCI. */
	int psci = path(&fdt, "/psci");
	EXPECT(psci > 0);
	EXPECT_EQ(fdt_next_compatible(&fdt, -1, "arm,psci-1.0"), psci);
	EXPECT_EQ(fdt_next_compatible(&fdt, -1, "arm,psci-0.2"), psci);
	EXPECT_EQ(fdt_next_compatible(&fdt, psci, "arm,psci-0.2"), -ENOENT);
	EXPECT_STR(fdt_getprop_string(&fdt, psci, "method"), m->psci_method);
	uint32_t fn = 0;
	EXPECT_EQ(fdt_getprop_u32(&fdt, psci, "cpu_on", &fn), 0);
	EXPECT_EQ(fn, 0xc4000003);

	/* The 32 virtio-mmio slots, SPIs 16..47, edge-triggered. */
	int n = 0;
	for (int v = fdt_next_compatible(&fdt, -1, "virtio,mmio"); v >= 0;
	     v = fdt_next_compatible(&fdt, v, "virtio,mmio")) {
		uint64_t base, size;
		EXPECT_EQ(fdt_get_reg(&fdt, v, 0, &base, &size), 0);
		EXPECT_EQ(fdt_get_gic_interrupt(&fdt, v, 0, &intid, &flags), 0);
		EXPECT_EQ(intid, 32 + 16 + (base - 0xa000000) / 0x200);
		EXPECT_EQ(flags, 1);
		n++;
	}
	EXPECT_EQ(n, 32);
	free(b.data);
}

TEST(gicv3_header)
{
	check_header(&gicv3);
}

TEST(gicv2_header)
{
	check_header(&gicv2);
}

TEST(gicv3_memory)
{
	check_memory(&gicv3);
}

TEST(gicv2_memory)
{
	check_memory(&gicv2);
}

TEST(gicv3_cpus)
{
	check_cpus(&gicv3);
}

TEST(gicv2_cpus)
{
	check_cpus(&gicv2);
}

TEST(gicv3_devices)
{
	check_devices(&gicv3);
}

TEST(gicv2_devices)
{
	check_devices(&gicv2);
}

TEST(gicv3_interrupt_controller)
{
	struct blob b;
	struct fdt fdt = open_fixture(&b, gicv3.file);
	int gic = fdt_next_compatible(&fdt, -1, "arm,gic-v3");
	uint32_t v = 0;

	EXPECT_EQ(gic, path(&fdt, "/intc@8000000"));
	EXPECT_EQ(fdt_next_compatible(&fdt, -1, "arm,cortex-a15-gic"), -ENOENT);
	expect_reg(&fdt, gic, 0, 0x8000000, 0x10000);	/* distributor */
	expect_reg(&fdt, gic, 1, 0x80a0000, 0xf60000);	/* redistributors */
	EXPECT_EQ(fdt_get_reg(&fdt, gic, 2, &(uint64_t){ 0 }, NULL), -ENOENT);
	EXPECT_EQ(fdt_getprop_u32(&fdt, gic, "#redistributor-regions", &v), 0);
	EXPECT_EQ(v, 1);
	EXPECT_EQ(fdt_getprop_u32(&fdt, gic, "#interrupt-cells", &v), 0);
	EXPECT_EQ(v, 3);
	EXPECT(fdt_getprop(&fdt, gic, "interrupt-controller", NULL) != NULL);
	expect_irq(&fdt, gic, 0, 25, 4);	/* maintenance: PPI 9 */
	int its = fdt_first_subnode(&fdt, gic);
	EXPECT_STR(fdt_node_name(&fdt, its), "its@8080000");
	EXPECT(fdt_is_compatible(&fdt, its, "arm,gic-v3-its"));
	EXPECT_EQ(fdt_parent(&fdt, its), gic);
	expect_reg(&fdt, its, 0, 0x8080000, 0x20000);
	EXPECT_EQ(fdt_next_subnode(&fdt, its), -ENOENT);
	free(b.data);
}

TEST(gicv2_interrupt_controller)
{
	struct blob b;
	struct fdt fdt = open_fixture(&b, gicv2.file);
	int gic = fdt_next_compatible(&fdt, -1, "arm,cortex-a15-gic");

	EXPECT_EQ(gic, path(&fdt, "/intc"));
	EXPECT_EQ(fdt_next_compatible(&fdt, -1, "arm,gic-v3"), -ENOENT);
	expect_reg(&fdt, gic, 0, 0x8000000, 0x10000);	/* distributor */
	expect_reg(&fdt, gic, 1, 0x8010000, 0x10000);	/* CPU interface */
	EXPECT_EQ(fdt_get_reg(&fdt, gic, 2, &(uint64_t){ 0 }, NULL), -ENOENT);
	int v2m = fdt_subnode_offset(&fdt, gic, "v2m");
	EXPECT_EQ(v2m, fdt_subnode_offset(&fdt, gic, "v2m@8020000"));
	EXPECT(fdt_is_compatible(&fdt, v2m, "arm,gic-v2m-frame"));
	expect_reg(&fdt, v2m, 0, 0x8020000, 0x1000);
	free(b.data);
}

TEST(path_lookup)
{
	struct blob b;
	struct fdt fdt = open_fixture(&b, gicv3.file);
	int cpus = path(&fdt, "/cpus"), cpu1 = path(&fdt, "/cpus/cpu@1");

	EXPECT_EQ(path(&fdt, "/"), 0);
	EXPECT(cpus > 0 && cpu1 > cpus);
	EXPECT_EQ(path(&fdt, "//cpus///cpu@1/"), cpu1);
	EXPECT_EQ(fdt_subnode_offset(&fdt, cpus, "cpu@1"), cpu1);
	EXPECT_EQ(path(&fdt, "/cpus/cpu"), -ENOENT);	/* ambiguous */
	EXPECT_EQ(path(&fdt, "/cpus/cpu@4"), -ENOENT);
	EXPECT_EQ(path(&fdt, "/cpus/cpu@"), -ENOENT);
	EXPECT_EQ(path(&fdt, "/cpu"), -ENOENT);
	EXPECT_EQ(path(&fdt, "/nonexistent/cpu@0"), -ENOENT);
	EXPECT_EQ(path(&fdt, "cpus"), -EINVAL);	/* not absolute */
	EXPECT_EQ(path(&fdt, ""), -EINVAL);
	int core2 = path(&fdt, "/cpus/cpu-map/socket0/cluster0/core2");
	EXPECT_STR(fdt_node_name(&fdt, core2), "core2");
	uint32_t ph = 0, cpu_ph = 0;
	EXPECT_EQ(fdt_getprop_u32(&fdt, core2, "cpu", &ph), 0);
	EXPECT_EQ(fdt_getprop_u32(&fdt, path(&fdt, "/cpus/cpu@2"), "phandle",
				  &cpu_ph), 0);
	EXPECT_EQ(ph, cpu_ph);
	EXPECT_EQ(path(&fdt, "/chosen"), fdt_subnode_offset(&fdt, 0, "chosen"));
	/* A unit address names one node exactly, never a prefix of one. */
	EXPECT_EQ(path(&fdt, "/pl011@900000"), -ENOENT);
	EXPECT_EQ(path(&fdt, "/pl01"), -ENOENT);
	free(b.data);
}

TEST(parent_and_subnodes)
{
	struct blob b;
	struct fdt fdt = open_fixture(&b, gicv3.file);
	int cpus = path(&fdt, "/cpus");
	int cluster = path(&fdt, "/cpus/cpu-map/socket0/cluster0");
	int core2 = path(&fdt, "/cpus/cpu-map/socket0/cluster0/core2");
	static const char *const names[] = { "cpu-map", "cpu@0", "cpu@1",
					     "cpu@2", "cpu@3" };
	size_t i = 0;

	EXPECT_EQ(fdt_parent(&fdt, 0), -ENOENT);
	EXPECT_EQ(fdt_parent(&fdt, cpus), 0);
	EXPECT_EQ(fdt_parent(&fdt, core2), cluster);
	EXPECT_EQ(fdt_parent(&fdt, cluster), path(&fdt, "/cpus/cpu-map/socket0"));
	EXPECT_EQ(fdt_parent(&fdt, 4), -EINVAL);	/* not a node */
	EXPECT_EQ(fdt_parent(&fdt, -1), -EINVAL);
	EXPECT_EQ(fdt_parent(&fdt, 1 << 30), -EINVAL);
	EXPECT(fdt_node_name(&fdt, 4) == NULL);
	for (int c = fdt_first_subnode(&fdt, cpus); c >= 0;
	     c = fdt_next_subnode(&fdt, c), i++)
		EXPECT(i < ARRAY_SIZE(names) &&
		       !strcmp(fdt_node_name(&fdt, c), names[i]));
	EXPECT_EQ(i, ARRAY_SIZE(names));
	EXPECT_EQ(fdt_first_subnode(&fdt, core2), -ENOENT);	/* a leaf */
	EXPECT_EQ(fdt_next_subnode(&fdt, cpus), path(&fdt, "/timer"));

	/* Root children counted by subnode iteration and by a full walk. */
	int nr_children = 0, nr_depth1 = 0, nr_nodes = 1, depth = 0, node;
	for (int c = fdt_first_subnode(&fdt, 0); c >= 0;
	     c = fdt_next_subnode(&fdt, c)) {
		EXPECT_EQ(fdt_parent(&fdt, c), 0);
		nr_children++;
	}
	for (node = fdt_next_node(&fdt, 0, &depth); node >= 0;
	     node = fdt_next_node(&fdt, node, &depth)) {
		EXPECT(depth >= 1);
		nr_depth1 += depth == 1;
		nr_nodes++;
	}
	EXPECT_EQ(node, -ENOENT);
	EXPECT_EQ(nr_children, 48);
	EXPECT_EQ(nr_depth1, nr_children);
	EXPECT_EQ(nr_nodes, gicv3.nr_nodes);
	free(b.data);
}

TEST(property_accessors)
{
	struct blob b;
	struct fdt fdt = open_fixture(&b, gicv3.file);
	int mem = path(&fdt, "/memory"), len = 0;
	uint32_t v;
	uint64_t c;

	EXPECT(fdt_getprop(&fdt, mem, "reg", &len) != NULL);
	EXPECT_EQ(len, 16);
	EXPECT(fdt_getprop(&fdt, mem, "nope", &len) == NULL);
	EXPECT_EQ(len, -ENOENT);
	EXPECT(fdt_getprop(&fdt, 4, "reg", &len) == NULL);
	EXPECT_EQ(len, -EINVAL);
	EXPECT_EQ(fdt_getprop_u32(&fdt, mem, "nope", &v), -ENOENT);
	EXPECT_EQ(fdt_getprop_cells(&fdt, mem, "reg", 1, 1, &c), 0);
	EXPECT_EQ(c, 0x40000000);
	EXPECT_EQ(fdt_getprop_cells(&fdt, mem, "reg", 2, 2, &c), 0);
	EXPECT_EQ(c, 0x40000000);
	EXPECT_EQ(fdt_getprop_cells(&fdt, mem, "reg", 3, 2, &c), -ENOENT);
	EXPECT_EQ(fdt_getprop_cells(&fdt, mem, "reg", 0, 3, &c), -EINVAL);
	EXPECT_EQ(fdt_getprop_cells(&fdt, mem, "reg", -1, 1, &c), -EINVAL);
	EXPECT_EQ(fdt_getprop_cells(&fdt, mem, "reg", INT32_MAX, 2, &c),
		  -ENOENT);
	int timer = path(&fdt, "/timer");
	EXPECT_EQ(fdt_getprop_u32(&fdt, timer, "always-on", &v), -EINVAL);
	EXPECT(!fdt_is_compatible(&fdt, timer, "arm,armv8"));	/* no prefix */
	EXPECT(!fdt_is_compatible(&fdt, timer, ""));
	EXPECT(!fdt_is_compatible(&fdt, mem, "memory"));	/* none at all */
	/* The memory node has no interrupts. */
	EXPECT_EQ(fdt_get_gic_interrupt(&fdt, mem, 0, &v, &v), -ENOENT);
	free(b.data);
}

/* ---- hand-built blobs ---- */

#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

/* Builds a blob token by token: header, reservation map, structure
 * block, strings block, in that order. */
static struct builder {
	uint8_t st[256 * 1024];
	size_t st_len;
	char str[1024];
	size_t str_len;
	uint64_t rsv[8][2];
	int nr_rsv;
} bld;

static void b_reset(void)
{
	memset(&bld, 0, sizeof(bld));
}

static void b_u32(uint32_t v)
{
	put_be32(bld.st + bld.st_len, v);
	bld.st_len += 4;
}

static void b_bytes(const void *p, size_t n)
{
	memcpy(bld.st + bld.st_len, p, n);
	bld.st_len = ALIGN_UP(bld.st_len + n, 4);	/* zero padded */
}

static void b_begin(const char *name)
{
	b_u32(FDT_BEGIN_NODE);
	b_bytes(name, strlen(name) + 1);
}

static void b_end(void)
{
	b_u32(FDT_END_NODE);
}

static uint32_t b_string(const char *s)
{
	for (size_t off = 0; off < bld.str_len; off += strlen(bld.str + off) + 1)
		if (!strcmp(bld.str + off, s))
			return (uint32_t)off;
	memcpy(bld.str + bld.str_len, s, strlen(s) + 1);
	bld.str_len += strlen(s) + 1;
	return (uint32_t)(bld.str_len - strlen(s) - 1);
}

static void b_prop(const char *name, const void *val, size_t len)
{
	b_u32(FDT_PROP);
	b_u32((uint32_t)len);
	b_u32(b_string(name));
	b_bytes(val, len);
}

static void b_prop_str(const char *name, const char *s)
{
	b_prop(name, s, strlen(s) + 1);
}

static void b_prop_cells(const char *name, int n, const uint32_t *cells)
{
	uint8_t buf[64];

	for (int i = 0; i < n; i++)
		put_be32(buf + 4 * i, cells[i]);
	b_prop(name, buf, 4 * (size_t)n);
}

static void b_prop_u32(const char *name, uint32_t v)
{
	b_prop_cells(name, 1, &v);
}

/* The finished blob in an exact-size buffer; FDT_END is appended. */
static struct blob b_finish(void)
{
	size_t off_rsv = 40, off_st = off_rsv + 16 * (bld.nr_rsv + 1);
	size_t off_str, total;
	struct blob b;

	b_u32(FDT_END);
	off_str = off_st + bld.st_len;
	total = off_str + bld.str_len;
	b.len = total;
	b.data = calloc(1, total);
	put_be32(b.data + 0, 0xd00dfeed);
	put_be32(b.data + 4, (uint32_t)total);
	put_be32(b.data + 8, (uint32_t)off_st);
	put_be32(b.data + 12, (uint32_t)off_str);
	put_be32(b.data + 16, (uint32_t)off_rsv);
	put_be32(b.data + 20, 17);
	put_be32(b.data + 24, 16);
	put_be32(b.data + 32, (uint32_t)bld.str_len);
	put_be32(b.data + 36, (uint32_t)bld.st_len);
	for (int i = 0; i < bld.nr_rsv; i++) {
		uint8_t *e = b.data + off_rsv + 16 * i;
		put_be32(e, bld.rsv[i][0] >> 32);
		put_be32(e + 4, (uint32_t)bld.rsv[i][0]);
		put_be32(e + 8, bld.rsv[i][1] >> 32);
		put_be32(e + 12, (uint32_t)bld.rsv[i][1]);
	}
	memcpy(b.data + off_st, bld.st, bld.st_len);
	memcpy(b.data + off_str, bld.str, bld.str_len);
	return b;
}

/* Structure offset of the blob's byte at file offset off. */
static uint8_t *st_byte(struct blob *b, size_t st_off)
{
	return b->data + get_be32(b->data + 8) + st_off;
}

/* A small valid tree used by several tests. */
static struct blob small_tree(void)
{
	static const uint32_t intr[] = { 0, 5, 4, 1, 2, 1, 2, 7, 4, 3, 3, 4 };

	b_reset();
	b_begin("");
	b_prop_u32("#address-cells", 1);
	b_prop_u32("#size-cells", 1);
	b_prop_u32("interrupt-parent", 1);
	b_begin("gic@1000");
	b_prop_u32("phandle", 1);
	b_prop_u32("#interrupt-cells", 3);
	b_end();
	b_begin("dev@2000");
	b_prop_cells("reg", 2, (const uint32_t[]){ 0x2000, 0x100 });
	b_prop_cells("interrupts", 12, intr);
	b_prop_str("status", "okay");
	b_end();
	b_begin("off@3000");
	b_prop_str("status", "disabled");
	b_u32(FDT_NOP);
	b_prop("compatible", "a,b\0c,d", 8);
	b_end();
	b_begin("ok@4000");
	b_prop_str("status", "ok");
	b_end();
	b_end();
	return b_finish();
}

TEST(built_tree_basics)
{
	struct blob b = small_tree();
	struct fdt fdt;
	uint32_t intid = 0, flags = 0;
	uint64_t base = 0, size = 0;

	EXPECT_EQ(fdt_init(&fdt, b.data, b.len), 0);
	int dev = path(&fdt, "/dev"), off = path(&fdt, "/off");
	expect_reg(&fdt, dev, 0, 0x2000, 0x100);
	expect_irq(&fdt, dev, 0, 37, 4);	/* SPI 5 */
	expect_irq(&fdt, dev, 1, 18, 1);	/* PPI 2 */
	expect_irq(&fdt, dev, 2, 4103, 4);	/* ESPI 7 */
	expect_irq(&fdt, dev, 3, 1059, 4);	/* EPPI 3 */
	EXPECT_EQ(fdt_get_gic_interrupt(&fdt, dev, 4, &intid, &flags), -ENOENT);
	EXPECT(fdt_node_enabled(&fdt, dev));
	EXPECT(!fdt_node_enabled(&fdt, off));
	EXPECT(fdt_node_enabled(&fdt, path(&fdt, "/ok")));
	EXPECT(fdt_node_enabled(&fdt, path(&fdt, "/gic")));	/* no status */
	EXPECT(fdt_is_compatible(&fdt, off, "c,d"));	/* after a NOP */
	EXPECT_EQ(fdt_next_compatible(&fdt, -1, "a,b"), off);
	EXPECT(fdt_chosen_stdout(&fdt) == NULL);
	EXPECT_EQ(fdt_get_reg(&fdt, off, 0, &base, &size), -ENOENT);
	free(b.data);
}

/* Starts a tree whose root has the interrupt parent "gic" (phandle 1,
 * 3 interrupt cells, 1 address cell for interrupt-map entries); the
 * root node is left open. */
static void b_gic_root(void)
{
	b_reset();
	b_begin("");
	b_prop_u32("interrupt-parent", 1);
	b_begin("gic");
	b_prop_u32("phandle", 1);
	b_prop_u32("#interrupt-cells", 3);
	b_prop_u32("#address-cells", 1);
	b_end();
}

TEST(bad_interrupt_specifiers)
{
	struct fdt fdt;

	/* SPI 988 is INTID 1020, a special ID; PPI 16 does not exist; type 4
	 * is unknown; a parent with 2 cells is not a GIC. */
	b_gic_root();
	b_begin("gpio");
	b_prop_u32("phandle", 2);
	b_prop_u32("#interrupt-cells", 2);
	b_end();
	b_begin("a");
	b_prop_cells("interrupts", 12,
		     (const uint32_t[]){ 0, 988, 4, 1, 16, 4, 4, 0, 4, 0, 987, 4 });
	b_end();
	b_begin("b");
	b_prop_u32("interrupt-parent", 2);
	b_prop_cells("interrupts", 3, (const uint32_t[]){ 0, 1, 4 });
	b_end();
	b_begin("c");
	b_prop_u32("interrupt-parent", 9);	/* dangling */
	b_prop_cells("interrupts", 3, (const uint32_t[]){ 0, 1, 4 });
	b_end();
	b_begin("d");
	b_prop_cells("interrupts", 2, (const uint32_t[]){ 0, 1 });
	b_end();
	b_end();
	struct blob b = b_finish();
	uint32_t i, f;

	EXPECT_EQ(fdt_init(&fdt, b.data, b.len), 0);
	int a = path(&fdt, "/a");
	EXPECT_EQ(fdt_get_gic_interrupt(&fdt, a, 0, &i, &f), -EINVAL);
	EXPECT_EQ(fdt_get_gic_interrupt(&fdt, a, 1, &i, &f), -EINVAL);
	EXPECT_EQ(fdt_get_gic_interrupt(&fdt, a, 2, &i, &f), -EINVAL);
	expect_irq(&fdt, a, 3, 1019, 4);
	EXPECT_EQ(fdt_get_gic_interrupt(&fdt, path(&fdt, "/b"), 0, &i, &f),
		  -EINVAL);
	EXPECT_EQ(fdt_get_gic_interrupt(&fdt, path(&fdt, "/c"), 0, &i, &f),
		  -EINVAL);
	EXPECT_EQ(fdt_get_gic_interrupt(&fdt, path(&fdt, "/d"), 0, &i, &f),
		  -EINVAL);
	free(b.data);
}

/* QEMU virt's PCIe interrupt-map: INTx of slot s, pin p (1..4) is SPI
 * 3 + (s + p - 1) % 4, level-high; only the slot's low two bits and the
 * pin are in the mask, so the bus and function do not matter. */
static void check_pci_interrupt_map(const char *file)
{
	struct blob b;
	struct fdt fdt = open_fixture(&b, file);
	int host = path(&fdt, "/pcie@10000000");
	uint32_t intid = 0, flags = 0;

	for (uint32_t bus = 0; bus < 3; bus++)
		for (uint32_t slot = 0; slot < 32; slot++)
			for (uint32_t pin = 1; pin <= 4; pin++) {
				uint32_t fn = (slot + pin) % 8;
				uint32_t key[4] = { bus << 16 | slot << 11 | fn << 8, 0, 0, pin };
				EXPECT_EQ(fdt_map_gic_interrupt(&fdt, host, key, &intid, &flags), 0);
				EXPECT_EQ(intid, 32 + 3 + (slot + pin - 1) % 4);
				EXPECT_EQ(flags, 4);
			}
	/* no pin, or a pin past INTD: no entry */
	EXPECT_EQ(fdt_map_gic_interrupt(&fdt, host, (const uint32_t[]){ 0x800, 0, 0, 0 },
					&intid, &flags), -ENOENT);
	EXPECT_EQ(fdt_map_gic_interrupt(&fdt, host, (const uint32_t[]){ 0x800, 0, 0, 5 },
					&intid, &flags), -ENOENT);
	/* a node without a map */
	EXPECT_EQ(fdt_map_gic_interrupt(&fdt, path(&fdt, "/pl011"),
					(const uint32_t[]){ 0, 0, 0, 1 }, &intid, &flags),
		  -EINVAL);
	free(b.data);
}

TEST(gicv3_pci_interrupt_map)
{
	check_pci_interrupt_map("virt-gicv3.dtb");
}

TEST(gicv2_pci_interrupt_map)
{
	check_pci_interrupt_map("virt-gicv2.dtb");
}

/* A nexus with map entries of 1 address cell + 1 interrupt cell, mapping
 * to a second nexus (no #address-cells: 0 cells, DTSpec 2.4.3.1) that
 * maps to the GIC, whose #address-cells is 1 here. */
static void nexus_tree(const uint32_t *map1, int n1, const uint32_t *mask1, int nmask)
{
	b_gic_root();
	b_begin("nexus2");
	b_prop_u32("phandle", 2);
	b_prop_u32("#interrupt-cells", 1);
	b_prop_cells("interrupt-map", 12, (const uint32_t[]){
		7, 1, 0, 0, 20, 4,	/* key 7 -> SPI 20 */
		8, 1, 0, 1, 2, 1 });	/* key 8 -> PPI 2 (edge) */
	b_end();
	b_begin("nexus1");
	b_prop_u32("phandle", 3);
	b_prop_u32("#address-cells", 1);
	b_prop_u32("#interrupt-cells", 1);
	b_prop_cells("interrupt-map", n1, map1);
	if (mask1)
		b_prop_cells("interrupt-map-mask", nmask, mask1);
	b_end();
	b_begin("loop");	/* maps onto itself */
	b_prop_u32("phandle", 4);
	b_prop_u32("#address-cells", 0);
	b_prop_u32("#interrupt-cells", 1);
	b_prop_cells("interrupt-map", 2, (const uint32_t[]){ 1, 4, 1 });
	b_end();
	b_end();
}

static int map_built(const uint32_t *map, int n, const uint32_t *mask, int nmask,
		     uint32_t addr, uint32_t spec, uint32_t *intid, uint32_t *flags)
{
	struct fdt fdt;
	struct blob b;
	int r;

	nexus_tree(map, n, mask, nmask);
	b = b_finish();
	EXPECT_EQ(fdt_init(&fdt, b.data, b.len), 0);
	r = fdt_map_gic_interrupt(&fdt, path(&fdt, "/nexus1"),
				  (const uint32_t[]){ addr, spec }, intid, flags);
	free(b.data);
	return r;
}

TEST(interrupt_map_chains_and_bad_maps)
{
	/* addr 0x10 pin 1 -> nexus2 key 7; addr 0x20 pin 2 -> nexus2 key 8;
	 * addr 0x30 pin 1 -> the GIC straight away (1 address cell). */
	static const uint32_t map[] = { 0x10, 1, 2, 7, 0x20, 2, 2, 8,
					0x30, 1, 1, 0, 0, 9, 4 };
	static const uint32_t mask[] = { 0xf0, 0x3 };
	uint32_t intid = 0, flags = 0;

	EXPECT_EQ(map_built(map, 15, NULL, 0, 0x10, 1, &intid, &flags), 0);
	EXPECT_EQ(intid, 52);
	EXPECT_EQ(flags, 4);
	EXPECT_EQ(map_built(map, 15, NULL, 0, 0x20, 2, &intid, &flags), 0);
	EXPECT_EQ(intid, 18);
	EXPECT_EQ(flags, 1);
	EXPECT_EQ(map_built(map, 15, NULL, 0, 0x30, 1, &intid, &flags), 0);
	EXPECT_EQ(intid, 41);
	/* without a mask, extra bits miss; with it, they are ignored */
	EXPECT_EQ(map_built(map, 15, NULL, 0, 0x31, 1, &intid, &flags), -ENOENT);
	EXPECT_EQ(map_built(map, 15, mask, 2, 0x31, 5, &intid, &flags), 0);
	EXPECT_EQ(intid, 41);
	/* a mask of the wrong length */
	EXPECT_EQ(map_built(map, 15, mask, 1, 0x10, 1, &intid, &flags), -EINVAL);
	/* an entry cut short, before and inside the parent specifier */
	EXPECT_EQ(map_built(map, 13, NULL, 0, 0x30, 1, &intid, &flags), -EINVAL);
	EXPECT_EQ(map_built(map, 2, NULL, 0, 0x30, 1, &intid, &flags), -EINVAL);
	/* a dangling phandle, and a map that ends in a loop */
	EXPECT_EQ(map_built((const uint32_t[]){ 0x10, 1, 9, 7 }, 4, NULL, 0, 0x10, 1,
			    &intid, &flags), -EINVAL);
	EXPECT_EQ(map_built((const uint32_t[]){ 0x10, 1, 4, 1 }, 4, NULL, 0, 0x10, 1,
			    &intid, &flags), -EINVAL);
	/* a GIC specifier that is no interrupt (SPI 988 is INTID 1020) */
	EXPECT_EQ(map_built((const uint32_t[]){ 0x10, 1, 1, 0, 0, 988, 4 }, 7, NULL, 0,
			    0x10, 1, &intid, &flags), -EINVAL);
}

TEST(memory_reservations)
{
	struct fdt fdt;
	uint64_t base, size;

	b_reset();
	bld.rsv[0][0] = 0x48000000;
	bld.rsv[0][1] = 0x100000;
	bld.rsv[1][0] = 0x1234567800000000ull;
	bld.rsv[1][1] = 0x1000;
	bld.nr_rsv = 2;
	b_begin("");
	b_end();
	struct blob b = b_finish();
	EXPECT_EQ(fdt_init(&fdt, b.data, b.len), 0);
	EXPECT_EQ(fdt_get_mem_rsv(&fdt, 0, &base, &size), 0);
	EXPECT_EQ(base, 0x48000000);
	EXPECT_EQ(size, 0x100000);
	EXPECT_EQ(fdt_get_mem_rsv(&fdt, 1, &base, &size), 0);
	EXPECT_EQ(base, 0x1234567800000000ull);
	EXPECT_EQ(fdt_get_mem_rsv(&fdt, 2, &base, &size), -ENOENT);
	EXPECT_EQ(fdt_get_mem_rsv(&fdt, INT32_MAX, &base, &size), -ENOENT);
	EXPECT_EQ(fdt_get_mem_rsv(&fdt, -1, &base, &size), -EINVAL);
	/* Without its all-zero terminator the map runs on into the
	 * structure block and then off the end of the blob. */
	memset(b.data + 40 + 2 * 16, 0xff, 16);
	EXPECT_EQ(fdt_init(&fdt, b.data, b.len), 0);
	EXPECT_EQ(fdt_get_mem_rsv(&fdt, 2, &base, &size), 0);
	EXPECT_EQ(fdt_get_mem_rsv(&fdt, 3, &base, &size), 0);
	EXPECT_EQ(base, (uint64_t)FDT_BEGIN_NODE << 32);	/* the root */
	EXPECT_EQ(fdt_get_mem_rsv(&fdt, 4, &base, &size), -EINVAL);
	EXPECT_EQ(fdt_get_mem_rsv(&fdt, INT32_MAX, &base, &size), -EINVAL);
	free(b.data);
}

TEST(bad_headers)
{
	struct blob good = small_tree(), b;
	struct fdt fdt;
	/* field offset, bad value */
	static const struct { int field; uint32_t value; } cases[] = {
		{ 0, 0xd00dfeee },	/* magic */
		{ 0, 0xedfe0dd0 },	/* byte-swapped magic */
		{ 4, 0 },		/* totalsize below the header */
		{ 4, 39 },
		{ 4, 0x7fffffff },	/* beyond the buffer */
		{ 4, 0xffffffff },
		{ 8, 0xfffffff0 },	/* structure block outside */
		{ 8, 2 },		/* inside the header */
		{ 8, 41 },		/* misaligned */
		{ 36, 0xfffffff0 },	/* structure size overflows */
		{ 36, 0x10000 },
		{ 12, 0xfffffff0 },	/* strings outside */
		{ 32, 0xffffffff },
		{ 16, 0xfffffff8 },	/* reservation map outside */
		{ 16, 44 },		/* misaligned */
		{ 20, 15 },		/* version too old */
		{ 24, 18 },		/* incompatible with 17 */
		{ 36, 0 },		/* no structure: no root */
	};

	EXPECT_EQ(fdt_init(&fdt, good.data, good.len), 0);
	EXPECT_EQ(fdt_init(&fdt, NULL, 100), -EINVAL);
	EXPECT_EQ(fdt_init(&fdt, good.data, 35), -EINVAL);
	EXPECT_EQ(fdt_init(&fdt, good.data, good.len - 1), -EINVAL);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		b = copy_of(good.data, good.len);
		put_be32(b.data + cases[i].field, cases[i].value);
		int r = fdt_init(&fdt, b.data, b.len);
		if (r != -EINVAL)
			fprintf(stderr, "header case %zu accepted\n", i);
		EXPECT_EQ(r, -EINVAL);
		free(b.data);
	}
	free(good.data);
}

TEST(version_16_header)
{
	struct blob good = small_tree();
	struct fdt fdt;

	/* v16 has no size_dt_struct: the block may run to the end. */
	put_be32(good.data + 20, 16);
	put_be32(good.data + 36, 0xdeadbeef);
	EXPECT_EQ(fdt_init(&fdt, good.data, good.len), 0);
	expect_reg(&fdt, path(&fdt, "/dev"), 0, 0x2000, 0x100);
	free(good.data);
}

/* ---- the index ---- */

static void same_prop(const struct fdt *plain, const struct fdt *idx, int node,
		      const char *name)
{
	int len1 = 0, len2 = 0;
	const void *p1 = fdt_getprop(plain, node, name, &len1);
	const void *p2 = fdt_getprop(idx, node, name, &len2);

	EXPECT(p1 == p2);
	EXPECT_EQ(len1, len2);
}

/* Every accessor on node gives the same answer with and without the index. */
static void same_node(const struct fdt *plain, const struct fdt *idx, int node)
{
	static const char *const props[] = { "reg", "compatible", "status",
		"phandle", "linux,phandle", "interrupts", "device_type", "x" };
	static const char *const compats[] = { "arm,pl011", "arm,gic-v3",
		"virtio,mmio", "arm,armv8-timer", "" };
	uint64_t b1 = 0, b2 = 0, s1 = 0, s2 = 0;
	uint32_t i1 = 0, i2 = 0, f1 = 0, f2 = 0, ph;
	int d1 = 0, d2 = 0;

	EXPECT_EQ(fdt_next_node(plain, node, &d1), fdt_next_node(idx, node, &d2));
	EXPECT_EQ(d1, d2);
	EXPECT(fdt_node_name(plain, node) == fdt_node_name(idx, node));
	EXPECT_EQ(fdt_parent(plain, node), fdt_parent(idx, node));
	EXPECT_EQ(fdt_first_subnode(plain, node), fdt_first_subnode(idx, node));
	EXPECT_EQ(fdt_next_subnode(plain, node), fdt_next_subnode(idx, node));
	for (size_t i = 0; i < ARRAY_SIZE(props); i++)
		same_prop(plain, idx, node, props[i]);
	for (size_t i = 0; i < ARRAY_SIZE(compats); i++) {
		EXPECT_EQ(fdt_is_compatible(plain, node, compats[i]),
			  fdt_is_compatible(idx, node, compats[i]));
		EXPECT_EQ(fdt_next_compatible(plain, node, compats[i]),
			  fdt_next_compatible(idx, node, compats[i]));
	}
	EXPECT_EQ(fdt_node_enabled(plain, node), fdt_node_enabled(idx, node));
	EXPECT_EQ(fdt_get_reg(plain, node, 0, &b1, &s1),
		  fdt_get_reg(idx, node, 0, &b2, &s2));
	EXPECT(b1 == b2 && s1 == s2);
	EXPECT_EQ(fdt_get_gic_interrupt(plain, node, 0, &i1, &f1),
		  fdt_get_gic_interrupt(idx, node, 0, &i2, &f2));
	EXPECT(i1 == i2 && f1 == f2);
	if (fdt_getprop_u32(plain, node, "phandle", &ph) == 0 ||
	    fdt_getprop_u32(plain, node, "linux,phandle", &ph) == 0)
		EXPECT_EQ(fdt_node_by_phandle(plain, ph),
			  fdt_node_by_phandle(idx, ph));
}

/*
 * Indexes a copy of the fdt of blob; when the index takes it, compares
 * every lookup on every node, and on offsets that are not nodes, with
 * the unindexed tree.  Returns fdt_index()'s result.
 */
static int compare_indexed(const struct fdt *plain)
{
	struct fdt idx = *plain;
	static struct fdt_node nodes[20000];
	int n = fdt_index(&idx, nodes, ARRAY_SIZE(nodes)), seen = 0, depth = 0;

	if (n < 0 || n > (int)ARRAY_SIZE(nodes)) {
		EXPECT(idx.nodes == NULL);
		return n;
	}
	EXPECT(idx.nodes == nodes);
	EXPECT_EQ(fdt_root(plain), fdt_root(&idx));
	EXPECT_EQ(fdt_chosen_stdout(plain), fdt_chosen_stdout(&idx));
	EXPECT_EQ(fdt_path_offset(plain, "/cpus/cpu@1"),
		  fdt_path_offset(&idx, "/cpus/cpu@1"));
	EXPECT_EQ(fdt_node_by_phandle(plain, 0x8001),
		  fdt_node_by_phandle(&idx, 0x8001));
	for (int node = fdt_root(plain); node >= 0;
	     node = fdt_next_node(plain, node, &depth), seen++) {
		same_node(plain, &idx, node);
		same_node(plain, &idx, node + 4);	/* a property, or -EINVAL */
	}
	same_node(plain, &idx, -1);
	EXPECT_EQ(seen, n);
	return n;
}

/* Exercises every accessor on node; results are not checked, only that
 * nothing reads out of bounds or hangs.  heavy adds the O(tree) ones. */
static void poke_node(const struct fdt *fdt, int node, bool heavy)
{
	uint64_t base, size, c;
	uint32_t v, intid, flags;
	int len;

	(void)fdt_node_name(fdt, node);
	(void)fdt_getprop(fdt, node, "reg", &len);
	(void)fdt_getprop_string(fdt, node, "device_type");
	(void)fdt_getprop_u32(fdt, node, "phandle", &v);
	(void)fdt_getprop_cells(fdt, node, "interrupts", 1, 2, &c);
	(void)fdt_is_compatible(fdt, node, "arm,pl011");
	(void)fdt_node_enabled(fdt, node);
	(void)fdt_first_subnode(fdt, node);
	(void)fdt_next_subnode(fdt, node);
	if (!heavy)
		return;
	(void)fdt_parent(fdt, node);
	(void)fdt_address_cells(fdt, node);
	for (int i = 0; i < 3; i++)
		if (fdt_get_reg(fdt, node, i, &base, &size))
			break;
	for (int i = 0; i < 5; i++)
		if (fdt_get_gic_interrupt(fdt, node, i, &intid, &flags))
			break;
	(void)fdt_map_gic_interrupt(fdt, node, (const uint32_t[]){ 0x800, 0, 0, 1 },
				    &intid, &flags);
}

/* Walks the whole tree; heavy_every picks which nodes get the O(tree)
 * accessors (1: all).  Returns the number of nodes seen. */
static int walk_all(const struct fdt *fdt, int heavy_every)
{
	int depth = 0, n = 0;
	uint64_t base, size;

	(void)fdt_chosen_stdout(fdt);
	(void)fdt_path_offset(fdt, "/cpus/cpu@0");
	(void)fdt_path_offset(fdt, "/intc/its");
	(void)fdt_next_compatible(fdt, -1, "arm,gic-v3");
	(void)fdt_get_mem_rsv(fdt, 0, &base, &size);
	for (int node = fdt_root(fdt); node >= 0;
	     node = fdt_next_node(fdt, node, &depth), n++)
		poke_node(fdt, node, n % heavy_every == 0);
	return n;
}

TEST(walk_all_of_fixture)
{
	struct blob b;
	struct fdt fdt = open_fixture(&b, gicv3.file);

	EXPECT_EQ(walk_all(&fdt, 1), gicv3.nr_nodes);
	free(b.data);
}

/*
 * Every prefix of a fixture: as is it must be refused (totalsize says
 * more); with the header patched to claim exactly the prefix it may be
 * accepted, and then walking it must stay inside the prefix.
 */
static void truncations(const char *file)
{
	struct blob full = load(file);
	uint32_t off_st = get_be32(full.data + 8), off_str = get_be32(full.data + 12);
	int nr_accepted = 0;

	for (size_t len = 0; len < full.len; len++) {
		struct blob b = copy_of(full.data, len);
		struct fdt fdt;

		EXPECT(fdt_init(&fdt, b.data, len) == -EINVAL);
		if (len >= 40) {
			put_be32(b.data + 4, (uint32_t)len);
			if (off_st < len)
				put_be32(b.data + 36, MIN(get_be32(b.data + 36),
							  (uint32_t)len - off_st));
			if (off_str < len)
				put_be32(b.data + 32, MIN(get_be32(b.data + 32),
							  (uint32_t)len - off_str));
			if (fdt_init(&fdt, b.data, len) == 0) {
				nr_accepted++;
				walk_all(&fdt, len % 97 == 0 ? 1 : 1000);
				if (len % 13 == 0)
					compare_indexed(&fdt);
			}
		}
		free(b.data);
	}
	EXPECT(nr_accepted > 0);
	free(full.data);
}

TEST(every_truncation_gicv3)
{
	truncations(gicv3.file);
}

TEST(every_truncation_gicv2)
{
	truncations(gicv2.file);
}

TEST(property_length_past_end)
{
	struct blob b = small_tree();
	struct fdt fdt;
	int len;

	/* The first property of the root is #address-cells at structure
	 * offset 8: make its length run past the structure block. */
	EXPECT_EQ(get_be32(st_byte(&b, 8)), FDT_PROP);
	uint32_t st_size = get_be32(b.data + 36);
	static const uint32_t bad_len[] = { 0xffffffff, 0x80000000, 0x7ffffffc };
	for (size_t i = 0; i < ARRAY_SIZE(bad_len) + 2; i++) {
		struct blob c = copy_of(b.data, b.len);
		uint32_t l = i < ARRAY_SIZE(bad_len) ? bad_len[i] :
			     st_size - 20 + (uint32_t)(i - ARRAY_SIZE(bad_len)) * 4 + 1;
		put_be32(st_byte(&c, 12), l);
		EXPECT_EQ(fdt_init(&fdt, c.data, c.len), 0);	/* header is fine */
		EXPECT(fdt_getprop(&fdt, 0, "#address-cells", &len) == NULL);
		EXPECT_EQ(len, -EINVAL);
		EXPECT(fdt_getprop(&fdt, 0, "#size-cells", &len) == NULL);
		EXPECT(fdt_first_subnode(&fdt, 0) < 0);
		EXPECT_EQ(fdt_next_node(&fdt, 0, NULL), -EINVAL);
		EXPECT(path(&fdt, "/dev") < 0);
		EXPECT(fdt_get_reg(&fdt, 0, 0, &(uint64_t){ 0 }, NULL) < 0);
		walk_all(&fdt, 1);
		free(c.data);
	}
	/* A name offset outside the strings block. */
	struct blob c = copy_of(b.data, b.len);
	put_be32(st_byte(&c, 16), get_be32(c.data + 32));
	EXPECT_EQ(fdt_init(&fdt, c.data, c.len), 0);
	EXPECT(fdt_getprop(&fdt, 0, "#size-cells", &len) == NULL);
	EXPECT_EQ(len, -EINVAL);
	free(c.data);
	free(b.data);
}

TEST(unterminated_strings)
{
	struct fdt fdt;

	/* A node name that never ends: the root itself. */
	b_reset();
	b_u32(FDT_BEGIN_NODE);
	memset(bld.st + bld.st_len, 'x', 64);
	bld.st_len += 64;
	struct blob b = b_finish();
	memset(b.data + b.len - 4, 'x', 4);	/* over FDT_END too */
	EXPECT_EQ(fdt_init(&fdt, b.data, b.len), -EINVAL);
	free(b.data);

	/* A child's name running to the end of the structure block. */
	b = small_tree();
	int ok = fdt_init(&fdt, b.data, b.len);
	EXPECT_EQ(ok, 0);
	int dev = path(&fdt, "/dev");
	size_t end = get_be32(b.data + 36);
	memset(st_byte(&b, dev + 4), 'y', end - dev - 4);
	EXPECT(path(&fdt, "/dev") < 0);
	EXPECT(fdt_node_name(&fdt, dev) == NULL);
	EXPECT_EQ(fdt_next_subnode(&fdt, path(&fdt, "/gic@1000")), -EINVAL);
	walk_all(&fdt, 1);
	free(b.data);

	/* The last property name in the strings block loses its NUL. */
	b = small_tree();
	b.data[b.len - 1] = 'z';
	EXPECT_EQ(fdt_init(&fdt, b.data, b.len), 0);
	walk_all(&fdt, 1);
	free(b.data);

	/* String values without a NUL: never handed out as strings. */
	b_reset();
	b_begin("");
	b_begin("chosen");
	b_prop("stdout-path", "/uart", 5);
	b_end();
	b_begin("n");
	b_prop("status", "okay", 4);
	b_prop("compatible", "a,b\0c,d", 7);
	b_prop("device_type", "memory", 6);
	b_end();
	b_end();
	b = b_finish();
	EXPECT_EQ(fdt_init(&fdt, b.data, b.len), 0);
	int n = path(&fdt, "/n");
	EXPECT(fdt_chosen_stdout(&fdt) == NULL);
	EXPECT(!fdt_node_enabled(&fdt, n));
	EXPECT(fdt_is_compatible(&fdt, n, "a,b"));
	EXPECT(!fdt_is_compatible(&fdt, n, "c,d"));	/* unterminated */
	EXPECT(!fdt_is_compatible(&fdt, n, "c,"));
	EXPECT(fdt_getprop_string(&fdt, n, "device_type") == NULL);
	free(b.data);
}

TEST(deep_nesting)
{
	enum { DEPTH = 10000 };
	struct fdt fdt;

	b_reset();
	b_begin("");
	for (int i = 0; i < DEPTH; i++)
		b_begin("n");
	b_prop_u32("leaf", 42);
	for (int i = 0; i < DEPTH; i++)
		b_end();
	b_end();
	struct blob b = b_finish();
	EXPECT_EQ(fdt_init(&fdt, b.data, b.len), 0);
	int depth = 0, node = 0, prev = 0, max_depth = 0;
	while ((node = fdt_next_node(&fdt, node, &depth)) >= 0) {
		max_depth = MAX(max_depth, depth);
		prev = node;
	}
	EXPECT_EQ(node, -ENOENT);
	EXPECT_EQ(max_depth, DEPTH);
	uint32_t v = 0;
	EXPECT_EQ(fdt_getprop_u32(&fdt, prev, "leaf", &v), 0);
	EXPECT_EQ(v, 42);
	int parent = fdt_parent(&fdt, prev);
	EXPECT_EQ(fdt_first_subnode(&fdt, parent), prev);
	EXPECT_EQ(fdt_next_subnode(&fdt, prev), -ENOENT);
	/* A 300-deep path. */
	char p[1024] = "";
	for (int i = 0; i < 300; i++)
		strcat(p, "/n");
	node = path(&fdt, p);
	EXPECT(node > 0);
	EXPECT_EQ(fdt_parent(&fdt, fdt_first_subnode(&fdt, node)), node);
	/* Indexed: the same answers for the deepest node (a full
	 * comparison would be quadratic in the unindexed walks). */
	struct fdt idx = fdt;
	static struct fdt_node deep[DEPTH + 1];
	EXPECT_EQ(fdt_index(&idx, deep, DEPTH + 1), DEPTH + 1);
	same_node(&fdt, &idx, prev);
	same_node(&fdt, &idx, node);
	EXPECT_EQ(fdt_path_offset(&idx, p), node);
	free(b.data);

	/* Never closed: the walk ends at FDT_END, or at the end of the
	 * block when that is missing too. */
	b_reset();
	b_begin("");
	for (int i = 0; i < DEPTH; i++)
		b_begin("n");
	b = b_finish();
	EXPECT_EQ(fdt_init(&fdt, b.data, b.len), 0);
	depth = 0;
	node = 0;
	int nr = 0;
	while ((node = fdt_next_node(&fdt, node, &depth)) >= 0)
		nr++;
	EXPECT_EQ(node, -ENOENT);
	EXPECT_EQ(nr, DEPTH);
	put_be32(b.data + b.len - bld.str_len - 4, FDT_NOP);
	node = 0;
	while ((node = fdt_next_node(&fdt, node, NULL)) >= 0)
		;
	EXPECT_EQ(node, -EINVAL);
	free(b.data);
}

TEST(nodes_beside_the_root)
{
	struct fdt fdt;

	/* Stray END_NODEs: nodes after the root at depth 0 and below. */
	b_reset();
	b_begin("");
	b_begin("a");
	b_end();
	b_end();
	b_begin("b");
	b_end();
	b_end();
	b_end();
	b_begin("c");
	b_end();
	struct blob b = b_finish();
	EXPECT_EQ(fdt_init(&fdt, b.data, b.len), 0);
	int depth = 0, a = fdt_next_node(&fdt, 0, &depth);
	EXPECT_EQ(depth, 1);
	int bn = fdt_next_node(&fdt, a, &depth);
	EXPECT_EQ(depth, 0);
	int c = fdt_next_node(&fdt, bn, &depth);
	EXPECT_EQ(depth, -2);	/* out of b and two more levels, into c */
	EXPECT_STR(fdt_node_name(&fdt, c), "c");
	EXPECT_EQ(fdt_parent(&fdt, a), 0);
	EXPECT_EQ(fdt_parent(&fdt, bn), -ENOENT);
	EXPECT_EQ(fdt_parent(&fdt, c), -ENOENT);
	EXPECT_EQ(fdt_next_subnode(&fdt, a), -ENOENT);	/* b is no sibling */
	EXPECT_EQ(path(&fdt, "/b"), -ENOENT);
	EXPECT_EQ(fdt_address_cells(&fdt, c), 2);
	walk_all(&fdt, 1);
	free(b.data);
}

TEST(only_nops_and_bad_tokens)
{
	struct fdt fdt;

	b_reset();
	for (int i = 0; i < 100; i++)
		b_u32(FDT_NOP);
	struct blob b = b_finish();
	EXPECT_EQ(fdt_init(&fdt, b.data, b.len), -EINVAL);
	free(b.data);

	b_reset();
	b_begin("");
	b_u32(0x77);	/* unknown token */
	b_end();
	b = b_finish();
	EXPECT_EQ(fdt_init(&fdt, b.data, b.len), 0);
	EXPECT_EQ(fdt_next_node(&fdt, 0, NULL), -EINVAL);
	EXPECT(fdt_getprop(&fdt, 0, "x", NULL) == NULL);
	free(b.data);
}

/* ---- the index on whole trees ---- */

TEST(fixture_checks_indexed)
{
	index_fixtures = true;
	check_header(&gicv3);
	check_header(&gicv2);
	check_memory(&gicv3);
	check_memory(&gicv2);
	check_cpus(&gicv3);
	check_cpus(&gicv2);
	check_devices(&gicv3);
	check_devices(&gicv2);
	gicv3_interrupt_controller();
	gicv2_interrupt_controller();
	path_lookup();
	parent_and_subnodes();
	property_accessors();
	gicv3_pci_interrupt_map();
	gicv2_pci_interrupt_map();
	index_fixtures = false;
}

TEST(index_agrees_with_walks)
{
	const struct machine *ms[] = { &gicv3, &gicv2 };

	for (size_t i = 0; i < ARRAY_SIZE(ms); i++) {
		struct blob b;
		struct fdt fdt = open_fixture(&b, ms[i]->file);
		EXPECT_EQ(compare_indexed(&fdt), ms[i]->nr_nodes);
		free(b.data);
	}
}

TEST(index_size_and_count)
{
	struct blob b;
	struct fdt fdt = open_fixture(&b, gicv3.file);
	struct fdt_node nodes[64];

	EXPECT_EQ(fdt_index(&fdt, NULL, 0), gicv3.nr_nodes);	/* count */
	EXPECT(fdt.nodes == NULL);
	EXPECT_EQ(fdt_index(&fdt, nodes, gicv3.nr_nodes - 1), gicv3.nr_nodes);
	EXPECT(fdt.nodes == NULL);	/* too small: not indexed, still works */
	EXPECT_EQ(fdt_path_offset(&fdt, "/cpus/cpu@1") > 0, 1);
	EXPECT_EQ(fdt_index(&fdt, nodes, gicv3.nr_nodes), gicv3.nr_nodes);
	EXPECT(fdt.nodes == nodes);
	EXPECT_EQ(fdt.nr_nodes, gicv3.nr_nodes);
	free(b.data);
}

/* Builds a small tree with one defect; the index must refuse it. */
static void expect_index_refuses(int defect)
{
	struct fdt fdt;

	b_reset();
	if (defect == 0)
		b_prop_u32("before-root", 1);	/* a property outside a node */
	b_begin("");
	b_prop_u32("#address-cells", 2);
	b_begin("a");
	b_prop_u32("phandle", 7);
	b_end();
	if (defect == 1)
		b_prop_u32("late", 1);		/* after a subnode */
	b_end();
	if (defect == 2) {			/* a node beside the root */
		b_begin("b");
		b_end();
	}
	if (defect == 3)
		b_end();			/* one END_NODE too many */
	struct blob b = b_finish();
	if (defect == 4)	/* no FDT_END: the last token becomes a NOP */
		put_be32(b.data + b.len - bld.str_len - 4, FDT_NOP);
	if (fdt_init(&fdt, b.data, b.len) == 0) {
		EXPECT_EQ(fdt_index(&fdt, fixture_nodes, ARRAY_SIZE(fixture_nodes)),
			  -EINVAL);
		EXPECT(fdt.nodes == NULL);
		walk_all(&fdt, 1);	/* the checked walks still serve it */
	}
	free(b.data);
}

TEST(index_refuses_malformed_trees)
{
	for (int defect = 0; defect <= 4; defect++)
		expect_index_refuses(defect);
	/* Without a defect the same tree is indexed, and phandle 7 found. */
	struct fdt fdt;
	b_reset();
	b_begin("");
	b_begin("a");
	b_u32(FDT_NOP);
	b_prop_u32("linux,phandle", 9);
	b_prop_u32("phandle", 7);
	b_prop_u32("phandle", 8);	/* a duplicate: the first one counts */
	b_end();
	b_end();
	struct blob b = b_finish();
	EXPECT_EQ(fdt_init(&fdt, b.data, b.len), 0);
	EXPECT_EQ(compare_indexed(&fdt), 2);
	EXPECT_EQ(fdt_index(&fdt, fixture_nodes, ARRAY_SIZE(fixture_nodes)), 2);
	int a = fdt_first_subnode(&fdt, 0);
	EXPECT(a > 0);
	EXPECT_EQ(fdt_node_by_phandle(&fdt, 7), a);
	EXPECT_EQ(fdt_node_by_phandle(&fdt, 8), -ENOENT);
	EXPECT_EQ(fdt_node_by_phandle(&fdt, 9), -ENOENT);
	free(b.data);
}

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32);
}

/* Random corruption of copies of a fixture: a third of the runs flip
 * bytes anywhere, a third in the header and structure block, where the
 * parser decides most, and a third write whole tokens or lengths at
 * token-aligned places in the structure block. */
static void fuzz(const char *file, int iterations)
{
	struct blob full = load(file);
	uint32_t st_off = get_be32(full.data + 8);
	uint32_t st_end = st_off + get_be32(full.data + 36);
	int nr_accepted = 0, nr_indexed = 0;

	for (int it = 0; it < iterations; it++) {
		struct blob b = copy_of(full.data, full.len);
		struct fdt fdt;
		int flips = 1 + rnd() % 8;

		for (int i = 0; i < flips; i++) {
			uint32_t pos = it % 3 ? rnd() % st_end : rnd() % b.len;
			if (it % 3 == 2) {	/* a token or a length */
				static const uint32_t words[] = {
					FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP,
					FDT_NOP, FDT_END, 0, 0x7fffffff, 12 };
				pos = ALIGN_UP(st_off, 4) + rnd() % (st_end - st_off) / 4 * 4;
				put_be32(b.data + pos, words[rnd() % ARRAY_SIZE(words)]);
				continue;
			}
			b.data[pos] = rnd() % 4 ? (uint8_t)rnd() :
				      (uint8_t)(b.data[pos] ^ (1u << (rnd() % 8)));
		}
		if (fdt_init(&fdt, b.data, b.len) == 0) {
			nr_accepted++;
			walk_all(&fdt, it % 50 == 0 ? 1 : 16);
			if (it % 5 == 0 && compare_indexed(&fdt) > 0)
				nr_indexed++;
		}
		free(b.data);
	}
	printf("  fuzz %s: %d of %d corrupted copies accepted and walked, "
	       "%d of the fifth compared indexed\n", file, nr_accepted,
	       iterations, nr_indexed);
	EXPECT(nr_accepted > iterations / 2);
	EXPECT(nr_indexed > 0);
	free(full.data);
}

TEST(fuzz_gicv3)
{
	fuzz(gicv3.file, 3000);
}

TEST(fuzz_gicv2)
{
	fuzz(gicv2.file, 2000);
}

UNIT_MAIN(UNIT_CASE(gicv3_header), UNIT_CASE(gicv2_header),
	  UNIT_CASE(gicv3_memory), UNIT_CASE(gicv2_memory),
	  UNIT_CASE(gicv3_cpus), UNIT_CASE(gicv2_cpus),
	  UNIT_CASE(gicv3_devices), UNIT_CASE(gicv2_devices),
	  UNIT_CASE(gicv3_interrupt_controller),
	  UNIT_CASE(gicv2_interrupt_controller), UNIT_CASE(path_lookup),
	  UNIT_CASE(parent_and_subnodes), UNIT_CASE(property_accessors),
	  UNIT_CASE(built_tree_basics), UNIT_CASE(bad_interrupt_specifiers),
	  UNIT_CASE(gicv3_pci_interrupt_map), UNIT_CASE(gicv2_pci_interrupt_map),
	  UNIT_CASE(interrupt_map_chains_and_bad_maps),
	  UNIT_CASE(memory_reservations), UNIT_CASE(bad_headers),
	  UNIT_CASE(version_16_header), UNIT_CASE(walk_all_of_fixture),
	  UNIT_CASE(every_truncation_gicv3), UNIT_CASE(every_truncation_gicv2),
	  UNIT_CASE(property_length_past_end), UNIT_CASE(unterminated_strings),
	  UNIT_CASE(deep_nesting), UNIT_CASE(nodes_beside_the_root),
	  UNIT_CASE(only_nops_and_bad_tokens),
	  UNIT_CASE(fixture_checks_indexed), UNIT_CASE(index_agrees_with_walks),
	  UNIT_CASE(index_size_and_count), UNIT_CASE(index_refuses_malformed_trees),
	  UNIT_CASE(fuzz_gicv3), UNIT_CASE(fuzz_gicv2))
