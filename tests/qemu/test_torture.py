# SPDX-License-Identifier: BSD-2-Clause
"""Issue 19, the kernel half: what a hostile user does at the console must
leave the system up, the console answering, no panic text, and the heap in
use back where it was.  Each case is a reproducer from the issue, mostly
through the `torture` application (apps/torture); every case is followed by
the same check (console answers, `free` at its baseline).  The SMP cases run
on nsh_smp (-smp 4).
"""
import re
import time

from harness import check, check_in, check_match, heap_used, test

def used(m):
    return heap_used(m)


def steady(m, case, timeout=60):
    """The console answers, nothing panicked, and the heap in use comes back
    to its baseline (a killed task's threads are reaped by the idle thread
    shortly after the prompt: wait for that, without fixed sleeps)."""
    check("PANIC" not in m.text, "%s: panic text on the console" % case)
    out = m.command("echo alive")
    check_in("alive", out, "%s: console" % case)
    deadline = time.monotonic() + timeout
    while True:
        now = used(m)
        if now <= m.baseline or time.monotonic() > deadline:
            break
        m.command("sleep 1")
    check(now <= m.baseline, "%s: heap in use %d > baseline %d (leak of %d bytes)"
          % (case, now, m.baseline, now - m.baseline))


def start(t, config="nsh"):
    m = t.boot(config)
    # Warm-up: first uses that allocate for good (descriptor tables, the
    # sleep and spawn paths, the torture app's stdio) happen once here.
    m.command("torture stacksize")
    m.command("sleep 1")
    m.baseline = used(m)
    return m


def fault_case(m):
    """pthread_mutexattr_destroy(NULL) in an application: its task ends."""
    out = m.command("torture fault")
    check_in("*** VIREO FAULT: Data abort", out, "fault report")
    check_in("*** end of fault report ***", out, "fault report")
    check_in("killed by signal 11", out, "shell")
    check(m.command("echo $?").strip() == "139", "$? after the fault is not 139")
    steady(m, "fault")


def interrupt(m, line, ready, timeout=30):
    """Start LINE, wait for READY, press Ctrl-C: the prompt comes back."""
    m.sendline(line)
    m.expect(ready, timeout)
    m.send("\x03")
    m.expect(r"^nsh> ", timeout)


@test("issue 19 items 2, 8, 9, 11, 12 and blocked threads on one core: an "
      "application fault ends only its task (SIGSEGV, a fault report, $? 139); "
      "stack sizes near SIZE_MAX are refused; 100 timers at the shortest "
      "period still let Ctrl-C through; a task's timers die with it; a task "
      "at the highest priority that returns, and Ctrl-C during ostest, leave "
      "the machine running; signals reach threads blocked in mutex, barrier, "
      "rwlock and pthread_once waits, and Ctrl-C ends them; rwlocks work in "
      "a task after other tasks used them; Ctrl-C ends a task that used dup2, ioctl and "
      "tcgetpgrp; kills during thread and task creation lose nothing; "
      "after each, the console answers and the heap is back "
      "at its baseline", timeout=900)
