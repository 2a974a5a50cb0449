// SPDX-License-Identifier: BSD-2-Clause
/*
 * date: show the real-time clock, or set it with -s (clock_settime also
 * loads the RTC, so the setting survives a reboot).  Times are UTC.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "datetime.h"
#include "nsh.h"

static int show_date(void)
{
	struct timespec ts;
	struct tm tm;
	char buf[48];

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return nsh_fail("date", "CLOCK_REALTIME");
	if (!gmtime_r(&ts.tv_sec, &tm) ||
	    !strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S UTC %Y", &tm)) {
		nsh_error("date: time out of range\n");
		return 1;
	}
	printf("%s\n", buf);
	return 0;
}

static int cmd_date(struct nsh *sh, int argc, char **argv)
{
	struct timespec ts = { 0 };
	int64_t t;

	if (argc == 1)
		return show_date();
	if (argc != 3 || strcmp(argv[1], "-s"))
		return nsh_usage("date");
	if (nsh_parse_date(argv[2], &t)) {
		nsh_error("date: invalid date '%s' (want \"YYYY-MM-DD hh:mm:ss\")\n",
			  argv[2]);
		return 1;
	}
	ts.tv_sec = t;
	if (clock_settime(CLOCK_REALTIME, &ts) < 0) {
		nsh_error("date: %s: %s\n", argv[2], errno == EINVAL ?
			  "beyond the range of the clock or the RTC" :
			  strerror(errno));
		return 1;
	}
	return show_date();
}
NSH_COMMAND(date, cmd_date, "date [-s \"YYYY-MM-DD hh:mm:ss\"]",
	    "Show or set the date and time (UTC)");
