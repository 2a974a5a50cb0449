// SPDX-License-Identifier: BSD-2-Clause
/*
 * Kernel start-up on the boot CPU: device tree, memory, heap, log,
 * scheduler and the kernel task, drivers (interrupt controller first),
 * then the first application task (pid 1: the built-in shell, or in the
 * kernel build an EL0 program); the boot context becomes the idle thread
 * of task 0.
 */
#include <string.h>
#include <vireo/clock.h>
#include <vireo/console.h>
#include <vireo/driver.h>
#include <vireo/fdt.h>
#include <vireo/init.h>
#include <vireo/klog.h>
#include <vireo/bprot.h>
#include <vireo/mte.h>
#include <vireo/net.h>
#include <vireo/mm.h>
#include <vireo/panic.h>
#include <vireo/smp.h>
#include <vireo/task.h>
#include <vireo/thread.h>
#include <vireo/vfs.h>
#include <vireo/workqueue.h>
#include "kernel_priv.h"

#define MAX_RAM_REGIONS 8
#define MAX_RESERVED 8
#define FDT_MAX_SIZE (2u << 20)	/* QEMU's blob is far smaller */
/* QEMU virt's tree has 56 nodes on one CPU, 118 on 32. */
#define FDT_MAX_NODES 192

extern char __image_start[], __image_end[];

static struct fdt the_fdt;
static struct fdt_node fdt_nodes[FDT_MAX_NODES];

#ifdef CONFIG_BUILD_KERNEL
/*
 * The kernel build's first process: mount the host's programs at
 * /system and start CONFIG_INIT_PROGRAM from there as pid 1.  A kernel
 * thread does it, as loading blocks on semihosting I/O and the boot
 * context is about to become the idle thread.
 */
static void start_init_program(void *arg)
{
	static char *const argv[] = { CONFIG_INIT_PROGRAM, NULL };
	static char *const envp[] = { "PATH=" CONFIG_INIT_PATH, NULL };
	const struct spawn_params params = {
		.prio = SCHED_PRIO_DEFAULT, .policy = POLICY_RR,
	};
	long r = vfs_mkdir("/system", 0755);

	if (!r)
		r = vfs_mount(NULL, "/system", "hostfs", 0,
			      CONFIG_INIT_MOUNT_DATA);
	if (!r)
		r = task_spawn_call(CONFIG_INIT_PROGRAM, argv, envp, NULL, 0,
				    &params);
	if (r != 1)
		panic("cannot start %s (/system: hostfs %s): %ld",
		      CONFIG_INIT_PROGRAM, CONFIG_INIT_MOUNT_DATA, r);
}

static void start_init(void)
{
	if (thread_create(NULL, "init", SCHED_PRIO_DEFAULT, POLICY_RR, 0,
			  start_init_program, NULL))
		panic("cannot start the first process");
}
#else
void app_init_main(void *arg);	/* apps/: the first application */

/* The shell is the init task, pid 1. */
static int init_main(int argc, char **argv)
{
	app_init_main(NULL);
	return 0;
}

static void start_init(void)
{
	static char *const init_argv[] = { "nsh", NULL };
	const struct task_spawn_attr init_attr = {
		.name = "nsh", .prio = SCHED_PRIO_DEFAULT, .policy = POLICY_RR,
	};

	if (task_spawn(init_main, init_argv, NULL, &init_attr) != 1)
		panic("cannot start the first application");
}
#endif

static __noreturn void halt_silently(void)
{
	for (;;)
		arch_wait_for_interrupt();
}

/* RAM ranges of every device_type = "memory" node. */
static int read_memory(struct mem_region *ram, int max)
{
	int depth = 0, n = 0;

	for (int node = fdt_root(&the_fdt); node >= 0;
	     node = fdt_next_node(&the_fdt, node, &depth)) {
		const char *type = fdt_getprop_string(&the_fdt, node, "device_type");
		if (!type || strcmp(type, "memory"))
			continue;
		for (int i = 0; n < max; i++) {
			if (fdt_get_reg(&the_fdt, node, i, &ram[n].base,
					&ram[n].size) < 0)
				break;
			if (ram[n].size)
				n++;
		}
	}
	return n;
}

