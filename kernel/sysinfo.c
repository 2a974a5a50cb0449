// SPDX-License-Identifier: BSD-2-Clause
/*
 * The system calls behind ps, free, dmesg, poweroff and reboot
 * (<vireo/sysinfo.h>, kernel/syscalls.tbl): the kernel's own interfaces
 * with the checks a caller at EL0 needs.
 */
#include <errno.h>
#include <vireo/arch.h>
#include <vireo/klog.h>
#include <vireo/mm.h>
#include <vireo/sysinfo.h>
#include <vireo/thread.h>
#include <vireo/vfs.h>

long thread_snapshot_call(struct thread_info *out, int max)
{
	if (max < 0 || (!out && max))
		return -EINVAL;
	return thread_snapshot(out, max);
}

long mm_stats_call(struct mm_stats *st)
{
	mm_get_stats(st);
	return 0;
}

long klog_size_call(void)
{
	return (long)klog_size();
}

long klog_read_call(size_t skip, char *buf, size_t len)
{
	return (long)klog_read(skip, buf, len);
}

long system_power_call(int how)
{
	if (how != SYSTEM_POWEROFF && how != SYSTEM_RESTART)
		return -EINVAL;
	vfs_sync();
	if (how == SYSTEM_POWEROFF)
		arch_poweroff();
	arch_reset();
}
