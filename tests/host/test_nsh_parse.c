// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of the shell's grammar (apps/nsh/parse.c): the tree built
 * for each construct (checked through its S-expression dump), incomplete
 * input that needs more lines, syntax errors, and word expansion with
 * quotes, escapes, parameters and field splitting.
 */
#include <stdio.h>
#include <string.h>
#include "unit.h"
#include "../../apps/nsh/parse.h"

static char dumped[1024];

/* Parses text and returns its dump, or "INCOMPLETE" / "ERROR: why". */
static const char *tree(const char *text)
{
	struct nsh_ast ast;
	enum nsh_parse_result r = nsh_parse(text, &ast);

	if (r == NSH_PARSE_OK)
		nsh_ast_dump(ast.root, dumped, sizeof(dumped));
	else if (r == NSH_PARSE_INCOMPLETE)
		snprintf(dumped, sizeof(dumped), "INCOMPLETE");
	else
		snprintf(dumped, sizeof(dumped), "ERROR: %s", ast.error);
	nsh_ast_free(&ast);
	return dumped;
}

TEST(simple_commands)
{
	EXPECT_STR(tree("echo hello world"), "(seq (cmd echo hello world) ())");
	EXPECT_STR(tree("  \tfree \t  -h\t"), "(seq (cmd free -h) ())");
	EXPECT_STR(tree(""), "()");
	EXPECT_STR(tree("  # just a comment"), "()");
	EXPECT_STR(tree("a;b"), "(seq (cmd a) (seq (cmd b) ()))");
	EXPECT_STR(tree("a\nb\n"), "(seq (cmd a) (seq (cmd b) ()))");
	EXPECT_STR(tree("echo a#b # c"), "(seq (cmd echo a#b) ())");
}

TEST(words_keep_their_quotes)
{
	EXPECT_STR(tree("echo 'a  b' \"c;d\" e\\ f"),
		   "(seq (cmd echo 'a  b' \"c;d\" e\\ f) ())");
	EXPECT_STR(tree("echo ${A}x"), "(seq (cmd echo ${A}x) ())");
}

TEST(and_or_pipe_background)
{
	EXPECT_STR(tree("a && b || c"),
		   "(seq (or (and (cmd a) (cmd b)) (cmd c)) ())");
	EXPECT_STR(tree("a | b | c"),
		   "(seq (pipe (cmd a) (pipe (cmd b) (cmd c))) ())");
	EXPECT_STR(tree("sleep 1 & echo x"),
		   "(seq (bg (cmd sleep 1)) (seq (cmd echo x) ()))");
	EXPECT_STR(tree("a&&b"), "(seq (and (cmd a) (cmd b)) ())");
}

TEST(redirections)
{
	EXPECT_STR(tree("echo hi > /tmp/f"), "(seq (cmd echo hi 1>/tmp/f) ())");
	EXPECT_STR(tree("cat</tmp/f>>/tmp/g 2>/dev/null"),
		   "(seq (cmd cat 0</tmp/f 1>>/tmp/g 2>/dev/null) ())");
	EXPECT_STR(tree("> f"), "(seq (cmd 1>f) ())");
	EXPECT_STR(tree("echo >"), "INCOMPLETE");
	EXPECT_STR(tree("echo > ;"), "ERROR: syntax error near ';'");
}

TEST(if_while_for)
{
	EXPECT_STR(tree("if a; then b; fi"),
		   "(seq (if (seq (cmd a) ()) (seq (cmd b) ()) ()) ())");
	EXPECT_STR(tree("if a; then b; elif c; then d; else e; fi"),
		   "(seq (if (seq (cmd a) ()) (seq (cmd b) ()) "
		   "(if (seq (cmd c) ()) (seq (cmd d) ()) (seq (cmd e) ()))) ())");
	EXPECT_STR(tree("while a; do b; done"),
		   "(seq (while (seq (cmd a) ()) (seq (cmd b) ())) ())");
	EXPECT_STR(tree("until a\ndo\nb\ndone"),
		   "(seq (until (seq (cmd a) ()) (seq (cmd b) ())) ())");
	EXPECT_STR(tree("for i in 1 2 3; do echo $i; done"),
		   "(seq (for i 1 2 3 (seq (cmd echo $i) ())) ())");
	EXPECT_STR(tree("for i\ndo echo $i; done"),
		   "(seq (for i (seq (cmd echo $i) ())) ())");
	EXPECT_STR(tree("echo if then fi"), "(seq (cmd echo if then fi) ())");
	EXPECT_STR(tree("if a; then b; fi | c"),
		   "(seq (pipe (if (seq (cmd a) ()) (seq (cmd b) ()) ()) (cmd c)) ())");
}

TEST(incomplete_input_asks_for_more)
{
	EXPECT_STR(tree("if true"), "INCOMPLETE");
	EXPECT_STR(tree("if true; then"), "INCOMPLETE");
	EXPECT_STR(tree("while true; do echo"), "INCOMPLETE");
	EXPECT_STR(tree("for i in a b"), "INCOMPLETE");
	EXPECT_STR(tree("echo 'abc"), "INCOMPLETE");
	EXPECT_STR(tree("echo \"abc"), "INCOMPLETE");
	EXPECT_STR(tree("echo abc\\"), "INCOMPLETE");
	EXPECT_STR(tree("a &&"), "INCOMPLETE");
	EXPECT_STR(tree("a |"), "INCOMPLETE");
	EXPECT_STR(tree("echo 'a\nb'"), "(seq (cmd echo 'a\nb') ())");
	EXPECT_STR(tree("echo a\\\nb"), "(seq (cmd echo a\\\nb) ())");
}