/*
 * CPUs the device tree lists under /cpus, by MPIDR (their "reg").  The
 * boot CPU keeps logical number 0 whatever its MPIDR; the others follow in
 * tree order, up to CONFIG_SMP_NCPUS.  Returns how many the tree lists.
 */
static int read_cpus(void)
{
	int cpus_node = fdt_path_offset(&the_fdt, "/cpus"), listed = 0, next = 1;

	for (int n = cpus_node >= 0 ? fdt_first_subnode(&the_fdt, cpus_node) : -1;
	     n >= 0; n = fdt_next_subnode(&the_fdt, n)) {
		const char *type = fdt_getprop_string(&the_fdt, n, "device_type");
		uint64_t mpidr;
		if (!type || strcmp(type, "cpu") ||
		    fdt_get_reg(&the_fdt, n, 0, &mpidr, NULL) < 0)
			continue;
		listed++;
		if (mpidr == cpus[0].mpidr || next >= CONFIG_SMP_NCPUS)
			continue;
		cpus[next].id = next;
		cpus[next].mpidr = mpidr;
		next++;
	}
	return listed;
}

__noreturn void kernel_main(const void *dtb)
{
	struct mem_region ram[MAX_RAM_REGIONS], rsv[MAX_RESERVED];
	int nr_ram, nr_rsv = 0;

	clock_init();
	if (fdt_init(&the_fdt, dtb, FDT_MAX_SIZE) < 0)
		halt_silently();	/* no device tree: no console either */
	/* Unindexed (said below), every lookup still works, only slower. */
	int nr_nodes = fdt_index(&the_fdt, fdt_nodes, FDT_MAX_NODES);
	nr_ram = read_memory(ram, MAX_RAM_REGIONS);
	if (nr_ram == 0)
		halt_silently();
	/* The translation tables follow the image (and the blob, should
	 * it lie after the image). */
	uintptr_t dtb_end = (uintptr_t)dtb + fdt_total_size(&the_fdt);
	uintptr_t tables = ALIGN_UP(MAX((uintptr_t)__image_end,
		(uintptr_t)dtb >= (uintptr_t)__image_start ? dtb_end : 0), PAGE_SIZE);
	uintptr_t tables_end = mmu_init(ram, nr_ram, tables);

	rsv[nr_rsv++] = (struct mem_region){ (uintptr_t)__image_start,
		(uintptr_t)(__image_end - __image_start) };
	rsv[nr_rsv++] = (struct mem_region){ (uintptr_t)dtb,
		fdt_total_size(&the_fdt) };
	rsv[nr_rsv++] = (struct mem_region){ tables, tables_end - tables };
	/* The blob's own reservation block (DTSpec 5.3). */
	for (int i = 0; nr_rsv < MAX_RESERVED &&
	     fdt_get_mem_rsv(&the_fdt, i, &rsv[nr_rsv].base, &rsv[nr_rsv].size) == 0; i++)
		nr_rsv++;
	mm_init(ram, nr_ram, rsv, nr_rsv);
	klog_init();
	driver_early_console(&the_fdt);

	uint64_t total = 0;
	for (int i = 0; i < nr_ram; i++)
		total += ram[i].size;
	pr_info("Vireo %s (%s), %lu MiB RAM\n", CONFIG_VERSION_STRING,
		VIREO_BOARD_CONFIG, (unsigned long)(total >> 20));
	if (IS_ENABLED(CONFIG_ARM64_MTE))
		mte_report_boot();
	if (IS_ENABLED(CONFIG_ARM64_BRANCH_PROTECTION))
		bprot_report_boot();
	if (nr_nodes < 0 || nr_nodes > FDT_MAX_NODES)
		pr_warn("device tree: %d nodes (more than %d, or malformed): "
			"not indexed, lookups are slow\n", nr_nodes, FDT_MAX_NODES);
	int nr_cpus = read_cpus();
	pr_info("%d CPU(s) in the device tree, %d supported by this image\n",
		nr_cpus, CONFIG_SMP_NCPUS);

	arch_platform_init(&the_fdt);
	sched_init();
	workqueue_init();
	driver_probe_all(&the_fdt);
	klog_console_ready();
	smp_init();
	if (vfs_init())
		panic("cannot mount the root file system");
	if (console_init())
		panic("no console");
	if (IS_ENABLED(CONFIG_NET))
		net_init();

	start_init();
	arch_irq_enable();
	sched_idle_loop();
}
