/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A US keyboard layout for terminal input (drivers/input/keymap.c): key
 * events with Linux input event codes (what virtio-input reports, Virtio
 * 1.2 5.8, the codes of linux/input-event-codes.h) become the bytes a
 * serial terminal would send: letters with Shift and Caps Lock, Ctrl+key
 * as control characters, Enter as CR, Backspace as DEL, arrows and
 * Home/End/Delete as ANSI sequences.  Portable; the caller serialises
 * calls on one state.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEYMAP_MAX_BYTES	4	/* the longest sequence: "ESC [ 3 ~" */

struct keymap_state {
	bool shift[2];		/* left, right */
	bool ctrl[2];
	bool caps;		/* Caps Lock toggled on */
};

/* One EV_KEY event: code pressed (value 1), repeated (2) or released (0).
 * Writes the bytes it types into out and returns their count (0 for
 * modifiers, releases and keys without a character). */
size_t keymap_key(struct keymap_state *st, uint16_t code, int32_t value,
		  char out[KEYMAP_MAX_BYTES]);