TEST(syntax_errors)
{
	EXPECT_STR(tree(";"), "ERROR: syntax error near ';'");
	EXPECT_STR(tree("a ;; b"), "ERROR: syntax error near ';'");
	EXPECT_STR(tree("fi"), "ERROR: syntax error near 'fi'");
	EXPECT_STR(tree("then"), "ERROR: syntax error near 'then'");
	EXPECT_STR(tree("if ; then a; fi"), "ERROR: syntax error near ';'");
	EXPECT_STR(tree("| a"), "ERROR: syntax error near '|'");
	EXPECT_STR(tree("a && && b"), "ERROR: syntax error near '&&'");
	EXPECT_STR(tree("for 1x in a; do b; done"), "ERROR: syntax error near '1x'");
	EXPECT_STR(tree("if a; then b; fi x"), "ERROR: syntax error near 'x'");
}

TEST(nesting_is_limited)
{
	char text[600] = "";

	for (int i = 0; i < 40; i++)
		strcat(text, "if a; then ");
	EXPECT_STR(tree(text), "ERROR: commands nested too deeply (limit 32)");
}

/* ---- expansion ---- */

static const char *lookup(void *ctx, const char *name)
{
	(void)ctx;
	if (strcmp(name, "?") == 0)
		return "3";
	if (strcmp(name, "A") == 0)
		return "alpha";
	if (strcmp(name, "L") == 0)
		return " x  y ";
	if (strcmp(name, "1") == 0)
		return "one";
	return NULL;
}

static char fields[256];

/* Expands raw and joins the fields with '|'. */
static const char *expand(const char *raw)
{
	char out[128];
	int n = nsh_expand_word(raw, lookup, NULL, out, sizeof(out));
	char *o = fields, *f = out;

	if (n < 0)
		return "OVERFLOW";
	*o = '\0';
	for (int i = 0; i < n; i++) {
		o += sprintf(o, "%s%s", i ? "|" : "", f);
		f += strlen(f) + 1;
	}
	return n ? fields : "NONE";
}

TEST(expansion_quotes_and_escapes)
{
	EXPECT_STR(expand("plain"), "plain");
	EXPECT_STR(expand("'a  $A'"), "a  $A");
	EXPECT_STR(expand("\"a  $A\""), "a  alpha");
	EXPECT_STR(expand("a\\ b\\$A"), "a b$A");
	EXPECT_STR(expand("\"\\n\\$\\\"\""), "\\n$\"");
	EXPECT_STR(expand("''"), "");
	EXPECT_STR(expand("\"\""), "");
	EXPECT_STR(expand("x'y'\"z\""), "xyz");
}

TEST(expansion_parameters)
{
	EXPECT_STR(expand("$A"), "alpha");
	EXPECT_STR(expand("${A}x"), "alphax");
	EXPECT_STR(expand("$Ax"), "NONE");
	EXPECT_STR(expand("$?"), "3");
	EXPECT_STR(expand("s=$?."), "s=3.");
	EXPECT_STR(expand("$1$A"), "onealpha");
	EXPECT_STR(expand("$UNSET"), "NONE");
	EXPECT_STR(expand("\"$UNSET\""), "");
	EXPECT_STR(expand("$"), "$");
	EXPECT_STR(expand("a$-b"), "a$-b");
	EXPECT_STR(expand("${bad"), "${bad");
	EXPECT_STR(expand("\\$?"), "$?");
	EXPECT_STR(expand("'$?'"), "$?");
}

TEST(expansion_splits_unquoted_values)
{
	EXPECT_STR(expand("$L"), "x|y");
	EXPECT_STR(expand("\"$L\""), " x  y ");
	EXPECT_STR(expand("a${L}b"), "a|x|y|b");
}

TEST(expansion_overflow)
{
	char out[8];

	EXPECT_EQ(nsh_expand_word("1234567", NULL, NULL, out, sizeof(out)), 1);
	EXPECT_EQ(nsh_expand_word("12345678", NULL, NULL, out, sizeof(out)), -1);
	EXPECT_EQ(nsh_expand_word("$A$A", lookup, NULL, out, sizeof(out)), -1);
}

UNIT_MAIN(UNIT_CASE(simple_commands),
	  UNIT_CASE(words_keep_their_quotes),
	  UNIT_CASE(and_or_pipe_background),
	  UNIT_CASE(redirections),
	  UNIT_CASE(if_while_for),
	  UNIT_CASE(incomplete_input_asks_for_more),
	  UNIT_CASE(syntax_errors),
	  UNIT_CASE(nesting_is_limited),
	  UNIT_CASE(expansion_quotes_and_escapes),
	  UNIT_CASE(expansion_parameters),
	  UNIT_CASE(expansion_splits_unquoted_values),
	  UNIT_CASE(expansion_overflow))
