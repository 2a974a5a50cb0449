// SPDX-License-Identifier: BSD-2-Clause
/*
 * Remote syslog over rpmsg.  The side built with CONFIG_RPMSG_SYSLOG
 * (the proxy) follows its own kernel log and sends the new lines, whole
 * lines per message, to the endpoint the other side announces as
 * "rpmsg-syslog"; that side prints each line in its own kernel log,
 * tagged with the sender's CPU name and stamped with its own clock (the
 * sender's stamp is dropped).  After the link first comes up the sender
 * starts from the oldest line it still has, so its boot log shows; a
 * link that comes back goes on where it stopped.
 *
 * Both run in the link's rpmsg thread with the device lock held (the
 * sender from the thread's pass, the printer as an endpoint callback),
 * so the state here needs no lock of its own.  One link forwards: the
 * first one started.
 */
#include <ctype.h>
#include <string.h>
#include <vireo/klog.h>
#include "rpmsg_priv.h"

#define SYSLOG_NAME	"rpmsg-syslog"
#define SYSLOG_BUDGET	8	/* messages per pass: the thread has more to do */

static struct rpmsg_endpoint syslog_ept;
static struct rpmsg_device *syslog_rdev;
static uint64_t syslog_pos;	/* the sender's place in its kernel log */

/* Length of a leading "[  seconds.micros] " stamp, 0 when none. */
static size_t stamp_len(const char *s, size_t n)
{
	size_t i = 1;

	if (!n || s[0] != '[')
		return 0;
	while (i < n && (s[i] == ' ' || s[i] == '.' || isdigit((unsigned char)s[i])))
		i++;
	if (i + 1 >= n || s[i] != ']' || s[i + 1] != ' ')
		return 0;
	return i + 2;
}

static void syslog_rx(struct rpmsg_endpoint *ept, const void *data,
		      size_t len, uint32_t src)
{
	const char *p = data, *end = p + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p), skip = stamp_len(p, n);

		if (n > skip)
			klog(KLOG_INFO, "[%s] %.*s\n", rpmsg_device_cpu(ept->rdev),
			     (int)(n - skip), p + skip);
		p += n + 1;
	}
}

static const struct rpmsg_endpoint_ops syslog_ops = { .rx = syslog_rx };

void rpmsg_syslog_init(struct rpmsg_device *rdev)
{
	if (syslog_rdev)
		return;
	syslog_rdev = rdev;
	/* The sender needs an address to send from; the receiver a name. */
	rpmsg_ept_create(rdev, &syslog_ept,
			 IS_ENABLED(CONFIG_RPMSG_SYSLOG) ? "" : SYSLOG_NAME,
			 RPMSG_ADDR_ANY, &syslog_ops, NULL);
}

void rpmsg_syslog_pass_locked(struct rpmsg_device *rdev)
{
	char buf[512];
	uint32_t dst;

	if (rdev != syslog_rdev || rpmsg_ns_lookup_locked(rdev, SYSLOG_NAME, &dst))
		return;
	for (int i = 0; i < SYSLOG_BUDGET; i++) {
		uint64_t pos = syslog_pos;
		size_t max = MIN(sizeof(buf), rpmsg_max_payload_locked(rdev));
		size_t got = klog_read_at(&pos, buf, max), n = got;
		while (n && buf[n - 1] != '\n')
			n--;	/* whole lines only */
		if (!got || (!n && got < max))
			return;	/* nothing, or a line still being written */
		if (!n)
			n = got;	/* a line longer than a message is cut */
		if (rpmsg_send_locked(rdev, syslog_ept.addr, dst, buf, n))
			return;	/* no buffer now: the next pass goes on */
		syslog_pos = pos - got + n;	/* pos - got: where it read from */
	}
}
