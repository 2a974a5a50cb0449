# SPDX-License-Identifier: BSD-2-Clause
"""Issue 17, the GDB extension (tools/gdb/vireo.py): QEMU started halted with
a gdb stub (-S, on a free port rather than -s's 1234, so parallel runners do
not collide), booted by a first gdb that detaches; `gdbdemo` leaves threads
blocked on a semaphore, a PI mutex held by a sleeping thread, a condition, a
message queue and a two-mutex deadlock; a second gdb in batch mode stops the
system and checks `vireo threads` (every thread ps lists, its state, priorities
and wait object), the backtrace of the semaphore waiter through
`vireo thread ID`, the deadlock cycle of `vireo locks`, ps, heap (and a
corruption it must report), dmesg, mounts and fds.  When gdb quits, the CPU
must have its own registers back: the shell still answers.
"""
import os
import re
import signal
import subprocess

import qemu
from harness import PROMPT_RE, TestFailure, check, check_in, check_match, free_port, scaled, test

# How long gdbdemo keeps its threads blocked: guest time, which stands still
# while gdb has the system stopped, so it only has to cover gdb's start.
DEMO_SECONDS = 30
ROLES = ("gd_semwait", "gd_holder", "gd_mutexwait", "gd_condwait", "gd_mqrecv",
         "gd_lock_ab", "gd_lock_ba")
MARK = "=== "	# separates the output of each command of a gdb session


