// SPDX-License-Identifier: BSD-2-Clause
/*
 * mtetest: checks that memory tagging catches the heap bugs C programs
 * make, at the instruction that makes them.  One line per check, PASS or
 * FAIL, then "N passed, N failed".  A case that must fault runs in a
 * task of its own (this program again, `mtetest -c CASE`), which the
 * fault ends with SIGSEGV (SIGABRT for a double free); the parent checks
 * how it ended.  Without MTE every check is skipped and it exits 0.
 *
 * Thread stacks are tagged too: a new thread's locals carry its stack's
 * tag, and a pointer into a stack whose thread was joined faults.
 *
 * Branch protection (CONFIG_ARM64_BRANCH_PROTECTION) is checked the same
 * way where the CPU has it: a corrupted saved return address faults when
 * the function returns (pointer authentication), and an indirect call
 * that does not land on a BTI instruction faults (BTI).
 */
/* The cases use memory after free() and realloc() on purpose. */
#pragma GCC diagnostic ignored "-Wuse-after-free"

#include <malloc.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>
#include <sys/wait.h>
#include <vireo/app.h>
#include <vireo/bprot.h>
#include <vireo/mte.h>

#define BLOCK 32	/* two granules: an overflow by one byte leaves it */

static int passed, failed;

static void result(const char *what, int ok, const char *detail)
{
	printf("mtetest: %-40s %s%s%s\n", what, ok ? "PASS" : "FAIL",
	       detail[0] ? ": " : "", detail);
	if (ok)
		passed++;
	else
		failed++;
}

static uintptr_t addr(const void *p)
{
	return (uintptr_t)mte_untag(p);
}

/* Keeps the compiler from proving an access out of bounds or dead. */
static void *hide(void *p)
{
	__asm__ volatile("" : "+r"(p));
	return p;
}

/* --- the cases run in a task of their own; each must not return --- */

static int case_overflow(void)
{
	char *p = hide(malloc(BLOCK));

	/* The first byte past the block: past what the heap gave, which may
	 * be more than BLOCK (a remainder too small to split stays in it),
	 * so that the byte lies in the next block's granule. */
	((volatile char *)p)[malloc_usable_size(p)] = 1;
	return 0;
}

static int case_use_after_free(void)
{
	char *p = hide(malloc(BLOCK));

	free(p);
	return ((volatile char *)hide(p))[0];
}

/* A pointer to a, moved into b's memory: b's tag differs from a's. */
/* A write with a's tag into b's memory.  Neighbours always differ in
 * tag, two blocks anywhere in the heap only usually (15 tags to draw
 * from): b is drawn again until its tag is another. */
static int case_cross_block(void)
{
	char *a = hide(malloc(BLOCK)), *b = hide(malloc(BLOCK));

	for (int i = 0; i < 64 && b && mte_ptr_tag(b) == mte_ptr_tag(a); i++)
		b = hide(malloc(BLOCK));	/* the task's end frees them */
	char *wild = a + (addr(b) - addr(a));

	((volatile char *)hide(wild))[0] = 1;
	return 0;
}

static int case_double_free(void)
{
	char *p = hide(malloc(BLOCK));

	free(p);
	free(hide(p));
	return 0;
}

/* realloc() that moves: the old block's memory loses the old tag. */
static int case_realloc_old(void)
{
	char *p = hide(malloc(BLOCK)), *guard = malloc(BLOCK);
	char *q = realloc(p, 64 * BLOCK);

	(void)guard;
	if (!q || addr(q) == addr(p))
		return 2;	/* did not move: nothing to check */
	return ((volatile char *)hide(p))[0];
}

static void *leak_local(void *arg)
{
	char local[MTE_GRANULE] = "";

	return hide(local);	/* dead once the thread is joined */
}

/* A pointer into a joined thread's stack: the stack was freed and lost
 * its tag. */
static int case_stack_uaf(void)
{
	pthread_t th;
	void *p;

	if (pthread_create(&th, NULL, leak_local, NULL) ||
	    pthread_join(th, &p) || !mte_ptr_tag(p))
		return 2;
	((volatile char *)p)[0] = 1;
	return 0;
}

