// SPDX-License-Identifier: BSD-2-Clause
/*
 * Tab completion for the console: the first word completes to command
 * names (built-ins and applications), any other word (or one with a '/')
 * to paths.  A unique match is inserted whole (with ' ' or '/'); several
 * insert their common prefix, or are listed when there is none to add.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <vireo/app.h>
#include "nsh.h"

struct matches {
	const char *prefix;
	size_t plen;
	int count;
	char common[64];
	bool dir;		/* the single match is a directory */
	bool list;		/* print each match */
};

static void consider(struct matches *m, const char *name, bool dir)
{
	size_t i = 0;

	if (strncmp(name, m->prefix, m->plen) != 0)
		return;
	if (m->list) {
		printf("%s%s  ", name, dir ? "/" : "");
		return;
	}
	if (m->count++ == 0) {
		snprintf(m->common, sizeof(m->common), "%s", name);
		m->dir = dir;
		return;
	}
	while (m->common[i] && m->common[i] == name[i])
		i++;
	m->common[i] = '\0';
}

static void scan(struct matches *m, bool command, const char *dir)
{
	if (command) {
		nsh_for_each_cmd(c)
			consider(m, c->name, false);
		app_for_each(a)
			consider(m, a->name, false);
		return;
	}
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[256];
	struct stat st;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		/* A path cut short would look at another file: no '/'. */
		bool fits = snprintf(path, sizeof(path), "%s/%s", dir,
				     e->d_name) < (int)sizeof(path);
		consider(m, e->d_name, fits && stat(path, &st) == 0 &&
			 S_ISDIR(st.st_mode));
	}
	closedir(d);
}

static void insert(struct lineedit *le, const char *s)
{
	for (; *s; s++)
		le_feed(le, (unsigned char)*s);
}

void nsh_complete(struct lineedit *le)
{
	const char *line = le->st.line;
	size_t start = le->cur, i;
	char dir[128] = ".";
	struct matches m = { 0 };
	bool command;

	while (start > 0 && line[start - 1] != ' ')
		start--;
	for (i = 0; i < start && line[i] == ' '; i++)
		;
	command = i == start && !memchr(line + start, '/', le->cur - start);
	m.prefix = line + start;
	m.plen = le->cur - start;
	const char *slash = NULL;

	for (const char *p = m.prefix; p < m.prefix + m.plen; p++)
		if (*p == '/')
			slash = p;
	if (slash) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - m.prefix), m.prefix);
		if (!dir[0])
			strcpy(dir, "/");
		m.plen -= (size_t)(slash + 1 - m.prefix);
		m.prefix = slash + 1;
	}
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "%.*s", (int)m.plen, m.prefix);
	m.prefix = prefix;
	scan(&m, command, dir);
	if (m.count == 1) {
		insert(le, m.common + m.plen);
		insert(le, m.dir ? "/" : command ? " " : "");
	} else if (m.count > 1 && strlen(m.common) > m.plen) {
		insert(le, m.common + m.plen);
	} else if (m.count > 1) {
		m.list = true;
		putchar('\n');
		scan(&m, command, dir);
		printf("\n%s%.*s", CONFIG_NSH_PROMPT, (int)le->len, le->st.line);
	}
	fflush(stdout);
}
