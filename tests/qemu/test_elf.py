# SPDX-License-Identifier: BSD-2-Clause
"""Issue 15, the ELF loader (docs/kernel-mode.md section 3): the static EL0
test programs built with the image (build/elfprogs/hello and crash) are copied
to a host directory served through hostfs; typing their path in nsh runs them
as processes (posix_spawn of an ELF file): hello prints its argv and an
environment variable and exits with the status it was given; each crash mode
(a kernel read, a jump to 0, executing the stack, writing its text, a stack
overflow into the guard page) ends that process alone with SIGSEGV and a
report; /proc/<pid>/maps lists a running program's regions; bad files (random
bytes, truncated, wrong machine, a huge p_memsz, segments overlapping the
stack, an entry outside the text) fail with "Exec format error"; 50 runs give
every page back (`free`)."""
import contextlib
import os
import re
import shutil
import struct
import subprocess
import tarfile
import tempfile
import time

from harness import check, check_in, check_match, scaled, test

SEMIHOSTING = "semihosting"	# tools/qemu.py -o: adds the -semihosting flag
EM_AARCH64 = 183


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def patched(data, fmt, off, value):
    b = bytearray(data)
    struct.pack_into(fmt, b, off, value)
    return bytes(b)


def bad_files(hello):
    """name -> contents of files elf_check() or the loader must refuse."""
    with open(hello, "rb") as f:
        good = f.read()
    phoff = struct.unpack_from("<Q", good, 0x20)[0]
    # The program headers: the text is first, the data (R+W) last.
    nph = struct.unpack_from("<H", good, 0x38)[0]
    data_ph = phoff + 56 * (nph - 1)
    return {
        "random": os.urandom(4096),
        "elfjunk": b"\x7fELF" + os.urandom(2000),
        "truncated": good[:phoff + 56],
        "shortfile": good[:0x1100],	# headers fine, text cut short
        "machine": patched(good, "<H", 0x12, 62),	# EM_X86_64
        "hugebss": patched(good, "<Q", data_ph + 0x28, 1 << 40),	# p_memsz 1 TiB
        "onstack": patched(patched(good, "<Q", data_ph + 0x10, 0xfffffff0000),
                           "<Q", data_ph + 0x18, 0xfffffff0000),	# p_vaddr at the stack
        "entry": patched(good, "<Q", 0x18, 0x80000012000),	# entry in the data
    }


def host_dir(build):
    top = tempfile.mkdtemp(prefix="vireo-elf-")
    for prog in ("hello", "crash", "sigtest", "memtest", "threads", "socktest",
                 "libctest"):
        shutil.copy(os.path.join(build, "elfprogs", prog), os.path.join(top, prog))
    for name, data in bad_files(os.path.join(top, "hello")).items():
        write(os.path.join(top, "bad-" + name), data)
    return top


@contextlib.contextmanager
def programs(t, config="nsh", overrides=()):
    """A booted CONFIG with the test programs on /host (hostfs)."""
    top = host_dir(t.build(config))
    try:
        m = t.boot(config, overrides=[SEMIHOSTING] + list(overrides))
        m.command("mkdir /host; mount -t hostfs -o fs=%s /host" % top)
        yield m, top
    finally:
        shutil.rmtree(top, ignore_errors=True)


def regions(out):
    """(start, end, rwx-, kind) of each /proc/<pid>/maps line in OUT."""
    return re.findall(r"^([0-9a-f]{12})-([0-9a-f]{12}) ([r-][w-][x-]-) (\w+)$", out, re.M)


def mem_used(out):
    """The "used" figures of the `free` tables in OUT."""
    return [int(u) for u in re.findall(r"^Mem:\s+\d+\s+(\d+)", out, re.M)]


