# SPDX-License-Identifier: BSD-2-Clause
"""Issue 5, SMP and lazy FPU: the board document's SMP (GICv3) command line
brings every CPU online; ostest (with its smp cases: affinity, priority
order and wake-ups across CPUs, cross-CPU signals and priority inheritance,
spinlock contention from every CPU, pausing the other CPUs, FP/SIMD
self-checks under pre-emption, migration and signals, laziness) passes on
-smp 4 twenty times in one boot, on -smp 8, on -smp 32, on GICv2 and with
EL1 entry; both spinlock orders and both kinds of atomics are exercised;
ps, /proc/cpuinfo and /proc/arm64fpu show every CPU; a panic stops the
other CPUs.
"""
import re

from harness import check, check_match, test
from test_ostest import failures, run_ostest

SPINLOCK_LINE = r"spinlocks: (FIFO tickets|unfair \(virtual CPUs\)), (LSE|exclusive) atomics"


def _check_online(m, n):
    info = m.command("cat /proc/cpuinfo")
    procs = re.findall(r"^processor\s*: (\d+)", info, re.M)
    check(procs == [str(i) for i in range(n)],
          "/proc/cpuinfo lists CPUs %s, expected 0..%d" % (procs, n - 1))
    check(len(re.findall(r"^load\s*: \d+%", info, re.M)) == n,
          "/proc/cpuinfo: no per-CPU load line for every CPU:\n" + info)
    fpu = m.command("cat /proc/arm64fpu")
    lines = re.findall(r"^CPU(\d+): save: \d+ restore: \d+ switch: \d+ "
                       r"exedepth: \d+$", fpu, re.M)
    check(lines == [str(i) for i in range(n)],
          "/proc/arm64fpu: one line per CPU expected:\n" + fpu)


def _spinlocks(log):
    found = re.search(SPINLOCK_LINE, log)
    check(found, "no 'spinlocks: ...' line in the boot log")
    return found.group(1).split()[0], found.group(2)


def _ostest_ok(m, args="", timeout=600):
    out, passed, failed, status = run_ostest(m, args, timeout=timeout)
    check(failed == 0 and status == "0",
          "ostest %s: %d failed: %s" % (args, failed, failures(out)))
    return out


def _ostest_all_ok(m, timeout=600):
    out = _ostest_ok(m, timeout=timeout)
    for case in ("smp.fpu_stress", "smp.affinity", "kernel.spinlock_all_cpus",
                 "kernel.pause_other_cpus"):
        check_match(r"^ostest: %s \.\.\. PASS" % re.escape(case), out, "ostest")
    return out


@test("board doc: SMP (GICv3) command line (-smp 4, -kernel ./vireo) boots "
      "to 'nsh> ' with 'CPU n online (MPIDR 0x..)' for CPUs 1-3; ps has a CPU "
      "column; /proc/cpuinfo and /proc/arm64fpu list the 4 CPUs; on QEMU the "
      "spinlocks are unfair (vCPUs are host threads), exclusives on cortex-a53",
      configs=("nsh_smp",))
def smp_boot(t):
    m = t.machine("nsh_smp", verbatim=True)
    log = m.boot()
    for i in range(1, 4):
        check_match(r"CPU %d online \(MPIDR 0x%x\)" % (i, i), log, "boot log")
    check(_spinlocks(log) == ("unfair", "exclusive"),
          "spinlocks: %s %s" % _spinlocks(log))
    _check_online(m, 4)
    ps = m.command("ps")
    check_match(r"^\s*PID\s+CPU\s+PRI", ps, "ps header")
    check(len(re.findall(r"\bidle\d*\s*$", ps, re.M)) == 4,
          "ps: one idle thread per CPU expected:\n" + ps)


@test("issue 5: ostest passes 20 times in a row in one boot on -smp 4 (the "
      "board document's SMP line), with no heap growth over the rounds",
      configs=("nsh_smp",), timeout=900, exclusive=True)
def smp_ostest_20(t):
    m = t.boot("nsh_smp")
    out = _ostest_ok(m, "-r 20", timeout=800)
    rounds = re.findall(r"^ostest: round (\d+)/20: \d+ passed, 0 failed", out, re.M)
    check(len(rounds) == 20, "expected 20 clean rounds, got %d" % len(rounds))
    check_match(r"^ostest: heap-steady-over-rounds \.\.\. PASS", out, "ostest -r 20")


