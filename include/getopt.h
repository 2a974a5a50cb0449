/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * <getopt.h> on top of picolibc's: optarg, optind, opterr and optopt are
 * the calling task's, as <unistd.h> names them (libc/getopt.c).
 */
#ifndef _VIREO_GETOPT_H
#define _VIREO_GETOPT_H
#pragma once

#include_next <getopt.h>
#include <unistd.h>

#endif
