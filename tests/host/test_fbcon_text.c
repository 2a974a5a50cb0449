// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of drivers/video/fbcon_text.c, the framebuffer console's
 * text screen, on a 4 x 3 cell screen: glyphs land in their cells, CR/LF,
 * backspace and the line editor's ANSI sequences move the cursor, erase
 * to end of line blanks pixels, a full screen scrolls the pixels up one
 * text row, and only the changed rows are reported dirty.
 */
#include <stdint.h>
#include <string.h>
#include "../../drivers/video/fbcon_priv.h"
#include "unit.h"

#define COLS	4
#define ROWS	3
#define W	(COLS * FONT_W)
#define H	(ROWS * FONT_H)

static uint32_t px[H][W];
static char grid[COLS * ROWS];
static struct fbtext t;

static void screen(void)
{
	memset(px, 0xee, sizeof(px));	/* garbage the init must clear */
	fbtext_init(&t, (uint8_t *)px, W, H, W * 4, grid);
}

/* Whether cell (cx, cy) shows character c (the cursor's underline
 * ignored: only the glyph rows above it are compared). */
static int cell_is(unsigned int cx, unsigned int cy, char c)
{
	const uint8_t *g = fbcon_font[c - FONT_FIRST];

	for (int r = 0; r < FONT_H - 2; r++)
		for (int b = 0; b < FONT_W; b++) {
			uint32_t want = g[r] & (0x80 >> b) ? FBCON_FG : FBCON_BG;
			if (px[cy * FONT_H + r][cx * FONT_W + b] != want)
				return 0;
		}
	return 1;
}

static int cursor_at(unsigned int cx, unsigned int cy)
{
	return px[cy * FONT_H + FONT_H - 1][cx * FONT_W] == FBCON_FG &&
	       px[cy * FONT_H + FONT_H - 1][cx * FONT_W + FONT_W - 1] == FBCON_FG;
}

static void put(const char *s)
{
	fbtext_write(&t, s, strlen(s));
}

TEST(init_clears_all_and_marks_it_dirty)
{
	uint32_t y, h;

	screen();
	EXPECT(cell_is(0, 0, ' ') && cell_is(3, 2, ' '));
	EXPECT(cursor_at(0, 0));
	EXPECT(fbtext_take_dirty(&t, &y, &h));
	EXPECT_EQ(y, 0);
	EXPECT_EQ(h, H);
	EXPECT(!fbtext_take_dirty(&t, &y, &h));
}

TEST(text_lands_in_cells_and_only_its_row_is_dirty)
{
	uint32_t y, h;

	screen();
	fbtext_take_dirty(&t, &y, &h);
	put("\nAb");
	EXPECT(cell_is(0, 1, 'A') && cell_is(1, 1, 'b'));
	EXPECT(cursor_at(2, 1) && !cursor_at(0, 0));
	EXPECT(fbtext_take_dirty(&t, &y, &h));
	EXPECT_EQ(y, 0);		/* the cursor left row 0 */
	EXPECT_EQ(h, 2 * FONT_H);
	put("c");
	EXPECT(fbtext_take_dirty(&t, &y, &h));
	EXPECT_EQ(y, FONT_H);
	EXPECT_EQ(h, FONT_H);
}

TEST(cursor_moves_and_erase_to_end_of_line)
{
	screen();
	put("abcd");			/* full row: the cursor waits past it */
	put("\r\x1b[2C");
	EXPECT(cursor_at(2, 0));
	put("\x1b[K");
	EXPECT(cell_is(0, 0, 'a') && cell_is(1, 0, 'b'));
	EXPECT(cell_is(3, 0, ' '));
	put("\bX\x1b[1D");
	EXPECT(cell_is(1, 0, 'X'));
	EXPECT(cursor_at(1, 0));
	put("\x1b[2J");
	EXPECT(cell_is(0, 0, ' ') && cell_is(1, 0, ' ') && cursor_at(0, 0));
}

TEST(long_lines_wrap_and_a_full_screen_scrolls)
{
	uint32_t y, h;

	screen();
	put("abcdefgh\r\nij");		/* rows: abcd, efgh, ij */
	EXPECT(cell_is(0, 1, 'e') && cell_is(0, 2, 'i'));
	fbtext_take_dirty(&t, &y, &h);
	put("\nk");
	EXPECT(cell_is(0, 0, 'e') && cell_is(3, 0, 'h'));
	EXPECT(cell_is(0, 1, 'i') && cell_is(1, 1, 'j'));
	EXPECT(cell_is(0, 2, 'k') && cell_is(1, 2, ' '));
	EXPECT(fbtext_take_dirty(&t, &y, &h));
	EXPECT_EQ(y, 0);
	EXPECT_EQ(h, H);
}

TEST(redraw_restores_overwritten_pixels)
{
	screen();
	put("hi");
	memset(px, 0x55, sizeof(px));
	fbtext_redraw(&t);
	EXPECT(cell_is(0, 0, 'h') && cell_is(1, 0, 'i') && cursor_at(2, 0));
}

TEST(unknown_bytes_and_sequences_draw_nothing)
{
	screen();
	put("\x01\x1b[?25lz\x7f\x1b[5m");
	EXPECT(cell_is(0, 0, 'z'));
	EXPECT(cell_is(1, 0, ' ') && cursor_at(1, 0));
}

UNIT_MAIN(UNIT_CASE(init_clears_all_and_marks_it_dirty),
	  UNIT_CASE(text_lands_in_cells_and_only_its_row_is_dirty),
	  UNIT_CASE(cursor_moves_and_erase_to_end_of_line),
	  UNIT_CASE(long_lines_wrap_and_a_full_screen_scrolls),
	  UNIT_CASE(redraw_restores_overwritten_pixels),
	  UNIT_CASE(unknown_bytes_and_sequences_draw_nothing))
