/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The telnet protocol between a TCP connection and a terminal's byte
 * stream (RFC 854), for net/telnet.c.  Portable: it is built unchanged
 * on the host and unit-tested there (tests/host/test_telnet_codec.c).
 *
 * The server offers ECHO (RFC 857) and SUPPRESS-GO-AHEAD (RFC 858), which
 * puts clients in character-at-a-time mode: the shell's line editor then
 * echoes and edits as on the console.  Other options are refused.  An
 * option's state changes only on a request that would change it, and is
 * answered once, so two parties cannot loop (RFC 854's rule; RFC 1143's
 * queue is not needed for two fixed options).  Subnegotiations are
 * skipped.  Data bytes 255 are doubled (IAC IAC); a carriage return is
 * followed by LF or NUL on the wire (CR LF / CR NUL) and comes out of
 * decoding alone.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

enum {
	TELNET_SE = 240, TELNET_NOP = 241, TELNET_DM = 242, TELNET_BRK = 243,
	TELNET_IP = 244, TELNET_AO = 245, TELNET_AYT = 246, TELNET_EC = 247,
	TELNET_EL = 248, TELNET_GA = 249, TELNET_SB = 250, TELNET_WILL = 251,
	TELNET_WONT = 252, TELNET_DO = 253, TELNET_DONT = 254, TELNET_IAC = 255,
};

enum { TELNET_OPT_ECHO = 1, TELNET_OPT_SGA = 3 };

/* Bytes of the opening offer, and the most replies one byte can cause. */
#define TELNET_OPEN_LEN		6
#define TELNET_REPLY_MAX	3

/* One connection's protocol state (zero-filled, then telnet_open()). */
struct telnet_codec {
	uint8_t rx_state;	/* where decoding stands between calls */
	uint8_t rx_verb;	/* WILL/WONT/DO/DONT waiting for its option */
	uint8_t us;		/* options we have on: bit 1 << option */
	uint8_t him;		/* options the peer has on */
	uint8_t tx_cr;		/* a CR went out, its LF or NUL not yet */
};

/* Writes the offer (IAC WILL ECHO, IAC WILL SGA) to out, TELNET_OPEN_LEN
 * bytes; returns that count. */
size_t telnet_open(struct telnet_codec *c, uint8_t *out);

/*
 * Decodes n bytes from the peer.  Terminal data goes to data (at most n
 * bytes; returns the count); answers to negotiation go to reply (room
 * for n + TELNET_REPLY_MAX bytes), their length to *reply_len.  IAC IP
 * and BRK become Ctrl-C (0x03), EC DEL (0x7f), EL Ctrl-U (0x15).
 */
size_t telnet_decode(struct telnet_codec *c, const uint8_t *in, size_t n,
		     uint8_t *data, uint8_t *reply, size_t *reply_len);

/* Encodes n terminal bytes for the wire into out (room for 2n + 1);
 * returns the count. */
size_t telnet_encode(struct telnet_codec *c, const uint8_t *in, size_t n,
		     uint8_t *out);
