// SPDX-License-Identifier: BSD-2-Clause
/*
 * An EL0 program on the user C library (libc/user/, docs/kernel-mode.md
 * §4): picolibc and Vireo's POSIX layer over system calls, POSIX threads
 * over thread_create and futexes.  argv[1] is a directory it may write
 * in.  Prints "ok <check>" or "FAIL <check>: ..." for each check and
 * "libctest: N passed, M failed"; the exit status is M.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int passed, failed;

static void check(int ok, const char *what, long got)
{
	if (ok) {
		passed++;
		printf("ok %s\n", what);
	} else {
		failed++;
		printf("FAIL %s: got %ld (errno %d)\n", what, got, errno);
	}
}

static long elapsed_ms(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

static void deadline_in(struct timespec *ts, clockid_t clock, long ms)
{
	clock_gettime(clock, ts);
	ts->tv_nsec += ms * 1000000;
	ts->tv_sec += ts->tv_nsec / 1000000000;
	ts->tv_nsec %= 1000000000;
}

static void stdio_and_files(const char *dir)
{
	char path[256], line[64], buf[32];
	FILE *f;

	snprintf(buf, sizeof(buf), "%d|%5.2f|%-4s|%x", -42, 3.14159, "ab", 255);
	check(!strcmp(buf, "-42| 3.14|ab  |ff"), "snprintf", 0);
	snprintf(path, sizeof(path), "%s/libctest.txt", dir);
	f = fopen(path, "w");
	check(f != NULL, "fopen for writing", 0);
	if (!f)
		return;
	for (int i = 0; i < 100; i++)
		fprintf(f, "line %d\n", i);
	check(fclose(f) == 0, "fclose", 0);
	f = fopen(path, "r");
	check(f != NULL, "fopen for reading", 0);
	if (!f)
		return;
	int n = 0, ok = 1;
	while (fgets(line, sizeof(line), f)) {
		snprintf(buf, sizeof(buf), "line %d\n", n++);
		ok &= !strcmp(line, buf);
	}
	fclose(f);
	check(ok && n == 100, "100 lines read back", n);
	check(unlink(path) == 0, "unlink", 0);
	check(fopen(path, "r") == NULL && errno == ENOENT,
	      "fopen of a missing file: ENOENT", errno);
}

static void memory(void)
{
	char *small[64], *big;
	int ok = 1;

	for (int i = 0; i < 64; i++) {
		small[i] = malloc(16 + i * 8);
		ok &= small[i] != NULL;
		if (small[i])
			memset(small[i], i, 16 + i * 8);
	}
	for (int i = 0; i < 64; i++)
		ok &= small[i] && small[i][15 + i * 8] == (char)i;
	for (int i = 0; i < 64; i++)
		free(small[i]);
	check(ok, "64 blocks of malloc", 0);
	big = malloc(1 << 20);
	check(big != NULL, "malloc of 1 MiB (the heap grows with sbrk)", 0);
	if (big) {
		memset(big, 0x5a, 1 << 20);
		big = realloc(big, 2 << 20);
		check(big && big[(1 << 20) - 1] == 0x5a, "realloc to 2 MiB", 0);
		free(big);
	}
	int *z = calloc(1000, sizeof(int)), zero = 1;
	for (int i = 0; z && i < 1000; i++)
		zero &= z[i] == 0;
	check(z && zero, "calloc zeroes", 0);
	free(z);
	errno = 0;
	check(malloc(1UL << 40) == NULL && errno == ENOMEM,
	      "malloc of 1 TiB fails with ENOMEM", errno);
}

static void environment(int argc, char **argv)
{
	int opt, a = 0;
	const char *b = NULL;
	char *args[] = { "prog", "-a", "-b", "val", "rest", NULL };

	check(argc >= 2 && !strcmp(argv[0] + strlen(argv[0]) - 8, "libctest"),
	      "argv", argc);
	check(setenv("LIBCTEST", "one", 1) == 0 &&
	      !strcmp(getenv("LIBCTEST"), "one"), "setenv, getenv", 0);
	setenv("LIBCTEST", "two", 0);
	check(!strcmp(getenv("LIBCTEST"), "one"), "setenv without overwrite", 0);
	unsetenv("LIBCTEST");
	check(getenv("LIBCTEST") == NULL, "unsetenv", 0);
	check(setenv("A=B", "x", 1) == -1 && errno == EINVAL,
	      "setenv of a name with '=': EINVAL", errno);
	optind = 1;
	while ((opt = getopt(5, args, "ab:")) != -1) {
		if (opt == 'a')
			a = 1;
		else if (opt == 'b')
			b = optarg;
	}
	check(a && b && !strcmp(b, "val") && optind == 4, "getopt", optind);
}

static void time_and_dirs(void)
{
	struct timespec t0, d = { 0, 20 * 1000000 };
	DIR *dir;
	struct dirent *e;
	int found = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	check(nanosleep(&d, NULL) == 0 && elapsed_ms(&t0) >= 20,
	      "nanosleep 20 ms", elapsed_ms(&t0));
	dir = opendir("/dev");
	check(dir != NULL, "opendir /dev", 0);
	while (dir && (e = readdir(dir)))
		found |= !strcmp(e->d_name, "null");
	if (dir)
		closedir(dir);
	check(found, "readdir finds /dev/null", 0);
	check(opendir("/no/such/dir") == NULL && errno == ENOENT,
	      "opendir of a missing directory: ENOENT", errno);
}

/* Threads */

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread int tls_value;

