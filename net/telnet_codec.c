// SPDX-License-Identifier: BSD-2-Clause
/*
 * The telnet protocol's byte level (see telnet_codec.h): a decoder state
 * machine over the peer's bytes and the encoder of terminal output.
 */
#include "telnet_codec.h"

enum { RX_DATA, RX_CR, RX_IAC, RX_OPTION, RX_SB, RX_SB_IAC };

#define CTRL_C	0x03
#define CTRL_U	0x15
#define DEL	0x7f

static uint8_t bit(uint8_t opt)
{
	return opt < 8 ? (uint8_t)(1u << opt) : 0;
}

static size_t put3(uint8_t *out, uint8_t verb, uint8_t opt)
{
	out[0] = TELNET_IAC;
	out[1] = verb;
	out[2] = opt;
	return 3;
}

size_t telnet_open(struct telnet_codec *c, uint8_t *out)
{
	c->us = bit(TELNET_OPT_ECHO) | bit(TELNET_OPT_SGA);
	put3(out, TELNET_WILL, TELNET_OPT_ECHO);
	return put3(out + 3, TELNET_WILL, TELNET_OPT_SGA) + 3;
}

/* What we offer on our side, and accept on the peer's. */
static uint8_t ours_supported(uint8_t opt)
{
	return bit(opt) & (bit(TELNET_OPT_ECHO) | bit(TELNET_OPT_SGA));
}

static uint8_t his_supported(uint8_t opt)
{
	return bit(opt) & bit(TELNET_OPT_SGA);
}

/* The answer to IAC verb opt (RFC 854: only to a request that changes an
 * option's state); its length in out. */
static size_t negotiate(struct telnet_codec *c, uint8_t verb, uint8_t opt,
			uint8_t *out)
{
	switch (verb) {
	case TELNET_DO:
		if (!ours_supported(opt))
			return put3(out, TELNET_WONT, opt);
		if (c->us & bit(opt))
			return 0;
		c->us |= bit(opt);
		return put3(out, TELNET_WILL, opt);
	case TELNET_DONT:
		if (!(c->us & bit(opt)))
			return 0;
		c->us &= (uint8_t)~bit(opt);
		return put3(out, TELNET_WONT, opt);
	case TELNET_WILL:
		if (!his_supported(opt))
			return put3(out, TELNET_DONT, opt);
		if (c->him & bit(opt))
			return 0;
		c->him |= bit(opt);
		return put3(out, TELNET_DO, opt);
	default:	/* WONT */
		if (!(c->him & bit(opt)))
			return 0;
		c->him &= (uint8_t)~bit(opt);
		return put3(out, TELNET_DONT, opt);
	}
}

/* The terminal byte a command stands for, or -1 for none. */
static int command_byte(uint8_t cmd)
{
	switch (cmd) {
	case TELNET_IP:
	case TELNET_BRK:
		return CTRL_C;
	case TELNET_EC:
		return DEL;
	case TELNET_EL:
		return CTRL_U;
	case TELNET_IAC:
		return TELNET_IAC;
	default:	/* NOP, DM, AO, AYT, GA, a stray SE */
		return -1;
	}
}

/* After IAC: the state cmd leads to; a data byte it stands for in *b. */
static uint8_t after_iac(struct telnet_codec *c, uint8_t cmd, int *b)
{
	*b = -1;
	if (cmd >= TELNET_WILL && cmd <= TELNET_DONT) {
		c->rx_verb = cmd;
		return RX_OPTION;
	}
	if (cmd == TELNET_SB)
		return RX_SB;
	*b = command_byte(cmd);
	return RX_DATA;
}

/* A byte in the data state: itself, or -1 when it starts a command. */
static int rx_data(struct telnet_codec *c, uint8_t x)
{
	if (x == TELNET_IAC) {
		c->rx_state = RX_IAC;
		return -1;
	}
	if (x == '\r')
		c->rx_state = RX_CR;
	return x;
}

size_t telnet_decode(struct telnet_codec *c, const uint8_t *in, size_t n,
		     uint8_t *data, uint8_t *reply, size_t *reply_len)
{
	size_t nd = 0, nr = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t x = in[i];
		int b = -1;

		switch (c->rx_state) {
		case RX_CR:		/* CR NUL and CR LF are one CR */
			c->rx_state = RX_DATA;
			if (x != 0 && x != '\n')
				b = rx_data(c, x);
			break;
		case RX_DATA:
			b = rx_data(c, x);
			break;
		case RX_IAC:
			c->rx_state = after_iac(c, x, &b);
			break;
		case RX_OPTION:
			nr += negotiate(c, c->rx_verb, x, reply + nr);
			c->rx_state = RX_DATA;
			break;
		case RX_SB:
			if (x == TELNET_IAC)
				c->rx_state = RX_SB_IAC;
			break;
		default:		/* RX_SB_IAC: IAC SE ends it */
			c->rx_state = x == TELNET_SE ? RX_DATA : RX_SB;
			break;
		}
		if (b >= 0)
			data[nd++] = (uint8_t)b;
	}
	*reply_len = nr;
	return nd;
}

size_t telnet_encode(struct telnet_codec *c, const uint8_t *in, size_t n,
		     uint8_t *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		uint8_t x = in[i];

		if (c->tx_cr && x != '\n')
			out[k++] = 0;	/* a bare CR is CR NUL */
		c->tx_cr = x == '\r';
		out[k++] = x;
		if (x == TELNET_IAC)
			out[k++] = TELNET_IAC;
	}
	return k;
}
