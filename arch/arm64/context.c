// SPDX-License-Identifier: BSD-2-Clause
/* Initial register state of a new thread. */
#include <string.h>
#include <vireo/arch.h>
#include "arm64_priv.h"

_Static_assert(__builtin_offsetof(struct arch_context, fp) == 80, "switch.S");
_Static_assert(__builtin_offsetof(struct arch_context, sp) == 96, "switch.S");
_Static_assert(__builtin_offsetof(struct arch_context, tpidr_el0) == 104,
	       "switch.S");

void arch_context_init(struct arch_context *ctx, void *stack_top,
		       uintptr_t tls_pointer)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->sp = (uintptr_t)stack_top & ~(uintptr_t)15;
	ctx->lr = (uintptr_t)arm64_thread_trampoline;
	ctx->tpidr_el0 = tls_pointer;
}
