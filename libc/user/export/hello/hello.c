// SPDX-License-Identifier: BSD-2-Clause
/* A program of a Vireo export: stdio, a thread, its argument back. */
#include <pthread.h>
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>

static void *twice(void *arg)
{
	return (void *)(2 * (long)arg);
}

int main(int argc, char **argv)
{
	struct utsname u;
	pthread_t t;
	void *v;

	uname(&u);
	pthread_create(&t, NULL, twice, (void *)21L);
	pthread_join(t, &v);
	printf("hello from %s, pid %d, on %s %s: %ld\n", argv[0], getpid(),
	       u.sysname, u.release, (long)v);
	return 0;
}
