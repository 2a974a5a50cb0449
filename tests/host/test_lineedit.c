// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of the shell's line editor (apps/nsh/lineedit.c): every key,
 * the exact bytes echoed for each edit, the history ring, the long-line
 * limit and the escape-sequence decoder.
 */
#include <stdbool.h>
#include <string.h>
#include "unit.h"
#include "../../apps/nsh/lineedit.h"

#define LEFT "\x1b[D"
#define RIGHT "\x1b[C"
#define UP "\x1b[A"
#define DOWN "\x1b[B"
#define HOME "\x1b[H"
#define END "\x1b[F"
#define DEL "\x1b[3~"
#define BS "\x7f"

struct fixture {
	struct lineedit le;
	char line[65];
	char scratch[65];
	char history[64];
	char out[4096];
	size_t out_len;
	int lines, eofs, interrupts;
	enum le_status last;
};

static struct fixture fx;

static void capture(void *ctx, const char *buf, size_t len)
{
	struct fixture *f = ctx;

	if (f->out_len + len >= sizeof(f->out))
		len = sizeof(f->out) - 1 - f->out_len;
	memcpy(f->out + f->out_len, buf, len);
	f->out_len += len;
	f->out[f->out_len] = '\0';
}

/* A fresh editor for lines of max bytes and hist bytes of history. */
static struct fixture *setup(size_t max, size_t hist)
{
	memset(&fx, 0, sizeof(fx));
	const struct le_storage st = {
		.line = fx.line, .scratch = fx.scratch, .max = max,
		.history = hist ? fx.history : NULL, .history_size = hist,
	};
	le_init(&fx.le, &st, capture, &fx);
	return &fx;
}

static void clear_out(struct fixture *f)
{
	f->out_len = 0;
	f->out[0] = '\0';
}

/* Feeds every byte of s and counts what the editor reported. */
static enum le_status feed(struct fixture *f, const char *s)
{
	for (; *s; s++) {
		f->last = le_feed(&f->le, (unsigned char)*s);
		f->lines += f->last == LE_LINE;
		f->eofs += f->last == LE_EOF;
		f->interrupts += f->last == LE_INTERRUPT;
	}
	return f->last;
}

/* The line being edited (not yet terminated by the editor). */
static const char *current(struct fixture *f)
{
	f->line[f->le.len] = '\0';
	return f->line;
}

TEST(typing_echoes_each_byte)
{
	struct fixture *f = setup(64, 64);

	EXPECT_EQ(feed(f, "ls -l"), LE_PENDING);
	EXPECT_STR(f->out, "ls -l");
	EXPECT_EQ(feed(f, "\r"), LE_LINE);
	EXPECT_STR(f->out, "ls -l\n");
	EXPECT_STR(le_line(&f->le), "ls -l");
}

TEST(cr_lf_counts_once)
{
	struct fixture *f = setup(64, 64);

	feed(f, "a\r\nb\r\n");
	EXPECT_EQ(f->lines, 2);
	EXPECT_STR(le_line(&f->le), "b");
	feed(f, "c\nd\n");
	EXPECT_EQ(f->lines, 4);
	EXPECT_STR(le_line(&f->le), "d");
	feed(f, "\r\r");	/* two CRs are two (empty) lines */
	EXPECT_EQ(f->lines, 6);
	feed(f, "z\n\r");	/* LF CR is two line ends */
	EXPECT_EQ(f->lines, 8);
	EXPECT_STR(le_line(&f->le), "");
	/* The LF of CR LF is dropped even when typed separately. */
	feed(f, "x\r");
	feed(f, "\ny\r");
	EXPECT_EQ(f->lines, 10);
	EXPECT_STR(le_line(&f->le), "y");
}

/* A telnet client in character mode ends a line with CR NUL (RFC 854);
 * the NUL, and one typed anywhere else, is neither stored nor echoed. */
TEST(telnet_cr_nul)
{
	struct fixture *f = setup(64, 64);

	feed(f, "ab\r");
	EXPECT_EQ(f->lines, 1);
	clear_out(f);
	EXPECT_EQ(le_feed(&f->le, '\0'), LE_PENDING);
	feed(f, "c");
	EXPECT_EQ(le_feed(&f->le, '\0'), LE_PENDING);
	feed(f, "d\r");
	EXPECT_EQ(f->lines, 2);
	EXPECT_STR(le_line(&f->le), "cd");
	EXPECT_STR(f->out, "cd\n");
}

