// SPDX-License-Identifier: BSD-2-Clause
/*
 * The line editor state machine (see lineedit.h).  Every edit changes the
 * buffer first and then redraws from the first changed byte: the terminal
 * cursor is always kept at le->cur columns right of where the line starts,
 * so no prompt width or screen position is ever needed.
 */
#include <string.h>
#include "lineedit.h"

#define KEY_CTRL(c) ((c) & 0x1f)
#define KEY_ESC 0x1b
#define KEY_DEL 0x7f

static void emit(struct lineedit *le, const char *buf, size_t len)
{
	if (len)
		le->out(le->out_ctx, buf, len);
}

/* Moves the terminal cursor n columns left: BS for one, else ESC [ n D. */
static void cursor_left(struct lineedit *le, size_t n)
{
	char seq[24];
	char digits[20];
	size_t i = 0, nd = 0;

	if (n == 0)
		return;
	if (n == 1) {
		emit(le, "\b", 1);
		return;
	}
	while (n) {
		digits[nd++] = (char)('0' + n % 10);
		n /= 10;
	}
	seq[i++] = KEY_ESC;
	seq[i++] = '[';
	while (nd)
		seq[i++] = digits[--nd];
	seq[i++] = 'D';
	emit(le, seq, i);
}

static void emit_spaces(struct lineedit *le, size_t n)
{
	static const char spaces[] = "        ";

	while (n) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		emit(le, spaces, k);
		n -= k;
	}
}

/*
 * The terminal cursor is at column `from` and the screen shows old_len
 * bytes of line; the buffer now holds the new text.  Rewrites the tail,
 * blanks what the line lost and puts the cursor back at le->cur.
 */
static void redraw(struct lineedit *le, size_t from, size_t old_len)
{
	size_t end = le->len;

	emit(le, le->st.line + from, le->len - from);
	if (old_len > le->len) {
		emit_spaces(le, old_len - le->len);
		end = old_len;
	}
	cursor_left(le, end - le->cur);
}

static void insert_byte(struct lineedit *le, char c)
{
	char *l = le->st.line;

	if (le->len >= le->st.max) {
		emit(le, "\a", 1);	/* refused: the line is full */
		return;
	}
	memmove(l + le->cur + 1, l + le->cur, le->len - le->cur);
	l[le->cur] = c;
	le->len++;
	le->cur++;
	redraw(le, le->cur - 1, le->len - 1);
}

/* Removes n bytes at position at; the terminal cursor is already there. */
static void remove_bytes(struct lineedit *le, size_t at, size_t n)
{
	char *l = le->st.line;
	size_t old_len = le->len;

	memmove(l + at, l + at + n, le->len - at - n);
	le->len -= n;
	le->cur = at;
	redraw(le, at, old_len);
}

static void key_backspace(struct lineedit *le)
{
	if (le->cur == 0)
		return;
	cursor_left(le, 1);
	remove_bytes(le, le->cur - 1, 1);
}

static void key_delete(struct lineedit *le)
{
	if (le->cur < le->len)
		remove_bytes(le, le->cur, 1);
}

static void key_left(struct lineedit *le)
{
	if (le->cur > 0) {
		le->cur--;
		cursor_left(le, 1);
	}
}

/* Moving right re-prints the byte under the cursor: no escape needed. */
static void key_right(struct lineedit *le)
{
	if (le->cur < le->len) {
		emit(le, le->st.line + le->cur, 1);
		le->cur++;
	}
}

static void key_home(struct lineedit *le)
{
	cursor_left(le, le->cur);
	le->cur = 0;
}

static void key_end(struct lineedit *le)
{
	emit(le, le->st.line + le->cur, le->len - le->cur);
	le->cur = le->len;
}

static void kill_to_start(struct lineedit *le)
{
	size_t n = le->cur;

	cursor_left(le, n);
	remove_bytes(le, 0, n);
}

static void kill_to_end(struct lineedit *le)
{
	size_t old_len = le->len;

	le->len = le->cur;
	redraw(le, le->cur, old_len);
}

/* Shows text (NUL-terminated, at most st.max bytes used) as the line. */
static void replace_line(struct lineedit *le, const char *text)
{
	size_t old_len = le->len;
	size_t n = strlen(text);

	if (n > le->st.max)
		n = le->st.max;
	cursor_left(le, le->cur);
	memmove(le->st.line, text, n);
	le->len = n;
	le->cur = n;
	redraw(le, 0, old_len);
}

/* ---- history: NUL-terminated entries, oldest first ---- */

/* Start of the entry whose terminating NUL is at end - 1. */
static const char *entry_before(const struct lineedit *le, const char *end)
{
	const char *s = end - 1;

	while (s > le->st.history && s[-1] != '\0')
		s--;
	return s;
}

size_t le_history_count(const struct lineedit *le)
{
	size_t n = 0;

	for (size_t i = 0; i < le->hist_used; i++)
		n += le->st.history[i] == '\0';
	return n;
}

const char *le_history_get(const struct lineedit *le, size_t k)
{
	const char *end = le->st.history + le->hist_used;
	const char *s = NULL;

	if (k == 0 || k > le_history_count(le))
		return NULL;
	while (k--) {
		s = entry_before(le, end);
		end = s;
	}
	return s;
}

static void drop_oldest(struct lineedit *le)
{
	size_t n = strlen(le->st.history) + 1;

	memmove(le->st.history, le->st.history + n, le->hist_used - n);
	le->hist_used -= n;
}