def hello(m):
    out = m.command("export GREETING=salut; /host/hello 7 x y; echo status=$?")
    check_in("argv: /host/hello\nargv: 7\nargv: x\nargv: y\n", out.replace("\r", ""),
             "hello's argv")
    check_in("env: salut", out, "hello's environment")
    check_match(r"^status=7$", out, "hello's exit status")
    out = m.command("/host/hello; echo status=$?")
    check_match(r"^status=0$", out, "exit 0")
    # Its output goes where the shell's redirection says (descriptors).
    m.command("/host/hello a b > /tmp/hello.out")
    check_in("argv: b", m.command("cat /tmp/hello.out"), "redirected output")
    # System calls from EL0: the clocks (monotonic across a sleep, real
    # time, resolution, EINVAL for a bad clock or time, EFAULT for bad
    # pointers) and waitpid (ECHILD, EFAULT, EINVAL).
    out = m.command("/host/hello calls")
    check_match(r"^calls: ok\r?$", out, "system calls from EL0: %s" % out)


# Where each crash's faulting address lies, as the report names it.
CRASH_WHERE = {
    "kread": r"FAR 0x0*40000000 is outside the user window",
    "null": r"FAR 0x0+ is outside the user window",
    "stack": r"FAR 0x[0-9a-f]+ is in [0-9a-f]{12}-0*fffffff0000 rw-- stack",
    "text": r"FAR 0x[0-9a-f]+ is in 080000010000-[0-9a-f]{12} r-x- text",
    "deep": r"FAR 0x[0-9a-f]+ is in the guard page under [0-9a-f]{12}-[0-9a-f]{12} rw-- stack",
}


def crashes(m):
    for mode, where in CRASH_WHERE.items():
        out = m.command("/host/crash %s; echo status=$?" % mode, timeout=60)
        check_match(where, out, "crash %s: the region in the report" % mode)
        check_in("crash: %s" % mode, out, "crash %s ran" % mode)
        check_in("killed by signal 11", out, "crash %s: SIGSEGV (%s)" % (mode, out))
        check_match(r"VIREO FAULT: .* task \d+ \(thread crash\) ends with signal 11", out,
                    "crash %s: the report" % mode)
        check_match(r"^status=139$", out, "crash %s: status 128+11" % mode)
        check_match(r"^ok$", m.command("echo ok"), "the shell after crash %s" % mode)


def maps(m):
    out = m.command("/host/hello sleep 2000 & sleep 1; cat /proc/$!/maps; sleep 2",
                    timeout=60)
    lines = regions(out)
    check(len(lines) == 4, "four regions: %s" % out)
    kinds = [(p, k) for _, _, p, k in lines]
    check(kinds == [("r-x-", "text"), ("r---", "data"), ("rw--", "data"),
                    ("rw--", "stack")], "maps: %s" % kinds)
    check(lines[0][0] == "080000010000", "text at the window's base: %s" % lines[0][0])
    check(lines[3][1] == "%012x" % (0x100000000000 - 0x10000),
          "the stack ends at USER_STACK_TOP: %s" % lines[3][1])
    check_in("argv: sleep", out, "the sleeper's output")


def errors(m):
    for name in ("random", "elfjunk", "truncated", "shortfile", "machine", "hugebss",
                 "onstack", "entry"):
        out = m.command("/host/bad-%s; echo status=$?" % name)
        check_in("Exec format error", out, "bad-%s: %s" % (name, out))
        check_match(r"^status=126$", out, "bad-%s: status 126" % name)
    out = m.command("/host/missing; echo status=$?")
    check_match(r"^status=127$", out, "a missing program")


@test("issue 15: ELF programs from hostfs run at EL0 through posix_spawn: argv, "
      "envp, exit status, redirection; five crash modes end with SIGSEGV alone; "
      "/proc/<pid>/maps; bad files fail with ENOEXEC; 50 runs, 50 refused files "
      "and 5 crashes leak nothing")
