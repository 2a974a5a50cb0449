# SPDX-License-Identifier: BSD-2-Clause
"""Issue 14, memory tagging: the board document's mte line runs mtetest
with every check passing and ostest with the heap tagged; the same image on
a CPU without MTE runs untagged and mtetest says MTE is not available.
Run with harness.QEMU_MTE: Debian bookworm's QEMU 7.2 reports tag check
faults on matching tags (see harness.py).
"""
import re

from harness import QEMU_MTE, check, check_in, test

SUMMARY_RE = r"^mtetest: (\d+) passed, (\d+) failed\s*$"
CHECKS = 8


@test("issue 14: the board document's mte line verbatim; the boot log says "
      "tagging is on, mtetest prints PASS for every check (overflow, use after "
      "free, cross-block write, double free, neighbour tags, realloc) and "
      "'8 passed, 0 failed', and the shell goes on", configs=("mte",),
      timeout=400)
def mtetest_board_line(t):
    m = t.machine("mte", verbatim=True, qemu_bin=QEMU_MTE)
    m.boot()
    check_in("mte: memory tagging on", m.text, "boot log")
    out = m.command("mtetest", timeout=240)
    lines = re.findall(r"^mtetest: .*(PASS|FAIL).*$", out, re.M)
    check(len(lines) == CHECKS, "%d check lines, not %d:\n%s" % (len(lines), CHECKS, out[-3000:]))
    bad = [l for l in out.splitlines() if re.match(r"^mtetest: .*FAIL", l)]
    check(not bad, "failed: %s" % "; ".join(bad))
    check(re.search(SUMMARY_RE, out, re.M) and
          re.search(SUMMARY_RE, out, re.M).groups() == (str(CHECKS), "0"),
          "no '%d passed, 0 failed' line" % CHECKS)
    # The crash reports of the faulting cases name the tag fault.
    check_in("tag check fault at 0x", out, "fault report")
    check(re.search(r"pointer tag 0x[1-9a-f], memory tag 0x[0-9a-f]", out),
          "no pointer/memory tag in the report")
    check(re.search(r"heap block 0x[0-9a-f]+ size \d+ \(freed\)", out),
          "use after free: the report does not say the block was freed")
    check_in("double free or invalid pointer", out, "double free message")
    check(m.command("echo $?").strip() == "0", "mtetest exit status")
    check_in("hello", m.command("echo hello"), "shell after mtetest")


@test("issue 14: ostest passes on the mte image with tagging on (every "
      "application heap allocation tagged)", configs=("mte",), timeout=600)
def ostest_tagged(t):
    m = t.boot("mte", qemu_bin=QEMU_MTE)
    check_in("mte: memory tagging on", m.text, "boot log")
    out = m.command("ostest", timeout=480)
    summary = re.findall(r"^ostest: (\d+) passed, (\d+) failed\s*$", out, re.M)
    check(summary, "no ostest summary:\n%s" % out[-2000:])
    fails = re.findall(r"^ostest: (\S+) \.\.\. FAIL(.*)$", out, re.M)
    check(summary[-1][1] == "0", "failed: %s" % fails)
    check("tag check fault" not in out, "a tag check fault during ostest")


@test("issue 14: the mte image on -cpu cortex-a53 (no MTE) runs untagged, "
      "says so once in the boot log, and mtetest reports MTE not available "
      "and exits 0 (QEMU refuses mte=on for a CPU without MTE, so the line "
      "drops it)", configs=("mte",))
def untagged_on_a53(t):
    m = t.boot("mte", overrides=["cpu=cortex-a53", "machine.mte=off"],
               qemu_bin=QEMU_MTE)
    check(len(re.findall(r"mte: memory tagging off", m.text)) == 1,
          "boot log does not say once that tagging is off")
    check_in("no MTE2", m.text, "reason")
    out = m.command("mtetest")
    check_in("MTE is not available", out, "mtetest output")
    check("PASS" not in out and "FAIL" not in out, "checks ran without MTE")
    check(m.command("echo $?").strip() == "0", "exit status without MTE")


@test("issue 14: -cpu max without mte=on (no tag memory) runs untagged and "
      "says why", configs=("mte",))
def untagged_without_tag_memory(t):
    m = t.boot("mte", overrides=["machine.mte=off"], qemu_bin=QEMU_MTE)
    check_in("mte: memory tagging off", m.text, "boot log")
    out = m.command("mtetest")
    check_in("MTE is not available", out, "mtetest output")