void le_history_add(struct lineedit *le, const char *line)
{
	size_t n = strlen(line) + 1;
	const char *newest = le_history_get(le, 1);

	if (n == 1 || n > le->st.history_size || !le->st.history)
		return;
	if (newest && strcmp(newest, line) == 0)
		return;
	while (le->hist_used + n > le->st.history_size)
		drop_oldest(le);
	memcpy(le->st.history + le->hist_used, line, n);
	le->hist_used += n;
}

static void key_up(struct lineedit *le)
{
	if (le->hist_pos >= le_history_count(le))
		return;
	if (le->hist_pos == 0) {
		memcpy(le->st.scratch, le->st.line, le->len);
		le->st.scratch[le->len] = '\0';
	}
	le->hist_pos++;
	replace_line(le, le_history_get(le, le->hist_pos));
}

static void key_down(struct lineedit *le)
{
	if (le->hist_pos == 0)
		return;
	le->hist_pos--;
	replace_line(le, le->hist_pos ? le_history_get(le, le->hist_pos)
				      : le->st.scratch);
}

/* ---- input decoding ---- */

static void start_new_line(struct lineedit *le)
{
	le->len = 0;
	le->cur = 0;
	le->hist_pos = 0;
	le->done = false;
}

static enum le_status finish_line(struct lineedit *le)
{
	emit(le, "\n", 1);
	le->st.line[le->len] = '\0';
	le_history_add(le, le->st.line);
	le->done = true;
	return LE_LINE;
}

/* ESC [ <final> and ESC O <final> with no or one numeric parameter. */
static void escape_final(struct lineedit *le, unsigned char final)
{
	switch (final) {
	case 'A': key_up(le); break;
	case 'B': key_down(le); break;
	case 'C': key_right(le); break;
	case 'D': key_left(le); break;
	case 'H': key_home(le); break;
	case 'F': key_end(le); break;
	case '~':
		if (le->esc_param == 1 || le->esc_param == 7)
			key_home(le);
		else if (le->esc_param == 4 || le->esc_param == 8)
			key_end(le);
		else if (le->esc_param == 3)
			key_delete(le);
		break;
	default:
		break;		/* unknown: swallowed */
	}
}

/*
 * One byte inside an escape sequence.  Returns true when the byte was
 * consumed; false when it aborted the sequence (a control byte such as
 * CR) and must be handled as ordinary input.
 */
static bool escape_byte(struct lineedit *le, unsigned char c)
{
	switch (le->esc) {
	case LE_ESC_START:
		if (c < 0x20 && c != KEY_ESC) {
			le->esc = LE_ESC_NONE;
			return false;
		}
		/* ESC ESC restarts; ESC <other> (Alt-key) is swallowed. */
		le->esc = c == '[' ? LE_ESC_CSI : c == 'O' ? LE_ESC_SS3
			: c == KEY_ESC ? LE_ESC_START : LE_ESC_NONE;
		le->esc_param = 0;
		le->esc_odd = false;
		return true;
	case LE_ESC_SS3:
		le->esc = LE_ESC_NONE;
		if (c < 0x20)
			return false;
		escape_final(le, c);
		return true;
	case LE_ESC_CSI:
		if (c >= '0' && c <= '9') {
			if (le->esc_param < 10000)	/* no overflow */
				le->esc_param = le->esc_param * 10 + (c - '0');
			return true;
		}
		if (c >= 0x20 && c <= 0x3f) {	/* ; < = > ? and intermediates */
			le->esc_odd = true;
			return true;
		}
		le->esc = LE_ESC_NONE;
		if (c < 0x40 || c > 0x7e)
			return false;
		if (!le->esc_odd)
			escape_final(le, c);
		return true;
	default:
		return false;
	}
}

static enum le_status control_byte(struct lineedit *le, unsigned char c)
{
	switch (c) {
	case '\r':
	case '\n':
		return finish_line(le);
	case KEY_CTRL('C'):
		emit(le, "^C\n", 3);
		start_new_line(le);
		return LE_INTERRUPT;
	case KEY_CTRL('D'):
		if (le->len == 0)
			return LE_EOF;
		key_delete(le);
		break;
	case KEY_DEL:
	case '\b': key_backspace(le); break;
	case KEY_ESC: le->esc = LE_ESC_START; break;
	case KEY_CTRL('A'): key_home(le); break;
	case KEY_CTRL('E'): key_end(le); break;
	case KEY_CTRL('B'): key_left(le); break;
	case KEY_CTRL('F'): key_right(le); break;
	case KEY_CTRL('U'): kill_to_start(le); break;
	case KEY_CTRL('K'): kill_to_end(le); break;
	case KEY_CTRL('P'): key_up(le); break;
	case KEY_CTRL('N'): key_down(le); break;
	default: break;		/* other control bytes: swallowed */
	}
	return LE_PENDING;
}

enum le_status le_feed(struct lineedit *le, unsigned char c)
{
	bool after_cr = le->after_cr;

	le->after_cr = c == '\r';
	if (le->done)
		start_new_line(le);
	if (le->esc != LE_ESC_NONE && escape_byte(le, c))
		return LE_PENDING;
	if (c == '\n' && after_cr)
		return LE_PENDING;	/* the LF of CR LF */
	if (c < 0x20 || c == KEY_DEL)
		return control_byte(le, c);
	insert_byte(le, (char)c);
	return LE_PENDING;
}

const char *le_line(const struct lineedit *le)
{
	return le->st.line;
}

void le_init(struct lineedit *le, const struct le_storage *st,
	     le_output_fn out, void *out_ctx)
{
	memset(le, 0, sizeof(*le));
	le->st = *st;
	le->out = out;
	le->out_ctx = out_ctx;
	le->st.line[0] = '\0';
	if (!le->st.history)
		le->st.history_size = 0;
}