def elf_programs(t):
    with programs(t) as (m, _):
        hello(m)
        crashes(m)
        maps(m)
        errors(m)
        # One command line (the shell keeps each line in its history):
        # free, 50 runs of hello and of a bad file (the loader's error
        # path), 5 crashes (a killed process), free.  The first runs made
        # the shell's and the console's buffers, and i=x j=x the variables,
        # already; the idle thread frees ended threads' stacks (sleep 1).
        line = ("i=x; j=x; free; for i in 0 1 2 3 4 5 6 7 8 9; do for j in 1 2 3 4 5; "
                "do /host/hello $i >/dev/null; /host/bad-shortfile; echo -n .; done; done; "
                "echo; echo done; for i in 1 2 3 4 5; do /host/crash deep; done; sleep 1; free")
        check(len(line) < 250, "the line fits the line editor")
        out = m.command(line, timeout=600)
        check_in("." * 50 + "\ndone", re.sub(r"nsh: .*\n", "", out.replace("\r", "")),
                 "50 runs: %s" % out[-300:])
        used = mem_used(out)
        check(len(used) == 2 and used[1] <= used[0], "50 runs: used %s" % used)


@test("issue 15: `kmodetest bench /host/hello /host/sigtest` under -icount "
      "shift=0,sleep=off: posix_spawn+waitpid of an ELF program from hostfs, and a "
      "signal handled at EL0 (kill, frame, handler, sigreturn), in guest instructions")
def spawn_bench(t):
    with programs(t, overrides=["icount=shift=0,sleep=off"]) as (m, _):
        out = m.command("kmodetest bench /host/hello /host/sigtest", timeout=600)
        got = re.search(r"^kmodetest: posix_spawn\+waitpid of /host/hello: (\d+) ns", out,
                        re.M)
        check(got and int(got.group(1)) > 0, "no figure (0: a run failed): %s" % out)
        print("posix_spawn+waitpid of /host/hello: %s guest instructions" % got.group(1))
        sig = re.search(r"^kmodetest: signal handled at EL0 .*: (\d+) ns", out, re.M)
        check(sig and int(sig.group(1)) > 0, "no signal figure: %s" % out)
        print("\n".join(l for l in out.splitlines() if l.startswith("kmodetest:")))


@test("issue 15: ELF programs on nsh_smp -smp 4: four processes at once (their "
      "spaces and ASIDs on different CPUs) each write their own output, a crash "
      "among them ends alone; `free` is back where it was",
      configs=("nsh_smp",), timeout=400)
def smp_programs(t):
    with programs(t, "nsh_smp") as (m, top):
        m.command("/host/hello warm > /dev/null; i=x")
        before = re.search(r"^Mem:\s+\d+\s+(\d+)", m.command("free"), re.M)
        line = " & ".join("/host/hello sleep 300 n%d > /host/o%d" % (i, i) for i in range(4))
        out = m.command(line + "; /host/crash null; sleep 1", timeout=scaled(240))
        check_in("killed by signal 11", out, "the crash among them")
        deadline = time.monotonic() + scaled(240)
        while "hello" in m.command("ps"):
            check(time.monotonic() < deadline, "the programs never ended")
        for i in range(4):
            with open(os.path.join(top, "o%d" % i)) as f:
                got = f.read()
            check("argv: n%d\n" % i in got and "argv: sleep" in got,
                  "o%d: %r" % (i, got))
        m.command("sleep 1")
        after = re.search(r"^Mem:\s+\d+\s+(\d+)", m.command("free"), re.M)
        check(before and after and int(after.group(1)) <= int(before.group(1)),
              "used %s -> %s" % (before and before.group(1), after and after.group(1)))


def wait_for(m, out, pattern, timeout=60):
    """PATTERN in OUT (a command's output), or in what comes after it."""
    found = re.search(pattern, out, re.M)
    return found.group(0) if found else m.expect(pattern, timeout).group(0)


def survives(m, what):
    check_match(r"^ok$", m.command("echo ok"), "the shell after %s" % what)


def signal_from_shell(m):
    """kill -USR1/-USR2 from nsh to a program blocked in read(), then in
    sigsuspend().  The program's lines may follow a prompt: no ^."""
    out = m.command("/host/sigtest wait &")
    wait_for(m, out, r"waiting$")
    pid = re.search(r"^pid=(\d+)", m.command("echo pid=$!"), re.M).group(1)
    for sig, seen in (("USR1", "handler usr1"), ("USR2", "handler usr2")):
        out = m.command("kill -%s %s" % (sig, pid))
        wait_for(m, out, "%s$" % seen)
    out = m.command("echo")
    wait_for(m, out, r"read: -4$")    # EINTR after USR2; USR1 restarted it
    wait_for(m, out, r"suspending$")
    out = m.command("kill -USR1 %s" % pid)
    wait_for(m, out, r"sigsuspend: -4$")
    out = m.command("echo")
    wait_for(m, out, r"wait ok$")
    spin_and_kill(m)


