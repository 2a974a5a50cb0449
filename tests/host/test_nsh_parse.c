// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of the shell's line parser (apps/nsh/parse.c): word
 * splitting, quoting, escapes, comments, `;`, the operators that are
 * recognised but not supported yet, and the error messages.
 */
#include <stdio.h>
#include <string.h>
#include "unit.h"
#include "../../apps/nsh/parse.h"

static struct nsh_script script;
static char buf[1024];

/* Parses a copy of line; returns nsh_parse's result. */
static int parse(const char *line)
{
	snprintf(buf, sizeof(buf), "%s", line);
	memset(&script, 0x5a, sizeof(script));	/* catch unset fields */
	return nsh_parse(buf, &script);
}

/* Checks that command i has exactly the words given (NULL-terminated). */
#define EXPECT_ARGV(i, ...)                                                 \
	do {                                                                \
		const char *_want[] = { __VA_ARGS__, NULL };                \
		int _n = (int)(sizeof(_want) / sizeof(_want[0])) - 1;      \
		EXPECT_EQ(script.cmds[i].argc, _n);                         \
		for (int _k = 0; _k < _n && _k < script.cmds[i].argc; _k++) \
			EXPECT_STR(script.cmds[i].argv[_k], _want[_k]);     \
		EXPECT(script.cmds[i].argv[script.cmds[i].argc] == NULL);  \
	} while (0)

TEST(plain_words)
{
	EXPECT_EQ(parse("echo hello world"), 0);
	EXPECT_EQ(script.ncmds, 1);
	EXPECT_ARGV(0, "echo", "hello", "world");
}

TEST(blanks_separate_words)
{
	EXPECT_EQ(parse("  \tfree \t  -h\t"), 0);
	EXPECT_EQ(script.ncmds, 1);
	EXPECT_ARGV(0, "free", "-h");
}

TEST(empty_and_blank_lines)
{
	EXPECT_EQ(parse(""), 0);
	EXPECT_EQ(script.ncmds, 0);
	EXPECT_EQ(script.ntokens, 0);
	EXPECT_EQ(parse("   \t "), 0);
	EXPECT_EQ(script.ncmds, 0);
}

TEST(single_quotes_keep_everything)
{
	EXPECT_EQ(parse("echo 'a  b' 'c\"d' '\\n' '$x;#|'"), 0);
	EXPECT_ARGV(0, "echo", "a  b", "c\"d", "\\n", "$x;#|");
}

TEST(double_quotes)
{
	EXPECT_EQ(parse("echo \"a  b\" \"x\\\"y\" \"\\$HOME\" \"\\n\" "
			"\"back\\\\slash\" \"it's\" \"a;b|c\""), 0);
	/* a backslash before other bytes stays, as POSIX says */
	EXPECT_ARGV(0, "echo", "a  b", "x\"y", "$HOME", "\\n", "back\\slash",
		    "it's", "a;b|c");
}

TEST(backslash_outside_quotes)
{
	EXPECT_EQ(parse("echo a\\ b \\' \\\" \\\\ \\; x\\#y \\#z"), 0);
	EXPECT_ARGV(0, "echo", "a b", "'", "\"", "\\", ";", "x#y", "#z");
	EXPECT_EQ(script.ncmds, 1);
}

TEST(quotes_join_with_their_word)
{
	EXPECT_EQ(parse("a'b'\"c\"d\\ e"), 0);
	EXPECT_ARGV(0, "ab" "cd e");
}

TEST(empty_quotes_are_empty_words)
{
	EXPECT_EQ(parse("echo '' \"\" x''"), 0);
	EXPECT_ARGV(0, "echo", "", "", "x");
}