TEST(next_byte_starts_a_new_line)
{
	struct fixture *f = setup(64, 64);

	feed(f, "first\r");
	clear_out(f);
	feed(f, "2");
	EXPECT_STR(current(f), "2");
	EXPECT_STR(f->out, "2");
	EXPECT_EQ(f->le.cur, 1);
}

TEST(backspace_at_end)
{
	struct fixture *f = setup(64, 64);

	feed(f, "abc");
	clear_out(f);
	feed(f, BS);
	EXPECT_STR(f->out, "\b \b");
	EXPECT_STR(current(f), "ab");
	clear_out(f);
	feed(f, "\b");		/* Ctrl-H is backspace too */
	EXPECT_STR(f->out, "\b \b");
	EXPECT_STR(current(f), "a");
	feed(f, BS);
	clear_out(f);
	feed(f, BS BS);		/* nothing left: no output */
	EXPECT_STR(f->out, "");
	EXPECT_EQ(f->le.len, 0);
	feed(f, "\r");
	EXPECT_STR(le_line(&f->le), "");
}

TEST(backspace_in_the_middle)
{
	struct fixture *f = setup(64, 64);

	feed(f, "abcd" LEFT LEFT);
	clear_out(f);
	feed(f, BS);
	/* back one, rewrite "cd", blank the old last byte, back to cursor */
	EXPECT_STR(f->out, "\bcd \x1b[3D");
	EXPECT_STR(current(f), "acd");
	EXPECT_EQ(f->le.cur, 1);
}

TEST(insert_in_the_middle)
{
	struct fixture *f = setup(64, 64);

	feed(f, "ac" LEFT);
	EXPECT_STR(f->out, "ac\b");
	clear_out(f);
	feed(f, "b");
	EXPECT_STR(f->out, "bc\b");
	clear_out(f);
	feed(f, "X");
	EXPECT_STR(f->out, "Xc\b");
	EXPECT_STR(current(f), "abXc");
	feed(f, "\r");
	EXPECT_STR(le_line(&f->le), "abXc");
}

TEST(insert_at_the_start_moves_back_far)
{
	struct fixture *f = setup(64, 64);

	feed(f, "0123456789" HOME);
	EXPECT_STR(f->out, "0123456789\x1b[10D");
	clear_out(f);
	feed(f, "-");
	EXPECT_STR(f->out, "-0123456789\x1b[10D");
	EXPECT_STR(current(f), "-0123456789");
}

TEST(left_and_right_stop_at_the_ends)
{
	struct fixture *f = setup(64, 64);

	feed(f, "ab");
	clear_out(f);
	feed(f, RIGHT);
	EXPECT_STR(f->out, "");
	feed(f, LEFT LEFT);
	EXPECT_STR(f->out, "\b\b");
	clear_out(f);
	feed(f, LEFT);
	EXPECT_STR(f->out, "");
	EXPECT_EQ(f->le.cur, 0);
	feed(f, RIGHT);		/* right re-prints the byte it passes */
	EXPECT_STR(f->out, "a");
	clear_out(f);
	feed(f, "\x02");	/* Ctrl-B */
	EXPECT_STR(f->out, "\b");
	clear_out(f);
	feed(f, "\x06");	/* Ctrl-F */
	EXPECT_STR(f->out, "a");
	EXPECT_EQ(f->le.cur, 1);
}

TEST(home_keys)
{
	static const char *const keys[] = {
		HOME, "\x1b[1~", "\x1b[7~", "\x1bOH", "\x01",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct fixture *f = setup(64, 64);

		feed(f, "abc");
		clear_out(f);
		feed(f, keys[i]);
		EXPECT_STR(f->out, "\x1b[3D");
		EXPECT_EQ(f->le.cur, 0);
		clear_out(f);
		feed(f, keys[i]);	/* already there: nothing */
		EXPECT_STR(f->out, "");
	}
}

TEST(end_keys)
{
	static const char *const keys[] = {
		END, "\x1b[4~", "\x1b[8~", "\x1bOF", "\x05",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct fixture *f = setup(64, 64);

		feed(f, "abcd" LEFT LEFT LEFT);
		clear_out(f);
		feed(f, keys[i]);
		EXPECT_STR(f->out, "bcd");	/* re-printed to move right */
		EXPECT_EQ(f->le.cur, 4);
		clear_out(f);
		feed(f, keys[i]);
		EXPECT_STR(f->out, "");
	}
}

