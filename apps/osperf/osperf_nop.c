// SPDX-License-Identifier: BSD-2-Clause
/*
 * osperf_nop: the smallest built-in application, which returns at once.
 * osperf spawns it to time task creation and exit plus waitpid().
 */
#include <vireo/app.h>

static int nop_main(int argc, char **argv)
{
	return 0;
}

APP_REGISTER(osperf_nop, nop_main, 0, 0);