def spin_and_kill(m):
    """kill -USR1 from nsh to a program running at EL0 without system
    calls: the handler runs on its return from an interrupt."""
    out = m.command("/host/sigtest spin &")
    wait_for(m, out, r"spinning$")
    out = m.command("kill -USR1 $!")
    wait_for(m, out, r"spin ok$")


@test("issue 15: signals at EL0: handlers run on the program's stack and return "
      "through sigreturn (SA_SIGINFO arguments, mask, FP/SIMD kept, nesting, "
      "SA_NODEFER, SA_RESETHAND, sigpending); sigqueue, tkill, sigtimedwait, "
      "alarm, setitimer and SA_ONSTACK on a sigaltstack; kill from the shell interrupts read "
      "(SA_RESTART restarts it) and sigsuspend, and a program spinning at EL0; "
      "SIGSEGV handlers; forged and bad "
      "frames and a bad stack end the program with SIGSEGV alone; 20 runs leak "
      "nothing")
def el0_signals(t):
    with programs(t) as (m, _):
        for mode in ("basic", "mask", "segv", "queue", "timers", "altstack"):
            out = m.command("/host/sigtest %s; echo status=$?" % mode, timeout=60)
            check_match(r"^%s ok$" % mode, out, "sigtest %s: %s" % (mode, out))
            check_match(r"^status=0$", out, "sigtest %s: status" % mode)
        out = m.command("/host/sigtest segvexit; echo status=$?", timeout=60)
        check_in("segv handler: exit 42", out, "segvexit")
        check_match(r"^status=42$", out, "segvexit: status %s" % out)
        for mode, said in (("segvloop", "segv handler: faulting again"),
                           ("forge", "sigreturn to EL1"),
                           ("badret", "sigreturn of a bad pointer"),
                           ("badstack", "raising on a bad stack")):
            out = m.command("/host/sigtest %s; echo status=$?" % mode, timeout=60)
            check_in(said, out, "sigtest %s ran" % mode)
            check("FAIL" not in out, "sigtest %s: %s" % (mode, out))
            check_in("killed by signal 11", out, "sigtest %s: SIGSEGV (%s)" % (mode, out))
            check_match(r"^status=139$", out, "sigtest %s: status" % mode)
            survives(m, "sigtest " + mode)
        signal_from_shell(m)
        survives(m, "sigtest wait")
        # Twice 20 runs, free before, between and after: the first round
        # settles what the shell keeps (its variables, their blocks), so a
        # leak is the second round's growth.
        line = ("for k in 1 2; do free; for i in 0 1 2 3; do for j in basic mask segv "
                "segvexit forge; do /host/sigtest $j >/dev/null; done; done; sleep 1; "
                "done; free")
        out = m.command(line, timeout=900)
        used = mem_used(out)
        check(len(used) == 3 and used[2] <= used[1], "20 runs: used %s" % used)


@test("issue 15: EL0 signals on nsh_smp (-smp 4): kill from nsh on one CPU to a "
      "program spinning at EL0 on another, four times (the cross-CPU kick)",
      configs=("nsh_smp",), timeout=400)
def el0_signals_smp(t):
    with programs(t, "nsh_smp") as (m, _):
        for _ in range(4):
            spin_and_kill(m)
        survives(m, "sigtest spin")


def thread_rows(ps):
    """The tids of the ps rows named threads, by state."""
    return re.findall(r"^\s*(\d+)\s+\d+\s+\d+\s+\w+\s+(\w+)\s.*\bthreads$", ps, re.M)


