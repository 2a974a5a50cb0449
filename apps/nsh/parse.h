/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The shell's grammar: a tokenizer, a recursive-descent parser that builds
 * a small syntax tree, and the word expansion the executor applies to
 * each command just before running it (so `a=1; echo $a` sees the new
 * value).  Portable C (string.h, stdlib.h, snprintf), unit-tested and
 * fuzzed on the host.
 *
 * Grammar (a subset of the POSIX shell):
 *   list     := and_or ((';' | '&' | newline) and_or)*
 *   and_or   := pipeline (('&&' | '||') pipeline)*
 *   pipeline := command ('|' command)*
 *   command  := if | while | until | for | simple
 *   simple   := (WORD | redirection)+     redirection: [n]< [n]> [n]>>
 *   if       := 'if' list 'then' list ('elif' list 'then' list)*
 *               ['else' list] 'fi'
 *   while    := ('while' | 'until') list 'do' list 'done'
 *   for      := 'for' NAME ['in' WORD*] (';' | newline) 'do' list 'done'
 * Reserved words count only where a command starts.  `#` at the start of
 * a word begins a comment.  Words keep their quotes in the tree; quote
 * removal happens in nsh_expand_word().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum nsh_node_kind {
	NSH_N_CMD,	/* argv, redir */
	NSH_N_PIPE,	/* a | b (b: another PIPE or a command) */
	NSH_N_AND,	/* a && b */
	NSH_N_OR,	/* a || b */
	NSH_N_SEQ,	/* a, then b (NULL: the end of the list) */
	NSH_N_BG,	/* a, in the background */
	NSH_N_IF,	/* if a then b else c (c: NULL, a list, or an IF) */
	NSH_N_WHILE,	/* while a do b */
	NSH_N_UNTIL,	/* until a do b */
	NSH_N_FOR,	/* for name in argv (argv NULL: "$@") do b */
};

enum nsh_redir_kind { NSH_R_IN, NSH_R_OUT, NSH_R_APPEND };

struct nsh_redir {
	struct nsh_redir *next;
	int fd;				/* 0 for <, 1 for >, or the digit given */
	enum nsh_redir_kind kind;
	char *word;			/* the file, unexpanded */
};

struct nsh_node {
	enum nsh_node_kind kind;
	struct nsh_node *a, *b, *c;
	int argc;
	char **argv;			/* argv[argc] == NULL; raw words */
	char *name;			/* FOR: the variable */
	struct nsh_redir *redir;
};

struct nsh_chunk;

/* A parsed text: all nodes and words live in its chunks. */
struct nsh_ast {
	struct nsh_node *root;		/* NULL for an empty text */
	struct nsh_chunk *chunks;
	char error[96];
};

enum nsh_parse_result {
	NSH_PARSE_OK = 0,
	NSH_PARSE_INCOMPLETE = 1,	/* needs more lines: an open quote,
					 * if/while/for, or a trailing | && || */
	NSH_PARSE_ERROR = -1,		/* syntax error; ast->error says why */
};

/* Parses text (not modified) into ast.  On any result other than OK the
 * tree is empty; call nsh_ast_free() in every case. */
enum nsh_parse_result nsh_parse(const char *text, struct nsh_ast *ast);
void nsh_ast_free(struct nsh_ast *ast);

/* Writes the tree as an S-expression, e.g. "(and (cmd a) (cmd b))", for
 * tests.  Returns the length it needed (as snprintf). */
int nsh_ast_dump(const struct nsh_node *n, char *buf, size_t size);

/*
 * Value of a parameter: name is a variable name or one of ? $ # ! 0-9 @ *
 * Returns NULL for unset (expands to nothing).
 */
typedef const char *(*nsh_lookup_fn)(void *ctx, const char *name);

/*
 * Expands parameters ($NAME, ${NAME}, $?, $1...) in raw, removes quotes
 * and backslashes, and splits the results of unquoted expansions at
 * blanks.  The fields go to out one after another, each NUL-terminated.
 * Returns the number of fields (0 for a word that expanded to nothing
 * unquoted), or -1 when out (size bytes) is too small.
 */
int nsh_expand_word(const char *raw, nsh_lookup_fn lookup, void *ctx,
		    char *out, size_t size);

/* True for a valid variable name: [A-Za-z_][A-Za-z0-9_]*. */
bool nsh_valid_name(const char *s, size_t len);
