# SPDX-License-Identifier: BSD-2-Clause
"""Benchmarks: osperf runs from the shell and prints every figure that
tools/bench.py (`make bench`) collects.  The figures are measurements:
nothing here asserts a time or a bandwidth, only that each one is printed
as a number (or declared not available, with a reason).
"""
import os
import shutil
import sys
import tempfile

from harness import TOP, check, check_match, test

sys.path.insert(0, os.path.join(TOP, "tools"))
import bench  # noqa: E402  (tools/bench.py: the list of figures and the parser)

# Few iterations: this checks the output, not the numbers.
ITERATIONS = 50
OSPERF_TIMEOUT = 120


def check_osperf_output(out):
    """Every figure printed, as a number or not available with a reason."""
    check_match(bench.DONE_RE, out, "osperf output")
    figures, not_available, _notes = bench.parse_osperf(out)
    missing = bench.missing_figures(figures, not_available)
    check(not missing, "osperf printed no figure for %s" % ", ".join(missing))
    for name, reason in not_available.items():
        check(reason.strip(), "%s: not available without a reason" % name)
    check(figures.get("iterations") == ITERATIONS,
          "osperf -n %d ran %s iterations" % (ITERATIONS, figures.get("iterations")))
    # Any other "osperf:" line is a figure the tools would not recognise.
    for line in out.splitlines():
        if line.startswith("osperf: "):
            check(bench.FIGURE_RE.match(line) or bench.NA_RE.match(line) or
                  bench.NOTE_RE.match(line) or line == "osperf: done",
                  "malformed osperf line %r" % line)


@test("benchmarks: osperf prints every figure of make bench, each a number "
      "or 'not available (reason)', and ends with 'osperf: done'")
def osperf_prints_every_figure(t):
    m = t.boot()
    check_osperf_output(m.command("osperf -n %d" % ITERATIONS,
                                  timeout=OSPERF_TIMEOUT))


@test("benchmarks, knsh: osperf and the osperf_nop it spawns are EL0 "
      "programs from /system/bin, and osperf prints every figure there "
      "(the kernel-only ones not available, with the reason)",
      configs=("knsh",))
def osperf_el0(t):
    m = t.machine("knsh", verbatim=True)
    m.boot()
    out = m.command("osperf -n %d" % ITERATIONS, timeout=4 * OSPERF_TIMEOUT)
    check_osperf_output(out)
    figures, not_available, _notes = bench.parse_osperf(out)
    for name in ("ctx_switch_yield_ns_median", "task_spawn_wait_ns_median",
                 "pipe_roundtrip_ns_median"):
        check(figures.get(name, 0) > 0, "%s at EL0: %s" % (name, figures.get(name)))
    check("irq_latency_handler" in not_available,
          "irq_latency_handler should be not available at EL0")


@test("benchmarks: osperf rejects an unknown group with its usage")
def osperf_usage(t):
    m = t.boot()
    out = m.command("osperf nosuchgroup")
    check_match(r"^Usage: osperf", out, "osperf nosuchgroup")


@test("benchmarks: make bench's 9P sequential write and read MB/s on a host share "
      "print as numbers")
def v9fs_figures_print(t):
    share = tempfile.mkdtemp(prefix="vireo-test-9p-")
    try:
        m = t.machine(extra=bench.v9fs_share_args(share))
        m.boot()
        figures = bench.v9fs_figures(m)
        for name in ("v9fs_seq_write_1m_mb_s", "v9fs_seq_read_1m_mb_s"):
            check(figures.get(name, 0) > 0, "%s: %s" % (name, figures.get(name)))
        check(os.path.getsize(os.path.join(share, "f")) == bench.V9FS_MIB << 20,
              "the benchmark's file on the host")
    finally:
        shutil.rmtree(share, ignore_errors=True)
