/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Built-in applications.  An application registers its main() under a
 * name with APP_REGISTER; posix_spawn() finds it by the basename of the
 * path it is given and runs it as a new task (<vireo/task.h>).  The
 * entries sit in the .apps.<name> linker sections, sorted by name,
 * between __apps_start and __apps_end (boards/qemu-armv8a/vireo.ld).
 */
#pragma once

#include <stddef.h>
#include <vireo/compiler.h>
#include <vireo/task.h>

struct app_entry {
	const char *name;
	task_main_t main;
	int prio;		/* 0: the spawner's priority */
	size_t stack;		/* 0: CONFIG_DEFAULT_STACKSIZE */
} __aligned(8);

#ifdef VIREO_EL0
/* An EL0 program (knsh) is one application: registering it defines its
 * main(), and it has no table of others (they are files in $PATH). */
#define APP_REGISTER(app_name, app_main, app_prio, app_stack)		\
	int main(int argc, char **argv)					\
	{								\
		return app_main(argc, argv);				\
	}
#define app_for_each(a) \
	for (const struct app_entry *a = NULL; a; a = NULL)
#else
#define APP_REGISTER(app_name, app_main, app_prio, app_stack)		\
	static const struct app_entry __app_##app_name __used		\
	__section(".apps." #app_name) = {				\
		.name = #app_name, .main = (app_main),			\
		.prio = (app_prio), .stack = (app_stack),		\
	}

/* The application registered under name, or NULL. */
const struct app_entry *app_find(const char *name);

extern const struct app_entry __apps_start[], __apps_end[];

#define app_for_each(a) \
	for (const struct app_entry *a = __apps_start; a < __apps_end; a++)
#endif
