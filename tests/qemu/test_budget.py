# SPDX-License-Identifier: BSD-2-Clause
"""Issue 18, the instruction-count budget: under -icount shift=0,sleep=off
the guest runs one instruction per nanosecond of guest time and every
figure repeats exactly, so make test holds them to the maxima in
tests/qemu/icount-budget.json (one figure per line; a figure over its
budget fails with both numbers).  Boot: CPU 0's instructions from reset
to the shell's read loop (tools/bench.py's count of QEMU's log of
executed blocks, stopped there through the gdb stub), and the bytes of
nsh's bss (footprint, the one figure that is not instructions).  The rest: osperf's medians (and create+join's p99, which
catches a cost that grows with the threads created), in ns, that is
instructions.  Wall-clock times stay out of pass/fail.
"""
import json
import os
import sys

from harness import TOP, check, test

sys.path.insert(0, os.path.join(TOP, "tools"))
import bench  # noqa: E402  (tools/bench.py: boot count, osperf's parser)

BUDGET_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "icount-budget.json")
ICOUNT = "icount=shift=0,sleep=off"
# Enough iterations for a stable median and p99; under icount they repeat.
ITERATIONS = 200
OSPERF_TIMEOUT = 300


def load_budget():
    with open(BUDGET_FILE) as f:
        return json.load(f)


def check_figures(measured, budget, names):
    """Prints every figure of NAMES against its budget; fails listing
    those over it (or not measured)."""
    over = []
    for name in names:
        value = measured.get(name)
        print("budget: %-34s %10s  max %10d" % (name, value, budget[name]))
        if value is None or value > budget[name]:
            over.append("%s: measured %s, budget %d" % (name, value, budget[name]))
    check(not over, "over budget: " + "; ".join(over))


@test("issue 18: boot to the shell's read loop on nsh and on nsh_smp -smp 4 "
      "stays within its instruction budget, and nsh's bss within its size "
      "(icount-budget.json)",
      configs=("nsh", "nsh_smp"))
def boot_instructions(t):
    budget = load_budget()
    measured = {
        "boot_to_shell_nsh": bench.boot_instructions(t.build("nsh")).get(0),
        "boot_to_shell_nsh_smp4_cpu0":
            bench.boot_instructions(t.build("nsh_smp"), ["smp=4"]).get(0),
        "image_bss_bytes_nsh": bench.image_sizes(t.build("nsh"))["image_bss_bytes"],
    }
    check_figures(measured, budget, sorted(measured))


@test("issue 18: osperf's switch, semaphore, mutex, thread and pipe figures "
      "stay within their instruction budgets under -icount (icount-budget.json)")
def osperf_instructions(t):
    budget = load_budget()
    m = t.boot(overrides=(ICOUNT,))
    out = m.command("osperf -n %d sched threads ipc" % ITERATIONS, timeout=OSPERF_TIMEOUT)
    figures, not_available, _ = bench.parse_osperf(out)
    check(not not_available, "osperf: not available: %s" % not_available)
    check_figures(figures, budget, sorted(k for k in budget if "_ns_" in k))