def torture_single(t):
    m = start(t)

    fault_case(m)

    out = m.command("torture stacksize")
    check_in("torture: stacksize ok", out, "stacksize")
    steady(m, "stacksize")

    interrupt(m, "torture timers 100", r"torture: 100 timers armed", timeout=60)
    steady(m, "timers")

    m.command("torture timerexit")
    m.command("sleep 1")		# its SIGALRM timer would fire meanwhile
    steady(m, "timerexit")

    # A task's message-queue descriptors are its own and closed at its
    # end: more than the old system-wide table of 32, twice in a row.
    for _ in range(2):
        out = m.command("torture mq 40")
        check_in("torture: mq 40 of 40 ok", out, "mq")
    steady(m, "mq")

    out = m.command("torture prio")
    check_in("torture: prio 255: ok", out, "prio")
    steady(m, "prio")

    for kind in ("mutex", "barrier", "rwlock-rd", "rwlock-wr", "once"):
        out = m.command("torture block " + kind)
        check_in("torture: block %s: handler ran while blocked, wait resumed"
                 % kind, out, "block " + kind)
        steady(m, "block " + kind)
        interrupt(m, "torture hang " + kind, r"torture: hang \S+ waiting")
        steady(m, "Ctrl-C in a %s wait" % kind)

    # libc is shared by every task of the flat build: rwlocks still work
    # in a task after torture's tasks used them (a per-task key made once
    # by the first one left the next one's unlocks failing with EPERM).
    out = m.command("ostest rwlock")
    check_match(r"^ostest: [1-9]\d* passed, 0 failed", out, "ostest rwlock after torture")
    steady(m, "ostest rwlock")

    interrupt(m, "torture descs", r"torture: descs waiting")
    steady(m, "Ctrl-C after dup2, ioctl and tcgetpgrp")

    interrupt(m, "ostest", r"ostest: \S+ \.\.\. PASS", timeout=120)
    steady(m, "Ctrl-C during ostest")

    # Kills landing anywhere in thread and task creation, join and reap:
    # a thread or task allocated or unlinked but not yet linked or freed
    # was lost (the ~1 in 10 leak of a case thread after Ctrl-C during
    # ostest; 100 kills lost about ten).
    out = m.command("torture killchurn 100", timeout=120)
    check_in("torture: killchurn 100 of 100 ok", out, "killchurn")
    steady(m, "kills during thread and task creation")

    fifo_umount(m)


def fifo_umount(m):
    """Item 6: a FIFO open waiting inside a mount keeps it busy."""
    for line in ("mkdir /tmp/m", "mount -t tmpfs /tmp/m", "mkfifo /tmp/m/f"):
        m.command(line)
    m.sendline("cat /tmp/m/f &")
    m.expect(r"^\[\d+\]")
    m.expect(r"^nsh> ")
    # Its open waits for a writer: seen as a waiting "cat" in ps.
    deadline = time.monotonic() + 30
    while not re.search(r"\bWAIT\s.*\bcat$", m.command("ps"), re.M):
        check(time.monotonic() < deadline, "the background cat never waited")
        m.command("sleep 1")
    out = m.command("umount /tmp/m")
    check_in("Device or resource busy", out, "umount under a waiting FIFO open")
    m.sendline("echo hello > /tmp/m/f")
    m.expect(r"hello\n")	# cat's, after the prompt or before it
    m.sendline("echo synced")	# past whichever came last
    m.expect(r"^synced\n")
    m.expect(r"^nsh> ")
    m.command("umount /tmp/m")
    check(m.command("echo $?").strip() == "0", "umount after the FIFO closed failed")
    m.command("rmdir /tmp/m")
    steady(m, "fifo umount")


@test("issue 19 item 4: an application that recurses until its stack "
      "overflows inside VFS calls dies alone: the VFS lock is not left held "
      "(ls / answers), the console answers, and what it allocated is back in "
      "the heap (the shell itself stops a self-running script before its "
      "stack ends: test_torture_shell.torture_recursion)",
      timeout=600)
def torture_overflow(t):
    m = start(t)
    m.sendline("torture overflow &")
    m.expect(r"stack overflow in thread torture", 120)
    out = m.command("ls /")
    check_in("proc/", out, "ls / after the overflow")
    steady(m, "overflow")


@test("issue 19 items 2, 6 and 7 on SMP (-smp 4): kill() racing with tasks "
      "that end, open racing umount on four CPUs (umount says EBUSY or "
      "succeeds, nothing is freed in use), Ctrl-C during ostest and an "
      "application fault leave the system up with the heap at its baseline",
      configs=("nsh_smp",), timeout=900)
def torture_smp(t):
    m = start(t, "nsh_smp")
    out = m.command("torture openumount 10", timeout=120)
    check_match(r"^torture: openumount \d+ rounds, \d+ busy, \d+ opens: ok$",
                out, "openumount")
    steady(m, "openumount")
    for _ in range(3):
        out = m.command("torture killrace 50", timeout=120)
        check_in("torture: killrace 50 ok", out, "killrace")
    steady(m, "killrace")
    fault_case(m)
    interrupt(m, "ostest", r"ostest: \S+ \.\.\. PASS", timeout=120)
    steady(m, "Ctrl-C during ostest")
