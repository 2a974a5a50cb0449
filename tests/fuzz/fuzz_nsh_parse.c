// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target for the shell's grammar (apps/nsh/parse.c): any byte
 * string is parsed, dumped and every word of the tree expanded; the
 * sanitizers turn an out-of-bounds access, a leak or undefined behaviour
 * into a crash.  Run by tests/fuzz/run.sh for a bounded time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../apps/nsh/parse.h"

static const char *lookup(void *ctx, const char *name)
{
	(void)ctx;
	return name[0] == 'L' ? " a  b " : name[0] == '?' ? "0" : NULL;
}

static void walk(const struct nsh_node *n, int depth)
{
	char out[64];

	for (; n && depth < 200; n = n->b, depth++) {
		for (int i = 0; i < n->argc; i++)
			nsh_expand_word(n->argv[i], lookup, NULL, out, sizeof(out));
		for (const struct nsh_redir *r = n->redir; r; r = r->next)
			nsh_expand_word(r->word, lookup, NULL, out, sizeof(out));
		walk(n->a, depth + 1);
		walk(n->c, depth + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct nsh_ast ast;
	char dump[256];

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (nsh_parse(text, &ast) == NSH_PARSE_OK) {
		nsh_ast_dump(ast.root, dump, sizeof(dump));
		walk(ast.root, 0);
	}
	nsh_ast_free(&ast);
	free(text);
	return 0;
}