static void *adder(void *arg)
{
	for (int i = 0; i < 5000; i++) {
		pthread_mutex_lock(&count_lock);
		counter++;
		pthread_mutex_unlock(&count_lock);
	}
	tls_value = (int)(long)arg;
	errno = 100 + (int)(long)arg;
	sched_yield();
	return (void *)(long)(tls_value * 10 + (errno == 100 + tls_value));
}

static void threads_and_mutexes(void)
{
	pthread_t t[4];
	void *v;
	int ok = 1;

	tls_value = 7;
	errno = 0;
	for (long i = 0; i < 4; i++)
		ok &= pthread_create(&t[i], NULL, adder, (void *)(i + 1)) == 0;
	for (long i = 0; i < 4; i++)
		ok &= pthread_join(t[i], &v) == 0 && (long)v == (i + 1) * 10 + 1;
	check(ok && counter == 20000, "4 threads, a mutex, join values",
	      counter);
	check(tls_value == 7 && errno == 0, "TLS and errno are per thread",
	      tls_value);
	check(pthread_join(t[0], NULL) == ESRCH, "join twice: ESRCH", 0);
	check(pthread_join(pthread_self(), NULL) == EDEADLK,
	      "join self: EDEADLK", 0);

	pthread_mutexattr_t a;
	pthread_mutex_t m;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&m, &a);
	pthread_mutex_lock(&m);
	check(pthread_mutex_lock(&m) == EDEADLK, "errorcheck relock: EDEADLK", 0);
	check(pthread_mutex_destroy(&m) == EBUSY, "destroy a locked mutex: EBUSY", 0);
	pthread_mutex_unlock(&m);
	check(pthread_mutex_unlock(&m) == EPERM, "unlock not owned: EPERM", 0);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&m, &a);
	ok = !pthread_mutex_lock(&m) && !pthread_mutex_lock(&m) &&
	     !pthread_mutex_trylock(&m);
	ok &= !pthread_mutex_unlock(&m) && !pthread_mutex_unlock(&m) &&
	      !pthread_mutex_unlock(&m) && pthread_mutex_unlock(&m) == EPERM;
	check(ok, "recursive mutex, three deep", 0);
}

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;

static void *try_held(void *arg)
{
	struct timespec ts, t0;
	long r[3];

	r[0] = pthread_mutex_trylock(&held);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	deadline_in(&ts, CLOCK_REALTIME, 50);
	r[1] = pthread_mutex_timedlock(&held, &ts);
	r[2] = elapsed_ms(&t0);
	return (void *)(long)(r[0] == EBUSY && r[1] == ETIMEDOUT && r[2] >= 45);
}

static void *unlock_held(void *arg)
{
	return (void *)(long)pthread_mutex_unlock(&held);
}

static void contention(void)
{
	pthread_t t;
	void *v;

	pthread_mutex_lock(&held);
	pthread_create(&t, NULL, try_held, NULL);
	pthread_join(t, &v);
	check(v == (void *)1, "trylock EBUSY, timedlock ETIMEDOUT after 50 ms",
	      (long)v);
	pthread_create(&t, NULL, unlock_held, NULL);
	pthread_join(t, &v);
	pthread_mutex_unlock(&held);
	/* A normal mutex's unlock by another thread is undefined; the
	 * default type here checks the owner. */
	check(v == (void *)EPERM, "unlock by another thread: EPERM", (long)v);
}

