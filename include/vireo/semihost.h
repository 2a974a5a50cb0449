/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host files through Arm semihosting (arch/arm64/semihosting.c): the file
 * calls of "Semihosting for AArch32 and AArch64" (Arm, release 2.0) that a
 * debugger or an emulator (QEMU's -semihosting) answers on the host.
 *
 * Every call blocks its CPU until the host has done the work: there is
 * no interrupt to wait for (see semihosting.c).  Thread context only:
 * the calls are serialised by a sleeping lock.  Names are host paths,
 * NUL-terminated; buffers are kernel memory (the host reads and writes
 * them at their virtual addresses).  Errors are -errno in Vireo's
 * numbering, translated from the host's (Linux's values under QEMU on
 * Linux).  Without a host (QEMU started without -semihosting) every call
 * returns -ENOSYS and nothing faults.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* SYS_OPEN modes: the ISO C fopen() modes the host opens the file with
 * ("b" is the same file, untranslated; Vireo uses only those). */
enum semihost_mode {
	SEMIHOST_R = 0,		/* "r":  read; must exist */
	SEMIHOST_RB = 1,
	SEMIHOST_RPLUS = 2,	/* "r+": read and write; must exist */
	SEMIHOST_RPLUSB = 3,
	SEMIHOST_W = 4,		/* "w":  write; created or truncated */
	SEMIHOST_WB = 5,
	SEMIHOST_WPLUS = 6,	/* "w+": read and write; created or truncated */
	SEMIHOST_WPLUSB = 7,
	SEMIHOST_A = 8,		/* "a":  append; created when missing */
	SEMIHOST_AB = 9,
	SEMIHOST_APLUS = 10,	/* "a+": read and append; created when missing */
	SEMIHOST_APLUSB = 11,
};

/* 0 when a host answers semihosting calls, -ENOSYS when none does (the
 * first call finds out; the answer is kept).  Thread context. */
int semihost_probe(void);
/* A host handle (>= 0) on name opened with mode, or -errno. */
long semihost_open(const char *name, enum semihost_mode mode);
int semihost_close(long handle);
/* Bytes read at the handle's position (0: end of file), or -errno.
 * The interface cannot tell a read error from the end of the file:
 * both read nothing. */
ssize_t semihost_read(long handle, void *buf, size_t len);
/* Bytes written at the handle's position (at the end for an "a" mode),
 * or -errno when none could be. */
ssize_t semihost_write(long handle, const void *buf, size_t len);
/* Moves the handle's position to pos bytes from the start: 0 or -errno. */
int semihost_seek(long handle, off_t pos);
/* The file's length in bytes, or -errno. */
off_t semihost_flen(long handle);
/* Deletes the file name (QEMU's host also removes an empty directory). */
int semihost_remove(const char *name);
int semihost_rename(const char *from, const char *to);
