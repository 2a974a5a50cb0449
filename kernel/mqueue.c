// SPDX-License-Identifier: BSD-2-Clause
/*
 * Message queues.  Every queue reserves maxmsg message slots at creation
 * (no allocation on the send path); a message sits on `queued`, ordered
 * by priority, or on `free`.
 *
 * Locking: queues_lock guards the name list and reference counts; each
 * queue's own mutex `lock` guards its messages, counters and
 * notification, and its two condition variables carry the waits (an
 * interruptible kcond_wait, so the calls are cancellation points and
 * signals interrupt them).  Message copies are done under the queue
 * mutex, not under the scheduler lock, so interrupts stay enabled.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <vireo/list.h>
#include <vireo/mm.h>
#include <vireo/mqueue.h>
#include <vireo/mutex.h>
#include <vireo/signal.h>
#include <vireo/task.h>
#include <vireo/thread.h>

struct kmq_msg {
	struct list_node node;
	unsigned int prio;
	size_t len;
	char data[];
};

struct kmq {
	struct list_node node;		/* on queues (queues_lock) */
	unsigned int refs;		/* queues_lock */
	bool unlinked;			/* queues_lock */
	char name[KMQ_NAME_MAX];

	struct kmutex lock;
	struct kcond not_empty;
	struct kcond not_full;
	struct list_node queued;	/* highest priority first */
	struct list_node free;
	long maxmsg, msgsize, curmsgs;
	int receivers_waiting;
	pid_t notify_pid;		/* 0: nobody registered */
	struct sigevent notify;
	/* SIGEV_THREAD: registrations are numbered; the thread libc starts
	 * for one waits in kmq_notify_wait() until it fired or ended. */
	unsigned int notify_seq;	/* the last registration's number */
	unsigned int notify_fired;	/* the last one that fired */
	struct kcond notify_cv;
	char *slots;			/* maxmsg message slots */
};

static struct kmutex queues_lock = KMUTEX_INIT(queues_lock, false);
static struct list_node queues = LIST_INIT(queues);

static size_t slot_size(long msgsize)
{
	return ALIGN_UP(sizeof(struct kmq_msg) + (size_t)msgsize, 16);
}

static int check_name(const char *name)
{
	if (name[0] != '/' || name[1] == '\0' || strchr(name + 1, '/'))
		return -EINVAL;
	return strlen(name) >= KMQ_NAME_MAX ? -ENAMETOOLONG : 0;
}

static struct kmq *find_locked(const char *name)
{
	struct list_node *n;

	list_for_each(n, &queues) {
		struct kmq *q = list_entry(n, struct kmq, node);
		if (!q->unlinked && strcmp(q->name, name) == 0)
			return q;
	}
	return NULL;
}

static struct kmq *create(const char *name, long maxmsg, long msgsize)
{
	struct kmq *q = kcalloc(1, sizeof(*q));

	if (!q)
		return NULL;
	q->slots = kcalloc((size_t)maxmsg, slot_size(msgsize));
	if (!q->slots) {
		free(q);
		return NULL;
	}
	strcpy(q->name, name);
	q->maxmsg = maxmsg;
	q->msgsize = msgsize;
	kmutex_init(&q->lock, false);
	kcond_init(&q->not_empty, (int)CLOCK_MONOTONIC);
	kcond_init(&q->not_full, (int)CLOCK_MONOTONIC);
	kcond_init(&q->notify_cv, (int)CLOCK_MONOTONIC);
	/* For debuggers: a message-queue wait, not any condition wait. */
	q->not_empty.wq.kind = WAIT_MQ_RECEIVE;
	q->not_full.wq.kind = WAIT_MQ_SEND;
	list_init(&q->queued);
	list_init(&q->free);
	for (long i = 0; i < maxmsg; i++) {
		struct kmq_msg *m = (void *)(q->slots + i * slot_size(msgsize));
		list_add_tail(&q->free, &m->node);
	}
	return q;
}