/* A queue of 200 items, two consumers, under a condition variable. */
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_cond = PTHREAD_COND_INITIALIZER;
static int q_items, q_done, q_taken[2];

static void *consumer(void *arg)
{
	int me = (int)(long)arg;

	pthread_mutex_lock(&q_lock);
	for (;;) {
		while (!q_items && !q_done)
			pthread_cond_wait(&q_cond, &q_lock);
		if (!q_items)
			break;
		q_items--;
		q_taken[me]++;
	}
	pthread_mutex_unlock(&q_lock);
	return NULL;
}

static void conditions(void)
{
	pthread_t c[2];
	struct timespec ts, t0;
	pthread_condattr_t ca;
	pthread_cond_t mono;

	for (long i = 0; i < 2; i++)
		pthread_create(&c[i], NULL, consumer, (void *)i);
	for (int i = 0; i < 200; i++) {
		pthread_mutex_lock(&q_lock);
		q_items++;
		pthread_cond_signal(&q_cond);
		pthread_mutex_unlock(&q_lock);
		if (i % 16 == 0)
			sched_yield();
	}
	pthread_mutex_lock(&q_lock);
	q_done = 1;
	pthread_cond_broadcast(&q_cond);
	pthread_mutex_unlock(&q_lock);
	for (int i = 0; i < 2; i++)
		pthread_join(c[i], NULL);
	check(q_taken[0] + q_taken[1] == 200 && !q_items,
	      "condition variable: 200 items to two consumers",
	      q_taken[0] + q_taken[1]);

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&mono, &ca);
	pthread_mutex_lock(&q_lock);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	deadline_in(&ts, CLOCK_MONOTONIC, 30);
	int r = pthread_cond_timedwait(&mono, &q_lock, &ts);
	check(r == ETIMEDOUT && elapsed_ms(&t0) >= 25 &&
	      pthread_mutex_trylock(&q_lock) == EBUSY,
	      "cond_timedwait on CLOCK_MONOTONIC: ETIMEDOUT, mutex held", r);
	pthread_mutex_unlock(&q_lock);
}

static sem_t sem;

static void *poster(void *arg)
{
	for (int i = 0; i < 100; i++)
		sem_post(&sem);
	return NULL;
}

static void semaphores(void)
{
	pthread_t t;
	struct timespec ts;
	int ok = 1, v;

	sem_init(&sem, 0, 0);
	check(sem_trywait(&sem) == -1 && errno == EAGAIN, "sem_trywait: EAGAIN",
	      errno);
	pthread_create(&t, NULL, poster, NULL);
	for (int i = 0; i < 100; i++)
		ok &= sem_wait(&sem) == 0;
	pthread_join(t, NULL);
	sem_getvalue(&sem, &v);
	check(ok && v == 0, "100 posts from a thread, 100 waits", v);
	deadline_in(&ts, CLOCK_REALTIME, 20);
	check(sem_timedwait(&sem, &ts) == -1 && errno == ETIMEDOUT,
	      "sem_timedwait: ETIMEDOUT", errno);
	sem_destroy(&sem);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs, destructed;
static pthread_key_t key;
static pthread_barrier_t barrier;
static int serial;

static void once_init(void)
{
	once_runs++;
}

static void destructor(void *v)
{
	__atomic_fetch_add(&destructed, (int)(long)v, __ATOMIC_RELAXED);
}

static void *once_key_barrier(void *arg)
{
	pthread_once(&once, once_init);
	pthread_setspecific(key, arg);
	if (pthread_barrier_wait(&barrier) == PTHREAD_BARRIER_SERIAL_THREAD)
		__atomic_fetch_add(&serial, 1, __ATOMIC_RELAXED);
	return pthread_getspecific(key);
}

static void once_keys_barriers(void)
{
	pthread_t t[4];
	void *v;
	int ok = 1;

	pthread_key_create(&key, destructor);
	pthread_barrier_init(&barrier, NULL, 4);
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, once_key_barrier, (void *)(i + 1));
	for (long i = 0; i < 4; i++)
		ok &= !pthread_join(t[i], &v) && v == (void *)(i + 1);
	check(ok && once_runs == 1, "pthread_once runs once for 4 threads",
	      once_runs);
	check(destructed == 1 + 2 + 3 + 4, "key destructors ran for each value",
	      destructed);
	check(serial == 1, "barrier: one serial thread", serial);
	pthread_barrier_destroy(&barrier);
	pthread_key_delete(key);
}

