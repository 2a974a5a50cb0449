// SPDX-License-Identifier: BSD-2-Clause
/*
 * Thread-specific data.  Keys are slots of one table.  pthread_key_delete()
 * leaves threads' values behind (POSIX: the application frees them) and
 * bumps the slot's generation; a value stored under an older generation
 * reads as NULL, so a re-created key starts out NULL in every thread.
 * key_lock guards the key table; each thread's values are its own.
 */
#include <errno.h>
#include <pthread.h>
#include <vireo/mutex.h>
#include <vireo/thread.h>
#include "pthread_priv.h"

struct key_slot {
	bool used;
	void (*destructor)(void *);
	unsigned int generation;	/* bumped by delete, checked by get */
};

static struct kmutex key_lock = KMUTEX_INIT(key_lock, false);
static struct key_slot keys[PTHREAD_KEYS_MAX];

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
	int r = EAGAIN;

	pthread_exit_hook_install();
	kmutex_lock(&key_lock);
	for (unsigned int i = 0; i < PTHREAD_KEYS_MAX; i++) {
		if (!keys[i].used) {
			keys[i].used = true;
			keys[i].destructor = destructor;
			*key = i;
			r = 0;
			break;
		}
	}
	kmutex_unlock(&key_lock);
	return r;
}

int pthread_key_delete(pthread_key_t key)
{
	int r = EINVAL;

	if (key >= PTHREAD_KEYS_MAX)
		return EINVAL;
	kmutex_lock(&key_lock);
	if (keys[key].used) {
		keys[key].used = false;
		keys[key].destructor = NULL;
		keys[key].generation++;
		r = 0;
	}
	kmutex_unlock(&key_lock);
	return r;
}

void *pthread_getspecific(pthread_key_t key)
{
	struct pthread_data *pd = *thread_libc_data();

	if (key >= PTHREAD_KEYS_MAX || !pd || !READ_ONCE(keys[key].used) ||
	    pd->tsd[key].generation != READ_ONCE(keys[key].generation))
		return NULL;
	return (void *)pd->tsd[key].value;
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
	struct pthread_data *pd;

	if (key >= PTHREAD_KEYS_MAX || !READ_ONCE(keys[key].used))
		return EINVAL;
	pd = pthread_data_get();
	if (!pd)
		return ENOMEM;
	pd->tsd[key].value = value;
	pd->tsd[key].generation = READ_ONCE(keys[key].generation);
	return 0;
}

/* POSIX: each non-NULL value of a key with a destructor is set to NULL
 * and the destructor called with it; repeat while destructors set new
 * values, at most PTHREAD_DESTRUCTOR_ITERATIONS times. */
void pthread_tsd_run_destructors(struct pthread_data *pd)
{
	for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
		bool ran = false;

		for (unsigned int i = 0; i < PTHREAD_KEYS_MAX; i++) {
			void (*dtor)(void *) = READ_ONCE(keys[i].destructor);
			void *v = (void *)pd->tsd[i].value;

			if (!v || !dtor || !READ_ONCE(keys[i].used) ||
			    pd->tsd[i].generation != READ_ONCE(keys[i].generation))
				continue;
			pd->tsd[i].value = NULL;
			dtor(v);
			ran = true;
		}
		if (!ran)
			return;
	}
}
