/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The implementations behind fixtures/syscalls_test.tbl (defined in
 * test_syscall.c): each records what it was given.
 */
#pragma once

#include <stddef.h>

struct fake_obj {
	int a;
	int b;
	char pad[40];
};

long fake_getval(void);
long fake_add(long a, unsigned int b);
int fake_putstr(const char *s);
int fake_optstr(const char *s);
long fake_read(void *buf, size_t len);
long fake_write(const void *buf, size_t len);
int fake_getobj(struct fake_obj *o);
int fake_update(struct fake_obj *o, unsigned long n);
int fake_pair(int *fds);
int fake_optobj(const struct fake_obj *o);
long fake_strv(char *const *v);
int fake_partial(struct fake_obj *o);
int fake_ioctl(int fd, unsigned long req, unsigned long arg);
