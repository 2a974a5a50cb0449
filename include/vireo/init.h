/* SPDX-License-Identifier: BSD-2-Clause */
/* Kernel start-up, called by the architecture's boot code. */
#pragma once

#include <vireo/compiler.h>

/* Boot CPU, MMU on with the boot map, IRQs masked; dtb is the device tree. */
__noreturn void kernel_main(const void *dtb);
