/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The shell's command-line parser, in two stages so that the grammar can
 * grow: nsh_lex() turns a line into tokens (words with quotes and
 * backslashes removed, and operators), nsh_parse() groups the tokens into
 * commands.  This cut runs `;`-separated simple commands; the other
 * operators are recognised already and rejected with a clear message until
 * pipes, redirection and background jobs exist.  Portable C (string.h and
 * snprintf only), unit-tested on the host.
 *
 * Quoting follows the POSIX shell: '...' keeps everything literally;
 * "..." keeps everything but a backslash before $ ` " or \; outside quotes
 * a backslash keeps the next byte literally; `#` at the start of a word
 * begins a comment.  Words and operators are separated by blanks.
 */
#pragma once

#include <stddef.h>

#define NSH_MAX_TOKENS 128	/* words and operators in one line */
#define NSH_MAX_COMMANDS 32	/* commands in one line */

enum nsh_token_kind {
	NSH_TOK_WORD,
	NSH_TOK_SEMI,		/* ; */
	NSH_TOK_AMP,		/* & */
	NSH_TOK_AND,		/* && */
	NSH_TOK_PIPE,		/* | */
	NSH_TOK_OR,		/* || */
	NSH_TOK_LESS,		/* < */
	NSH_TOK_GREAT,		/* > */
	NSH_TOK_DGREAT,		/* >> */
};

struct nsh_token {
	enum nsh_token_kind kind;
	char *word;		/* NSH_TOK_WORD: NUL-terminated, unquoted */
	size_t len;		/* strlen(word) */
};

struct nsh_command {
	int argc;
	char **argv;		/* argv[argc] == NULL */
};

/* A parsed line: its commands point into the line and into argv_pool. */
struct nsh_script {
	int ntokens;
	int ncmds;
	struct nsh_token tokens[NSH_MAX_TOKENS];
	struct nsh_command cmds[NSH_MAX_COMMANDS];
	char *argv_pool[NSH_MAX_TOKENS + NSH_MAX_COMMANDS];
	char error[80];		/* why nsh_lex or nsh_parse failed */
};

/*
 * Splits line into at most max tokens, rewriting it in place (the words
 * end up NUL-terminated inside it).  Returns the number of tokens, or -1
 * with a message in err (errlen bytes) for an unterminated quote, a
 * trailing backslash or too many tokens.
 */
int nsh_lex(char *line, struct nsh_token *toks, int max,
	    char *err, size_t errlen);

/*
 * Lexes line (rewritten in place) and groups the words into commands in
 * s.  Returns 0, or -1 with s->error set; on error no command is valid,
 * so nothing of a bad line runs.  A line with only blanks or a comment
 * gives zero commands.
 */
int nsh_parse(char *line, struct nsh_script *s);

/*
 * Expands the parameters this cut knows, `$?` (status), into out (size
 * bytes), before nsh_parse sees the line: as in the POSIX shell, not
 * inside single quotes nor after a backslash ("\$?" stays literal), but
 * inside double quotes.  Returns 0, or -1 when out is too small.
 */
int nsh_expand(const char *line, char *out, size_t size, int status);

/* The spelling of an operator token (";", "&&", ...). */
const char *nsh_token_text(enum nsh_token_kind kind);