def run_gdb(image, port, commands, timeout=120):
    """Output of one gdb-multiarch batch session on QEMU's stub; gdb is
    killed when it overruns."""
    argv = ["gdb-multiarch", "-nx", "-batch", "-ex", "set pagination off",
            "-ex", "set width 0", "-ex", "target remote 127.0.0.1:%d" % port,
            "-ex", "source " + qemu.GDB_EXTENSION]
    for c in commands:
        argv += ["-ex", "echo \\n%s%s\\n" % (MARK, c), "-ex", c]
    gdb = subprocess.Popen(argv + [image], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        out, _ = gdb.communicate(timeout=scaled(timeout))
    except subprocess.TimeoutExpired:
        raise TestFailure("gdb did not finish in %d s" % scaled(timeout))
    finally:
        if gdb.poll() is None:
            os.killpg(gdb.pid, signal.SIGKILL)
            gdb.wait()
    check(gdb.returncode == 0, "gdb exited with %s:\n%s" % (gdb.returncode, out[-3000:]))
    return out


def outputs(out, commands):
    """{command: its output} of a run_gdb() session; the Nth run of a
    command given more than once is named 'command #N'."""
    parts = [p.partition("\n")[2] for p in out.split("\n" + MARK)[1:]]
    check(len(parts) == len(commands), "gdb ran %d of %d commands:\n%s" % (
        len(parts), len(commands), out[-3000:]))
    named = {}
    for i, (c, text) in enumerate(zip(commands, parts)):
        n = commands[:i].count(c) + 1
        named[c if n == 1 else "%s #%d" % (c, n)] = text
    return named


def start_demo(t, config, cpus):
    """QEMU halted on a gdb port, booted, gdbdemo blocked in the foreground:
    (machine, port, {role: tid}, the tids ps listed before gdbdemo)."""
    port = free_port()
    m = t.machine(config, ("S", "smp=%d" % cpus), ("-gdb", "tcp:127.0.0.1:%d" % port))
    check(qemu._wait_listening(m.proc, port, scaled(30)), "QEMU's gdb port never opened")
    run_gdb(t.image(config), port, ["detach"])
    m.boot()
    ps = m.command("ps")
    tids = {"before": {int(x) for x in re.findall(r"^\s*(\d+)\s+\d+\s+\d+ ", ps, re.M)}}
    idle = re.search(r"^\s*(\d+)\s+%d .* idle%d$" % (cpus - 1, cpus - 1), ps, re.M)
    tids["idle_last"] = int(idle.group(1)) if idle else None
    m.sendline("gdbdemo %d" % scaled(DEMO_SECONDS))
    m.expect(r"^gdbdemo: ready", timeout=60)
    for role in ROLES:
        found = re.search(r"^gdbdemo: %s is thread (\d+)$" % role, m.text, re.M)
        check(found, "gdbdemo did not report %s" % role)
        tids[role] = int(found.group(1))
    return m, port, tids


def thread_rows(text):
    """{tid: (name, pid, state, base, prio, cpu, wait)} of `vireo threads`."""
    rows = {}
    for r in re.finditer(r"^[ >]\s*(\d+) (\S+)\s+(-?\d+) \S+\s+(\w+)\s+(\d+)\s+(\d+)\s+"
                         r"(\(?\d+\)?)  ?(.*)$", text, re.M):
        rows[int(r.group(1))] = (r.group(2), int(r.group(3)), r.group(4), int(r.group(5)),
                                 int(r.group(6)), r.group(7), r.group(8))
    return rows


def check_threads(text, tids, cpus):
    rows = thread_rows(text)
    check(tids["gd_semwait"] in rows, "vireo threads does not list gd_semwait:\n" + text)
    pid = rows[tids["gd_semwait"]][1]
    want = tids["before"] | {tids[r] for r in ROLES} | {pid}
    check(set(rows) == want, "vireo threads lists %s, expected %s:\n%s" % (
        sorted(rows), sorted(want), text))
    check(rows[pid][0] == "gdbdemo", "task %d's main thread: %s" % (pid, rows[pid]))
    expect = {
        "gd_semwait": r"semaphore 0x[0-9a-f]+ <demo\+\d+> \(count 0\); timeout until",
        "gd_holder": r"sleep, until [\d.]+ s, [\d.]+ s left as of",
        "gd_mutexwait": r"mutex 0x[0-9a-f]+ <demo\+\d+> owned by thread %d gd_holder"
                        % tids["gd_holder"],
        "gd_condwait": r"condition 0x[0-9a-f]+ <demo\+\d+>",
        "gd_mqrecv": r"message queue /gdbdemo \(receive, 0/4 messages\)",
        "gd_lock_ab": r"mutex .* owned by thread %d gd_lock_ba" % tids["gd_lock_ba"],
        "gd_lock_ba": r"mutex .* owned by thread %d gd_lock_ab" % tids["gd_lock_ab"],
    }
    for role, wait in expect.items():
        name, tpid, state, _, _, _, text_wait = rows[tids[role]]
        check((name, tpid, state) == (role, pid, "blocked"),
              "%s: %s" % (role, rows[tids[role]]))
        check_match(wait, text_wait, "wait of %s" % role)
    check_match(r"join of thread %d gd_semwait" % tids["gd_semwait"], rows[pid][6], "gdbdemo")
    check_match(r"waitpid for a child of task 1", rows[1][6], "nsh")
    holder, waiter = rows[tids["gd_holder"]], rows[tids["gd_mutexwait"]]
    check(holder[3] < holder[4] == waiter[4],
          "PI: holder base/effective %d/%d, waiter %d" % (holder[3], holder[4], waiter[4]))
    running = sorted(int(r[5]) for r in rows.values() if r[2] == "running")
    check(running == list(range(cpus)), "running threads on CPUs %s" % running)
    return pid


def check_backtrace(text, tid):
    check_match(r"^vireo: thread %d gd_semwait \(blocked\), its saved registers" % tid,
                text, "vireo thread")
    frames = re.findall(r"^#(\d+)\s+(?:0x[0-9a-f]+ in )?(\w+) \(", text, re.M)
    names = [f[1] for f in frames]
    check("sem_timedwait" in names and "sem_waiter" in names and
          names.index("sem_timedwait") < names.index("sem_waiter") and
          names[0].startswith("wait_block"),
          "backtrace of gd_semwait: %s\n%s" % (names, text))


def scenario(t, config, cpus):
    m, port, tids = start_demo(t, config, cpus)
    sem, idle_last = tids["gd_semwait"], tids["idle_last"]
    cmds = ["vireo threads", "vireo thread %d" % sem, "bt", "vireo thread", "bt 1",
            "vireo locks", "vireo ps", "vireo heap",
            "set $b = (unsigned long)kheap.regions + sizeof(struct heap_region)",
            "set $info = *(unsigned long *)($b + 8)",
            "set *(unsigned long *)($b + 8) = 0", "vireo heap",
            "set *(unsigned long *)($b + 8) = $info", "vireo heap",
            "vireo dmesg", "vireo mounts", "vireo fds 1"]
    if cpus > 1:
        check(idle_last is not None, "ps shows no idle%d on CPU %d" % (cpus - 1, cpus - 1))
        cmds.append("vireo thread %d" % idle_last)
    # Quit with a thread's registers shown: they must go back by themselves.
    cmds.append("vireo thread %d" % tids["gd_mutexwait"])
    out = run_gdb(t.image(config), port, cmds)
    s = outputs(out, cmds)
    pid = check_threads(s["vireo threads"], tids, cpus)
    check_backtrace(s["vireo thread %d" % sem] + s["bt"], sem)
    check_match(r"^#0\s+sched_idle_loop", s["bt 1"], "bt after `vireo thread`")
    check_match(r"^deadlock: thread (%(a)d gd_lock_ab|%(b)d gd_lock_ba) waits for mutex "
                r"0x\w+ <demo\+\d+> held by thread (%(a)d gd_lock_ab|%(b)d gd_lock_ba), "
                r"which waits for mutex 0x\w+ <demo\+\d+> held by thread \1$"
                % {"a": tids["gd_lock_ab"], "b": tids["gd_lock_ba"]}, s["vireo locks"], "locks")
    check(s["vireo locks"].count("deadlock:") == 1, "one cycle expected:\n" + s["vireo locks"])
    check_match(r"^\s*%d\s+1\s+8 alive\s+gdbdemo" % pid, s["vireo ps"], "vireo ps")
    check_match(r"^heap: free \d+ in \d+ blocks, largest free block [1-9]", s["vireo heap"],
                "vireo heap")
    check_match(r"^heap: consistent", s["vireo heap"], "vireo heap")
    check_match(r"^heap: CORRUPT: block 0x\w+: bad magic 0x0", s["vireo heap #2"],
                "vireo heap on a corrupted header")
    check_match(r"^heap: consistent", s["vireo heap #3"], "vireo heap, repaired")
    check_match(r"^\[\s*[\d.]+\] pl011: ttyS0", s["vireo dmesg"], "vireo dmesg")
    check_match(r"^/proc\s+procfs", s["vireo mounts"], "vireo mounts")
    check_match(r"^\s*1 .*<tty_file_ops>", s["vireo fds 1"], "vireo fds")
    if cpus > 1:
        check_match(r"^vireo: thread %d idle\S* runs on CPU %d \(gdb thread %d\)"
                    % (idle_last, cpus - 1, cpus), s["vireo thread %d" % idle_last], "SMP")
    check("Traceback" not in out and "Python Exception" not in out, "Python error:\n" + out)
    # Had the CPU kept the registers of a blocked thread, it would run
    # that thread's code a second time: the demo would not end cleanly.
    m.expect(r"^gdbdemo: done", timeout=DEMO_SECONDS + 60)
    m.expect(PROMPT_RE)
    check_in("alive", m.command("echo alive"), "shell after gdb quit")


@test("issue 17: on nsh, gdb's `vireo threads` lists every thread with the "
      "semaphore, mutex + owner, sleep, condition and message-queue waits of "
      "gdbdemo; `vireo thread ID` + bt shows the semaphore waiter blocked in "
      "sem_timedwait called by its thread function; `vireo locks` reports the "
      "two-mutex deadlock as one cycle; the CPU resumes with its own registers")
def gdb_threads_nsh(t):
    scenario(t, "nsh", 1)


@test("issue 17: the same on nsh_smp -smp 4: each CPU's running idle thread, "
      "`vireo thread` of a thread running on CPU 3 selects that CPU",
      configs=("nsh_smp",))
def gdb_threads_smp(t):
    scenario(t, "nsh_smp", 4)
