# SPDX-License-Identifier: BSD-2-Clause
"""Files from the shell (issue 4): ls, mkdir, rm, cp, mv, ln, touch, truncate,
mount/umount, df, dd, and tmpfs filled to ENOSPC and emptied."""
import time

from harness import check, check_in, check_match, scaled, test


def run(t, cases):
    m = t.boot("nsh")
    for line, want in cases:
        check_match(want, m.command(line), "output of %r" % line)
    return m


@test("board doc session: mkdir mnt ... ls shows '/:' with dev/, mnt/, proc/")
def board_doc_ls(t):
    m = t.boot("nsh")
    m.command("mkdir mnt")
    out = m.command("ls")
    check_match(r"^/:$", out, "ls header")
    for d in ("dev/", "mnt/", "proc/"):
        check_match(r"^ %s$" % d, out, "ls entries")


@test("rcS mounted /proc and /tmp at start without errors")
def rcs(t):
    m = t.machine("nsh")
    log = m.boot()
    check("mount:" not in log, "rcS printed an error: %s" % log)
    out = m.command("mount")
    check_match(r"^procfs /proc procfs", out, "mount list")
    check_match(r"^tmpfs /tmp tmpfs", out, "mount list")


@test("mkdir -p, ls -l -a -R, cd, pwd, rmdir, rm -r and their errors")
def dirs(t):
    run(t, [
        ("mkdir -p /tmp/a/b/c; ls -R /tmp/a", r"^/tmp/a:\n b/\n/tmp/a/b:\n c/\n/tmp/a/b/c:$"),
        ("cd /tmp/a; pwd; cd /; pwd", r"^/tmp/a\n/$"),
        ("mkdir /tmp/a", r"mkdir: /tmp/a: File exists"),
        ("rmdir /tmp/a", r"rmdir: /tmp/a: Directory not empty"),
        ("rm -r /tmp/a; ls /tmp/a", r"ls: /tmp/a: No such file or directory"),
        ("touch /tmp/t; ls -l /tmp", r"-rw\S+\s+0 t$"),
        ("ls -a /tmp", r"^ \./$"),
        ("cd /nope", r"cd: /nope: No such file or directory"),
        ("ls -z", r"Usage: ls"),
    ])


@test("cat, cp, mv, ln -s, touch, truncate, rm with failures")
def files(t):
    run(t, [
        ("echo data > /tmp/f; cp /tmp/f /tmp/g; cat /tmp/g", r"^data$"),
        ("mv /tmp/g /tmp/h; cat /tmp/h; cat /tmp/g",
         r"^data\ncat: /tmp/g: No such file or directory$"),
        ("ln -s /tmp/h /tmp/l; cat /tmp/l", r"^data$"),
        ("truncate -s 2 /tmp/h; cat /tmp/h; echo", r"^da$"),
        ("rm /tmp/h /tmp/l; rm /tmp/h", r"rm: /tmp/h: No such file or directory"),
        ("cp /nope /tmp/x", r"cp: /nope: No such file or directory"),
        ("echo x > /etc/x", r"Read-only file system"),
    ])


@test("mount -t tmpfs, umount, df -h; errors for busy and unknown types")
def mounts(t):
    run(t, [
        ("mkdir /tmp/m; mount -t tmpfs /tmp/m; mount", r"/tmp/m tmpfs"),
        ("df -h", r"/tmp/m$"),
        ("umount /tmp/m; mount", r"^(?!.*/tmp/m).*tmpfs /tmp tmpfs"),
        ("mount -t nosuchfs /tmp/m", r"mount: /tmp/m: No such device"),
        ("umount /tmp/m", r"umount: /tmp/m: Invalid argument"),
    ])


@test("dd fills tmpfs until 'No space left on device'; rm frees it and it is usable again")
def tmpfs_full(t):
    m = t.boot("nsh")
    out = m.command("dd if=/dev/zero of=/tmp/big bs=4096", timeout=120)
    check_in("dd: /tmp/big: No space left on device", out, "dd to a full tmpfs")
    check_match(r"^\d+ blocks copied$", out, "dd count")
    m.command("rm /tmp/big")
    out = m.command("dd if=/dev/zero of=/tmp/small bs=4096 count=4; wc /tmp/small")
    check_match(r"^4 blocks copied\n0 1 16384 /tmp/small$", out, "after rm")


