/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The shell's line editor: a state machine fed one input byte at a time
 * that keeps the line being typed, echoes and redraws it through an output
 * callback, and keeps a history of entered lines.  It knows nothing about
 * the console, the prompt or the C library beyond <string.h>, so the host
 * unit tests drive it byte by byte and check every echoed byte.
 *
 * Keys: printable bytes insert at the cursor; Backspace (0x7f, 0x08);
 * Left/Right (ESC [ D / C, Ctrl-B/Ctrl-F); Home (ESC [ H, ESC [ 1 ~,
 * ESC [ 7 ~, ESC O H, Ctrl-A); End (ESC [ F, ESC [ 4 ~, ESC [ 8 ~, ESC O F,
 * Ctrl-E); Delete (ESC [ 3 ~, Ctrl-D on a non-empty line); Ctrl-U deletes
 * before the cursor, Ctrl-K from the cursor on; Up/Down (ESC [ A / B,
 * Ctrl-P/Ctrl-N) walk the history; CR or LF ends the line (CR LF counts
 * once); Ctrl-C discards the line; Ctrl-D on an empty line reports end of
 * input.  Other escape sequences and control bytes are swallowed.
 *
 * The redraw uses only bytes, backspace (0x08) and ESC [ n D, so it works
 * on any VT100-like terminal.  The cursor counts bytes: multi-byte UTF-8
 * characters are stored and echoed intact, but moving over them in the
 * middle of a line is not column-exact.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef void (*le_output_fn)(void *ctx, const char *buf, size_t len);

enum le_status {
	LE_PENDING,	/* keep feeding bytes */
	LE_LINE,	/* Enter: le_line() holds the line until the next byte */
	LE_EOF,		/* Ctrl-D on an empty line */
	LE_INTERRUPT,	/* Ctrl-C: the line was discarded */
};

/* Storage the caller provides; le_init keeps pointers to it. */
struct le_storage {
	char *line;		/* max + 1 bytes: the line being edited */
	char *scratch;		/* max + 1 bytes: the new line while the
				   history is shown in its place */
	size_t max;		/* longest line in bytes, at least 1 */
	char *history;		/* history_size bytes, or NULL for none */
	size_t history_size;
};

enum le_escape_state {
	LE_ESC_NONE,
	LE_ESC_START,		/* ESC seen */
	LE_ESC_CSI,		/* ESC [ seen, collecting parameters */
	LE_ESC_SS3,		/* ESC O seen */
};

struct lineedit {
	struct le_storage st;
	size_t len;		/* bytes in st.line */
	size_t cur;		/* cursor, 0..len */
	size_t hist_used;	/* bytes of st.history in use */
	size_t hist_pos;	/* 0: the new line; k: the k-th newest entry */
	enum le_escape_state esc;
	unsigned int esc_param;	/* first numeric CSI parameter */
	bool esc_odd;		/* more parameters or intermediates: unknown */
	bool after_cr;		/* the previous byte was CR: drop one LF */
	bool done;		/* a line was returned; next byte starts anew */
	le_output_fn out;
	void *out_ctx;
};

void le_init(struct lineedit *le, const struct le_storage *st,
	     le_output_fn out, void *out_ctx);

/* Feeds one input byte; echo and redraw go to the output callback. */
enum le_status le_feed(struct lineedit *le, unsigned char byte);

/* The finished line (NUL-terminated) after le_feed returned LE_LINE. */
const char *le_line(const struct lineedit *le);

/*
 * History, oldest entries dropped when st.history_size is full.  Enter
 * adds every non-empty line that differs from the newest entry; add is
 * public for the shell's future `history` and for tests.
 */
void le_history_add(struct lineedit *le, const char *line);
size_t le_history_count(const struct lineedit *le);
/* k = 1 is the newest entry; NULL when there is no k-th entry. */
const char *le_history_get(const struct lineedit *le, size_t k);
