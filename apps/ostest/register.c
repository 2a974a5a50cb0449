// SPDX-License-Identifier: BSD-2-Clause
/*
 * Makes ostest an application (<vireo/app.h>): a task of its own started
 * by the shell, or in the kernel build the main() of an EL0 program.
 */
#include <vireo/app.h>
#include "ostest.h"

int ostest_main(int argc, char **argv);

APP_REGISTER(ostest, ostest_main, OT_PRIO, 16384);