def no_threads_left(m, what):
    """The shell reaps the process (a background one at its next command),
    which frees the threads nobody joined."""
    for _ in range(20):
        out = m.command("sleep 0.5; ps")
        if not thread_rows(out):
            return
    check(False, "%s: threads left: %s" % (what, out))


@test("issue 15: threads in a process: four threads on MAP_STACK stacks with "
      "their own thread pointers count under a futex mutex and are joined with "
      "their exit values; futex and thread-call errors (EAGAIN, EINVAL, EFAULT, "
      "ETIMEDOUT, EDEADLK, ESRCH); ps lists the threads and /proc/<pid>/maps "
      "their stacks, each with a guard; kill and exit() end every thread; an "
      "overflow into a thread's guard page is SIGSEGV naming it; no leak")
def el0_threads(t):
    with programs(t) as (m, _):
        before = mem_used(m.command("free"))
        out = m.command("/host/threads basic; echo status=$?", timeout=120)
        check_match(r"^basic ok$", out, "threads basic: %s" % out)
        check_match(r"^status=0$", out, "threads basic: status")
        out = m.command("/host/threads wait &")
        wait_for(m, out, r"waiting$")
        pid = re.search(r"^pid=(\d+)", m.command("echo pid=$!"), re.M).group(1)
        rows = thread_rows(m.command("ps"))
        check(len(rows) == 4 and rows[0][0] == pid, "ps: 4 threads from %s: %s" % (pid, rows))
        maps = regions(m.command("cat /proc/%s/maps" % pid))
        stacks = sorted(int(a, 16) for a, _, p, k in maps if k == "stack" and p == "rw--")
        check(len(stacks) == 4, "maps: main stack and 3 thread stacks: %s" % maps)
        ends = sorted(int(b, 16) for _, b, _, k in maps)
        check(all(s - 4096 >= e or e > s for s in stacks[:3] for e in ends),
              "a free guard page under each thread stack: %s" % maps)
        m.command("kill %s" % pid)
        no_threads_left(m, "after kill")
        out = m.command("/host/threads exit; echo status=$?", timeout=60)
        check_match(r"^status=7$", out, "exit() with threads running: %s" % out)
        no_threads_left(m, "after exit()")
        out = m.command("/host/threads overflow; echo status=$?", timeout=60)
        check_in("in the guard page under", out, "overflow report")
        check_in("killed by signal 11", out, "overflow: SIGSEGV")
        survives(m, "threads overflow")
        # Two rounds: the first may leave what the kernel keeps once
        # (a hostfs name, a grown table); the second must add nothing.
        line = ("i=x; for i in 0 1 2 3 4; do /host/threads basic >/dev/null; "
                "/host/threads exit >/dev/null; done; sleep 1; free")
        first = mem_used(m.command(line, timeout=600))
        second = mem_used(m.command(line, timeout=600))
        check(len(first) == 1 and len(second) == 1 and second[0] <= first[0],
              "runs leak nothing: used %s, then %s, then %s" % (before, first, second))


@test("issue 15: threads in a process on nsh_smp (-smp 4): the futex mutex "
      "and joins hold with the threads on different CPUs, five runs in a row, "
      "and a kill ends threads running on other CPUs", configs=("nsh_smp",))
def el0_threads_smp(t):
    with programs(t, "nsh_smp") as (m, _):
        out = m.command("for i in 1 2 3 4 5; do /host/threads basic; done", timeout=300)
        check(out.count("basic ok") == 5, "five runs: %s" % out)
        out = m.command("/host/threads exit; echo status=$?", timeout=60)
        check_match(r"^status=7$", out, "exit() with threads on other CPUs")
        no_threads_left(m, "after exit()")


def libc_ok(m, runs=1):
    """libctest on the user C library: every check passes, status 0."""
    out = m.command("for i in %s; do /host/libctest /host; echo status=$?; done"
                    % " ".join(str(i) for i in range(runs)), timeout=300 * runs)
    results = re.findall(r"^libctest: (\d+) passed, (\d+) failed$", out, re.M)
    check(len(results) == runs and all(f == "0" and int(p) >= 50 for p, f in results),
          "libctest: %s" % out)
    check(out.count("status=0") == runs, "libctest status: %s" % out)


