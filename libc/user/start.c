// SPDX-License-Identifier: BSD-2-Clause
/*
 * An EL0 program's start (crt0.S): the main thread's descriptor and TLS
 * block go in the start-up stack before any C library call (errno and
 * the locks need them), then the environment, constructors, main() and
 * exit() with its value.
 */
#include <stdlib.h>
#include <string.h>
#include <vireo/compiler.h>
#include "user_thread.h"

int main(int argc, char **argv, char **envp);
void __libc_init_array(void);
__noreturn void __vireo_start(long *sp);

char **__vireo_environ;		/* task_environ(): the process's own */

/* libc/env.c owns the vector and each string (it frees and reallocs
 * them): a copy of what the kernel put on the stack.  Without memory
 * the program starts with an empty environment. */
static char **copy_environment(char **envp)
{
	size_t n = 0;
	char **v;

	while (envp[n])
		n++;
	v = calloc(n + 1, sizeof(*v));
	for (size_t i = 0; v && i < n; i++)
		if (!(v[i] = strdup(envp[i]))) {
			while (i--)
				free(v[i]);
			free(v);
			v = NULL;
		}
	return v;
}

__noreturn void __vireo_start(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)&sp[1], **envp = &argv[argc + 1];
	size_t align = uthread_tls_align();
	char *block = __builtin_alloca(uthread_tls_size() + align);
	uintptr_t tp = ALIGN_UP((uintptr_t)block, align);
	struct uthread main_thread;

	uthread_init_main(&main_thread, (void *)(tp + align));
	__vireo_environ = copy_environment(envp);
	__libc_init_array();
	exit(main(argc, argv, envp));
}
