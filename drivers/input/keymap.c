// SPDX-License-Identifier: BSD-2-Clause
/*
 * US keyboard layout (<vireo/keymap.h>).  The tables are indexed by the
 * Linux key code of the key-typing block (KEY_ESC 1 .. KEY_SPACE 57);
 * the modifiers and the navigation keys are handled by name.
 */
#include <string.h>
#include <vireo/keymap.h>

/* Key codes (linux/input-event-codes.h) */
#define KEY_LEFTCTRL	29
#define KEY_LEFTSHIFT	42
#define KEY_RIGHTSHIFT	54
#define KEY_CAPSLOCK	58
#define KEY_KPENTER	96
#define KEY_RIGHTCTRL	97
#define KEY_HOME	102
#define KEY_UP		103
#define KEY_LEFT	105
#define KEY_RIGHT	106
#define KEY_END		107
#define KEY_DOWN	108
#define KEY_DELETE	111

#define TYPING_KEYS	58	/* codes 0..57 */

/* "\0" marks a key without a character there (a modifier). */
static const char plain[] =
	"\0\x1b" "1234567890-=\x7f\t" "qwertyuiop[]\r\0" "asdfghjkl;'`\0\\"
	"zxcvbnm,./\0*\0 ";
static const char shifted[] =
	"\0\x1b" "!@#$%^&*()_+\x7f\t" "QWERTYUIOP{}\r\0" "ASDFGHJKL:\"~\0|"
	"ZXCVBNM<>?\0*\0 ";

_Static_assert(sizeof(plain) == TYPING_KEYS + 1, "plain covers codes 0..57");
_Static_assert(sizeof(shifted) == TYPING_KEYS + 1, "shifted covers codes 0..57");

/* Modifier keys update the state; true when code was one. */
static bool modifier(struct keymap_state *st, uint16_t code, bool down)
{
	switch (code) {
	case KEY_LEFTSHIFT: st->shift[0] = down; return true;
	case KEY_RIGHTSHIFT: st->shift[1] = down; return true;
	case KEY_LEFTCTRL: st->ctrl[0] = down; return true;
	case KEY_RIGHTCTRL: st->ctrl[1] = down; return true;
	case KEY_CAPSLOCK:
		if (down)
			st->caps = !st->caps;
		return true;
	}
	return false;
}

/* The ANSI sequence of a navigation key, or NULL. */
static const char *sequence(uint16_t code)
{
	switch (code) {
	case KEY_UP: return "\x1b[A";
	case KEY_DOWN: return "\x1b[B";
	case KEY_RIGHT: return "\x1b[C";
	case KEY_LEFT: return "\x1b[D";
	case KEY_HOME: return "\x1b[H";
	case KEY_END: return "\x1b[F";
	case KEY_DELETE: return "\x1b[3~";
	case KEY_KPENTER: return "\r";
	}
	return NULL;
}

static char character(const struct keymap_state *st, uint16_t code)
{
	bool shift = st->shift[0] || st->shift[1];
	char c = plain[code];

	if (c >= 'a' && c <= 'z') {
		if (st->ctrl[0] || st->ctrl[1])
			return (char)(c & 0x1f);
		if (shift != st->caps)
			c = shifted[code];
		return c;
	}
	return shift ? shifted[code] : c;
}

size_t keymap_key(struct keymap_state *st, uint16_t code, int32_t value,
		  char out[KEYMAP_MAX_BYTES])
{
	const char *seq;
	bool down = value != 0;

	if (modifier(st, code, down) || !down)
		return 0;
	seq = sequence(code);
	if (seq) {
		size_t n = strlen(seq);

		memcpy(out, seq, n);
		return n;
	}
	if (code >= TYPING_KEYS)
		return 0;
	out[0] = character(st, code);
	return out[0] ? 1 : 0;
}
