// SPDX-License-Identifier: BSD-2-Clause
/*
 * The crash command: provokes a fault on purpose so that the QEMU tests
 * can check the crash report (exception class, ESR, FAR, registers,
 * backtrace).  Built only with CONFIG_NSH_CMD_CRASH.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <vireo/panic.h>
#include <vireo/thread.h>
#include "nsh.h"

/* A store to 0x10: a translation fault, as a NULL structure access. */
static void crash_null(void)
{
	uintptr_t addr = 0x10;

	/* Hide the constant so the compiler neither warns nor folds it. */
	__asm__ volatile("" : "+r"(addr));
	*(volatile uint32_t *)addr = 0xdead;
}

static void crash_undef(void)
{
	__asm__ volatile("udf #0");
}

/*
 * A load-exclusive from an odd address: exclusives always check
 * alignment, whatever SCTLR_EL1.A says (Arm ARM, "Alignment of data
 * accesses"), so this faults
 * on every configuration.
 */
static void crash_align(void)
{
	static uint64_t words[2];
	uintptr_t addr = (uintptr_t)words + 1;
	uint64_t v;

	__asm__ volatile("ldxr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	(void)v;
}

/* Stores to the kernel's own code and read-only data: the MMU maps text
 * read-only executable and rodata read-only, so both are permission
 * faults (arch/arm64/mmu.c). */
static const uint32_t crash_rodata_word = 0x600dc0de;

static void crash_store(uintptr_t addr)
{
	__asm__ volatile("" : "+r"(addr));
	*(volatile uint32_t *)addr = 0xdead;
}

static int cmd_crash(struct nsh *sh, int argc, char **argv);

static void crash_text(void)
{
	crash_store((uintptr_t)cmd_crash);
}

static void crash_rodata(void)
{
	crash_store((uintptr_t)&crash_rodata_word);
}

static void crash_panic(void)
{
	panic("crash command");
}

/* Jumps into writable data, which is mapped execute-never: an
 * instruction abort (permission fault) at the data's address. */
static void crash_exec(void)
{
	static uint32_t data_code[4] = { 0xd65f03c0 };	/* ret */
	void (*fn)(void) = (void (*)(void))(uintptr_t)data_code;

	__asm__ volatile("" : "+r"(fn));
	fn();
}

static const struct {
	const char *name;
	void (*provoke)(void);
} faults[] = {
	{ "null", crash_null }, { "undef", crash_undef }, { "align", crash_align },
	{ "text", crash_text }, { "rodata", crash_rodata }, { "exec", crash_exec },
	{ "panic", crash_panic },
};

/* In a kernel thread: a fault in an application task (this shell) ends
 * only that task, while the crash report under test is the panic's. */
static void crash_thread(void *arg)
{
	((void (*)(void))arg)();
}

static int cmd_crash(struct nsh *sh, int argc, char **argv)
{
	if (argc != 2)
		return nsh_usage("crash");
	fflush(stdout);
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		if (strcmp(argv[1], faults[i].name))
			continue;
		if (thread_create(NULL, "crash", SCHED_PRIO_MAX, 0, 0, crash_thread,
				  (void *)faults[i].provoke) == 0)
			sleep(1);	/* it pre-empts us at once */
		nsh_error("crash: the %s fault did not happen\n", argv[1]);
		return 1;
	}
	return nsh_usage("crash");
}
NSH_COMMAND(crash, cmd_crash, "crash null|undef|align|text|rodata|exec|panic",
	    "Provoke a fault or a panic to test the crash report");
