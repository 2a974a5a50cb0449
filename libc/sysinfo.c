// SPDX-License-Identifier: BSD-2-Clause
/*
 * The system's own state for ps, free and dmesg, and power control
 * (<vireo/sysinfo.h>), over the system calls of kernel/sysinfo.c.
 */
#include <vireo/compiler.h>
#include <vireo/libc.h>
#include <vireo/sysinfo.h>
#include <generated/syscalls.h>

const char *thread_state_name(int state)
{
	static const char *const names[] = {
		[THREAD_READY] = "READY", [THREAD_RUNNING] = "RUN",
		[THREAD_BLOCKED] = "WAIT", [THREAD_ZOMBIE] = "ZOMBIE",
	};
	return state >= 0 && state < (int)ARRAY_SIZE(names) ? names[state] : "?";
}

int sysinfo_threads(struct thread_info *out, int max)
{
	return (int)libc_result(sys_threads(out, max));
}

int sysinfo_memory(struct mm_stats *st)
{
	return (int)libc_result(sys_meminfo(st));
}

ssize_t sysinfo_log_size(void)
{
	return libc_result(sys_klog_size());
}

ssize_t sysinfo_log_read(size_t skip, char *buf, size_t len)
{
	return libc_result(sys_klog_read(skip, buf, len));
}

int system_power(int how)
{
	return (int)libc_result(sys_power(how));
}
