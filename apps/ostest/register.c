// SPDX-License-Identifier: BSD-2-Clause
/*
 * Makes ostest a built-in application.  With the application registry
 * (<vireo/app.h>) the shell runs it as a task of its own; until that
 * header exists it is a shell command running in the shell's thread.
 * The __has_include switch is transitional and goes with the fallback.
 */
#include "ostest.h"

int ostest_main(int argc, char **argv);

#if __has_include(<vireo/app.h>)
#include <vireo/app.h>

APP_REGISTER(ostest, ostest_main, OT_PRIO, 16384);
#else
#include "../nsh/nsh.h"

static int cmd_ostest(struct nsh *sh, int argc, char **argv)
{
	return ostest_main(argc, argv);
}
NSH_COMMAND(ostest, cmd_ostest, "ostest [-r REPEAT] [-v] [CASE-PREFIX...]",
	    "Run the POSIX kernel test suite");
#endif
