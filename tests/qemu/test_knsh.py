# SPDX-License-Identifier: BSD-2-Clause
"""Issue 15, the knsh configuration (CONFIG_BUILD_KERNEL): the board
document's knsh command line, run as written where ./vireo and ./system
are.  The image is the kernel alone; it mounts system/ over semihosting at
/system and starts /system/bin/nsh as pid 1, an EL0 process.  The shell's
built-ins in a pipeline run as processes of its own program, programs are
found by PATH, Ctrl-C reaches a program, and ostest runs as a user process.
"""
import re

from harness import check, check_in, check_match, test


@test("board document, knsh: the shell is an EL0 process (pid 1, "
      "/system/bin/nsh from the host over semihosting), runs built-ins in "
      "pipelines and programs from /system/bin by PATH, passes Ctrl-C on, "
      "and ostest runs as a user process", configs=("knsh",), timeout=1500)
def knsh_board_line(t):
    m = t.machine("knsh", verbatim=True)
    check_in("qemu-armv8a:knsh", m.boot(), "banner")
    check_match(r"^/system/bin/nsh$", m.command("cat /proc/1/cmdline"),
                "pid 1's command line")
    check_match(r"^PATH=/system/bin$", m.command("env"), "the first PATH")
    # Built-ins as pipeline stages are processes of the shell's program.
    check_match(r"^1 3 14$", m.command("echo one two three | wc"), "pipeline")
    check_match(r"^nsh: nosuch: command not found\nrc=127$",
                m.command("nosuch; echo rc=$?"), "an unknown command")
    m.sendline("sleep 100")
    m.expect(r"sleep 100\n")
    m.send("\x03")
    m.expect(m.prompt_re, 30)
    check_match(r"^ok$", m.command("echo ok"), "the shell after Ctrl-C")
    out = m.command("ostest", timeout=1200)	# every case, at EL0
    summary = re.findall(r"^ostest: (\d+) passed, (\d+) failed\s*$", out, re.M)
    check(summary, "no ostest summary; tail:\n%s" % "\n".join(out.splitlines()[-15:]))
    passed, failed = (int(x) for x in summary[-1])
    fails = re.findall(r"^ostest: (.*) \.\.\. FAIL(.*)$", out, re.M)
    check(failed == 0 and not fails, "ostest failed: %s" % fails)
    check(passed >= 140, "only %d ostest cases passed" % passed)
    check_match(r"^0$", m.command("echo $?"), "ostest's exit status")