/* Stack regions in this process's maps: detached threads unmap theirs. */
static int stack_regions(void)
{
	char path[64], line[128];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", getpid());
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, "stack") != NULL;
	fclose(f);
	return n;
}

/* The kernel's count of this process's threads (/proc/<pid>/status). */
static int kernel_threads(void)
{
	char path[64], line[128];
	int n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", getpid());
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

static sem_t detached_done;

static void *detached(void *arg)
{
	sem_post(&detached_done);
	return NULL;
}

static void detach(void)
{
	int before = stack_regions(), after = -1, ok = 1;
	pthread_attr_t a;
	pthread_t t;
	struct timespec t0, nap = { 0, 5 * 1000000 };

	sem_init(&detached_done, 0, 0);
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < 8; i++) {
		ok &= pthread_create(&t, i & 1 ? &a : NULL, detached, NULL) == 0;
		if (!(i & 1))
			ok &= pthread_detach(t) == 0;
	}
	for (int i = 0; i < 8; i++)
		sem_wait(&detached_done);
	check(ok, "8 detached threads (attribute and pthread_detach)", 0);
	check(pthread_detach(t) == ESRCH || pthread_detach(t) == EINVAL,
	      "detach a detached thread: ESRCH or EINVAL", 0);
	/* They end just after their post: their stacks go with them. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (((after = stack_regions()) != before || kernel_threads() != 1) &&
	       elapsed_ms(&t0) < 5000)
		nanosleep(&nap, NULL);
	check(before >= 1 && after == before,
	      "detached threads' stacks are unmapped", after);
	check(kernel_threads() == 1, "the kernel freed the detached threads",
	      kernel_threads());
}

static int cleaned;

static void cleanup(void *arg)
{
	cleaned = (int)(long)arg;
}

static void *cancellable(void *arg)
{
	struct timespec nap = { 0, 1000000 };

	pthread_cleanup_push(cleanup, (void *)5);
	for (;;) {
		nanosleep(&nap, NULL);
		pthread_testcancel();
	}
	pthread_cleanup_pop(0);
	return NULL;
}

static void *exits(void *arg)
{
	pthread_exit((void *)99);
}

static pthread_mutex_t robust;

static void *dies_holding(void *arg)
{
	pthread_mutex_lock(&robust);
	return NULL;
}

static void cancel_exit_robust(void)
{
	pthread_t t;
	pthread_mutexattr_t a;
	void *v;

	pthread_create(&t, NULL, cancellable, NULL);
	check(pthread_cancel(t) == 0 && pthread_join(t, &v) == 0 &&
	      v == PTHREAD_CANCELED && cleaned == 5,
	      "deferred cancellation runs the cleanup handler", cleaned);
	pthread_create(&t, NULL, exits, NULL);
	check(pthread_join(t, &v) == 0 && v == (void *)99, "pthread_exit value",
	      (long)v);
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&robust, &a);
	pthread_create(&t, NULL, dies_holding, NULL);
	pthread_join(t, NULL);
	int r = pthread_mutex_lock(&robust);
	check(r == EOWNERDEAD && pthread_mutex_consistent(&robust) == 0 &&
	      pthread_mutex_unlock(&robust) == 0 &&
	      pthread_mutex_lock(&robust) == 0 &&
	      pthread_mutex_unlock(&robust) == 0,
	      "robust mutex of an ended thread: EOWNERDEAD, then consistent", r);
}

static void attrs_and_names(void)
{
	pthread_attr_t a;
	size_t size = 0;
	char name[32];
	pthread_t t;

	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 128 * 1024);
	pthread_create(&t, &a, cancellable, NULL);
	check(pthread_getattr_np(t, &a) == 0 &&
	      pthread_attr_getstacksize(&a, &size) == 0 && size >= 128 * 1024,
	      "pthread_getattr_np: the stack size asked for", (long)size);
	check(pthread_setname_np(t, "worker") == 0 &&
	      pthread_getname_np(t, name, sizeof(name)) == 0 &&
	      !strcmp(name, "worker"), "thread names", 0);
	check(pthread_setname_np(t, "a name longer than the limit") == ERANGE,
	      "a name too long: ERANGE", 0);
	pthread_cancel(t);
	pthread_join(t, NULL);
	check(pthread_getattr_np(t, &a) == ESRCH, "attributes of an ended "
	      "thread: ESRCH", 0);
}

static volatile sig_atomic_t got;

static void on_usr1(int sig)
{
	got = sig;
}

static void *waits_for_usr1(void *arg)
{
	struct timespec nap = { 0, 1000000 }, t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (got != SIGUSR1 && elapsed_ms(&t0) < 5000)
		nanosleep(&nap, NULL);
	return (void *)(long)got;
}

static void signals(void)
{
	struct sigaction sa = { 0 };
	pthread_t t;
	void *v;

	sa.sa_handler = on_usr1;
	check(sigaction(SIGUSR1, &sa, NULL) == 0,
	      "sigaction without a restorer of its own", 0);
	kill(getpid(), SIGUSR1);
	check(got == SIGUSR1, "a handler runs and returns", got);
	got = 0;
	pthread_create(&t, NULL, waits_for_usr1, NULL);
	pthread_kill(t, SIGUSR1);
	pthread_join(t, &v);
	check(v == (void *)SIGUSR1, "pthread_kill to a thread", (long)v);
}

static pthread_rwlock_t rwl = PTHREAD_RWLOCK_INITIALIZER;

static void *unlock_not_held(void *arg)
{
	return (void *)(long)pthread_rwlock_unlock(&rwl);
}

/* The read locks a thread holds are counted in its own libc data: its
 * recursive read locks, unlocked as often, free the lock; another
 * thread's unlock of them is refused. */
static void rwlocks(void)
{
	pthread_t t;
	void *v = NULL;
	int ok;

	ok = !pthread_rwlock_rdlock(&rwl) && !pthread_rwlock_rdlock(&rwl);
	pthread_create(&t, NULL, unlock_not_held, NULL);
	pthread_join(t, &v);
	check(ok && v == (void *)EPERM,
	      "rwlock: unlock by a thread holding no read lock: EPERM", (long)v);
	ok = !pthread_rwlock_unlock(&rwl) && !pthread_rwlock_unlock(&rwl);
	check(ok && pthread_rwlock_unlock(&rwl) == EPERM &&
	      pthread_rwlock_trywrlock(&rwl) == 0 && !pthread_rwlock_unlock(&rwl),
	      "rwlock: two read locks, two unlocks, then free for a writer", ok);
}

static pthread_once_t slow_once = PTHREAD_ONCE_INIT;
static volatile int in_init, slow_runs;
static pthread_t once_waiter;

/* Signals the waiter in pthread_once until its handler ran. */
static void slow_init(void)
{
	struct timespec tick = { 0, 10000000 };

	slow_runs++;
	in_init = 1;
	for (int i = 0; i < 300 && got != SIGUSR1; i++) {
		pthread_kill(once_waiter, SIGUSR1);
		nanosleep(&tick, NULL);
	}
}

static void *run_slow_once(void *arg)
{
	pthread_once(&slow_once, slow_init);
	return NULL;
}

/* A signal to a thread waiting for another's pthread_once initialiser
 * runs its handler, and the wait goes on to the end of the initialiser. */
static void once_signalled(void)
{
	struct timespec nap = { 0, 1000000 };
	pthread_t t;
	int r;

	got = 0;
	once_waiter = pthread_self();
	pthread_create(&t, NULL, run_slow_once, NULL);
	for (int i = 0; i < 3000 && !in_init; i++)
		nanosleep(&nap, NULL);
	r = pthread_once(&slow_once, slow_init);
	pthread_join(t, NULL);
	check(r == 0 && got == SIGUSR1 && slow_runs == 1,
	      "pthread_once waiter: its handler ran, the wait went on", got);
}

int main(int argc, char **argv)
{
	stdio_and_files(argc > 1 ? argv[1] : "/tmp");
	memory();
	environment(argc, argv);
	time_and_dirs();
	threads_and_mutexes();
	contention();
	conditions();
	semaphores();
	once_keys_barriers();
	detach();
	cancel_exit_robust();
	attrs_and_names();
	signals();
	rwlocks();
	once_signalled();
	printf("libctest: %d passed, %d failed\n", passed, failed);
	return failed;
}
