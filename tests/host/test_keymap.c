// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of drivers/input/keymap.c: key events (Linux codes) become
 * the bytes a serial terminal sends: letters, Shift and Caps Lock, Ctrl,
 * Enter, Backspace, arrows; releases and modifiers type nothing.
 */
#include <string.h>
#include <vireo/keymap.h>
#include "unit.h"

enum { KEY_1 = 2, KEY_MINUS = 12, KEY_BACKSPACE = 14, KEY_Q = 16,
       KEY_ENTER = 28, KEY_LEFTCTRL = 29, KEY_A = 30, KEY_LEFTSHIFT = 42,
       KEY_SLASH = 53, KEY_RIGHTSHIFT = 54, KEY_SPACE = 57, KEY_CAPSLOCK = 58,
       KEY_UP = 103, KEY_DELETE = 111, BTN_LEFT = 0x110 };

static struct keymap_state st;

/* The bytes one press of code types, as a string. */
static const char *press(unsigned int code)
{
	static char s[KEYMAP_MAX_BYTES + 1];
	size_t n = keymap_key(&st, code, 1, s);

	s[n] = '\0';
	return s;
}

static void hold(unsigned int code, int down)
{
	char out[KEYMAP_MAX_BYTES];

	EXPECT_EQ(keymap_key(&st, code, down, out), 0);
}

TEST(plain_keys)
{
	memset(&st, 0, sizeof(st));
	EXPECT_STR(press(KEY_A), "a");
	EXPECT_STR(press(KEY_Q), "q");
	EXPECT_STR(press(KEY_1), "1");
	EXPECT_STR(press(KEY_MINUS), "-");
	EXPECT_STR(press(KEY_SPACE), " ");
	EXPECT_STR(press(KEY_ENTER), "\r");
	EXPECT_STR(press(KEY_BACKSPACE), "\x7f");
	EXPECT_STR(press(KEY_UP), "\x1b[A");
	EXPECT_STR(press(KEY_DELETE), "\x1b[3~");
	EXPECT_STR(press(BTN_LEFT), "");
	EXPECT_STR(press(0xffff), "");
}

TEST(releases_type_nothing_and_repeats_type_again)
{
	char out[KEYMAP_MAX_BYTES];

	memset(&st, 0, sizeof(st));
	EXPECT_EQ(keymap_key(&st, KEY_A, 0, out), 0);
	EXPECT_EQ(keymap_key(&st, KEY_A, 2, out), 1);
	EXPECT_EQ(out[0], 'a');
}

TEST(shift_and_caps_lock)
{
	memset(&st, 0, sizeof(st));
	hold(KEY_LEFTSHIFT, 1);
	EXPECT_STR(press(KEY_A), "A");
	EXPECT_STR(press(KEY_1), "!");
	EXPECT_STR(press(KEY_SLASH), "?");
	hold(KEY_RIGHTSHIFT, 1);
	hold(KEY_LEFTSHIFT, 0);
	EXPECT_STR(press(KEY_MINUS), "_");	/* the other shift still down */
	hold(KEY_RIGHTSHIFT, 0);
	EXPECT_STR(press(KEY_MINUS), "-");
	hold(KEY_CAPSLOCK, 1);
	hold(KEY_CAPSLOCK, 0);
	EXPECT_STR(press(KEY_A), "A");
	EXPECT_STR(press(KEY_1), "1");		/* caps lock: letters only */
	hold(KEY_LEFTSHIFT, 1);
	EXPECT_STR(press(KEY_A), "a");
	hold(KEY_LEFTSHIFT, 0);
}

TEST(ctrl_letters_are_control_characters)
{
	memset(&st, 0, sizeof(st));
	hold(KEY_LEFTCTRL, 1);
	EXPECT_STR(press(KEY_A), "\x01");
	EXPECT_EQ(press(46)[0], 0x03);		/* KEY_C: Ctrl-C */
	hold(KEY_LEFTCTRL, 0);
	EXPECT_STR(press(KEY_A), "a");
}

UNIT_MAIN(UNIT_CASE(plain_keys),
	  UNIT_CASE(releases_type_nothing_and_repeats_type_again),
	  UNIT_CASE(shift_and_caps_lock),
	  UNIT_CASE(ctrl_letters_are_control_characters))
