// SPDX-License-Identifier: BSD-2-Clause
/*
 * System information and control commands: uname, free, ps, uptime,
 * dmesg, poweroff, reboot and irqinfo.  They reach the kernel only
 * through the C library (<vireo/sysinfo.h>, /proc), so that the same
 * source builds into the flat image and into the EL0 shell of knsh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <vireo/sched_policy.h>
#include <vireo/sysinfo.h>
#include "nsh.h"

/* ---- uname ---- */

/*
 * picolibc has no <sys/utsname.h>, so the fields come from the build:
 * the order is that of POSIX uname -a.  A uname() system call replaces
 * this table when the system layer grows one.
 */
static const char uname_flags[] = "snrvm";
static const char *const uname_fields[] = {
	"Vireo",					/* -s sysname */
	CONFIG_HOSTNAME,				/* -n nodename */
	CONFIG_VERSION_STRING,				/* -r release */
	VIREO_BUILD_DATE " " VIREO_BOARD_CONFIG,	/* -v version */
	"aarch64",					/* -m machine */
};

/* Bits of uname_flags chosen by "-snr"-style options, or -1 for a bad one. */
static int uname_options(int argc, char **argv)
{
	int mask = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || a[1] == '\0')
			return -1;
		for (a++; *a; a++) {
			const char *f = strchr(uname_flags, *a);

			if (*a == 'a')
				mask |= (1 << (sizeof(uname_flags) - 1)) - 1;
			else if (f)
				mask |= 1 << (f - uname_flags);
			else
				return -1;
		}
	}
	return mask ? mask : 1;		/* no option: -s */
}

static int cmd_uname(struct nsh *sh, int argc, char **argv)
{
	int mask = uname_options(argc, argv);
	const char *sep = "";

	if (mask < 0)
		return nsh_usage("uname");
	for (size_t i = 0; i < sizeof(uname_flags) - 1; i++) {
		if (mask & (1 << i)) {
			printf("%s%s", sep, uname_fields[i]);
			sep = " ";
		}
	}
	putchar('\n');
	return 0;
}
NSH_COMMAND(uname, cmd_uname, "uname [-a] [-s] [-n] [-r] [-v] [-m]",
	    "Print system information");

/* ---- free ---- */

static int cmd_free(struct nsh *sh, int argc, char **argv)
{
	struct mm_stats st;

	if (argc != 1)
		return nsh_usage("free");
	if (sysinfo_memory(&st) < 0)
		return nsh_fail("free", "memory figures");
	printf("%7s%11s%11s%11s%11s\n", "", "total", "used", "free", "largest");
	printf("%-7s%11zu%11zu%11zu%11zu\n", "Mem:", st.total, st.used,
	       st.free, st.largest_free);
	return 0;
}
NSH_COMMAND(free, cmd_free, "free",
	    "Show heap memory: total, used, free, largest free block");

/* ---- ps ---- */

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const char *policy_name(int policy)
{
	switch (policy) {
	case POLICY_FIFO: return "FIFO";
	case POLICY_RR: return "RR";
	case POLICY_OTHER: return "OTHER";
	default: return "?";
	}
}

static void ps_print(const struct thread_info *ti, uint64_t up_ns)
{
	/* Share of the time since boot, in tenths of a percent. */
	unsigned int permille = up_ns ? (unsigned int)(ti->cpu_ns /
				(up_ns / 1000 ? up_ns / 1000 : 1)) : 0;

	if (permille > 1000)
		permille = 1000;
	printf("%5d %3d %3d %-6s %-6s %7zu %7zu %4u.%u %s\n", ti->tid, ti->cpu,
	       ti->prio, policy_name(ti->policy), thread_state_name(ti->state),
	       ti->stack_size, ti->stack_used, permille / 10, permille % 10,
	       ti->name);
}

