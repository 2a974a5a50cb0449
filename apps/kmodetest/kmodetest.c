// SPDX-License-Identifier: BSD-2-Clause
/*
 * kmodetest: checks the foundations of kernel mode that run in the flat
 * build (docs/kernel-mode.md): user address spaces with ASIDs installed
 * on the calling task (and kept across context switches), and the
 * user-access path (copy_from_user/copy_to_user/strncpy_from_user) that
 * gives -EFAULT for a bad address, through its range check or through
 * the exception-table fix-up of a faulting unprivileged access.  Prints
 * one line per case and "kmodetest: N passed, N failed".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <vireo/app.h>
#include <vireo/mm.h>
#include <vireo/mmu.h>
#include <vireo/task.h>
#include <vireo/uaccess.h>
#include <vireo/vmspace.h>

#define RW_BASE	USER_VA_BASE			/* two pages, read-write */
#define HOLE	(RW_BASE + 2 * PAGE_SIZE)	/* one page, unmapped */
#define RO_BASE	(RW_BASE + 3 * PAGE_SIZE)	/* one page, read-only */
#define CYCLES	300		/* more spaces than there are ASIDs */

/* The counts of one run (an app's globals would be shared by two runs
 * at once). */
struct tally {
	int passed, failed;
};

static void expect(struct tally *t, bool ok, const char *what, long got)
{
	printf("kmodetest: %s ... %s", what, ok ? "PASS\n" : "FAIL");
	if (!ok)
		printf(" (got %ld)\n", got);
	ok ? t->passed++ : t->failed++;
}

static uaddr_t ua(uintptr_t va)
{
	return (uaddr_t){ va };
}

/* A space with the layout above, installed on this task. */
static int attach_space(void)
{
	struct vmspace *vs;
	int r = vmspace_create(&vs);

	if (r)
		return r;
	r = vmspace_map_anon(vs, RW_BASE, 2 * PAGE_SIZE, VM_READ | VM_WRITE);
	if (!r)
		r = vmspace_map_anon(vs, RO_BASE, PAGE_SIZE, VM_READ);
	if (r) {
		vmspace_destroy(vs);
		return r;
	}
	task_set_vmspace(vs);
	return 0;
}

static void detach_space(void)
{
	struct vmspace *vs = task_vmspace(task_current());

	task_set_vmspace(NULL);
	vmspace_destroy(vs);
}

static void copies(struct tally *t)
{
	char buf[16] = "";
	long r;

	r = copy_to_user(ua(RW_BASE + 100), "hello", 6);
	expect(t, r == 0, "copy_to_user into the process", r);
	r = copy_from_user(buf, ua(RW_BASE + 100), 6);
	expect(t, r == 0 && !strcmp(buf, "hello"), "copy_from_user back", r);
	r = strncpy_from_user(buf, ua(RW_BASE + 100), sizeof(buf));
	expect(t, r == 5, "strncpy_from_user: the length", r);
	r = copy_to_user(ua(RW_BASE + PAGE_SIZE - 3), "0123456789", 10);
	expect(t, r == 0, "a copy across two mapped pages", r);
	r = copy_from_user(buf, ua(RO_BASE), 8);
	expect(t, r == 0, "copy_from_user from a read-only page", r);
}

static void bad_addresses(struct tally *t)
{
	char buf[16];
	long r;

	r = copy_from_user(buf, ua((uintptr_t)buf), 8);
	expect(t, r == -EFAULT, "a kernel address is EFAULT", r);
	r = copy_to_user(ua(0), buf, 8);
	expect(t, r == -EFAULT, "address 0 is EFAULT", r);
	r = copy_from_user(buf, ua(HOLE - 4), 8);
	expect(t, r == -EFAULT, "a range running into a hole is EFAULT", r);
	r = copy_from_user(buf, ua(UINTPTR_MAX - 3), 8);
	expect(t, r == -EFAULT, "a wrapping range is EFAULT", r);
	/* Mapped, so the range check passes: STTR's permission fault is
	 * fixed up. */
	r = copy_to_user(ua(RO_BASE + 8), buf, 8);
	expect(t, r == -EFAULT, "a write to a read-only page faults to EFAULT", r);
	copy_to_user(ua(HOLE - 3), "abc", 3);	/* no NUL before the hole */
	r = strncpy_from_user(buf, ua(HOLE - 3), sizeof(buf));
	expect(t, r == -EFAULT, "a string running into a hole faults to EFAULT", r);
}

/* The space stays installed for this task across a sleep (the CPU runs
 * other threads with the kernel's tables meanwhile). */
static void across_switches(struct tally *t)
{
	char buf[8] = "";
	long r;

	copy_to_user(ua(RW_BASE), "kept", 5);
	usleep(20000);
	r = copy_from_user(buf, ua(RW_BASE), 5);
	expect(t, r == 0 && !strcmp(buf, "kept"), "the space survives a sleep", r);
}

/* Each new space gets its own ASID or a recycled one whose old entries
 * were flushed: a stale TLB entry would show the previous value. */
static void asid_recycling(struct tally *t)
{
	int i, bad = 0, r = 0;
	unsigned int v;

	for (i = 0; i < CYCLES && !r; i++) {
		r = attach_space();
		if (r)
			break;
		v = 0;
		copy_from_user(&v, ua(RW_BASE), sizeof(v));
		bad += v != 0;		/* new memory reads zero */
		v = (unsigned int)i + 1;
		copy_to_user(ua(RW_BASE), &v, sizeof(v));
		detach_space();
	}
	expect(t, !r && !bad, "300 spaces made and freed, each fresh", r ? r : bad);
}

static int kmodetest_main(int argc, char **argv)
{
	struct tally tally = { 0 }, *t = &tally;
	struct mm_stats before, after;
	char buf[8];
	long r;

	printf("kmodetest: user address spaces and user access\n");
	mm_get_stats(&before);	/* after stdout's buffer was made */
	r = attach_space();
	expect(t, r == 0, "an address space with an ASID", r);
	if (r)
		return 1;
	copies(t);
	bad_addresses(t);
	across_switches(t);
	detach_space();
	r = copy_from_user(buf, ua(RW_BASE), 4);
	expect(t, r == -EFAULT, "without a space every address is EFAULT", r);
	asid_recycling(t);
	mm_get_stats(&after);
	expect(t, after.used == before.used, "every page and table given back",
	       (long)(after.used - before.used));
	printf("kmodetest: %d passed, %d failed\n", t->passed, t->failed);
	return t->failed ? 1 : 0;
}

APP_REGISTER(kmodetest, kmodetest_main, 0, 0);