TEST(delete_key)
{
	struct fixture *f = setup(64, 64);

	feed(f, "abc" HOME);
	clear_out(f);
	feed(f, DEL);
	EXPECT_STR(f->out, "bc \x1b[3D");
	EXPECT_STR(current(f), "bc");
	EXPECT_EQ(f->le.cur, 0);
	feed(f, END);
	clear_out(f);
	feed(f, DEL);		/* nothing under the cursor */
	EXPECT_STR(f->out, "");
	EXPECT_STR(current(f), "bc");
	feed(f, LEFT);
	clear_out(f);
	feed(f, DEL);		/* last byte: blank it and step back */
	EXPECT_STR(f->out, " \b");
	EXPECT_STR(current(f), "b");
}

TEST(ctrl_d_deletes_or_reports_eof)
{
	struct fixture *f = setup(64, 64);

	EXPECT_EQ(feed(f, "\x04"), LE_EOF);
	EXPECT_STR(f->out, "");
	feed(f, "ab" LEFT);
	clear_out(f);
	EXPECT_EQ(feed(f, "\x04"), LE_PENDING);
	EXPECT_STR(f->out, " \b");
	EXPECT_STR(current(f), "a");
	feed(f, BS);
	EXPECT_EQ(feed(f, "\x04"), LE_EOF);
	EXPECT_EQ(f->eofs, 2);
	feed(f, "z\r");		/* the editor carries on afterwards */
	EXPECT_STR(le_line(&f->le), "z");
}

TEST(ctrl_c_discards_the_line)
{
	struct fixture *f = setup(64, 64);

	feed(f, "rm -rf" LEFT);
	clear_out(f);
	EXPECT_EQ(feed(f, "\x03"), LE_INTERRUPT);
	EXPECT_STR(f->out, "^C\n");
	EXPECT_EQ(f->le.len, 0);
	EXPECT_EQ(f->le.cur, 0);
	EXPECT_EQ(le_history_count(&f->le), 0);
	clear_out(f);
	feed(f, "ok\r");
	EXPECT_STR(f->out, "ok\n");
	EXPECT_STR(le_line(&f->le), "ok");
}

TEST(ctrl_u_kills_before_cursor)
{
	struct fixture *f = setup(64, 64);

	feed(f, "abcd" LEFT LEFT);
	clear_out(f);
	feed(f, "\x15");
	/* to column 0, rewrite "cd", blank two, back to column 0 */
	EXPECT_STR(f->out, "\x1b[2Dcd  \x1b[4D");
	EXPECT_STR(current(f), "cd");
	EXPECT_EQ(f->le.cur, 0);
	feed(f, "X" END "\r");
	EXPECT_STR(le_line(&f->le), "Xcd");

	feed(f, "xyz");
	clear_out(f);
	feed(f, "\x15");	/* at the end: the whole line */
	EXPECT_STR(f->out, "\x1b[3D   \x1b[3D");
	EXPECT_EQ(f->le.len, 0);
	clear_out(f);
	feed(f, "\x15");	/* empty: nothing */
	EXPECT_STR(f->out, "");
}

TEST(ctrl_k_kills_from_cursor)
{
	struct fixture *f = setup(64, 64);

	feed(f, "abcd" LEFT LEFT);
	clear_out(f);
	feed(f, "\x0b");
	EXPECT_STR(f->out, "  \x1b[2D");
	EXPECT_STR(current(f), "ab");
	EXPECT_EQ(f->le.cur, 2);
	clear_out(f);
	feed(f, "\x0b");
	EXPECT_STR(f->out, "");
}

TEST(long_line_is_refused_with_a_bell)
{
	struct fixture *f = setup(4, 64);

	feed(f, "abcdef");
	EXPECT_STR(f->out, "abcd\a\a");
	EXPECT_EQ(f->le.len, 4);
	feed(f, LEFT LEFT);
	clear_out(f);
	feed(f, "X");		/* refused in the middle as well */
	EXPECT_STR(f->out, "\a");
	EXPECT_STR(current(f), "abcd");
	feed(f, BS "X");	/* room again after a deletion */
	EXPECT_STR(current(f), "aXcd");
	clear_out(f);
	feed(f, "Y");
	EXPECT_STR(f->out, "\a");
	feed(f, "\r");
	EXPECT_STR(le_line(&f->le), "aXcd");
	EXPECT_EQ(strlen(le_line(&f->le)), 4);
}