@test("procfs: meminfo, uptime, version, cpuinfo, loadavg, interrupts, mounts, "
      "arm64fpu (board document format), self and <pid>/{status,cmdline,stack,fd}")
def procfs_files(t):
    m = t.boot("nsh")
    for path, want in (
            ("/proc/meminfo", r"^MemTotal:\s+\d+ kB\nMemUsed:\s+\d+ kB\nMemFree:\s+\d+ kB"),
            ("/proc/uptime", r"^\d+\.\d\d \d+\.\d\d$"),
            ("/proc/version", r"^Vireo version 0\.1\.0 .* qemu-armv8a:nsh$"),
            ("/proc/cpuinfo", r"^processor\t: 0\n.*\nmpidr\t\t: 0x0\nonline\t\t: yes"),
            ("/proc/loadavg", r"^\d+\.\d\d \d+\.\d\d \d+\.\d\d \d+/\d+ \d+$"),
            ("/proc/interrupts", r"^\s+27\s+\d+\s+gicv3 arch_timer\n\s+33\s+\d+\s+gicv3 ttyS0"),
            ("/proc/mounts", r"^devfs /dev devfs rw 0 0$"),
            ("/proc/arm64fpu", r"^CPU0: save: \d+ restore: \d+ switch: \d+ exedepth: 0$"),
            ("/proc/self/status", r"^Name:\tnsh\nPid:\t1\n"),
            ("/proc/1/cmdline", r"^nsh$"),
            ("/proc/0/cmdline", r"^kernel$"),
            ("/proc/1/stack", r"^1 nsh: size \d+ used \d+$")):
        check_match(want, m.command("cat " + path), path)
    check_match(r"^/proc/1/fd:\n 0\n 1\n 2", m.command("ls /proc/1/fd"), "ls /proc/1/fd")
    out = m.command("sleep 5 & ls /proc/$!/fd")
    check_match(r"^/proc/\d+/fd:\n 0\n 1\n 2$", out, "ls /proc/<other task>/fd")
    out = m.command("sleep 5 & cat /proc/$!/cmdline")
    check_match(r"^sleep 5$", out.split("\n", 1)[1] if out.startswith("[") else out,
                "cmdline of a background task")
    check_match(r"No such file or directory", m.command("cat /proc/999/status"),
                "a pid that does not exist")


@test("devfs: /dev/null swallows and reads empty, /dev/zero reads zeros, "
      "/dev/urandom and /dev/random read bytes, ls /dev")
def devfs_files(t):
    m = t.boot("nsh")
    check_match(r"^$", m.command("echo x > /dev/null; cat /dev/null"), "/dev/null")
    check_match(r"^00000000: 00 00 00 00 00 00 00 00\s+\|\.{8}\|$",
                m.command("dd if=/dev/zero bs=8 count=1 2>/dev/null | hexdump"), "/dev/zero")
    a = m.command("dd if=/dev/urandom bs=16 count=1 2>/dev/null | hexdump")
    b = m.command("dd if=/dev/random bs=16 count=1 2>/dev/null | hexdump")
    check_match(r"^00000000:( [0-9a-f]{2}){16}", a, "/dev/urandom")
    check(a != b, "two reads of the random devices gave the same bytes")
    out = m.command("ls /dev")
    for dev in ("console", "null", "random", "ttyS0", "urandom", "zero"):
        check_match(r"^ %s$" % dev, out, "ls /dev")


@test("/proc/loadavg: the 1-minute average rises under load and leads the 5- and "
      "15-minute ones (decayed averages, not the instantaneous count)")
def loadavg_rises(t):
    m = t.boot("nsh")
    idle = [float(x) for x in m.command("cat /proc/loadavg").split()[:3]]
    check(idle[0] < 0.1, "loadavg at an idle prompt: %s" % idle)
    m.command("while true; do true; done &")	# one runnable task

    deadline = time.monotonic() + scaled(60)
    while True:	# poll the file, no fixed sleep
        avgs = [float(x) for x in m.command("cat /proc/loadavg").split()[:3]]
        if avgs[0] >= 0.1 or time.monotonic() > deadline:
            break
    check(avgs[0] >= 0.1, "1-minute load stayed at %s under load" % avgs)
    check(avgs[0] > avgs[1] > avgs[2] > 0,
          "averages should rise fastest over the shortest period: %s" % avgs)
