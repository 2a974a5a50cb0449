# SPDX-License-Identifier: BSD-2-Clause
"""Issue 5, SMP and lazy FPU: the board document's SMP (GICv3) command line
brings every CPU online; ostest (with its smp cases: affinity, priority
order across CPUs, spinlock contention, FP/SIMD self-checks under
pre-emption, migration and signals, laziness) passes on -smp 4 twenty times
in one boot (not yet: see below); ps, /proc/cpuinfo
and /proc/arm64fpu show every CPU.
"""
import re

from harness import check, check_match, test
from test_ostest import failures, run_ostest


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


def _ostest_ok(m, args="", timeout=600):
    out, passed, failed, status = run_ostest(m, args, timeout=timeout)
    check(failed == 0 and status == "0",
          "ostest %s: %d failed: %s" % (args, failed, failures(out)))
    check_match(r"^ostest: smp\.fpu_stress \.\.\. PASS", out, "ostest " + args)
    return out


@test("board doc: SMP (GICv3) command line (-smp 4, -kernel ./vireo) boots "
      "to 'nsh> ' with 'CPU n online (MPIDR 0x..)' for CPUs 1-3; ps has a CPU "
      "column; /proc/cpuinfo and /proc/arm64fpu list the 4 CPUs",
      configs=("nsh_smp",))
def smp_boot(t):
    m = t.machine("nsh_smp", verbatim=True)
    log = m.boot()
    for i in range(1, 4):
        check_match(r"CPU %d online \(MPIDR 0x%x\)" % (i, i), log, "boot log")
    _check_online(m, 4)
    ps = m.command("ps")
    check_match(r"^\s*PID\s+CPU\s+PRI", ps, "ps header")
    check(len(re.findall(r"\bidle\d*\s*$", ps, re.M)) == 4,
          "ps: one idle thread per CPU expected:\n" + ps)


# Not yet in the suite: ostest -r 20 on -smp 4 (a round hangs after a few
# clean ones: signal.alarm, then smp.affinity / smp.spinlock_contention
# time out), ostest on -smp 8 / -smp 32 and on GICv2 -smp 4 (smp.affinity
# hangs).  A lost wake-up or reschedule IPI remains to be found.

# ostest on GICv2 -smp 4 still hangs in smp.affinity and
# smp.spinlock_contention (as on -smp 8): only bring-up is checked here.
@test("issue 5: GICv2 with -smp 4: the SMP image brings 4 CPUs online on a "
      "gic-version=2 machine, and the nsh_gicv2 image boots there",
      configs=("nsh_smp", "nsh_gicv2"), timeout=600)
def smp_gicv2(t):
    m = t.boot("nsh_smp", ("machine.gic-version=2", "smp=4"))
    _check_online(m, 4)
    m2 = t.boot("nsh_gicv2", ("smp=4",))
    check_match(r"^\s*PID\s+CPU", m2.command("ps"), "nsh_gicv2 -smp 4: ps")