TEST(comments)
{
	EXPECT_EQ(parse("echo a # the rest ; ps"), 0);
	EXPECT_EQ(script.ncmds, 1);
	EXPECT_ARGV(0, "echo", "a");
	EXPECT_EQ(parse("# only a comment"), 0);
	EXPECT_EQ(script.ncmds, 0);
	EXPECT_EQ(parse("   #indented 'unterminated"), 0);
	EXPECT_EQ(script.ncmds, 0);
	/* # inside a word or quoted is an ordinary byte */
	EXPECT_EQ(parse("echo a#b '#c' \"#d\""), 0);
	EXPECT_ARGV(0, "echo", "a#b", "#c", "#d");
	EXPECT_EQ(parse("ps;#free"), 0);
	EXPECT_EQ(script.ncmds, 1);
	EXPECT_ARGV(0, "ps");
}

TEST(semicolons_separate_commands)
{
	EXPECT_EQ(parse("echo a; echo b ;free"), 0);
	EXPECT_EQ(script.ncmds, 3);
	EXPECT_ARGV(0, "echo", "a");
	EXPECT_ARGV(1, "echo", "b");
	EXPECT_ARGV(2, "free");
}

TEST(semicolon_right_after_a_word)
{
	/* the word's terminator lands where the ';' was */
	EXPECT_EQ(parse("ls;ps;x;"), 0);
	EXPECT_EQ(script.ncmds, 3);
	EXPECT_ARGV(0, "ls");
	EXPECT_ARGV(1, "ps");
	EXPECT_ARGV(2, "x");
	EXPECT_EQ(parse("a'b';c"), 0);
	EXPECT_EQ(script.ncmds, 2);
	EXPECT_ARGV(0, "ab");
	EXPECT_ARGV(1, "c");
}

TEST(empty_command_is_a_syntax_error)
{
	EXPECT_EQ(parse("echo a;;echo b"), -1);
	EXPECT_STR(script.error, "syntax error near ';'");
	EXPECT_EQ(script.ncmds, 0);
	EXPECT_EQ(parse("; echo"), -1);
	EXPECT_STR(script.error, "syntax error near ';'");
	EXPECT_EQ(parse(";"), -1);
}

TEST(unterminated_quotes)
{
	EXPECT_EQ(parse("echo 'abc"), -1);
	EXPECT_STR(script.error, "unterminated single quote");
	EXPECT_EQ(script.ncmds, 0);
	EXPECT_EQ(parse("echo ok; echo \"abc"), -1);
	EXPECT_STR(script.error, "unterminated double quote");
	EXPECT_EQ(script.ncmds, 0);	/* nothing of a bad line runs */
	EXPECT_EQ(parse("echo \"abc\\\""), -1);
	EXPECT_STR(script.error, "unterminated double quote");
	EXPECT_EQ(parse("echo \"abc\\"), -1);
	EXPECT_STR(script.error, "unterminated double quote");
}

TEST(trailing_backslash)
{
	EXPECT_EQ(parse("echo abc\\"), -1);
	EXPECT_STR(script.error, "line ends with a backslash");
}

TEST(operators_are_tokens)
{
	static const enum nsh_token_kind want[] = {
		NSH_TOK_WORD, NSH_TOK_AND, NSH_TOK_WORD, NSH_TOK_OR,
		NSH_TOK_WORD, NSH_TOK_GREAT, NSH_TOK_WORD, NSH_TOK_DGREAT,
		NSH_TOK_WORD, NSH_TOK_LESS, NSH_TOK_WORD, NSH_TOK_PIPE,
		NSH_TOK_WORD, NSH_TOK_AMP, NSH_TOK_SEMI, NSH_TOK_LESS,
		NSH_TOK_LESS,
	};
	struct nsh_token toks[32];
	char err[80];
	int n;

	snprintf(buf, sizeof(buf), "a&&b||c>d>>e<f|g&;<<");
	n = nsh_lex(buf, toks, 32, err, sizeof(err));
	EXPECT_EQ(n, (int)(sizeof(want) / sizeof(want[0])));
	for (int i = 0; i < n && i < (int)(sizeof(want) / sizeof(want[0])); i++)
		EXPECT_EQ(toks[i].kind, want[i]);
	EXPECT_STR(toks[0].word, "a");
	EXPECT_STR(toks[12].word, "g");
	EXPECT_EQ(toks[12].len, 1);
	EXPECT(toks[1].word == NULL);
}

