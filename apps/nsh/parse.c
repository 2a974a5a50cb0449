// SPDX-License-Identifier: BSD-2-Clause
/*
 * Shell line parsing (see parse.h).  The lexer removes quotes in place:
 * each input byte yields at most one output byte, so the write position
 * never passes the read position and the line needs no copy.  Words are
 * NUL-terminated only after the whole line is lexed, because a word's
 * terminator may land on the delimiter that follows it (as in "ls;ps").
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "parse.h"

#define STR(x) #x
#define XSTR(x) STR(x)
#define NSH_MAX_COMMANDS_STR XSTR(NSH_MAX_COMMANDS)

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_operator(char c)
{
	return c == ';' || c == '&' || c == '|' || c == '<' || c == '>';
}

/* Inside double quotes a backslash only escapes these (POSIX 2.2.3). */
static bool dquote_escapes(char c)
{
	return c == '$' || c == '`' || c == '"' || c == '\\';
}

static enum nsh_token_kind lex_operator(char **rp)
{
	char *r = *rp;
	char c = r[0];
	bool doubled = r[1] == c;
	enum nsh_token_kind kind;

	switch (c) {
	case '&': kind = doubled ? NSH_TOK_AND : NSH_TOK_AMP; break;
	case '|': kind = doubled ? NSH_TOK_OR : NSH_TOK_PIPE; break;
	case '>': kind = doubled ? NSH_TOK_DGREAT : NSH_TOK_GREAT; break;
	case '<': doubled = false; kind = NSH_TOK_LESS; break;
	default: doubled = false; kind = NSH_TOK_SEMI; break;
	}
	*rp = r + 1 + doubled;
	return kind;
}

/*
 * Copies the word at *rp, quotes and escapes removed, to *wp and advances
 * both.  Stops at a blank, an operator or the end, which stays unread.
 */
static const char *lex_word(char **rp, char **wp)
{
	char *r = *rp, *w = *wp;
	char c;

	while ((c = *r) != '\0' && !is_blank(c) && !is_operator(c)) {
		r++;
		if (c == '\'') {
			while (*r && *r != '\'')
				*w++ = *r++;
			if (!*r)
				return "unterminated single quote";
			r++;
		} else if (c == '"') {
			while (*r && *r != '"') {
				if (*r == '\\' && dquote_escapes(r[1]))
					r++;
				*w++ = *r++;
			}
			if (!*r)
				return "unterminated double quote";
			r++;
		} else if (c == '\\') {
			if (!*r)
				return "line ends with a backslash";
			*w++ = *r++;
		} else {
			*w++ = c;
		}
	}
	*rp = r;
	*wp = w;
	return NULL;
}

int nsh_lex(char *line, struct nsh_token *toks, int max,
	    char *err, size_t errlen)
{
	char *r = line, *w = line;
	const char *why;
	int n = 0;

	for (;;) {
		while (is_blank(*r))
			r++;
		if (*r == '\0' || *r == '#')
			break;
		if (n == max) {
			snprintf(err, errlen, "too many words (limit %d)", max);
			return -1;
		}
		struct nsh_token *t = &toks[n++];
		t->word = NULL;
		t->len = 0;
		if (is_operator(*r)) {
			t->kind = lex_operator(&r);
			continue;
		}
		t->kind = NSH_TOK_WORD;
		t->word = w;
		why = lex_word(&r, &w);
		if (why) {
			snprintf(err, errlen, "%s", why);
			return -1;
		}
		t->len = (size_t)(w - t->word);
		w++;	/* room for the terminator, written below */
	}
	for (int i = 0; i < n; i++)
		if (toks[i].kind == NSH_TOK_WORD)
			toks[i].word[toks[i].len] = '\0';
	return n;
}

const char *nsh_token_text(enum nsh_token_kind kind)
{
	static const char *const text[] = {
		[NSH_TOK_WORD] = "word", [NSH_TOK_SEMI] = ";",
		[NSH_TOK_AMP] = "&", [NSH_TOK_AND] = "&&",
		[NSH_TOK_PIPE] = "|", [NSH_TOK_OR] = "||",
		[NSH_TOK_LESS] = "<", [NSH_TOK_GREAT] = ">",
		[NSH_TOK_DGREAT] = ">>",
	};

	if ((unsigned int)kind < sizeof(text) / sizeof(text[0]))
		return text[kind];
	return "?";
}

static int parse_fail(struct nsh_script *s, const char *fmt, const char *arg)
{
	snprintf(s->error, sizeof(s->error), fmt, arg);
	s->ncmds = 0;
	return -1;
}

int nsh_parse(char *line, struct nsh_script *s)
{
	struct nsh_command *cmd = NULL;
	char **pool = s->argv_pool;

	s->ncmds = 0;
	s->error[0] = '\0';
	s->ntokens = nsh_lex(line, s->tokens, NSH_MAX_TOKENS, s->error,
			     sizeof(s->error));
	if (s->ntokens < 0) {
		s->ntokens = 0;
		return -1;
	}
	for (int i = 0; i < s->ntokens; i++) {
		const struct nsh_token *t = &s->tokens[i];

		if (t->kind == NSH_TOK_WORD) {
			if (!cmd) {
				if (s->ncmds == NSH_MAX_COMMANDS)
					return parse_fail(s, "more than %s commands",
							  NSH_MAX_COMMANDS_STR);
				cmd = &s->cmds[s->ncmds++];
				cmd->argc = 0;
				cmd->argv = pool;
			}
			*pool++ = t->word;
			cmd->argc++;
		} else if (t->kind == NSH_TOK_SEMI) {
			if (!cmd)
				return parse_fail(s, "syntax error near '%s'", ";");
			*pool++ = NULL;
			cmd = NULL;
		} else {
			return parse_fail(s, "'%s' is not supported yet",
					  nsh_token_text(t->kind));
		}
	}
	if (cmd)
		*pool++ = NULL;
	return 0;
}

/* Appends len bytes of s to *o if they fit below end. */
static bool put(char **o, const char *end, const char *s, size_t len)
{
	if ((size_t)(end - *o) <= len)
		return false;
	memcpy(*o, s, len);
	*o += len;
	return true;
}

int nsh_expand(const char *line, char *out, size_t size, int status)
{
	const char *end = out + size;	/* one byte stays for the NUL */
	bool squote = false, dquote = false;
	char num[16];

	if (size == 0)
		return -1;
	for (const char *r = line; *r; r++) {
		size_t n = 1;

		if (squote) {
			squote = *r != '\'';
		} else if (*r == '\\' && r[1]) {
			n = 2;		/* the escaped byte is the lexer's */
		} else if (*r == '\'' && !dquote) {
			squote = true;
		} else if (*r == '"') {
			dquote = !dquote;
		} else if (r[0] == '$' && r[1] == '?') {
			int len = snprintf(num, sizeof(num), "%d", status);

			if (!put(&out, end, num, (size_t)len))
				return -1;
			r++;
			continue;
		}
		if (!put(&out, end, r, n))
			return -1;
		r += n - 1;
	}
	*out = '\0';
	return 0;
}
