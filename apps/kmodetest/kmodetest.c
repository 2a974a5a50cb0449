// SPDX-License-Identifier: BSD-2-Clause
/*
 * kmodetest: checks the foundations of kernel mode that run in the flat
 * build (docs/kernel-mode.md): user address spaces with ASIDs installed
 * on the calling task (and kept across context switches), and the
 * user-access path (copy_from_user/copy_to_user/strncpy_from_user) that
 * gives -EFAULT for a bad address, through its range check or through
 * the exception-table fix-up of a faulting unprivileged access.  Then it
 * runs el0_prog.S at EL0 in tasks of their own: system calls work, and
 * each bad access, bad jump, undefined instruction and stack overflow
 * ends that task alone with its signal; 4000 random system calls end in
 * errors, not a crash; the memory of every process comes back.  Prints
 * one line per case and "kmodetest: N passed, N failed".  `kmodetest
 * bench [PATH]` prints the cost of a null call, a write to /dev/null and
 * a spawn+wait, called directly and from EL0, of posix_spawn +
 * waitpid of the ELF program PATH, and with SIGPATH (`kmodetest bench
 * PATH SIGPATH`) of a signal handled at EL0 by apps/elfprogs/sigtest
 * (run it under -icount).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
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
#define PROG	(USER_VA_BASE + 0x10000)	/* el0_prog.S, read+execute */
#define STACK	(USER_VA_BASE + 0x100000)	/* 4 pages; the one below unmapped */
#define STACK_SIZE (4 * PAGE_SIZE)

extern const char el0_prog_start[], el0_prog_end[];
static const uint64_t kernel_word = 0x6b65726e656cUL;	/* "kernel" */

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

/* A task's main: the program in a space of its own, at EL0.  argv[1]:
 * the case, argv[2]: its argument. */
static int el0_main(int argc, char **argv)
{
	size_t len = (size_t)(el0_prog_end - el0_prog_start);
	struct vmspace *vs;
	int r = vmspace_create(&vs);

	if (r)
		return 100;
	r = vmspace_map_anon(vs, PROG, PAGE_SIZE, VM_READ | VM_EXEC);
	if (!r)
		r = vmspace_map_anon(vs, STACK, STACK_SIZE, VM_READ | VM_WRITE);
	if (!r)
		r = vmspace_load(vs, PROG, el0_prog_start, len);
	if (r) {
		vmspace_destroy(vs);
		return 101;
	}
	task_set_vmspace(vs);	/* freed with the task */
	arch_enter_user(PROG, STACK + STACK_SIZE, strtoull(argv[1], NULL, 0),
			strtoull(argv[2], NULL, 0), 0);
}

