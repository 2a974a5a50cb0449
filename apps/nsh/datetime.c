// SPDX-License-Identifier: BSD-2-Clause
/*
 * The calendar date `date -s` takes, parsed strictly: a field out of
 * its range (month 13, February 30, hour 24, a sign) is an error rather
 * than normalised into another date, as timegm() would.  Portable C,
 * unit-tested on the host (tests/host/test_nsh_date.c).
 */
#include <stdbool.h>
#include "datetime.h"

static bool leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const unsigned char days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};

	return days[m - 1] + (m == 2 && leap_year(y));
}

/* Reads min..max decimal digits at *s into *v (no sign, no blanks). */
static bool number(const char **s, int min, int max, int *v)
{
	int n = 0;

	for (*v = 0; n < max && **s >= '0' && **s <= '9'; n++, (*s)++)
		*v = *v * 10 + (**s - '0');
	return n >= min;
}

/* Expects the character c at *s. */
static bool literal(const char **s, char c)
{
	return **s == c && (++*s, true);
}

int nsh_parse_date(const char *s, int64_t *secs)
{
	int y, mo, d, h, mi, sec = 0;
	int64_t days = 0;

	if (!number(&s, 4, 4, &y) || !literal(&s, '-') ||
	    !number(&s, 1, 2, &mo) || !literal(&s, '-') ||
	    !number(&s, 1, 2, &d) || !literal(&s, ' ') ||
	    !number(&s, 1, 2, &h) || !literal(&s, ':') ||
	    !number(&s, 1, 2, &mi) ||
	    (*s == ':' && (!literal(&s, ':') || !number(&s, 1, 2, &sec))) ||
	    *s != '\0')
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) ||
	    h > 23 || mi > 59 || sec > 59)
		return -1;
	for (int yy = 1970; yy < y; yy++)
		days += 365 + leap_year(yy);
	for (int mm = 1; mm < mo; mm++)
		days += month_days(y, mm);
	days += d - 1;
	*secs = ((days * 24 + h) * 60 + mi) * 60 + sec;
	return 0;
}