@test("issue 15: the user C library (libc/user/) at EL0: picolibc's stdio on "
      "files and the console, malloc over sbrk, the environment, getopt, "
      "clocks and sleeps, directories (readdir), and POSIX threads over "
      "thread_create and futexes: mutex types and errors, timed locks, condition "
      "variables, semaphores, once, keys with destructors, barriers, detached "
      "threads unmapping their stacks, cancellation with cleanup, robust "
      "mutexes, pthread_kill to a thread just created (its handler never runs "
      "in the kernel); five runs leak nothing")
def el0_libc(t):
    with programs(t) as (m, _):
        libc_ok(m)
        line = "i=x; for i in 0 1 2 3 4; do /host/libctest /host >/dev/null; done; sleep 1; free"
        first = mem_used(m.command(line, timeout=600))
        second = mem_used(m.command(line, timeout=600))
        check(len(first) == 1 and len(second) == 1 and second[0] <= first[0],
              "runs leak nothing: used %s, then %s" % (first, second))


@test("issue 15: the user C library's threads on nsh_smp (-smp 4): libctest "
      "passes three times with its threads on different CPUs",
      configs=("nsh_smp",), timeout=900)
def el0_libc_smp(t):
    with programs(t, "nsh_smp") as (m, _):
        libc_ok(m, runs=3)


def export_build(build, top):
    """make export's tarball, unpacked in top; its directory."""
    subprocess.run(["cmake", "--build", build, "--target", "export"], check=True,
                   stdout=subprocess.DEVNULL)
    tars = [f for f in os.listdir(build) if re.match(r"vireo-export-.*\.tar\.gz$", f)]
    check(len(tars) == 1, "one export tarball in %s: %s" % (build, tars))
    with tarfile.open(os.path.join(build, tars[0])) as tar:
        tar.extractall(top)
    return os.path.join(top, tars[0][:-len(".tar.gz")])


def cmake_project(src, toolchain):
    """Configures and builds a CMake project with the export's toolchain."""
    out = os.path.join(src, "build")
    for cmd in (["cmake", "-G", "Ninja", "-S", src, "-B", out,
                 "-DCMAKE_TOOLCHAIN_FILE=" + toolchain],
                ["cmake", "--build", out]):
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        check(r.returncode == 0, "%s: %s" % (" ".join(cmd), r.stdout[-2000:]))
    return out


@test("issue 15: make export: the tarball holds the headers, the user C library, "
      "start-up code, linker script, a CMake toolchain file and an example; "
      "outside the tree its example and libctest (a copy of the source) build "
      "with that toolchain alone and run from hostfs on nsh and on knsh, the "
      "kernel build", configs=("nsh", "knsh"))
def export_program(t):
    build = t.build("nsh")
    top = tempfile.mkdtemp(prefix="vireo-export-")
    try:
        exp = export_build(build, top)
        for f in ("include/pthread.h", "include/generated/syscalls.h", "lib/libvireo.a",
                  "lib/crt0.o", "lib/user.ld", "toolchain.cmake", "README.md",
                  "hello/CMakeLists.txt"):
            check(os.path.exists(os.path.join(exp, f)), "export has %s" % f)
        check(not os.path.exists(os.path.join(exp, "include/vireo/thread.h")),
              "the kernel's headers stay out of the export")
        toolchain = os.path.join(exp, "toolchain.cmake")
        hello = cmake_project(os.path.join(exp, "hello"), toolchain)
        lt = os.path.join(top, "libctest")
        os.makedirs(lt)
        shutil.copy(os.path.join(os.path.dirname(__file__), "..", "..", "apps",
                                 "elfprogs", "libctest.c"), lt)
        write(os.path.join(lt, "CMakeLists.txt"),
              b"cmake_minimum_required(VERSION 3.20)\nproject(lt C)\n"
              b"add_executable(libctest libctest.c)\n")
        lt_out = cmake_project(lt, toolchain)
        run = os.path.join(top, "run")
        os.makedirs(run)
        shutil.copy(os.path.join(hello, "hello"), run)
        shutil.copy(os.path.join(lt_out, "libctest"), run)
        for config in ("nsh", "knsh"):
            if config == "nsh":
                m = t.boot("nsh", overrides=[SEMIHOSTING])
            else:	# the board line as written: it has -semihosting
                m = t.machine("knsh", verbatim=True)
                m.boot()
            m.command("mkdir /host; mount -t hostfs -o fs=%s /host" % run)
            out = m.command("/host/hello; echo status=$?", timeout=60)
            check_match(r"^hello from /host/hello, pid \d+, on Vireo [\d.]+: 42$",
                        out, "%s: hello from the export: %s" % (config, out))
            check_match(r"^status=0$", out, "%s: hello status" % config)
            libc_ok(m)
            m.kill()	# one emulator at a time
    finally:
        shutil.rmtree(top, ignore_errors=True)