int kmq_open(const char *name, bool create_it, bool excl, long maxmsg,
	     long msgsize, struct kmq **out)
{
	struct kmq *q;
	int r = check_name(name);

	if (r)
		return r;
	maxmsg = maxmsg ? maxmsg : KMQ_DEFAULT_MAXMSG;
	msgsize = msgsize ? msgsize : KMQ_DEFAULT_MSGSIZE;
	if (create_it && (maxmsg < 0 || maxmsg > KMQ_MAXMSG_LIMIT ||
			  msgsize < 0 || msgsize > KMQ_MSGSIZE_LIMIT))
		return -EINVAL;
	kmutex_lock(&queues_lock);
	q = find_locked(name);
	if (q && create_it && excl) {
		r = -EEXIST;
	} else if (!q && !create_it) {
		r = -ENOENT;
	} else if (!q) {
		q = create(name, maxmsg, msgsize);
		if (q)
			list_add_tail(&queues, &q->node);
		else
			r = -ENOSPC;
	}
	if (!r) {
		q->refs++;
		*out = q;
	}
	kmutex_unlock(&queues_lock);
	return r;
}

static void put_locked(struct kmq *q)
{
	if (--q->refs > 0 || !q->unlinked)
		return;
	list_del(&q->node);
	free(q->slots);
	free(q);
}

/* The caller's registration goes (mq_notify(NULL), close): its thread,
 * if any, ends.  q->lock held. */
static void unregister_locked(struct kmq *q)
{
	q->notify_pid = 0;
	kcond_broadcast(&q->notify_cv);
}

void kmq_hold(struct kmq *q)
{
	kmutex_lock(&queues_lock);
	q->refs++;
	kmutex_unlock(&queues_lock);
}

void kmq_put(struct kmq *q)
{
	kmutex_lock(&queues_lock);
	put_locked(q);
	kmutex_unlock(&queues_lock);
}

void kmq_close(struct kmq *q)
{
	kmutex_lock(&q->lock);
	if (q->notify_pid == task_pid(task_current()))
		unregister_locked(q);
	kmutex_unlock(&q->lock);
	kmq_put(q);
}

int kmq_unlink(const char *name)
{
	struct kmq *q;
	int r = check_name(name);

	if (r)
		return r;
	kmutex_lock(&queues_lock);
	q = find_locked(name);
	if (q) {
		q->unlinked = true;
		q->refs++;	/* put_locked() frees it if nobody has it open */
		put_locked(q);
	}
	kmutex_unlock(&queues_lock);
	return q ? 0 : -ENOENT;
}

/* Waits on cv with q->lock held; 0 or the wait's error. */
static int wait_for(struct kmq *q, struct kcond *cv, uint64_t deadline,
		    bool nonblock)
{
	int r;

	if (nonblock)
		return -EAGAIN;
	r = kcond_wait(cv, &q->lock, deadline, WAIT_INTR);
	return r == -EOWNERDEAD ? 0 : r;
}

/* Sends the registered notification and removes the registration.
 * q->lock held. */
static void notify_locked(struct kmq *q)
{
	struct sigevent ev = q->notify;
	pid_t pid = q->notify_pid;

	q->notify_pid = 0;
	if (ev.sigev_notify == SIGEV_SIGNAL) {
		siginfo_t info = {
			.si_signo = ev.sigev_signo,
			.si_code = SI_MESGQ,
			.si_value = ev.sigev_value,
		};
		signal_send_pid(pid, &info);
	} else if (ev.sigev_notify == SIGEV_THREAD) {
		q->notify_fired = q->notify_seq;
		kcond_broadcast(&q->notify_cv);
	}
}

/* After the last slot of the new message's priority: FIFO among equals. */
static void enqueue(struct kmq *q, struct kmq_msg *m)
{
	struct list_node *n;

	list_for_each(n, &q->queued) {
		if (list_entry(n, struct kmq_msg, node)->prio < m->prio)
			break;
	}
	list_insert(&m->node, n->prev, n);
}

