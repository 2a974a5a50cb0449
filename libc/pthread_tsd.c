// SPDX-License-Identifier: BSD-2-Clause
/*
 * Thread-specific data.  Keys are slots of the task's table (libc_task.h:
 * a task that ends without deleting its keys takes them along; tasks do
 * not share keys).  pthread_key_delete() leaves threads' values behind
 * (POSIX: the application frees them) and bumps the slot's generation; a
 * value stored under an older generation reads as NULL, so a re-created
 * key starts out NULL in every thread.  key_lock guards every task's key
 * table; each thread's values are its own.
 */
#include <errno.h>
#include <pthread.h>
#include <vireo/mutex.h>
#include <vireo/thread.h>
#include "libc_task.h"
#include "pthread_priv.h"

static struct kmutex key_lock = KMUTEX_INIT(key_lock, false);

/* The calling task's key key, or NULL (no such key, out of memory). */
static struct key_slot *slot_of(pthread_key_t key)
{
	struct libc_task *t = key < PTHREAD_KEYS_MAX ? libc_task() : NULL;

	return t ? &t->keys[key] : NULL;
}

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
	struct libc_task *t = libc_task();
	int r = EAGAIN;

	if (!t)
		return ENOMEM;
	pthread_exit_hook_install();
	kmutex_lock(&key_lock);
	for (unsigned int i = 0; i < PTHREAD_KEYS_MAX; i++) {
		if (!t->keys[i].used) {
			t->keys[i].used = true;
			t->keys[i].destructor = destructor;
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
	struct key_slot *k = slot_of(key);
	int r = EINVAL;

	if (!k)
		return EINVAL;
	kmutex_lock(&key_lock);
	if (k->used) {
		k->used = false;
		k->destructor = NULL;
		k->generation++;
		r = 0;
	}
	kmutex_unlock(&key_lock);
	return r;
}

void *pthread_getspecific(pthread_key_t key)
{
	struct pthread_data *pd = *thread_libc_data();
	struct key_slot *k = pd ? slot_of(key) : NULL;

	if (!k || !READ_ONCE(k->used) ||
	    pd->tsd[key].generation != READ_ONCE(k->generation))
		return NULL;
	return (void *)pd->tsd[key].value;
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
	struct key_slot *k = slot_of(key);
	struct pthread_data *pd;

	if (!k || !READ_ONCE(k->used))
		return EINVAL;
	pd = pthread_data_get();
	if (!pd)
		return ENOMEM;
	pd->tsd[key].value = value;
	pd->tsd[key].generation = READ_ONCE(k->generation);
	return 0;
}

/* POSIX: each non-NULL value of a key with a destructor is set to NULL
 * and the destructor called with it; repeat while destructors set new
 * values, at most PTHREAD_DESTRUCTOR_ITERATIONS times. */
void pthread_tsd_run_destructors(struct pthread_data *pd)
{
	struct libc_task *t = libc_task();

	for (int round = 0; t && round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
		bool ran = false;

		for (unsigned int i = 0; i < PTHREAD_KEYS_MAX; i++) {
			struct key_slot *k = &t->keys[i];
			void (*dtor)(void *) = READ_ONCE(k->destructor);
			void *v = (void *)pd->tsd[i].value;

			if (!v || !dtor || !READ_ONCE(k->used) ||
			    pd->tsd[i].generation != READ_ONCE(k->generation))
				continue;
			pd->tsd[i].value = NULL;
			dtor(v);
			ran = true;
		}
		if (!ran)
			return;
	}
}
