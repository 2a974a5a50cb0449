// SPDX-License-Identifier: BSD-2-Clause
/*
 * Byte ring buffers.  head and tail count every byte ever written and
 * read and are never reduced modulo the size: head - tail is the fill
 * level even after either wraps past SIZE_MAX (unsigned arithmetic is
 * modulo 2^N, and size divides 2^N since it is a power of two), and a
 * full ring is told from an empty one without a wasted slot.  The offset
 * in the buffer is the count masked with size - 1.
 */
#include <string.h>
#include <vireo/compiler.h>
#include <vireo/panic.h>
#include <vireo/ringbuf.h>

void ringbuf_init(struct ringbuf *r, void *buf, size_t size)
{
	kassert(size && !(size & (size - 1)));
	r->buf = buf;
	r->size = size;
	r->head = 0;
	r->tail = 0;
}

size_t ringbuf_used(const struct ringbuf *r)
{
	return r->head - r->tail;
}

size_t ringbuf_space(const struct ringbuf *r)
{
	return r->size - ringbuf_used(r);
}

bool ringbuf_empty(const struct ringbuf *r)
{
	return r->head == r->tail;
}

/* Copies len bytes in at count pos, in two pieces when they wrap. */
static void copy_in(struct ringbuf *r, size_t pos, const uint8_t *src,
		    size_t len)
{
	size_t off = pos & (r->size - 1);
	size_t first = MIN(len, r->size - off);

	if (!len)
		return;	/* src may be NULL then; memcpy wants it valid */
	memcpy(r->buf + off, src, first);
	memcpy(r->buf, src + first, len - first);
}

static void copy_out(const struct ringbuf *r, size_t pos, uint8_t *dst,
		     size_t len)
{
	size_t off = pos & (r->size - 1);
	size_t first = MIN(len, r->size - off);

	if (!len)
		return;
	memcpy(dst, r->buf + off, first);
	memcpy(dst + first, r->buf, len - first);
}

size_t ringbuf_put(struct ringbuf *r, const void *data, size_t len)
{
	size_t n = MIN(len, ringbuf_space(r));

	copy_in(r, r->head, data, n);
	r->head += n;
	return n;
}

void ringbuf_put_overwrite(struct ringbuf *r, const void *data, size_t len)
{
	const uint8_t *src = data;
	size_t space = ringbuf_space(r);

	if (len > r->size) {
		src += len - r->size;
		len = r->size;
	}
	if (len > space)
		r->tail += len - space;	/* drop the oldest */
	copy_in(r, r->head, src, len);
	r->head += len;
}

size_t ringbuf_peek(const struct ringbuf *r, size_t skip, void *out,
		    size_t len)
{
	size_t used = ringbuf_used(r), n;

	if (skip >= used)
		return 0;
	n = MIN(len, used - skip);
	copy_out(r, r->tail + skip, out, n);
	return n;
}

size_t ringbuf_get(struct ringbuf *r, void *out, size_t len)
{
	size_t n = ringbuf_peek(r, 0, out, len);

	r->tail += n;
	return n;
}

size_t ringbuf_skip(struct ringbuf *r, size_t len)
{
	size_t n = MIN(len, ringbuf_used(r));

	r->tail += n;
	return n;
}

int ringbuf_putc(struct ringbuf *r, uint8_t c)
{
	return ringbuf_put(r, &c, 1) ? 0 : -1;
}

int ringbuf_getc(struct ringbuf *r)
{
	uint8_t c;

	return ringbuf_get(r, &c, 1) ? c : -1;
}
