// SPDX-License-Identifier: BSD-2-Clause
/*
 * The thread calls that kernel headers make inline (spin_lock_irqsave()
 * checks the stack reserve, include/vireo/spinlock.h).  A host test runs
 * on the build machine's own thread with an ample stack: there is no
 * reserve to run short of.
 */
#include <vireo/spinlock.h>

void thread_stack_reserve_check(void)
{
}