TEST(full_buffer_of_max_64)
{
	struct fixture *f = setup(64, 64);
	char in[200];

	memset(in, 'q', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	feed(f, in);
	EXPECT_EQ(f->le.len, 64);
	feed(f, "\r");
	EXPECT_EQ(strlen(le_line(&f->le)), 64);
	/* 64 echoed bytes, 135 bells, the newline */
	EXPECT_EQ(f->out_len, 64 + 135 + 1);
}

TEST(history_up_and_down)
{
	struct fixture *f = setup(64, 64);

	feed(f, "one\rtwo\r");
	EXPECT_EQ(le_history_count(&f->le), 2);
	clear_out(f);
	feed(f, UP);
	EXPECT_STR(f->out, "two");
	clear_out(f);
	feed(f, UP);
	EXPECT_STR(f->out, "\x1b[3Done");
	clear_out(f);
	feed(f, UP);		/* no older entry */
	EXPECT_STR(f->out, "");
	EXPECT_STR(current(f), "one");
	feed(f, DOWN);
	clear_out(f);
	feed(f, DOWN);		/* back to the (empty) new line */
	EXPECT_STR(f->out, "\x1b[3D   \x1b[3D");
	EXPECT_EQ(f->le.len, 0);
	clear_out(f);
	feed(f, DOWN);
	EXPECT_STR(f->out, "");
	feed(f, UP UP "\r");
	EXPECT_STR(le_line(&f->le), "one");
	/* "one" again is new, so it is the newest entry now */
	EXPECT_STR(le_history_get(&f->le, 1), "one");
	EXPECT_STR(le_history_get(&f->le, 2), "two");
}

TEST(history_keeps_the_new_line)
{
	struct fixture *f = setup(64, 64);

	feed(f, "a-much-longer-line\r");
	feed(f, "par" LEFT);
	clear_out(f);
	feed(f, UP);
	/* from the cursor (column 2) to 0, the entry, the rest of nothing */
	EXPECT_STR(f->out, "\x1b[2Da-much-longer-line");
	EXPECT_EQ(f->le.cur, 18);
	clear_out(f);
	feed(f, DOWN);
	/* shorter line: blank the 15 extra columns and come back */
	EXPECT_STR(f->out, "\x1b[18Dpar               \x1b[15D");
	EXPECT_STR(current(f), "par");
	EXPECT_EQ(f->le.cur, 3);
}

TEST(history_edit_of_a_recalled_line)
{
	struct fixture *f = setup(64, 64);

	feed(f, "echo a\r" UP BS "b\r");
	EXPECT_STR(le_line(&f->le), "echo b");
	EXPECT_STR(le_history_get(&f->le, 1), "echo b");
	EXPECT_STR(le_history_get(&f->le, 2), "echo a");
	/* the entry itself was not changed by the edit */
	feed(f, "\x10\x10\r");	/* Ctrl-P twice */
	EXPECT_STR(le_line(&f->le), "echo a");
}

TEST(history_skips_empty_and_repeated_lines)
{
	struct fixture *f = setup(64, 64);

	feed(f, "\r\rls\rls\r\rps\rls\r");
	EXPECT_EQ(le_history_count(&f->le), 3);
	EXPECT_STR(le_history_get(&f->le, 1), "ls");
	EXPECT_STR(le_history_get(&f->le, 2), "ps");
	EXPECT_STR(le_history_get(&f->le, 3), "ls");
	EXPECT(le_history_get(&f->le, 4) == NULL);
	EXPECT(le_history_get(&f->le, 0) == NULL);
}

TEST(history_drops_the_oldest)
{
	struct fixture *f = setup(64, 10);

	feed(f, "aaaa\rbbbb\r");	/* 5 + 5 bytes: full */
	EXPECT_EQ(le_history_count(&f->le), 2);
	EXPECT_EQ(f->le.hist_used, 10);
	feed(f, "cc\r");
	EXPECT_EQ(le_history_count(&f->le), 2);
	EXPECT_STR(le_history_get(&f->le, 1), "cc");
	EXPECT_STR(le_history_get(&f->le, 2), "bbbb");
	feed(f, "0123456789\r");	/* 11 bytes: can never fit */
	EXPECT_EQ(le_history_count(&f->le), 2);
	feed(f, "012345678\r");		/* exactly 10: everything else goes */
	EXPECT_EQ(le_history_count(&f->le), 1);
	EXPECT_STR(le_history_get(&f->le, 1), "012345678");
	feed(f, "x\r");
	EXPECT_EQ(le_history_count(&f->le), 1);
	EXPECT_STR(le_history_get(&f->le, 1), "x");
}

TEST(history_stress_stays_in_bounds)
{
	struct fixture *f = setup(64, 64);
	char line[40];

	for (int i = 0; i < 500; i++) {
		size_t n = (size_t)(i * 7 % 37) + 1;

		memset(line, 'a' + i % 26, n);
		line[n] = '\0';
		feed(f, line);
		feed(f, "\r" UP UP UP DOWN);
		EXPECT(f->le.hist_used <= sizeof(f->history));
	}
	EXPECT(le_history_count(&f->le) >= 1);
	EXPECT_EQ(f->history[f->le.hist_used - 1], '\0');
}

TEST(no_history_storage)
{
	struct fixture *f = setup(64, 0);

	feed(f, "ls\r");
	clear_out(f);
	feed(f, UP DOWN);
	EXPECT_STR(f->out, "");
	EXPECT_EQ(le_history_count(&f->le), 0);
}

TEST(unknown_escapes_are_swallowed)
{
	static const char *const seqs[] = {
		"\x1b[5~", "\x1b[6~", "\x1b[2~", "\x1b[1;5C", "\x1b[?25h",
		"\x1b[Z", "\x1bOP", "\x1bx", "\x1b[99999999999999~",
		"\x1b[ q", "\x1b[1;2A",
	};

	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		struct fixture *f = setup(64, 64);

		feed(f, "ab" LEFT);
		clear_out(f);
		feed(f, seqs[i]);
		EXPECT_STR(f->out, "");
		EXPECT_STR(current(f), "ab");
		EXPECT_EQ(f->le.cur, 1);
		feed(f, "X\r");
		EXPECT_STR(le_line(&f->le), "aXb");
	}
}

