// SPDX-License-Identifier: BSD-2-Clause
/*
 * Host tests of the shell's date parser (apps/nsh/datetime.c): known
 * instants, leap years, and every kind of invalid field rejected rather
 * than normalised.
 */
#include "unit.h"
#include "../../apps/nsh/datetime.h"

static int64_t secs(const char *s)
{
	int64_t v = -12345;

	return nsh_parse_date(s, &v) == 0 ? v : -1;
}

TEST(known_instants)
{
	EXPECT_EQ(secs("1970-01-01 00:00:00"), 0);
	EXPECT_EQ(secs("1970-01-01 00:01"), 60);
	EXPECT_EQ(secs("2000-03-01 00:00:00"), 951868800);
	EXPECT_EQ(secs("2024-02-29 12:34:56"), 1709210096);
	EXPECT_EQ(secs("2038-01-19 03:14:08"), 2147483648LL);
	EXPECT_EQ(secs("2600-01-01 00:00:00"), 19880899200LL);
	EXPECT_EQ(secs("9999-12-31 23:59:59"), 253402300799LL);
}

TEST(invalid_fields)
{
	EXPECT_EQ(secs("2020-02-31 00:00:00"), -1);
	EXPECT_EQ(secs("2100-02-29 00:00:00"), -1);	/* not a leap year */
	EXPECT_EQ(secs("2020-04-31 00:00:00"), -1);
	EXPECT_EQ(secs("2020-13-01 00:00:00"), -1);
	EXPECT_EQ(secs("2020-00-01 00:00:00"), -1);
	EXPECT_EQ(secs("2020-01-00 00:00:00"), -1);
	EXPECT_EQ(secs("2020-01-01 24:00:00"), -1);
	EXPECT_EQ(secs("2020-01-01 23:60:00"), -1);
	EXPECT_EQ(secs("2020-01-01 23:59:60"), -1);
	EXPECT_EQ(secs("2020-01-01 -1:-1:-1"), -1);
	EXPECT_EQ(secs("1969-12-31 23:59:59"), -1);
}

TEST(malformed_text)
{
	EXPECT_EQ(secs(""), -1);
	EXPECT_EQ(secs("2020-01-01"), -1);
	EXPECT_EQ(secs("2020-01-01 10"), -1);
	EXPECT_EQ(secs("2020-01-01 10:00:00x"), -1);
	EXPECT_EQ(secs(" 2020-01-01 10:00"), -1);
	EXPECT_EQ(secs("20200-01-01 10:00"), -1);
	EXPECT_EQ(secs("2020-001-01 10:00"), -1);
	EXPECT_EQ(secs("2020-01-01 10:00:"), -1);
	EXPECT_EQ(secs("+2020-01-01 10:00"), -1);
}

UNIT_MAIN(UNIT_CASE(known_instants), UNIT_CASE(invalid_fields),
	  UNIT_CASE(malformed_text))
