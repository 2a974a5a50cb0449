/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Byte ring buffers of a power-of-two size, with free-running head and
 * tail indices.  No locking: the owner says what protects each ring (a
 * UART's ring is shared by its interrupt handler and threads under the
 * driver's IRQ-safe spinlock).  Portable: host unit-tested.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ringbuf {
	uint8_t *buf;
	size_t size;		/* power of two */
	size_t head;		/* total bytes ever written */
	size_t tail;		/* total bytes ever read */
};

/* size must be a power of two. */
void ringbuf_init(struct ringbuf *r, void *buf, size_t size);
size_t ringbuf_used(const struct ringbuf *r);
size_t ringbuf_space(const struct ringbuf *r);
bool ringbuf_empty(const struct ringbuf *r);
/* Copies up to len bytes in; returns the count (less when full). */
size_t ringbuf_put(struct ringbuf *r, const void *data, size_t len);
/* Copies all len bytes in, dropping the oldest bytes when full (a log);
 * when len > size only the last size bytes are kept. */
void ringbuf_put_overwrite(struct ringbuf *r, const void *data, size_t len);
/* Moves up to len bytes out; returns the count. */
size_t ringbuf_get(struct ringbuf *r, void *out, size_t len);
/* Copies up to len bytes starting skip bytes after the oldest, without
 * consuming them; returns the count. */
size_t ringbuf_peek(const struct ringbuf *r, size_t skip, void *out,
		    size_t len);
/* Drops up to len of the oldest bytes (those a peek handed on);
 * returns the count. */
size_t ringbuf_skip(struct ringbuf *r, size_t len);
/* Single bytes: 0 or -1 (full / empty). */
int ringbuf_putc(struct ringbuf *r, uint8_t c);
int ringbuf_getc(struct ringbuf *r);
