# SPDX-License-Identifier: BSD-2-Clause
"""Issue 3, the POSIX kernel: ostest passes on the running system (once, and
ten times in a row in one boot without the heap growing), and the shell runs
applications as tasks with their exit status in $?, plus kill, sleep and
usleep.
"""
import re
import time

from harness import check, check_in, check_match, test

SUMMARY_RE = r"^ostest: (\d+) passed, (\d+) failed\s*$"
CASE_RE = r"^ostest: (\S+) \.\.\. (PASS|FAIL)(.*)$"


def run_ostest(m, args="", timeout=180):
    """Run ostest ARGS; return (output, passed, failed, exit status)."""
    out = m.command(("ostest " + args).strip(), timeout=timeout)
    summary = re.findall(SUMMARY_RE, out, re.M)
    check(summary, "no 'ostest: N passed, N failed' line; tail:\n%s"
          % "\n".join(out.splitlines()[-15:]))
    last = [l for l in out.splitlines() if l.strip()][-1]
    check(re.match(SUMMARY_RE, last), "the summary is not the last line: %r" % last)
    passed, failed = (int(x) for x in summary[-1])
    status = m.command("echo $?").strip()
    return out, passed, failed, status


def failures(out):
    return ["%s%s" % (name, why) for name, res, why in re.findall(CASE_RE, out, re.M)
            if res == "FAIL"]


@test("issue 3: ostest runs one case per kernel behaviour (>= 40), all pass, "
      "it prints 'ostest: N passed, 0 failed' last and exits 0 ($? is 0), "
      "within two minutes", timeout=400)
def ostest_once(t):
    m = t.boot("nsh")
    start = time.monotonic()
    out, passed, failed, status = run_ostest(m)
    took = time.monotonic() - start
    cases = re.findall(CASE_RE, out, re.M)
    check(len(cases) >= 40, "only %d case lines" % len(cases))
    check(failed == 0, "%d failed: %s" % (failed, "; ".join(failures(out))))
    check(passed >= 40, "only %d cases passed" % passed)
    check(status == "0", "echo $? after ostest printed %r" % status)
    ms = re.search(r"^ostest: (\d+) ms$", out, re.M)
    check(ms and int(ms.group(1)) < 120000,
          "ostest took %s ms of guest time (host %.0f s)"
          % (ms.group(1) if ms else "?", took))


@test("issue 3: ostest -r 10 passes all 10 rounds in one boot and the heap "
      "in use does not grow across rounds", timeout=1800)
def ostest_repeat(t):
    m = t.boot("nsh")
    out, passed, failed, status = run_ostest(m, "-r 10", timeout=1500)
    rounds = re.findall(r"^ostest: round (\d+)/10: (\d+) passed, (\d+) failed",
                        out, re.M)
    check(len(rounds) == 10, "%d round lines" % len(rounds))
    check(all(f == "0" for _, _, f in rounds),
          "failed rounds %s: %s" % ([r for r, _, f in rounds if f != "0"],
                                    "; ".join(failures(out))))
    check_match(r"^ostest: heap-steady-over-rounds \.\.\. PASS", out, "ostest -r 10")
    check(failed == 0 and status == "0", "%d failed, $? %s" % (failed, status))


@test("issue 3: ostest CASE-PREFIX runs only the selected cases")
def ostest_select(t):
    m = t.boot("nsh")
    out, passed, failed, status = run_ostest(m, "sem.basic mutex.normal")
    names = [n for n, _, _ in re.findall(CASE_RE, out, re.M)]
    check(names == ["sem.basic", "mutex.normal"], "ran %s" % names)


@test("issue 3: a deliberate stack overflow in a child task is reported by "
      "name and the system goes on")
def stack_overflow(t):
    m = t.boot("nsh")
    out = m.command("ostest stack.overflow_child", timeout=60)
    check_match(r"^ostest: stack\.overflow_child \.\.\. PASS", out, "ostest")
    check(m.command("echo alive").strip() == "alive", "shell did not go on")


@test("issue 3: $? is the status of the last command: 0 after success, "
      "127 after an unknown command, 2 after a usage error, the exit "
      "status of an application task")
def status_variable(t):
    m = t.boot("nsh")
    check(m.command("echo $?").strip() == "0", "$? at boot")
    m.command("nosuchcommand")
    check(m.command("echo $?").strip() == "127", "$? after an unknown command")
    check(m.command("echo $?").strip() == "0", "$? after a successful echo")
    m.command("sleep")
    check(m.command("echo $?").strip() == "2", "$? after a usage error")
    check(m.command("echo '$?'").strip() == "$?", "single quotes keep $? literal")
    m.command("ostest --child exit 42")
    check(m.command("echo $?").strip() == "42",
          "$? after an application task exiting with 42")
    m.command("ostest --child exit 0")
    check(m.command("echo $?").strip() == "0", "$? after an application exiting 0")


@test("issue 3: sleep SECONDS (with fractions) and usleep USEC wait that long")
def sleep_commands(t):
    m = t.boot("nsh")
    for cmd, least in (("sleep 1", 1.0), ("sleep 0.5", 0.5), ("usleep 300000", 0.3)):
        start = time.monotonic()
        m.command(cmd)
        took = time.monotonic() - start
        check(took >= least * 0.9, "%s returned after %.2f s" % (cmd, took))
        check(m.command("echo $?").strip() == "0", "$? after %s" % cmd)
    m.command("sleep x")
    check(m.command("echo $?").strip() == "2", "sleep x is a usage error")


@test("issue 3: kill -l lists signals; kill with a bad pid fails; kill -0 "
      "of a live task succeeds")
def kill_command(t):
    m = t.boot("nsh")
    out = m.command("kill -l")
    for name in ("SIGHUP", "SIGINT", "SIGKILL", "SIGTERM", "SIGUSR1"):
        check_in(name, out, "kill -l")
    check_match(r"\b9\) SIGKILL", out, "kill -l")
    out = m.command("kill -9 30000")
    check_in("kill: 30000:", out, "kill -9 30000")
    check(m.command("echo $?").strip() == "1", "$? after kill of no task")
    m.command("kill -BOGUS 1")
    check(m.command("echo $?").strip() == "2", "$? after an unknown signal")
    # The shell's own task: signal 0 only checks it exists.
    pid = re.search(r"^\s*(\d+)\s.*\bnsh\b", m.command("ps"), re.M)
    check(pid, "no nsh line in ps")
    for form in ("-0", "-s 0", "-n 0"):
        m.command("kill %s %s" % (form, pid.group(1)))
        check(m.command("echo $?").strip() == "0", "kill %s of the shell" % form)


@test("issue 3: ps still lists the threads with %CPU")
def ps_cpu(t):
    out = t.boot("nsh").command("ps")
    check_match(r"%CPU", out, "ps header")
    check_match(r"^\s*\d+\s+\d+\s+\d+\s+\S+\s+\S+\s+\d+\s+\d+\s+\d+\.\d\s+\S", out, "ps rows")