static int cmd_ps(struct nsh *sh, int argc, char **argv)
{
	struct thread_info *info;
	int max, n;

	if (argc != 1)
		return nsh_usage("ps");
	/* Room for threads started between the count and the snapshot. */
	if ((max = sysinfo_threads(NULL, 0)) < 0)
		return nsh_fail("ps", "threads");
	max += 8;
	info = malloc(sizeof(*info) * (size_t)max);
	if (!info) {
		nsh_error("ps: out of memory\n");
		return 1;
	}
	n = sysinfo_threads(info, max);
	uint64_t up_ns = clock_ns(CLOCK_MONOTONIC);
	printf("%5s %3s %3s %-6s %-6s %7s %7s %6s %s\n", "PID", "CPU", "PRI", "POLICY",
	       "STATE", "STACK", "USED", "%CPU", "NAME");
	for (int i = 0; i < n && i < max; i++)
		ps_print(&info[i], up_ns);
	free(info);
	return 0;
}
NSH_COMMAND(ps, cmd_ps, "ps", "List the threads");

/* ---- uptime ---- */

static int cmd_uptime(struct nsh *sh, int argc, char **argv)
{
	uint64_t up = clock_ns(CLOCK_MONOTONIC) / 1000000000u;
	uint64_t now = clock_ns(CLOCK_REALTIME) / 1000000000u % 86400;

	if (argc != 1)
		return nsh_usage("uptime");
	printf("%02u:%02u:%02u up %llu:%02u:%02u\n", (unsigned int)(now / 3600),
	       (unsigned int)(now / 60 % 60), (unsigned int)(now % 60),
	       (unsigned long long)(up / 3600), (unsigned int)(up / 60 % 60),
	       (unsigned int)(up % 60));
	return 0;
}
NSH_COMMAND(uptime, cmd_uptime, "uptime",
	    "Show the time of day (UTC) and how long the system has run");

/* ---- dmesg ---- */

static int cmd_dmesg(struct nsh *sh, int argc, char **argv)
{
	char buf[256];
	ssize_t total;
	size_t off = 0;

	if (argc != 1)
		return nsh_usage("dmesg");
	/* Stop at the size seen now, or a chatty kernel keeps us here. */
	if ((total = sysinfo_log_size()) < 0)
		return nsh_fail("dmesg", "kernel log");
	while (off < (size_t)total) {
		size_t want = (size_t)total - off < sizeof(buf) ?
			      (size_t)total - off : sizeof(buf);
		ssize_t n = sysinfo_log_read(off, buf, want);

		if (n <= 0)
			break;
		fwrite(buf, 1, (size_t)n, stdout);
		off += (size_t)n;
	}
	return 0;
}
NSH_COMMAND(dmesg, cmd_dmesg, "dmesg", "Print the kernel log");

/* ---- poweroff, reboot ---- */

/* system_power() returns only when it failed. */
static int power(const char *cmd, int how, int argc)
{
	if (argc != 1)
		return nsh_usage(cmd);
	fflush(stdout);
	system_power(how);
	return nsh_fail(cmd, "power");
}

static int cmd_poweroff(struct nsh *sh, int argc, char **argv)
{
	return power("poweroff", SYSTEM_POWEROFF, argc);
}
NSH_COMMAND(poweroff, cmd_poweroff, "poweroff", "Write cached data to the disks, switch the machine off");

static int cmd_reboot(struct nsh *sh, int argc, char **argv)
{
	return power("reboot", SYSTEM_RESTART, argc);
}
NSH_COMMAND(reboot, cmd_reboot, "reboot", "Write cached data to the disks, restart the machine");

/* Attached interrupts with their counts: /proc/interrupts. */
static int cmd_irqinfo(struct nsh *sh, int argc, char **argv)
{
	if (argc != 1)
		return nsh_usage("irqinfo");
	return nsh_print_file("irqinfo", "/proc/interrupts");
}
NSH_COMMAND(irqinfo, cmd_irqinfo, "irqinfo",
	    "List the interrupts in use with their counts");