TEST(escape_aborted_by_enter)
{
	struct fixture *f = setup(64, 64);

	EXPECT_EQ(feed(f, "ab\x1b[\r"), LE_LINE);
	EXPECT_STR(le_line(&f->le), "ab");
	EXPECT_EQ(feed(f, "cd\x1b\r"), LE_LINE);
	EXPECT_STR(le_line(&f->le), "cd");
	EXPECT_EQ(feed(f, "ef\x1bO\r"), LE_LINE);
	EXPECT_STR(le_line(&f->le), "ef");
	EXPECT_EQ(feed(f, "gh\x1b[12\x03"), LE_INTERRUPT);
	EXPECT_EQ(f->le.esc, LE_ESC_NONE);
}

TEST(other_control_bytes_are_swallowed)
{
	struct fixture *f = setup(64, 64);

	feed(f, "a\t\x07\x0c\x0e\x0f\x12\x1c\x1f" "b");
	EXPECT_STR(f->out, "ab");
	EXPECT_STR(current(f), "ab");
}

TEST(high_bytes_are_kept)
{
	struct fixture *f = setup(64, 64);

	feed(f, "caf\xc3\xa9\r");
	EXPECT_STR(le_line(&f->le), "caf\xc3\xa9");
	EXPECT_STR(f->out, "caf\xc3\xa9\n");
}

UNIT_MAIN(UNIT_CASE(typing_echoes_each_byte),
	  UNIT_CASE(cr_lf_counts_once), UNIT_CASE(telnet_cr_nul),
	  UNIT_CASE(next_byte_starts_a_new_line),
	  UNIT_CASE(backspace_at_end),
	  UNIT_CASE(backspace_in_the_middle),
	  UNIT_CASE(insert_in_the_middle),
	  UNIT_CASE(insert_at_the_start_moves_back_far),
	  UNIT_CASE(left_and_right_stop_at_the_ends),
	  UNIT_CASE(home_keys),
	  UNIT_CASE(end_keys),
	  UNIT_CASE(delete_key),
	  UNIT_CASE(ctrl_d_deletes_or_reports_eof),
	  UNIT_CASE(ctrl_c_discards_the_line),
	  UNIT_CASE(ctrl_u_kills_before_cursor),
	  UNIT_CASE(ctrl_k_kills_from_cursor),
	  UNIT_CASE(long_line_is_refused_with_a_bell),
	  UNIT_CASE(full_buffer_of_max_64),
	  UNIT_CASE(history_up_and_down),
	  UNIT_CASE(history_keeps_the_new_line),
	  UNIT_CASE(history_edit_of_a_recalled_line),
	  UNIT_CASE(history_skips_empty_and_repeated_lines),
	  UNIT_CASE(history_drops_the_oldest),
	  UNIT_CASE(history_stress_stays_in_bounds),
	  UNIT_CASE(no_history_storage),
	  UNIT_CASE(unknown_escapes_are_swallowed),
	  UNIT_CASE(escape_aborted_by_enter),
	  UNIT_CASE(other_control_bytes_are_swallowed),
	  UNIT_CASE(high_bytes_are_kept))