void mtetest_call_me(void);
void mtetest_call_me(void)
{
	__asm__ volatile("");
}

/* The return address saved by this function's prologue, signed by
 * PACIASP, has one address bit flipped (a stack smash would do the same):
 * AUTIASP in the epilogue must reject it. */
static __attribute__((noinline)) void smash_return(void)
{
	uintptr_t *frame = __builtin_frame_address(0);	/* x29, x30 */

	mtetest_call_me();	/* not a leaf: the return address is saved */
	((volatile uintptr_t *)frame)[1] ^= (uintptr_t)1 << 3;
}

static int case_pac(void)
{
	smash_return();
	return 0;
}

/* A function whose first instruction is its BTI landing pad (BTI c =
 * HINT #34); a call to its second instruction must fault. */
int mtetest_bti_target(void);
__asm__(".pushsection .text.mtetest_bti_target, \"ax\"\n"
	".globl mtetest_bti_target\n"
	".type mtetest_bti_target, %function\n"
	"mtetest_bti_target:\n"
	"	hint	#34\n"
	"	mov	w0, #42\n"
	"	ret\n"
	".size mtetest_bti_target, . - mtetest_bti_target\n"
	".popsection\n");

static int case_bti(void)
{
	int (*past_pad)(void) = hide((char *)mtetest_bti_target + 4);

	return past_pad() == 42 ? 0 : 3;
}

static const struct {
	const char *name;
	int (*run)(void);
} cases[] = {
	{ "overflow", case_overflow },
	{ "uaf", case_use_after_free },
	{ "cross", case_cross_block },
	{ "double-free", case_double_free },
	{ "realloc-old", case_realloc_old },
	{ "stack-uaf", case_stack_uaf },
	{ "pac", case_pac },
	{ "bti", case_bti },
};

static int run_case(const char *name)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!strcmp(cases[i].name, name))
			return cases[i].run();
	fprintf(stderr, "mtetest: unknown case '%s'\n", name);
	return 2;
}

static int mtetest_main(int argc, char **argv);
static void tag_checks(void);

/* Runs case name in a task of its own; whether it ended with sig (or
 * also_sig, when not 0). */
static void expect_signals(const char *what, const char *name, int sig,
			   int also_sig)
{
	char *args[] = { "mtetest", "-c", (char *)name, NULL };
	char detail[64];
	int status = 0;
	pid_t pid = task_spawn(mtetest_main, args, NULL, NULL);

	if (pid < 0) {
		snprintf(detail, sizeof(detail), "cannot start a task (%d)", pid);
		result(what, 0, detail);
		return;
	}
	if (waitpid(pid, &status, 0) != pid) {
		result(what, 0, "waitpid failed");
		return;
	}
	if (WIFSIGNALED(status) &&
	    (WTERMSIG(status) == sig || (also_sig && WTERMSIG(status) == also_sig))) {
		result(what, 1, "");
		return;
	}
	if (WIFSIGNALED(status))
		snprintf(detail, sizeof(detail), "ended by signal %d, not %d",
			 WTERMSIG(status), sig);
	else
		snprintf(detail, sizeof(detail), "exited %d without a fault",
			 WEXITSTATUS(status));
	result(what, 0, detail);
}

static void expect_signal(const char *what, const char *name, int sig)
{
	expect_signals(what, name, sig, 0);
}

static void *local_tags(void *arg)
{
	char local[MTE_GRANULE] = "";
	unsigned int tag = mte_ptr_tag(hide(local));

	*(int *)arg = tag && mte_mem_tag(local) == tag;
	return NULL;
}

static void check_stack_tags(void)
{
	pthread_t th;
	int ok = 0;

	if (pthread_create(&th, NULL, local_tags, &ok) == 0)
		pthread_join(th, NULL);
	result("a thread's stack has a tag of its own", ok,
	       ok ? "" : "locals untagged, or tag not in memory");
}

