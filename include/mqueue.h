/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * POSIX message queues (IEEE 1003.1-2017 <mqueue.h>).  A mqd_t is a
 * descriptor of the task's own table (closed at exit, not inherited by
 * spawned tasks); queue names start with '/'.
 */
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int mqd_t;

struct mq_attr {
	long mq_flags;		/* O_NONBLOCK or 0 */
	long mq_maxmsg;
	long mq_msgsize;
	long mq_curmsgs;
};

#define MQ_PRIO_MAX 32
#define MQ_OPEN_MAX 32

mqd_t mq_open(const char *name, int oflag, ...);
int mq_close(mqd_t mqd);
int mq_unlink(const char *name);
int mq_send(mqd_t mqd, const char *msg, size_t len, unsigned int prio);
int mq_timedsend(mqd_t mqd, const char *msg, size_t len, unsigned int prio,
		 const struct timespec *abstime);
ssize_t mq_receive(mqd_t mqd, char *msg, size_t len, unsigned int *prio);
ssize_t mq_timedreceive(mqd_t mqd, char *msg, size_t len, unsigned int *prio,
			const struct timespec *abstime);
int mq_getattr(mqd_t mqd, struct mq_attr *attr);
int mq_setattr(mqd_t mqd, const struct mq_attr *attr, struct mq_attr *old);
int mq_notify(mqd_t mqd, const struct sigevent *ev);

#ifdef __cplusplus
}
#endif
