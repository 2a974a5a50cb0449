// SPDX-License-Identifier: BSD-2-Clause
/*
 * The environment, per task: getenv/setenv/unsetenv/putenv/clearenv
 * work on the calling task's vector (task_environ()), where every
 * string is its own allocation.  There is no `environ` variable: the
 * tasks share one address space, so <unistd.h> makes the name read
 * task_environ() too.  The vector of a task is only changed by that
 * task's threads; libc's recursive lock serialises them.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/lock.h>
#include <vireo/task.h>

extern struct __lock __lock___libc_recursive_mutex;
#define ENV_LOCK() __retarget_lock_acquire_recursive(&__lock___libc_recursive_mutex)
#define ENV_UNLOCK() __retarget_lock_release_recursive(&__lock___libc_recursive_mutex)

static bool valid_name(const char *name)
{
	return name && *name && !strchr(name, '=');
}

/* Index of name in env, or -1; *count gets the vector's length. */
static int find(char **env, const char *name, int *count)
{
	size_t len = strlen(name);
	int i, found = -1;

	for (i = 0; env && env[i]; i++)
		if (found < 0 && !strncmp(env[i], name, len) && env[i][len] == '=')
			found = i;
	*count = i;
	return found;
}

char *getenv(const char *name)
{
	char **env = *task_environ();
	char *r = NULL;
	int n, i;

	if (!name)
		return NULL;
	ENV_LOCK();
	i = find(env, name, &n);
	if (i >= 0)
		r = env[i] + strlen(name) + 1;
	ENV_UNLOCK();
	return r;
}

/* Stores entry (owned) as name's value; 0 or ENOMEM. */
static int put(const char *name, char *entry, bool overwrite)
{
	char ***envp = task_environ();
	int n, i = find(*envp, name, &n);

	if (i >= 0) {
		if (overwrite) {
			free((*envp)[i]);
			(*envp)[i] = entry;
		} else {
			free(entry);
		}
		return 0;
	}
	char **v = realloc(*envp, (n + 2) * sizeof(*v));
	if (!v)
		return ENOMEM;
	v[n] = entry;
	v[n + 1] = NULL;
	*envp = v;
	return 0;
}

int setenv(const char *name, const char *value, int overwrite)
{
	size_t nl, vl;
	char *entry;
	int r;

	if (!valid_name(name)) {
		errno = EINVAL;
		return -1;
	}
	nl = strlen(name);
	vl = strlen(value ? value : "");
	entry = malloc(nl + vl + 2);
	if (!entry) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(entry, name, nl);
	entry[nl] = '=';
	memcpy(entry + nl + 1, value ? value : "", vl + 1);
	ENV_LOCK();
	r = put(name, entry, overwrite);
	ENV_UNLOCK();
	if (r) {
		free(entry);
		errno = r;
		return -1;
	}
	return 0;
}

int unsetenv(const char *name)
{
	char **env;
	int n, i;

	if (!valid_name(name)) {
		errno = EINVAL;
		return -1;
	}
	ENV_LOCK();
	env = *task_environ();
	while ((i = find(env, name, &n)) >= 0) {
		free(env[i]);
		memmove(&env[i], &env[i + 1], (n - i) * sizeof(*env));
	}
	ENV_UNLOCK();
	return 0;
}

/* The string is copied: the task frees its environment at exit. */
int putenv(char *string)
{
	char *eq = string ? strchr(string, '=') : NULL;
	char name[128];
	size_t nl;

	if (!eq || eq == string || (nl = eq - string) >= sizeof(name)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(name, string, nl);
	name[nl] = '\0';
	return setenv(name, eq + 1, 1);
}

int clearenv(void)
{
	char ***envp = task_environ();

	ENV_LOCK();
	for (char **p = *envp; p && *p; p++)
		free(*p);
	if (*envp)
		(*envp)[0] = NULL;
	ENV_UNLOCK();
	return 0;
}
