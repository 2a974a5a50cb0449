/* SPDX-License-Identifier: BSD-2-Clause */
/* TCP socket options (level IPPROTO_TCP); values are Linux's. */
#pragma once

#define TCP_NODELAY	1
#define TCP_KEEPIDLE	4
#define TCP_KEEPINTVL	5
#define TCP_KEEPCNT	6