@test("issue 5: -smp 8 (cortex-a76: LSE atomics) boots with 8 CPUs online "
      "and ostest passes", configs=("nsh_smp",), timeout=600)
def smp_8(t):
    m = t.machine("nsh_smp", ("smp=8", "cpu=cortex-a76"))
    log = m.boot()
    check(_spinlocks(log)[1] == "LSE", "cortex-a76 has LSE: %s" % (_spinlocks(log),))
    _check_online(m, 8)
    _ostest_all_ok(m)


@test("issue 5: -smp 32 boots to the prompt with all 32 CPUs online and "
      "ostest passes once", configs=("nsh_smp",), timeout=900, exclusive=True)
def smp_32(t):
    m = t.machine("nsh_smp", ("smp=32",))
    log = m.boot(timeout=180)
    check_match(r"CPU 31 online \(MPIDR 0x", log, "boot log")
    _check_online(m, 32)
    _ostest_all_ok(m, timeout=800)


@test("issue 5: GICv2 with -smp 4: the SMP image brings 4 CPUs online on a "
      "gic-version=2 machine and ostest passes there; the nsh_gicv2 image "
      "boots there (it uses one CPU)", configs=("nsh_smp", "nsh_gicv2"),
      timeout=600)
def smp_gicv2(t):
    m = t.boot("nsh_smp", ("machine.gic-version=2", "smp=4"))
    _check_online(m, 4)
    _ostest_all_ok(m)
    m2 = t.boot("nsh_gicv2", ("smp=4",))
    check_match(r"^\s*PID\s+CPU", m2.command("ps"), "nsh_gicv2 -smp 4: ps")


@test("issue 5: EL1 entry (virtualization=off: PSCI through hvc) brings "
      "-smp 4 online and the smp and kernel cases pass",
      configs=("nsh_smp",), timeout=400)
def smp_el1(t):
    m = t.boot("nsh_smp", ("machine.virtualization=off",))
    _check_online(m, 4)
    _ostest_ok(m, "smp kernel")


@test("issue 5: FIFO ticket spinlocks (bootargs spinlock=fifo) with "
      "exclusives (cortex-a53) and with LSE (cortex-a76): the smp and kernel "
      "cases pass on -smp 2", configs=("nsh_smp",), timeout=400)
def smp_fifo_locks(t):
    for cpu, atomics in (("cortex-a53", "exclusive"), ("cortex-a76", "LSE")):
        m = t.machine("nsh_smp", ("smp=2", "cpu=" + cpu),
                      extra=("-append", "spinlock=fifo"))
        log = m.boot()
        check(_spinlocks(log) == ("FIFO", atomics),
              "%s: spinlocks %s %s" % ((cpu,) + _spinlocks(log)))
        _ostest_ok(m, "smp kernel")
        m.kill()


@test("issue 5: a panic on -smp 4 stops the other CPUs and says so in the "
      "report ('other CPUs: 3 of 3 stopped')", configs=("nsh_smp",))
def smp_panic_stops_others(t):
    m = t.boot("nsh_smp")
    m.sendline("crash panic")
    m.expect(r"VIREO PANIC", timeout=30)
    m.expect(r"other CPUs: 3 of 3 stopped\n\*\*\* end of panic report", timeout=30)


@test("a line written whole reaches the console whole: three shells on "
      "different CPUs each print 40 long lines at once, and no line is "
      "broken or mixed with another's (the tty write lock)",
      configs=("nsh_smp",))
def smp_console_lines_whole(t):
    m = t.boot("nsh_smp")
    words = " ".join(str(i) for i in range(40))
    m.command("echo 'for i in %s; do echo $1$1$1$1$1$1$1$1$1$1$1$1$1$1$1$1; done' "
              "> /tmp/lines" % words)
    out = m.command("sh /tmp/lines AAAA & sh /tmp/lines BBBB & "
                    "sh /tmp/lines CCCC; sleep 1", timeout=120)
    lines = [l for l in out.splitlines() if not re.match(r"^\[\d+\]$", l)]
    for c in "ABC":
        check(lines.count(c * 64) == 40, "40 whole lines of %s:\n%s" % (c, out))
    check(len(lines) == 120, "nothing but the 120 lines:\n%s" % out)
