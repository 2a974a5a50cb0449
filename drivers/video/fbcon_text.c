// SPDX-License-Identifier: BSD-2-Clause
/*
 * The framebuffer console's text screen (fbcon_priv.h): terminal output
 * into a character grid and the pixels of its cells.  The cursor is an
 * underline in its cell, drawn after each write and removed before the
 * next, so the grid itself never holds it.  Scrolling moves the pixel
 * rows up by one text row (one memmove) instead of drawing every glyph
 * again.
 */
#include <string.h>
#include "fbcon_priv.h"

enum { ST_NORMAL, ST_ESC, ST_CSI };

#define ESC		0x1b
#define TAB_STOP	8
#define CURSOR_ROWS	2	/* the underline: the cell's last pixel rows */

static uint32_t *pixel_row(struct fbtext *t, uint32_t py)
{
	return (uint32_t *)(t->mem + (size_t)py * t->stride);
}

static void mark_dirty(struct fbtext *t, unsigned int row, unsigned int n)
{
	uint32_t top = row * FONT_H, end = (row + n) * FONT_H;

	if (t->dirty_end == t->dirty_top) {
		t->dirty_top = top;
		t->dirty_end = end;
		return;
	}
	if (top < t->dirty_top)
		t->dirty_top = top;
	if (end > t->dirty_end)
		t->dirty_end = end;
}

/* Draws cell (cx, cy) from the grid, with the cursor when cursor. */
static void draw_cell(struct fbtext *t, unsigned int cx, unsigned int cy,
		      bool cursor)
{
	unsigned char c = (unsigned char)t->grid[cy * t->cols + cx];
	const uint8_t *glyph = fbcon_font[0];	/* blank */

	if (c >= FONT_FIRST && c < FONT_FIRST + FONT_GLYPHS)
		glyph = fbcon_font[c - FONT_FIRST];
	for (unsigned int r = 0; r < FONT_H; r++) {
		uint32_t *px = pixel_row(t, cy * FONT_H + r) + cx * FONT_W;
		uint8_t bits = cursor && r >= FONT_H - CURSOR_ROWS ? 0xff : glyph[r];

		for (unsigned int b = 0; b < FONT_W; b++)
			px[b] = bits & (0x80 >> b) ? FBCON_FG : FBCON_BG;
	}
	mark_dirty(t, cy, 1);
}

/* Blanks cells [from, to) of text row cy. */
static void clear_cells(struct fbtext *t, unsigned int cy, unsigned int from,
			unsigned int to)
{
	memset(t->grid + cy * t->cols + from, ' ', to - from);
	for (unsigned int r = 0; r < FONT_H; r++) {
		uint32_t *px = pixel_row(t, cy * FONT_H + r);

		for (unsigned int p = from * FONT_W; p < to * FONT_W; p++)
			px[p] = FBCON_BG;
	}
	mark_dirty(t, cy, 1);
}

static void clear_screen(struct fbtext *t)
{
	for (unsigned int cy = 0; cy < t->rows; cy++)
		clear_cells(t, cy, 0, t->cols);
	t->x = t->y = 0;
}

/* Every text row moves up one; the last becomes blank. */
static void scroll(struct fbtext *t)
{
	size_t row_bytes = (size_t)FONT_H * t->stride;

	memmove(t->grid, t->grid + t->cols, (size_t)(t->rows - 1) * t->cols);
	memmove(t->mem, t->mem + row_bytes, (t->rows - 1) * row_bytes);
	mark_dirty(t, 0, t->rows);
	clear_cells(t, t->rows - 1, 0, t->cols);
}

static void newline(struct fbtext *t)
{
	if (t->y + 1 < t->rows)
		t->y++;
	else
		scroll(t);
}

static void put_char(struct fbtext *t, char c)
{
	if (t->x >= t->cols) {		/* wrap before, so a full line stays */
		t->x = 0;
		newline(t);
	}
	t->grid[t->y * t->cols + t->x] = c;
	draw_cell(t, t->x, t->y, false);
	t->x++;
}

/* The final byte of "ESC [ param letter". */
static void csi(struct fbtext *t, char final)
{
	unsigned int n = t->param ? t->param : 1;

	switch (final) {
	case 'C':
		t->x = t->x + n < t->cols ? t->x + n : t->cols - 1;
		break;
	case 'D':
		t->x = t->x > n ? t->x - n : 0;
		break;
	case 'K':
		if (t->x < t->cols)
			clear_cells(t, t->y, t->x, t->cols);
		break;
	case 'J':
		if (t->param == 2)
			clear_screen(t);
		break;
	case 'H':
		t->x = t->y = 0;
		break;
	}
}

static void control(struct fbtext *t, char c)
{
	switch (c) {
	case '\r':
		t->x = 0;
		break;
	case '\n':		/* the kernel log's lines end in a bare LF */
		t->x = 0;
		newline(t);
		break;
	case '\b':
		if (t->x > 0)
			t->x--;
		break;
	case '\t':
		while (t->x + 1 < t->cols) {
			put_char(t, ' ');
			if (t->x % TAB_STOP == 0)
				break;
		}
		break;
	case ESC:
		t->state = ST_ESC;
		break;
	}
}

static void feed(struct fbtext *t, char c)
{
	switch (t->state) {
	case ST_ESC:
		t->state = c == '[' ? ST_CSI : ST_NORMAL;
		t->param = 0;
		return;
	case ST_CSI:
		if (c >= '0' && c <= '9') {
			if (t->param < 1000)
				t->param = t->param * 10 + (unsigned int)(c - '0');
			return;
		}
		if (c >= 0x40 && c <= 0x7e) {	/* the final byte */
			t->state = ST_NORMAL;
			csi(t, c);
		}
		return;		/* ';', '?' and the like: ignored */
	}
	if ((unsigned char)c >= FONT_FIRST && (unsigned char)c < 0x7f)
		put_char(t, c);
	else
		control(t, c);
}

static void cursor(struct fbtext *t, bool on)
{
	if (t->x < t->cols)
		draw_cell(t, t->x, t->y, on);
}

void fbtext_write(struct fbtext *t, const char *s, size_t len)
{
	cursor(t, false);
	for (size_t i = 0; i < len; i++)
		feed(t, s[i]);
	cursor(t, true);
}

void fbtext_redraw(struct fbtext *t)
{
	for (unsigned int cy = 0; cy < t->rows; cy++)
		for (unsigned int cx = 0; cx < t->cols; cx++)
			draw_cell(t, cx, cy, false);
	cursor(t, true);
}

void fbtext_init(struct fbtext *t, uint8_t *mem, uint32_t width,
		 uint32_t height, uint32_t stride, char *grid)
{
	memset(t, 0, sizeof(*t));
	t->mem = mem;
	t->stride = stride;
	t->cols = fbtext_cols(width);
	t->rows = fbtext_rows(height);
	t->grid = grid;
	clear_screen(t);
	cursor(t, true);
}

bool fbtext_take_dirty(struct fbtext *t, uint32_t *y, uint32_t *h)
{
	if (t->dirty_end == t->dirty_top)
		return false;
	*y = t->dirty_top;
	*h = t->dirty_end - t->dirty_top;
	t->dirty_top = t->dirty_end = 0;
	return true;
}