@test("issue 15: sockets from EL0 over loopback: UDP to itself with the "
      "sender's address, TCP connect/accept/send/recv, names, SO_TYPE, "
      "SO_RCVTIMEO, shutdown; kernel addresses EFAULT, the console ENOTSOCK; "
      "ten runs leak nothing")
def el0_sockets(t):
    with programs(t) as (m, _):
        out = m.command("/host/socktest; echo status=$?", timeout=120)
        check_match(r"^sockets ok$", out, "socktest: %s" % out)
        check_match(r"^status=0$", out, "socktest: status")
        line = ("i=x; for i in 0 1 2 3 4; do /host/socktest >/dev/null; done; "
                "sleep 1; free")
        first = mem_used(m.command(line, timeout=600))
        second = mem_used(m.command(line, timeout=600))
        check(len(first) == 1 and len(second) == 1 and second[0] <= first[0],
              "runs leak nothing: used %s, then %s" % (first, second))


@test("issue 15: sbrk and anonymous mmap/munmap at EL0: zeroed, usable memory; "
      "bad arguments and huge sizes refused (EINVAL, ENOTSUP, ENOMEM); a touch "
      "after munmap is SIGSEGV; /proc/<pid>/maps shows heap and anon regions; "
      "20 runs leak nothing")
def el0_memory(t):
    with programs(t) as (m, _):
        for mode in ("sbrk", "mmap"):
            out = m.command("/host/memtest %s; echo status=$?" % mode, timeout=60)
            check_match(r"^%s ok$" % mode, out, "memtest %s: %s" % (mode, out))
            check_match(r"^status=0$", out, "memtest %s: status" % mode)
        out = m.command("/host/memtest touch; echo status=$?", timeout=60)
        check_in("touching after munmap", out, "memtest touch ran")
        check_in("killed by signal 11", out, "touch after munmap: SIGSEGV (%s)" % out)
        check_match(r"^status=139$", out, "touch: status")
        survives(m, "memtest touch")
        out = m.command("/host/memtest maps &")
        wait_for(m, out, r"mapped$")
        out = m.command("cat /proc/$!/maps")
        lines = regions(out)
        kinds = [(p, k) for _, _, p, k in lines]
        check(("rw--", "heap") in kinds, "a heap region: %s" % out)
        check(kinds.count(("rw--", "anon")) == 1 and kinds.count(("r---", "anon")) == 1,
              "two anon regions: %s" % out)
        heap = [l for l in lines if l[3] == "heap"][0]
        check(int(heap[1], 16) - int(heap[0], 16) == 5 * 4096, "heap of 5 pages: %s" % out)
        anon = [l for l in lines if l[3] == "anon"]
        check(anon[0][0] == "090000000000", "anon at USER_MMAP_BASE: %s" % out)
        m.command("kill $!")
        line = ("i=x; free; for i in 0 1 2 3 4 5 6 7 8 9; do /host/memtest sbrk >/dev/null; "
                "/host/memtest mmap >/dev/null; done; sleep 1; free")
        out = m.command(line, timeout=600)
        used = mem_used(out)
        check(len(used) == 2 and used[1] <= used[0], "20 runs: used %s" % used)
