// SPDX-License-Identifier: BSD-2-Clause
/*
 * ostest cases for thread-specific data: values are per thread, and
 * destructors run at thread exit (pthread_exit and return) for non-NULL
 * values only, with the value; keys can be created and deleted again.
 */
#include "ostest.h"

static pthread_key_t key;
static volatile int dtor_calls;
static volatile uintptr_t dtor_value;

static void dtor(void *v)
{
	dtor_calls++;
	dtor_value = (uintptr_t)v;
}

static void *tsd_body(void *arg)
{
	bool fresh = pthread_getspecific(key) == NULL;

	pthread_setspecific(key, arg);
	if (pthread_getspecific(key) != arg || !fresh)
		return (void *)1;
	if ((uintptr_t)arg == 0x33)
		pthread_exit(NULL);
	return NULL;
}

static void tsd_values(void)
{
	pthread_t t;
	void *ret = (void *)7;

	dtor_calls = 0;
	OT_ASSERT_RC(pthread_key_create(&key, NULL), 0);
	OT_EXPECT(pthread_getspecific(key) == NULL);
	OT_EXPECT_RC(pthread_setspecific(key, (void *)0x11), 0);
	if (OT_EXPECT_RC(pthread_create(&t, NULL, tsd_body, (void *)0x22), 0)) {
		pthread_join(t, &ret);
		OT_EXPECT(ret == NULL);
	}
	OT_EXPECT(pthread_getspecific(key) == (void *)0x11);
	OT_EXPECT_RC(pthread_setspecific(key, NULL), 0);
	OT_EXPECT_RC(pthread_key_delete(key), 0);
}

static void tsd_destructor(void)
{
	pthread_t t;

	dtor_calls = 0;
	dtor_value = 0;
	OT_ASSERT_RC(pthread_key_create(&key, dtor), 0);
	/* Returned from the start routine. */
	if (OT_EXPECT_RC(pthread_create(&t, NULL, tsd_body, (void *)0x22), 0))
		pthread_join(t, NULL);
	OT_EXPECT_EQ(dtor_calls, 1);
	OT_EXPECT_EQ(dtor_value, 0x22);
	/* pthread_exit. */
	if (OT_EXPECT_RC(pthread_create(&t, NULL, tsd_body, (void *)0x33), 0))
		pthread_join(t, NULL);
	OT_EXPECT_EQ(dtor_calls, 2);
	OT_EXPECT_EQ(dtor_value, 0x33);
	/* A NULL value: no call. */
	if (OT_EXPECT_RC(pthread_create(&t, NULL, tsd_body, NULL), 0))
		pthread_join(t, NULL);
	OT_EXPECT_EQ(dtor_calls, 2);
	OT_EXPECT_RC(pthread_key_delete(key), 0);
}

static void tsd_many_keys(void)
{
	pthread_key_t keys[8];
	int n = 0;

	for (; n < 8; n++) {
		if (!OT_EXPECT_RC(pthread_key_create(&keys[n], NULL), 0))
			break;
		OT_EXPECT_RC(pthread_setspecific(keys[n], (void *)(uintptr_t)(n + 1)), 0);
	}
	for (int i = 0; i < n; i++) {
		OT_EXPECT(pthread_getspecific(keys[i]) == (void *)(uintptr_t)(i + 1));
		for (int j = 0; j < i; j++)
			OT_EXPECT(keys[i] != keys[j]);
	}
	for (int i = 0; i < n; i++)
		OT_EXPECT_RC(pthread_key_delete(keys[i]), 0);
}

OT_AREA(tsd,
	OT_CASE(tsd, values, 5),
	OT_CASE(tsd, destructor, 5),
	OT_CASE(tsd, many_keys, 5));