int kmq_send(struct kmq *q, const char *msg, size_t len, unsigned int prio,
	     uint64_t deadline_ns, bool nonblock)
{
	struct kmq_msg *m;
	int r = 0;

	if (len > (size_t)q->msgsize)
		return -EMSGSIZE;
	if (prio >= KMQ_PRIO_MAX)
		return -EINVAL;
	kmutex_lock(&q->lock);
	while (list_empty(&q->free) && r == 0)
		r = wait_for(q, &q->not_full, deadline_ns, nonblock);
	if (r == 0) {
		m = list_entry(list_first(&q->free), struct kmq_msg, node);
		list_del(&m->node);
		memcpy(m->data, msg, len);
		m->len = len;
		m->prio = prio;
		enqueue(q, m);
		if (q->curmsgs++ == 0 && q->notify_pid && !q->receivers_waiting)
			notify_locked(q);
		kcond_signal(&q->not_empty);
	}
	kmutex_unlock(&q->lock);
	return r;
}

ssize_t kmq_receive(struct kmq *q, char *buf, size_t len, unsigned int *prio,
		    uint64_t deadline_ns, bool nonblock)
{
	struct kmq_msg *m;
	ssize_t r = 0;

	if (len < (size_t)q->msgsize)
		return -EMSGSIZE;
	kmutex_lock(&q->lock);
	while (list_empty(&q->queued) && r == 0) {
		q->receivers_waiting++;
		r = wait_for(q, &q->not_empty, deadline_ns, nonblock);
		q->receivers_waiting--;
	}
	if (r == 0) {
		m = list_entry(list_first(&q->queued), struct kmq_msg, node);
		list_del(&m->node);
		memcpy(buf, m->data, m->len);
		r = (ssize_t)m->len;
		if (prio)
			*prio = m->prio;
		list_add_tail(&q->free, &m->node);
		q->curmsgs--;
		kcond_signal(&q->not_full);
	}
	kmutex_unlock(&q->lock);
	return r;
}

void kmq_getattr(struct kmq *q, long *maxmsg, long *msgsize, long *curmsgs)
{
	kmutex_lock(&q->lock);
	*maxmsg = q->maxmsg;
	*msgsize = q->msgsize;
	*curmsgs = q->curmsgs;
	kmutex_unlock(&q->lock);
}

int kmq_notify(struct kmq *q, const struct sigevent *ev)
{
	pid_t me = task_pid(task_current());
	int r = 0;

	if (ev && ev->sigev_notify != SIGEV_NONE &&
	    ev->sigev_notify != SIGEV_SIGNAL && ev->sigev_notify != SIGEV_THREAD)
		return -EINVAL;
	if (ev && ev->sigev_notify == SIGEV_THREAD && !ev->sigev_notify_function)
		return -EINVAL;
	kmutex_lock(&q->lock);
	if (!ev) {
		if (q->notify_pid == me)
			unregister_locked(q);
		else
			r = -EBUSY;	/* POSIX leaves it unspecified */
	} else if (q->notify_pid) {
		r = -EBUSY;
	} else {
		q->notify_pid = me;
		q->notify = *ev;
		if (++q->notify_seq == 0)
			q->notify_seq = 1;	/* 0 is "none" */
		if (ev->sigev_notify == SIGEV_THREAD)
			r = (int)q->notify_seq;
	}
	kmutex_unlock(&q->lock);
	return r;
}

int kmq_notify_wait(struct kmq *q, unsigned int seq)
{
	int r = 0;

	kmutex_lock(&q->lock);
	while (!r && q->notify_fired != seq && q->notify_seq == seq &&
	       q->notify_pid) {
		r = kcond_wait(&q->notify_cv, &q->lock, WAIT_FOREVER,
			       WAIT_SIGNALS);
		if (r == -EOWNERDEAD)
			r = 0;
	}
	if (!r)
		r = q->notify_fired == seq ? 0 : -ECANCELED;
	kmutex_unlock(&q->lock);
	return r;
}
