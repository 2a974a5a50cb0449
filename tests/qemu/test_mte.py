# SPDX-License-Identifier: BSD-2-Clause
"""Issue 14, memory tagging and branch protection: the board document's mte
line runs mtetest with every check passing (tagged heap and stacks, PAC,
BTI) and ostest with the heap tagged, on one CPU and on four; the same
image on a CPU without MTE runs untagged and mtetest says MTE is not
available; on QEMU 7.2 (no FEAT_FPAC) a failed authentication is still
reported.
Run with harness.QEMU_MTE: Debian bookworm's QEMU 7.2 reports tag check
faults on matching tags (see harness.py).
"""
import os
import re
import subprocess

from harness import QEMU_MTE, check, check_in, test

SUMMARY_RE = r"^mtetest: (\d+) passed, (\d+) failed\s*$"
CHECKS = 12     # 10 tagging checks, PAC, BTI
BP_CHECKS = 2


def mtetest_all_pass(m, checks):
    """Runs mtetest on M; checks that it printed CHECKS lines, all PASS,
    the summary and exit status 0; returns its output."""
    out = m.command("mtetest", timeout=240)
    lines = re.findall(r"^mtetest: .*(PASS|FAIL).*$", out, re.M)
    check(len(lines) == checks, "%d check lines, not %d:\n%s" % (len(lines), checks, out[-3000:]))
    bad = [l for l in out.splitlines() if re.match(r"^mtetest: .*FAIL", l)]
    check(not bad, "failed: %s" % "; ".join(bad))
    summary = re.search(SUMMARY_RE, out, re.M)
    check(summary and summary.groups() == (str(checks), "0"),
          "no '%d passed, 0 failed' line" % checks)
    check(m.command("echo $?").strip() == "0", "mtetest exit status")
    return out


def ostest_passes(m):
    out = m.command("ostest", timeout=480)
    summary = re.findall(r"^ostest: (\d+) passed, (\d+) failed\s*$", out, re.M)
    check(summary, "no ostest summary:\n%s" % out[-2000:])
    fails = re.findall(r"^ostest: (\S+) \.\.\. FAIL(.*)$", out, re.M)
    check(summary[-1][1] == "0", "failed: %s" % fails)
    check("tag check fault" not in out, "a tag check fault during ostest")


@test("issue 14: the board document's mte line verbatim; the boot log says "
      "tagging is on, mtetest prints PASS for every check (overflow, use after "
      "free, cross-block write, double free, neighbour tags, realloc, stack "
      "tags, a joined thread's stack, a corrupted return address (PAC), a "
      "call past a BTI landing pad) and '12 passed, 0 failed', and the shell "
      "goes on", configs=("mte",), timeout=400)
def mtetest_board_line(t):
    m = t.machine("mte", verbatim=True, qemu_bin=QEMU_MTE)
    m.boot()
    check_in("mte: memory tagging on", m.text, "boot log")
    check_in("pointer authentication on", m.text, "boot log")
    check_in("BTI on (kernel text guarded)", m.text, "boot log")
    out = mtetest_all_pass(m, CHECKS)
    # The crash reports of the faulting cases name the fault.
    check_in("tag check fault at 0x", out, "fault report")
    check(re.search(r"pointer tag 0x[1-9a-f], memory tag 0x[0-9a-f]", out),
          "no pointer/memory tag in the report")
    check(re.search(r"heap block 0x[0-9a-f]+ size \d+ \(freed\)", out),
          "use after free: the report does not say the block was freed")
    check_in("double free or invalid pointer", out, "double free message")
    check(re.search(r"heap block 0x[0-9a-f]+ size \d+ \(freed\)", out),
          "stack use after join: no freed block in the report")
    # QEMU 10 has FEAT_FPAC: AUTIASP itself faults.
    check_in("EC 0x1c (Pointer authentication failure", out, "PAC report")
    check_in("EC 0x0d (Branch target exception", out, "BTI report")
    check_in("hello", m.command("echo hello"), "shell after mtetest")


@test("issue 14: ostest passes on the mte image with tagging on (every "
      "application heap allocation tagged)", configs=("mte",), timeout=600)
def ostest_tagged(t):
    m = t.boot("mte", qemu_bin=QEMU_MTE)
    check_in("mte: memory tagging on", m.text, "boot log")
    ostest_passes(m)


@test("issue 14: the mte image on -smp 4: every CPU checks tags and "
      "authenticates return addresses (threads move between CPUs with "
      "tagged stacks and signed return addresses); ostest and mtetest pass",
      configs=("mte",), timeout=900)
def tagged_smp4(t):
    m = t.boot("mte", overrides=["smp=4"], qemu_bin=QEMU_MTE)
    check_in("mte: memory tagging on", m.text, "boot log")
    for cpu in (1, 2, 3):
        check_in("CPU %d online" % cpu, m.text, "boot log")
    ostest_passes(m)
    mtetest_all_pass(m, CHECKS)


@test("issue 14: on QEMU 7.2's -cpu max (pointer authentication without "
      "FEAT_FPAC) a corrupted return address still faults, on the return, "
      "and the report says the address failed authentication",
      configs=("mte",))
def pac_without_fpac(t):
    m = t.boot("mte", overrides=["machine.mte=off"])
    check_in("pointer authentication on", m.text, "boot log")
    out = mtetest_all_pass(m, BP_CHECKS)
    check_in("a return address whose pointer authentication failed", out,
             "PAC report")


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
    check_in("pointer authentication is not available", out, "mtetest output")
    check_in("BTI is not available", out, "mtetest output")
    check_in("pointer authentication off (the CPU has no FEAT_PAuth)", m.text,
             "boot log")
    check(m.command("echo $?").strip() == "0", "exit status without MTE")


@test("issue 14: -cpu max without mte=on (no tag memory) runs untagged and "
      "says why", configs=("mte",))
def untagged_without_tag_memory(t):
    m = t.boot("mte", overrides=["machine.mte=off"], qemu_bin=QEMU_MTE)
    check_in("mte: memory tagging off", m.text, "boot log")
    out = m.command("mtetest")
    check_in("MTE is not available", out, "mtetest output")


# Pointer-authentication instructions outside the hint space: ARMv8.3 and
# later, undefined on an ARMv8.0 CPU.  A file compiled for a later -march
# gets them from -mbranch-protection (RETAA for PACIASP+AUTIASP+RET).
NON_HINT_PAC_RE = re.compile(r"\s(retaa|retab|braa|brab|braaz|brabz|blraa|blrab|"
                             r"blraaz|blrabz|eretaa|eretab|ldraa|ldrab)\s")


@test("issue 14: the branch-protected mte image holds only ARMv8.0 "
      "encodings of PAC (the hint-space PACIASP/AUTIASP, NOPs on a "
      "Cortex-A53), so the one image also runs on CPUs without PAuth",
      configs=("mte",))
def pac_hint_space_only(t):
    image = os.path.join(t.build("mte"), "vireo")
    dis = subprocess.run(["aarch64-linux-gnu-objdump", "-d", image],
                         capture_output=True, text=True, check=True).stdout
    check(re.search(r"\spaciasp\b", dis), "no PACIASP: the image is not branch-protected")
    bad = [l.strip() for l in dis.splitlines() if NON_HINT_PAC_RE.search(l + " ")]
    check(not bad, "%d ARMv8.3-only instructions, e.g. %s" % (len(bad), bad[:3]))
