/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The text screen of the framebuffer console (fbcon_text.c): a grid of
 * characters drawn with the built-in font into 32-bit XRGB pixel memory.
 * It knows what a terminal's output contains (printable ASCII, CR, LF,
 * backspace, tab, and the few ANSI sequences the shell's line editor
 * sends: cursor left/right, erase to end of line, clear screen, home)
 * and scrolls when the cursor passes the last row.  It records which
 * pixel rows changed so its owner flushes only those.  Portable (host
 * tested); no locking: its owner serialises the calls.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FONT_W		8
#define FONT_H		16
#define FONT_FIRST	0x20
#define FONT_GLYPHS	95	/* 0x20..0x7e */

extern const uint8_t fbcon_font[FONT_GLYPHS][FONT_H];

#define FBCON_FG	0x00c0c0c0u	/* light grey */
#define FBCON_BG	0x00000000u

struct fbtext {
	uint8_t *mem;		/* XRGB8888 pixels */
	uint32_t stride;	/* bytes per pixel row */
	unsigned int cols, rows;
	char *grid;		/* cols * rows characters, ' ' when blank */
	unsigned int x, y;	/* cursor cell */
	int state;		/* escape-sequence parser */
	unsigned int param;	/* its numeric parameter */
	uint32_t dirty_top;	/* pixel rows [dirty_top, dirty_end) */
	uint32_t dirty_end;	/*   changed since fbtext_take_dirty() */
};

/* Cells of a width x height screen: the grid must hold cols * rows. */
static inline unsigned int fbtext_cols(uint32_t width) { return width / FONT_W; }
static inline unsigned int fbtext_rows(uint32_t height) { return height / FONT_H; }

/* Sets t up on mem (width x height pixels, stride bytes a row) with grid
 * and clears the screen (all dirty).  The screen needs at least one cell. */
void fbtext_init(struct fbtext *t, uint8_t *mem, uint32_t width,
		 uint32_t height, uint32_t stride, char *grid);
/* Interprets len bytes of terminal output. */
void fbtext_write(struct fbtext *t, const char *s, size_t len);
/* Draws every cell again (the pixels were overwritten meanwhile). */
void fbtext_redraw(struct fbtext *t);
/* The changed pixel rows since the last call: false when none. */
bool fbtext_take_dirty(struct fbtext *t, uint32_t *y, uint32_t *h);