/* Runs case what with arg at EL0; its wait status, or -1. */
static int run_el0(int what, uint64_t arg)
{
	char a1[24], a2[24];
	char *argv[] = { "el0prog", a1, a2, NULL };
	int status;
	pid_t pid;

	snprintf(a1, sizeof(a1), "%d", what);
	snprintf(a2, sizeof(a2), "%#llx", (unsigned long long)arg);
	pid = task_spawn(el0_main, argv, NULL, NULL);
	if (pid < 0 || task_waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static bool exited(int st, int code)
{
	return st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == code;
}

static bool killed(int st, int sig)
{
	return st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == sig;
}

static void el0_programs(struct tally *t)
{
	uintptr_t kaddr = (uintptr_t)&kernel_word;
	int st;

	st = run_el0(0, (uint64_t)getpid());
	expect(t, exited(st, 42), "EL0: getppid, write and exit", st);
	st = run_el0(1, kaddr);
	expect(t, killed(st, SIGSEGV), "EL0: reading the kernel is SIGSEGV", st);
	st = run_el0(2, kaddr);
	expect(t, killed(st, SIGSEGV), "EL0: writing the kernel is SIGSEGV", st);
	expect(t, kernel_word == 0x6b65726e656cUL, "EL0: the kernel word intact",
	       (long)kernel_word);
	st = run_el0(3, 0);
	expect(t, killed(st, SIGSEGV), "EL0: a jump to 0 is SIGSEGV", st);
	st = run_el0(4, 0);
	expect(t, killed(st, SIGSEGV), "EL0: executing the stack is SIGSEGV", st);
	st = run_el0(5, 0);
	expect(t, killed(st, SIGSEGV), "EL0: writing its text is SIGSEGV", st);
	st = run_el0(6, 0);
	expect(t, killed(st, SIGILL), "EL0: an undefined instruction is SIGILL", st);
	st = run_el0(7, 0);
	expect(t, killed(st, SIGSEGV), "EL0: a stack overflow is SIGSEGV", st);
	st = run_el0(8, 0x5eed);
	expect(t, exited(st, 42), "EL0: 4000 random system calls", st);
}

/* ---- kmodetest bench: guest instructions under -icount shift=0 ---- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ns per EL0 loop iteration of case what: a run of n less a run of 0. */
static uint64_t el0_per_call(int what, uint64_t arg_hi, uint64_t n)
{
	uint64_t t0 = now_ns(), t1, t2;

	run_el0(what, arg_hi);
	t1 = now_ns();
	run_el0(what, arg_hi | n);
	t2 = now_ns();
	return ((t2 - t1) - (t1 - t0)) / n;
}

static int empty_main(int argc, char **argv)
{
	return 0;
}

static uint64_t flat_spawn_wait(void)
{
	char *argv[] = { "empty", NULL };
	uint64_t t0 = now_ns();
	int status;

	for (int i = 0; i < 50; i++)
		task_waitpid(task_spawn(empty_main, argv, NULL, NULL), &status, 0);
	return (now_ns() - t0) / 50;
}

static uint64_t el0_spawn_wait(void)
{
	uint64_t t0 = now_ns();

	for (int i = 0; i < 50; i++)
		run_el0(0, (uint64_t)getpid());
	return (now_ns() - t0) / 50;
}

/* runs times posix_spawn() + waitpid() of the ELF program at path
 * (loaded from its file each time) with arguments a1 and a2 (may be
 * NULL), its output to /dev/null: ns per run, 0 on an error. */
static uint64_t elf_spawn_wait(const char *path, char *a1, char *a2,
			       int runs)
{
	char *argv[] = { (char *)path, a1, a2, NULL };
	int null = open("/dev/null", O_WRONLY), status, bad = 0;
	posix_spawn_file_actions_t fa;
	uint64_t t0;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, null, 1);
	t0 = now_ns();
	for (int i = 0; i < runs; i++) {
		if (posix_spawn(&pid, path, &fa, NULL, argv, NULL) ||
		    waitpid(pid, &status, 0) != pid || status)
			bad++;
	}
	t0 = now_ns() - t0;
	posix_spawn_file_actions_destroy(&fa);
	close(null);
	return bad ? 0 : t0 / runs;
}

/* ns per signal that `path bench N` (apps/elfprogs/sigtest.c) sends
 * itself and handles at EL0 (kill, the frame pushed, the handler, its
 * sigreturn): a run of N less a run of 0; 0 on an error. */
static uint64_t elf_signal(const char *path)
{
	enum { N = 2000 };
	uint64_t none = elf_spawn_wait(path, "bench", "0", 1);
	uint64_t n = elf_spawn_wait(path, "bench", "2000", 1);

	return none && n > none ? (n - none) / N : 0;
}

/* Per call, in ns of guest time: under -icount shift=0 one instruction
 * is one ns, so these are instruction counts.  With path: also the
 * spawn+wait of that ELF program; with sigpath: a signal handled at EL0
 * by that one (sigtest). */
static int bench(const char *path, const char *sigpath)
{
	enum { N = 20000 };
	static const char line[26] = "el0: hello from user mode\n";
	int fd = open("/dev/null", O_WRONLY);
	uint64_t t0, flat_null, flat_write;

	if (fd < 0)
		return 1;
	t0 = now_ns();
	for (int i = 0; i < N; i++)
		getppid();
	flat_null = (now_ns() - t0) / N;
	t0 = now_ns();
	for (int i = 0; i < N; i++)
		write(fd, line, sizeof(line));
	flat_write = (now_ns() - t0) / N;
	printf("kmodetest: getppid: flat %llu ns, el0 %llu ns\n",
	       (unsigned long long)flat_null,
	       (unsigned long long)el0_per_call(9, 0, N));
	printf("kmodetest: write 26 B to /dev/null: flat %llu ns, el0 %llu ns\n",
	       (unsigned long long)flat_write,
	       (unsigned long long)el0_per_call(10, (uint64_t)fd << 32, N));
	printf("kmodetest: spawn+wait: flat %llu ns, el0 %llu ns\n",
	       (unsigned long long)flat_spawn_wait(),
	       (unsigned long long)el0_spawn_wait());
	if (path)
		printf("kmodetest: posix_spawn+waitpid of %s: %llu ns\n", path,
		       (unsigned long long)elf_spawn_wait(path, "0", NULL, 50));
	if (sigpath)
		printf("kmodetest: signal handled at EL0 (kill, handler, "
		       "sigreturn): %llu ns\n",
		       (unsigned long long)elf_signal(sigpath));
	close(fd);
	return 0;
}

/* Heap bytes in use, less the translation tables a stack guard took from
 * the heap for good (growth, not a leak). */
static long heap_in_use(void)
{
	unsigned int pool, heap_tables;
	struct mm_stats st;

	mm_get_stats(&st);
	mmu_get_table_stats(&pool, &heap_tables);
	return (long)st.used - (long)heap_tables * (long)PAGE_SIZE;
}

/* Ended threads' stacks are freed by the idle thread: give it a second
 * to come back to at most the baseline. */
static long settled_growth(long before)
{
	long grown = heap_in_use() - before;

	for (int i = 0; i < 20 && grown > 0; i++) {
		usleep(50000);
		grown = heap_in_use() - before;
	}
	return grown;
}

static int kmodetest_main(int argc, char **argv)
{
	struct tally tally = { 0 }, *t = &tally;
	long before;
	char buf[8];
	long r;

	if (argc >= 2 && !strcmp(argv[1], "bench"))
		return bench(argc >= 3 ? argv[2] : NULL,
			     argc >= 4 ? argv[3] : NULL);

	printf("kmodetest: user address spaces and user access\n");
	before = heap_in_use();	/* after stdout's buffer was made */
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
	el0_programs(t);
	r = settled_growth(before);
	expect(t, r <= 0, "every page, table and process given back", r);
	printf("kmodetest: %d passed, %d failed\n", t->passed, t->failed);
	return t->failed ? 1 : 0;
}

APP_REGISTER(kmodetest, kmodetest_main, 0, 0);
