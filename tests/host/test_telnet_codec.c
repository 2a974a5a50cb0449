// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of net/telnet_codec.c: the opening offer, negotiation
 * answered once and refusals, IAC IAC, commands that stand for terminal
 * keys, subnegotiations skipped, CR NUL / CR LF, and every state split
 * across calls (a byte at a time gives what one call gives).
 */
#include <stdint.h>
#include "../../net/telnet_codec.h"
#include "unit.h"

#define IAC TELNET_IAC

struct run {
	uint8_t data[256], reply[256];
	size_t nd, nr;
};

/* Decodes in, one call or a byte per call. */
static void decode(struct telnet_codec *c, const uint8_t *in, size_t n,
		   int bytewise, struct run *r)
{
	r->nd = r->nr = 0;
	if (!bytewise) {
		r->nd = telnet_decode(c, in, n, r->data, r->reply, &r->nr);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		size_t nr;

		r->nd += telnet_decode(c, in + i, 1, r->data + r->nd,
				       r->reply + r->nr, &nr);
		r->nr += nr;
	}
}

static struct telnet_codec opened(void)
{
	struct telnet_codec c = { 0 };
	uint8_t out[TELNET_OPEN_LEN];

	telnet_open(&c, out);
	return c;
}

TEST(offer_is_will_echo_will_sga)
{
	struct telnet_codec c = { 0 };
	uint8_t out[TELNET_OPEN_LEN];
	static const uint8_t want[] = { IAC, TELNET_WILL, 1, IAC, TELNET_WILL, 3 };

	EXPECT_EQ(telnet_open(&c, out), TELNET_OPEN_LEN);
	EXPECT(memcmp(out, want, sizeof(want)) == 0);
}

TEST(negotiation_both_ways)
{
	for (int bytewise = 0; bytewise < 2; bytewise++) {
		struct telnet_codec c = opened();
		struct run r;
		/* DO ECHO (on already: silent), WILL SGA (accepted), WILL
		 * TTYPE (refused), DO NAWS (refused), DONT ECHO (turned
		 * off), data "a". */
		static const uint8_t in[] = {
			IAC, TELNET_DO, 1, IAC, TELNET_WILL, 3,
			IAC, TELNET_WILL, 24, IAC, TELNET_DO, 31,
			IAC, TELNET_DONT, 1, 'a' };
		static const uint8_t want[] = {
			IAC, TELNET_DO, 3, IAC, TELNET_DONT, 24,
			IAC, TELNET_WONT, 31, IAC, TELNET_WONT, 1 };

		decode(&c, in, sizeof(in), bytewise, &r);
		EXPECT_EQ(r.nd, 1);
		EXPECT_EQ(r.data[0], 'a');
		EXPECT_EQ(r.nr, sizeof(want));
		EXPECT(memcmp(r.reply, want, sizeof(want)) == 0);
		/* Repeats change nothing and get no answer: no loop. */
		static const uint8_t again[] = { IAC, TELNET_WILL, 3,
						 IAC, TELNET_DONT, 1,
						 IAC, TELNET_WONT, 24 };
		decode(&c, again, sizeof(again), bytewise, &r);
		EXPECT_EQ(r.nd, 0);
		EXPECT_EQ(r.nr, 0);
	}
}

TEST(iac_iac_and_commands)
{
	for (int bytewise = 0; bytewise < 2; bytewise++) {
		struct telnet_codec c = opened();
		struct run r;
		static const uint8_t in[] = {
			'x', IAC, IAC, IAC, TELNET_NOP, IAC, TELNET_IP,
			IAC, TELNET_EC, IAC, TELNET_EL, IAC, TELNET_AYT, 'y' };
		static const uint8_t want[] = { 'x', 0xff, 0x03, 0x7f, 0x15, 'y' };

		decode(&c, in, sizeof(in), bytewise, &r);
		EXPECT_EQ(r.nd, sizeof(want));
		EXPECT(memcmp(r.data, want, sizeof(want)) == 0);
		EXPECT_EQ(r.nr, 0);
	}
}

TEST(subnegotiation_skipped)
{
	for (int bytewise = 0; bytewise < 2; bytewise++) {
		struct telnet_codec c = opened();
		struct run r;
		/* NAWS 80x24 with an escaped 255 inside, then data. */
		static const uint8_t in[] = {
			'a', IAC, TELNET_SB, 31, 0, 80, IAC, IAC, 24,
			IAC, TELNET_SE, 'b' };

		decode(&c, in, sizeof(in), bytewise, &r);
		EXPECT_EQ(r.nd, 2);
		EXPECT(r.data[0] == 'a' && r.data[1] == 'b');
	}
}

TEST(carriage_returns)
{
	for (int bytewise = 0; bytewise < 2; bytewise++) {
		struct telnet_codec c = opened();
		struct run r;
		static const uint8_t in[] = {
			'l', 's', '\r', 0, 'p', 'w', 'd', '\r', '\n',
			'\r', 'z', '\n' };
		static const uint8_t want[] = {
			'l', 's', '\r', 'p', 'w', 'd', '\r', '\r', 'z', '\n' };

		decode(&c, in, sizeof(in), bytewise, &r);
		EXPECT_EQ(r.nd, sizeof(want));
		EXPECT(memcmp(r.data, want, sizeof(want)) == 0);
	}
}

TEST(encode_escapes_iac_and_bare_cr)
{
	struct telnet_codec c = opened();
	uint8_t out[64];
	static const uint8_t in[] = { 'a', 0xff, '\r', '\n', '\r', 'b', '\r' };
	static const uint8_t want[] = { 'a', 0xff, 0xff, '\r', '\n',
					'\r', 0, 'b', '\r' };
	size_t n = telnet_encode(&c, in, sizeof(in), out);

	EXPECT_EQ(n, sizeof(want));
	EXPECT(memcmp(out, want, sizeof(want)) == 0);
	/* The trailing CR's follower comes with the next call. */
	static const uint8_t in2[] = { 0xff };
	static const uint8_t want2[] = { 0, 0xff, 0xff };
	n = telnet_encode(&c, in2, 1, out);
	EXPECT_EQ(n, 3);	/* 2n + 1, the bound */
	EXPECT(memcmp(out, want2, sizeof(want2)) == 0);
}

UNIT_MAIN(UNIT_CASE(offer_is_will_echo_will_sga),
	  UNIT_CASE(negotiation_both_ways),
	  UNIT_CASE(iac_iac_and_commands),
	  UNIT_CASE(subnegotiation_skipped),
	  UNIT_CASE(carriage_returns),
	  UNIT_CASE(encode_escapes_iac_and_bare_cr))