static void check_in_bounds(void)
{
	unsigned char *p = malloc(BLOCK);
	int ok = p && mte_ptr_tag(p) != 0;

	if (p) {
		for (int i = 0; i < BLOCK; i++)
			p[i] = (unsigned char)i;
		for (int i = 0; i < BLOCK; i++)
			ok &= p[i] == (unsigned char)i;
		free(p);
	}
	result("in-bounds access works", ok, ok ? "" : "untagged or wrong data");
}

/* Blocks taken one after another sit side by side in a fresh heap
 * region; every such pair must differ, and there must be pairs. */
static void check_neighbours(void)
{
	enum { N = 32 };
	char *p[N];
	int pairs = 0, same = 0;
	char detail[64];

	for (int i = 0; i < N; i++)
		p[i] = malloc(BLOCK);
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			if (p[i] && p[j] &&
			    addr(p[j]) == addr(p[i]) + BLOCK + 32) {	/* header, node */
				pairs++;
				same += mte_ptr_tag(p[i]) == mte_ptr_tag(p[j]);
			}
	for (int i = 0; i < N; i++)
		free(p[i]);
	snprintf(detail, sizeof(detail), "%d adjacent pairs, %d with one tag",
		 pairs, same);
	result("adjacent allocations have different tags", pairs > 0 && !same,
	       detail);
}

static void check_realloc_moves(void)
{
	char *p = malloc(BLOCK), *guard = malloc(BLOCK), *q;
	int ok;

	memset(p, 0x5a, BLOCK);
	q = realloc(p, 64 * BLOCK);
	ok = q && addr(q) != addr(p) && mte_ptr_tag(q) != 0 &&
	     q[0] == 0x5a && q[BLOCK - 1] == 0x5a;
	free(q ? q : p);
	free(guard);
	result("realloc moves the data to a tagged block", ok, "");
}

/*
 * `mtetest -b N`: the cost of N malloc(32) + free() pairs, tagged or not
 * (what the boot found), in guest nanoseconds per pair: guest
 * instructions under QEMU's -icount shift=0.
 */
static int bench(long n)
{
	struct timespec a, b;
	long long ns;

	if (n <= 0) {
		fprintf(stderr, "mtetest: -b needs a positive count\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++)
		free(hide(malloc(BLOCK)));
	clock_gettime(CLOCK_MONOTONIC, &b);
	ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
	printf("mtetest: malloc(%d)+free, tagging %s: %lld ns per pair (%ld pairs)\n",
	       BLOCK, mte_enabled() ? "on" : "off", ns / n, n);
	return 0;
}

static int mtetest_main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "-c"))
		return run_case(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "-b"))
		return bench(strtol(argv[2], NULL, 0));
	if (argc != 1) {
		fprintf(stderr, "usage: mtetest [-b COUNT]\n");
		return 2;
	}
	passed = failed = 0;
	if (mte_enabled())
		tag_checks();
	else
		printf("mtetest: MTE is not available (%s): every check skipped\n",
		       mte_status());
	/* Pointer authentication: with FEAT_FPAC, AUTIASP itself faults
	 * (SIGILL); without, the return to the poisoned address does. */
	if (bprot_pac_enabled())
		expect_signals("corrupted return address faults (PAC)", "pac",
			       SIGILL, SIGSEGV);
	else
		printf("mtetest: pointer authentication is not available: skipped\n");
	if (bprot_bti_enabled())
		expect_signal("call past a BTI landing pad faults", "bti", SIGILL);
	else
		printf("mtetest: BTI is not available: skipped\n");
	if (passed || failed)
		printf("mtetest: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

static void tag_checks(void)
{
	check_in_bounds();
	expect_signal("one-byte overflow into next granule faults", "overflow", SIGSEGV);
	expect_signal("use after free faults", "uaf", SIGSEGV);
	expect_signal("write into another block faults", "cross", SIGSEGV);
	expect_signal("double free is caught", "double-free", SIGABRT);
	check_neighbours();
	check_realloc_moves();
	expect_signal("realloc move retags the old block", "realloc-old", SIGSEGV);
	check_stack_tags();
	expect_signal("pointer into a joined thread's stack faults", "stack-uaf",
		      SIGSEGV);
}

APP_REGISTER(mtetest, mtetest_main, 0, 0);