TEST(unsupported_operators_are_rejected)
{
	static const char *const lines[][2] = {
		{ "ps | grep x", "'|' is not supported yet" },
		{ "echo a > f", "'>' is not supported yet" },
		{ "echo a >> f", "'>>' is not supported yet" },
		{ "cat < f", "'<' is not supported yet" },
		{ "sleep 1 &", "'&' is not supported yet" },
		{ "true && echo", "'&&' is not supported yet" },
		{ "false || echo", "'||' is not supported yet" },
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		EXPECT_EQ(parse(lines[i][0]), -1);
		EXPECT_STR(script.error, lines[i][1]);
		EXPECT_EQ(script.ncmds, 0);
	}
	EXPECT_STR(nsh_token_text(NSH_TOK_SEMI), ";");
}

TEST(word_limit)
{
	char line[2 * NSH_MAX_TOKENS + 8];
	size_t n = 0;

	for (int i = 0; i < NSH_MAX_TOKENS; i++) {
		line[n++] = 'w';
		line[n++] = ' ';
	}
	line[n] = '\0';
	EXPECT_EQ(parse(line), 0);
	EXPECT_EQ(script.cmds[0].argc, NSH_MAX_TOKENS);
	line[n++] = 'x';
	line[n] = '\0';
	EXPECT_EQ(parse(line), -1);
	EXPECT_STR(script.error, "too many words (limit 128)");
}

TEST(command_limit)
{
	char line[4 * NSH_MAX_COMMANDS + 8];
	size_t n = 0;

	for (int i = 0; i < NSH_MAX_COMMANDS; i++) {
		line[n++] = 'c';
		line[n++] = ';';
	}
	line[n] = '\0';
	EXPECT_EQ(parse(line), 0);
	EXPECT_EQ(script.ncmds, NSH_MAX_COMMANDS);
	EXPECT_ARGV(NSH_MAX_COMMANDS - 1, "c");
	line[n++] = 'x';
	line[n] = '\0';
	EXPECT_EQ(parse(line), -1);
	EXPECT_STR(script.error, "more than 32 commands");
}

TEST(long_quoted_line_stays_in_place)
{
	char line[600];
	size_t n = 0;

	/* alternating quoted and escaped bytes: output always behind input */
	for (int i = 0; i < 100; i++) {
		line[n++] = '"';
		line[n++] = 'q';
		line[n++] = '"';
		line[n++] = '\\';
		line[n++] = 'e';
	}
	line[n] = '\0';
	EXPECT_EQ(parse(line), 0);
	EXPECT_EQ(script.ncmds, 1);
	EXPECT_EQ(script.cmds[0].argc, 1);
	EXPECT_EQ(strlen(script.cmds[0].argv[0]), 200);
	EXPECT_EQ(strncmp(script.cmds[0].argv[0], "qeqeqe", 6), 0);
}

UNIT_MAIN(UNIT_CASE(plain_words),
	  UNIT_CASE(blanks_separate_words),
	  UNIT_CASE(empty_and_blank_lines),
	  UNIT_CASE(single_quotes_keep_everything),
	  UNIT_CASE(double_quotes),
	  UNIT_CASE(backslash_outside_quotes),
	  UNIT_CASE(quotes_join_with_their_word),
	  UNIT_CASE(empty_quotes_are_empty_words),
	  UNIT_CASE(comments),
	  UNIT_CASE(semicolons_separate_commands),
	  UNIT_CASE(semicolon_right_after_a_word),
	  UNIT_CASE(empty_command_is_a_syntax_error),
	  UNIT_CASE(unterminated_quotes),
	  UNIT_CASE(trailing_backslash),
	  UNIT_CASE(operators_are_tokens),
	  UNIT_CASE(unsupported_operators_are_rejected),
	  UNIT_CASE(word_limit),
	  UNIT_CASE(command_limit),
	  UNIT_CASE(long_quoted_line_stays_in_place))
