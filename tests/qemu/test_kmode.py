# SPDX-License-Identifier: BSD-2-Clause
"""Issue 15, kernel mode (docs/kernel-mode.md): the foundations that run in
the flat build.  kmodetest makes user address spaces with ASIDs, installs them
on itself, and checks the user-access path: copies in and out, -EFAULT for
kernel addresses, holes, wrapping ranges and read-only pages (the last two
through the exception-table fix-up of a faulting unprivileged access, which
must not crash the kernel), 300 spaces made and freed.  Then a program at EL0
(apps/kmodetest/el0_prog.S, in a task and address space of its own) makes
system calls through svc, and the isolation cases each end only that process
with the right signal: reading or writing a kernel address, a jump to 0,
executing its stack, writing its text (SIGSEGV), an undefined instruction
(SIGILL), a stack overflow into the unmapped page (SIGSEGV); 4000 random
system calls (random numbers and arguments) end in errors; the shell goes on
and the heap is back at its baseline.
"""
import re

from harness import check, check_match, test

SUMMARY_RE = r"^kmodetest: (\d+) passed, (\d+) failed\s*$"


def run_kmodetest(t, config):
    m = t.boot(config)
    out = m.command("kmodetest", timeout=120)
    fails = re.findall(r"^kmodetest: (.*) \.\.\. FAIL(.*)$", out, re.M)
    summary = re.findall(SUMMARY_RE, out, re.M)
    check(summary, "no summary line; tail:\n%s" % "\n".join(out.splitlines()[-15:]))
    passed, failed = (int(x) for x in summary[-1])
    check(failed == 0 and not fails, "failed: %s" % fails)
    check(passed >= 26, "only %d cases passed" % passed)
    check(m.command("echo $?").strip() == "0", "kmodetest's exit status")
    # The kernel went on: the shell still works after the fix-ups.
    check_match(r"^ok$", m.command("echo ok"), "the shell after kmodetest")


@test("issue 15: user address spaces, the user-access path and EL0 programs "
      "on one CPU: bad user addresses give EFAULT, EL0 faults end only their "
      "process with SIGSEGV/SIGILL, a system-call fuzz leaves the kernel up "
      "with nothing leaked",
      configs=("nsh",))
def kmodetest_nsh(t):
    run_kmodetest(t, "nsh")


@test("issue 15: the same on 4 CPUs (ASID flushes broadcast, the space "
      "follows the task from CPU to CPU)", configs=("nsh_smp",))
def kmodetest_smp(t):
    run_kmodetest(t, "nsh_smp")
