# SPDX-License-Identifier: BSD-2-Clause
"""GDB commands that know Vireo: its threads, tasks, locks, heap, log, files.

QEMU's gdb stub shows CPUs; these commands read the kernel's own lists from
the memory of the halted system.  Every field is found through the image's
debug information (types, member offsets, enumerators), never through numbers
written here, so the commands follow the kernel's structures as they change;
a symbol or member they need that the image lacks stops the command with a
message naming it.  Loaded by `make debug` and `make gdb`, or by hand:

    (gdb) source tools/gdb/vireo.py

  vireo threads        every thread: id, name, task, state, base and effective
                       priority, CPU (running, or in parentheses the last one),
                       what it waits on
  vireo thread [ID]    the saved registers of thread ID become the selected
                       CPU's (bt, frame, info registers show that thread); a
                       running thread selects its CPU instead; no ID: back to
                       the CPU's own registers.  Any resume (continue, step,
                       detach, quit...) puts the CPU's registers back first.
  vireo ps             tasks
  vireo dmesg          the kernel log ring
  vireo heap           totals, largest free block, and a walk of every block
                       that reports corruption
  vireo mounts         the mount table
  vireo fds PID        the descriptors of task PID
  vireo locks          mutexes waited on or owned (PI, PP, robust), with their
                       owners and waiters, and any wait-for cycle (deadlock)
"""
import struct

import gdb


class VireoError(Exception):
    """A command cannot go on; the message says why."""


# ---- symbols and types from the debug information -------------------------

def lookup_type(name):
    try:
        return gdb.lookup_type(name)
    except gdb.error:
        raise VireoError("type '%s' is not in the image's debug information "
                         "(vireo.py needs it; was the image built with -g?)" % name)


def var(name, file=None):
    """The global variable name, or the file-static one defined in file."""
    if file is None:
        sym = gdb.lookup_global_symbol(name)
        if sym is not None:
            return sym.value()
    for sym in gdb.lookup_static_symbols(name):
        if file is None or sym.symtab.filename.endswith("/" + file):
            return sym.value()
    raise VireoError("symbol '%s'%s is not in the image (vireo.py needs it)"
                     % (name, " of " + file if file else ""))


def member_offset(type_name, path):
    """offsetof(type_name, path), path like 'not_empty.wq'."""
    t, off = lookup_type(type_name), 0
    for part in path.split("."):
        field = next((f for f in t.strip_typedefs().fields() if f.name == part), None)
        if field is None:
            raise VireoError("%s has no member '%s' (vireo.py needs it)" % (type_name, path))
        off += field.bitpos // 8
        t = field.type
    return off


def container_of(addr, type_name, path):
    """The type_name object whose member path lies at address addr."""
    ptr = gdb.Value(int(addr) - member_offset(type_name, path))
    return ptr.cast(lookup_type(type_name).pointer()).dereference()


def enum_name(type_name, value):
    for f in lookup_type(type_name).fields():
        if f.enumval == int(value):
            return f.name
    return str(int(value))


def enum_value(type_name, name):
    for f in lookup_type(type_name).fields():
        if f.name == name:
            return f.enumval
    raise VireoError("%s has no enumerator %s (vireo.py needs it)" % (type_name, name))


# A corrupt list must not loop for ever.
LIST_LIMIT = 100000


def list_items(head, type_name, member):
    """The type_name entries of the circular list head, linked by member."""
    head_addr = int(head.address)
    off = member_offset(type_name, member)
    ptr_type = lookup_type(type_name).pointer()
    node = head["next"]
    for _ in range(LIST_LIMIT):
        if int(node) == head_addr:
            return
        if int(node) == 0:
            raise VireoError("list at 0x%x is broken (NULL link)" % head_addr)
        yield gdb.Value(int(node) - off).cast(ptr_type).dereference()
        node = node["next"]
    raise VireoError("list at 0x%x does not end (corrupt?)" % head_addr)


def where(addr):
    """addr with the symbol it lies in, when it is in one."""
    text = gdb.execute("info symbol 0x%x" % int(addr), to_string=True)
    if text.startswith("No symbol"):
        return "0x%x" % int(addr)
    return "0x%x <%s>" % (int(addr), text.split(" in section")[0].replace(" ", ""))


def cstr(array):
    return array.string(errors="replace").split("\0")[0]


# ---- threads, tasks and CPUs ----------------------------------------------

def all_threads():
    return list(list_items(var("all_threads", "thread.c"), "struct thread", "all_node"))


def all_tasks():
    return list(list_items(var("all_tasks", "task.c"), "struct task", "all_node"))


def find_thread(tid):
    for t in all_threads():
        if int(t["tid"]) == tid:
            return t
    raise VireoError("no thread %d (vireo threads lists them)" % tid)


def online_cpus():
    """(index, struct cpu) of every online CPU."""
    cpus = var("cpus")
    lo, hi = cpus.type.range()
    return [(i, cpus[i]) for i in range(lo, hi + 1) if cpus[i]["online"]]


def running_cpu(t):
    """The CPU index t runs on now, or None."""
    for i, c in online_cpus():
        if int(c["current"]) == int(t.address):
            return i
    return None


def state_name(t):
    return enum_name("enum thread_state", t["state"]).replace("THREAD_", "").lower()


def thread_label(addr):
    """'tid name' of the thread at addr."""
    t = gdb.Value(int(addr)).cast(lookup_type("struct thread").pointer()).dereference()
    return "%d %s" % (int(t["tid"]), cstr(t["name"]))


def clock_seen_ns():
    """The latest monotonic time the kernel wrote down: when a CPU began to
    idle or switched its thread in.  The counter itself (CNTVCT_EL0) is not
    readable through QEMU's gdb stub, so times left are counted from this
    reading, which an idle (tickless) system does not renew."""
    seen = 0
    for _, c in online_cpus():
        seen = max(seen, int(c["idle_since_ns"]), int(c["current"]["run_start_ns"]))
    return seen


def seconds(ns):
    return "%.3f s" % (ns / 1e9)


def time_left(deadline_ns):
    seen = clock_seen_ns()
    return "until %s, %s left as of %s" % (seconds(deadline_ns),
                                           seconds(max(0, deadline_ns - seen)), seconds(seen))


# ---- what a blocked thread waits on (enum wait_kind of its queue) ---------

def wait_sem(wq):
    s = container_of(wq, "struct ksem", "wq")
    # count -1: no units, waited on (kernel/sem.c)
    return "semaphore %s (count %d)" % (where(s.address), max(int(s["count"]), 0))


def owner_address(m):
    """The owner word without its bit 0 (set while threads wait)."""
    return int(m["owner"]) & ~1


def mutex_owner(m):
    owner = owner_address(m)
    if owner == 0:
        return "nobody"
    if owner == 2:		# mutex.c's OWNER_GONE, a non-pointer marker
        return "an exited thread"
    return "thread " + thread_label(owner)


def wait_mutex(wq):
    m = container_of(wq, "struct kmutex", "wq")
    return "mutex %s owned by %s" % (where(m.address), mutex_owner(m))


def wait_cond(wq):
    return "condition %s" % where(container_of(wq, "struct kcond", "wq").address)


def wait_mq(wq, path, what):
    q = container_of(wq, "struct kmq", path)
    return "message queue %s (%s, %d/%d messages)" % (
        cstr(q["name"]), what, int(q["curmsgs"]), int(q["maxmsg"]))


def wait_sleep(wq):
    s = container_of(wq, "struct sleeper", "wq")
    return "sleep, " + time_left(int(s["timer"]["deadline_ns"]))


def wait_join(wq):
    for t in all_threads():
        if int(t["join_wq"].address) == int(wq):  # embedded in the thread
            return "join of thread %d %s" % (int(t["tid"]), cstr(t["name"]))
    return "join (thread gone)"


def wait_child(wq):
    task = container_of(wq, "struct task", "child_wq")
    return "waitpid for a child of task %d" % int(task["pid"])


WAITS = {
    "WAIT_SEM": wait_sem,
    "WAIT_MUTEX": wait_mutex,
    "WAIT_COND": wait_cond,
    "WAIT_MQ_RECEIVE": lambda wq: wait_mq(wq, "not_empty.wq", "receive"),
    "WAIT_MQ_SEND": lambda wq: wait_mq(wq, "not_full.wq", "send"),
    "WAIT_SLEEP": wait_sleep,
    "WAIT_JOIN": wait_join,
    "WAIT_CHILD": wait_child,
    "WAIT_SIGNAL": lambda wq: "signal (sigwait/sigsuspend)",
    "WAIT_IO": lambda wq: "I/O " + where(wq),
    "WAIT_OTHER": lambda wq: "queue " + where(wq),
}


def wait_text(t):
    if state_name(t) != "blocked":
        return ""
    wq = t["waiting_on"]
    if int(wq) == 0:
        return "-"
    kind = enum_name("enum wait_kind", wq["kind"])
    text = WAITS.get(kind, WAITS["WAIT_OTHER"])(wq)
    timeout = t["timeout"]
    if timeout["armed"]:
        text += "; timeout " + time_left(int(timeout["deadline_ns"]))
    return text


def waited_mutex(t):
    """The struct kmutex t is blocked on, or None."""
    wq = t["waiting_on"]
    if state_name(t) != "blocked" or int(wq) == 0 or \
            int(wq["kind"]) != enum_value("enum wait_kind", "WAIT_MUTEX"):
        return None
    return container_of(wq, "struct kmutex", "wq")


# ---- vireo thread: a switched-out thread's registers on a CPU -------------

# What struct arch_context keeps (x19_x28, fp, lr, sp), and pc: a thread
# resumes at lr, where arch_context_switch() returns to when it is
# switched back in.
VIEW_REGS = ["x%d" % i for i in range(19, 29)] + ["x29", "x30", "sp", "pc"]


class ThreadView:
    """The CPU registers replaced by a thread's saved context, to put back."""

    def __init__(self):
        self.gdb_thread = None	# the CPU (gdb thread) whose registers changed
        self.saved = None	# its own registers
        self.tid = None

    def active(self):
        return self.gdb_thread is not None

    def show(self, t):
        self.restore()
        frame = gdb.newest_frame()
        saved = {r: int(frame.read_register(r)) for r in VIEW_REGS}
        ctx = t["ctx"]
        values = [int(v) for v in array_items(ctx["x19_x28"])]
        values += [int(ctx["fp"]), int(ctx["lr"]), int(ctx["sp"]), int(ctx["lr"])]
        self.gdb_thread, self.saved, self.tid = gdb.selected_thread(), saved, int(t["tid"])
        write_registers(dict(zip(VIEW_REGS, values)))

    def restore(self, why=None):
        """Puts the CPU's own registers back; true if there was a view."""
        if not self.active():
            return False
        gdb_thread, saved = self.gdb_thread, self.saved
        self.gdb_thread = self.saved = self.tid = None
        if not gdb_thread.is_valid():
            return False
        current = gdb.selected_thread()
        if current != gdb_thread:
            gdb_thread.switch()
        write_registers(saved)
        if current is not None and current != gdb_thread and current.is_valid():
            current.switch()
        if why:
            print("vireo: CPU registers restored (%s)" % why)
        return True

    def forget(self, _event=None):
        """The target is gone: nothing to restore."""
        self.gdb_thread = self.saved = self.tid = None


def array_items(value):
    lo, hi = value.type.range()
    return [value[i] for i in range(lo, hi + 1)]


def write_registers(regs):
    gdb.newest_frame().select()
    for name, value in regs.items():
        gdb.execute("set $%s = 0x%x" % (name, value), to_string=True)


VIEW = ThreadView()


def gdb_thread_of_cpu(index):
    """The gdb thread (QEMU vCPU) running CPU index: the one whose
    TPIDR_EL1 points at cpus[index] (arch_this_cpu())."""
    want = int(var("cpus")[index].address)
    current = gdb.selected_thread()
    try:
        for th in gdb.selected_inferior().threads():
            th.switch()
            if int(gdb.newest_frame().read_register("TPIDR_EL1")) == want:
                return th
    finally:
        current.switch()
    raise VireoError("no gdb thread has TPIDR_EL1 = &cpus[%d]" % index)


# ---- commands ---------------------------------------------------------------

class VireoCommand(gdb.Command):
    """Base: turns VireoError and gdb's errors into a plain gdb error
    naming the command, not a Python traceback."""

    TAKES_ARG = False

    def __init__(self, name, complete=gdb.COMPLETE_NONE):
        super().__init__("vireo " + name, gdb.COMMAND_USER, complete)
        self.name = name

    def invoke(self, arg, from_tty):
        if arg.strip() and not self.TAKES_ARG:
            raise gdb.GdbError("vireo %s takes no argument" % self.name)
        try:
            self.run(arg.strip())
        except VireoError as e:
            raise gdb.GdbError("vireo: %s" % e)
        except gdb.MemoryError as e:
            raise gdb.GdbError("vireo %s: cannot read target memory: %s" % (self.name, e))
        except gdb.error as e:	# a member the kernel no longer has, ...
            raise gdb.GdbError("vireo %s: %s" % (self.name, e))


class Vireo(gdb.Command):
    """Commands that know Vireo's threads and kernel state (help vireo)."""

    def __init__(self):
        super().__init__("vireo", gdb.COMMAND_USER, gdb.COMPLETE_COMMAND, prefix=True)


class Threads(VireoCommand):
    """vireo threads: every thread, its state and what it waits on.
CPU is the one a running thread runs on, in parentheses the last one
of a thread that is not running; '>' marks the thread `vireo thread`
shows."""

    def __init__(self):
        super().__init__("threads")

    def run(self, arg):
        print("  %4s %-15s %4s %-8s %-8s %4s %4s %4s  %s" % (
            "TID", "NAME", "PID", "TASK", "STATE", "BASE", "PRIO", "CPU", "WAIT"))
        for t in all_threads():
            task = t["task"]
            pid, tname = (int(task["pid"]), cstr(task["name"])) if int(task) else (-1, "-")
            cpu = running_cpu(t)
            cpu = str(cpu) if cpu is not None else "(%d)" % int(t["cpu"])
            mark = ">" if VIEW.tid == int(t["tid"]) else " "
            print("%s %4d %-15s %4d %-8s %-8s %4d %4d %4s  %s" % (
                mark, int(t["tid"]), cstr(t["name"]), pid, tname, state_name(t),
                int(t["base_prio"]), int(t["prio"]), cpu, wait_text(t)))


class Thread(VireoCommand):
    """vireo thread [ID]: show thread ID's saved registers on the selected CPU.
Then bt, frame, info registers and up/down show that thread.  A running
thread selects the CPU it runs on instead.  Without ID: the CPU's own
registers again.  Any resume puts them back first."""

    TAKES_ARG = True

    def __init__(self):
        super().__init__("thread")

    def run(self, arg):
        if not arg:
            if not VIEW.restore():
                print("vireo: the CPUs show their own registers")
            gdb.execute("frame")
            return
        try:
            tid = int(arg, 0)
        except ValueError:
            raise VireoError("usage: vireo thread [ID]")
        t = find_thread(tid)
        cpu = running_cpu(t)
        if cpu is not None:
            VIEW.restore()
            gdb_thread_of_cpu(cpu).switch()
            print("vireo: thread %d %s runs on CPU %d (gdb thread %d)" % (
                tid, cstr(t["name"]), cpu, gdb.selected_thread().num))
        else:
            VIEW.show(t)
            print("vireo: thread %d %s (%s), its saved registers on gdb thread %d; "
                  "`vireo thread` restores" % (tid, cstr(t["name"]), state_name(t),
                                               gdb.selected_thread().num))
        gdb.execute("frame")


class Ps(VireoCommand):
    """vireo ps: every task (process)."""

    def __init__(self):
        super().__init__("ps")

    def run(self, arg):
        print("%5s %5s %7s %-8s %-15s %s" % ("PID", "PPID", "THREADS", "STATE", "NAME", "CWD"))
        for task in all_tasks():
            state = "zombie" if task["zombie"] else "exiting" if task["exiting"] else "alive"
            parent = task["parent"]
            print("%5d %5d %7d %-8s %-15s %s" % (
                int(task["pid"]), int(parent["pid"]) if int(parent) else 0,
                int(task["nr_threads"]), state, cstr(task["name"]), cstr(task["cwd"])))


def read_bytes(addr, length):
    return bytes(gdb.selected_inferior().read_memory(addr, length))


class Dmesg(VireoCommand):
    """vireo dmesg: the kernel log ring buffer, oldest line first."""

    def __init__(self):
        super().__init__("dmesg")

    def run(self, arg):
        ring = var("klog_ring", "klog.c")
        buf, size = int(ring["buf"]), int(ring["size"])
        head, tail = int(ring["head"]), int(ring["tail"])
        used = head - tail
        if size == 0 or used < 0 or used > size:
            raise VireoError("klog_ring looks corrupt (size %d, head %d, tail %d)"
                             % (size, head, tail))
        start = tail % size
        first = min(used, size - start)
        data = read_bytes(buf + start, first) + read_bytes(buf, used - first)
        gdb.write(data.decode("utf-8", "replace"))


class Heap(VireoCommand):
    """vireo heap: totals, largest free block, and a walk of every block.
The walk follows each region block by block (links, magics, no two
free neighbours) and the free lists, and reports what is inconsistent."""

    def __init__(self):
        super().__init__("heap")

    def run(self, arg):
        h = var("kheap", "malloc.c")
        walk = HeapWalk(h)
        print("heap: %d bytes in %d regions, used %d in %d blocks (headers included)" % (
            int(h["total"]), walk.regions, int(h["used"]), int(h["nr_used"])))
        print("heap: free %d in %d blocks, largest free block %d" % (
            walk.free, walk.nr_free, walk.largest))
        for problem in walk.problems:
            print("heap: CORRUPT: " + problem)
        print("heap: %s" % ("%d problems" % len(walk.problems) if walk.problems else "consistent"))


class HeapWalk:
    """What mm/heap.c's heap_check() verifies, from the debugger."""

    def __init__(self, h):
        self.hdr = member_offset("struct heap_block", "next_free")
        self.min_payload = lookup_type("struct heap_block").sizeof - self.hdr
        self.shift = enum_value("enum heap_magic", "MAGIC_SHIFT")
        self.used_magic = enum_value("enum heap_magic", "MAGIC_USED")
        # A task's own block (mm/malloc.c) is in use as well.
        self.tagged_magic = enum_value("enum heap_magic", "MAGIC_TAGGED")
        self.free_magic = enum_value("enum heap_magic", "MAGIC_FREE")
        self.region_size = lookup_type("struct heap_region").sizeof
        self.problems, self.free_blocks = [], set()
        self.regions = self.free = self.nr_free = self.largest = 0
        used, nr_used = 0, 0
        r = int(h["regions"])
        while r and self.regions < LIST_LIMIT:
            u, n = self.region(r)
            used, nr_used = used + u, nr_used + n
            self.regions += 1
            r = struct.unpack("<Q", read_bytes(r, 8))[0]
        if used != int(h["used"]) or nr_used != int(h["nr_used"]):
            self.problems.append("blocks hold %d bytes in %d used blocks, the heap counts "
                                 "%d in %d" % (used, nr_used, int(h["used"]), int(h["nr_used"])))
        self.lists(h)

    def block(self, b):
        prev, info = struct.unpack("<QQ", read_bytes(b, 16))
        return prev, info & ((1 << self.shift) - 1), info >> self.shift

    def region(self, r):
        sentinel = int(gdb.Value(r).cast(lookup_type("struct heap_region").pointer())["sentinel"])
        b, prev, prev_free = r + self.region_size, 0, False
        used = nr_used = 0
        while True:
            if b > sentinel:
                self.problems.append("region 0x%x: block 0x%x runs past the sentinel 0x%x"
                                     % (r, b, sentinel))
                return used, nr_used
            prev_phys, size, magic = self.block(b)
            if prev_phys != prev:
                self.problems.append("block 0x%x: prev_phys 0x%x, expected 0x%x (header "
                                     "overwritten?)" % (b, prev_phys, prev))
            if b == sentinel:
                if size or magic != self.used_magic:
                    self.problems.append("region 0x%x: sentinel 0x%x overwritten" % (r, b))
                return used, nr_used
            if magic == self.free_magic:
                if prev_free:
                    self.problems.append("block 0x%x: free next to a free block (missed "
                                         "merge)" % b)
                self.free_blocks.add(b)
                self.free += size
                self.nr_free += 1
                self.largest = max(self.largest, size)
            elif magic in (self.used_magic, self.tagged_magic):
                used += self.hdr + size
                nr_used += 1
            else:
                self.problems.append("block 0x%x: bad magic 0x%x (overwritten); walk of "
                                     "region 0x%x stops" % (b, magic, r))
                return used, nr_used
            if size < self.min_payload:
                self.problems.append("block 0x%x: size %d below the minimum" % (b, size))
                return used, nr_used
            prev, prev_free = b, magic == self.free_magic
            b += self.hdr + size

    def lists(self, h):
        listed = set()
        for row in array_items(h["free_lists"]):
            for head in array_items(row):
                b, prev = int(head), 0
                while b and len(listed) <= len(self.free_blocks):
                    if b not in self.free_blocks:
                        self.problems.append("free list holds 0x%x, not a free block" % b)
                        break
                    listed.add(b)
                    blk = gdb.Value(b).cast(lookup_type("struct heap_block").pointer())
                    if int(blk["prev_free"]) != prev:
                        self.problems.append("free block 0x%x: prev_free 0x%x, expected "
                                             "0x%x" % (b, int(blk["prev_free"]), prev))
                    prev, b = b, int(blk["next_free"])
        for b in sorted(self.free_blocks - listed):
            self.problems.append("free block 0x%x is on no free list" % b)


class Mounts(VireoCommand):
    """vireo mounts: the mount table."""

    def __init__(self):
        super().__init__("mounts")

    def run(self, arg):
        print("%-20s %-8s %-12s %6s %4s" % ("PATH", "TYPE", "SOURCE", "FLAGS", "BUSY"))
        for m in list_items(var("mounts", "mount.c"), "struct mount", "link"):
            print("%-20s %-8s %-12s %#6x %4d" % (
                cstr(m["path"]), m["type"]["name"].string(), cstr(m["source"]),
                int(m["flags"]), int(m["busy"])))


class Fds(VireoCommand):
    """vireo fds PID: the open descriptors of task PID."""

    TAKES_ARG = True

    def __init__(self):
        super().__init__("fds")

    def run(self, arg):
        try:
            pid = int(arg, 0)
        except ValueError:
            raise VireoError("usage: vireo fds PID")
        task = next((t for t in all_tasks() if int(t["pid"]) == pid), None)
        if task is None:
            raise VireoError("no task %d (vireo ps lists them)" % pid)
        table = task["fds"]
        if int(table) == 0:
            print("task %d has no descriptor table" % pid)
            return
        cloexec = int(table["cloexec"])
        print("%3s %-8s %8s %4s %-30s %s" % ("FD", "FLAGS", "POS", "REFS", "OPS", "VNODE"))
        for fd, f in enumerate(array_items(table["files"])):
            if int(f) == 0:
                continue
            f = f.dereference()
            vn = f["vn"]
            vnode = "%s ino %d" % (cstr(vn["mnt"]["path"]), int(vn["ino"])) if int(vn) else "-"
            print("%3d %#8o %8d %4d %-30s %s%s" % (
                fd, int(f["flags"]), int(f["pos"]), int(f["refs"]), where(f["ops"]),
                vnode, " cloexec" if cloexec >> fd & 1 else ""))


class Locks(VireoCommand):
    """vireo locks: mutexes with owners and waiters, and wait-for cycles.
The kernel keeps no list of all mutexes: those shown are the ones a
thread waits on and the owned PI, PP and robust ones (mutex.c's list)."""

    def __init__(self):
        super().__init__("locks")

    def run(self, arg):
        threads = all_threads()
        mutexes = {}
        for t in threads:
            m = waited_mutex(t)
            if m is not None:
                mutexes[int(m.address)] = m
        for m in list_items(var("tracked_mutexes", "mutex.c"), "struct kmutex", "tracked"):
            mutexes[int(m.address)] = m
        print("%-36s %-24s %s" % ("MUTEX", "OWNER", "WAITERS"))
        for addr in sorted(mutexes):
            m = mutexes[addr]
            waiters = ", ".join(thread_label(w.address) for w in
                                list_items(m["wq"]["waiters"], "struct thread", "sched_node"))
            print("%-36s %-24s %s" % (where(addr), mutex_owner(m).replace("thread ", ""),
                                      waiters or "-"))
        cycles = wait_cycles(threads)
        for cycle in cycles:
            print("deadlock: " + cycle)
        if not cycles:
            print("no wait-for cycle among the threads blocked on mutexes")


def wait_cycles(threads):
    """Each cycle of 'blocked on a mutex owned by' among threads, as text."""
    waits = {}	# thread address -> (mutex address, owner address)
    for t in threads:
        m = waited_mutex(t)
        if m is not None:
            waits[int(t.address)] = (int(m.address), owner_address(m))
    cycles, seen = [], set()
    for start in waits:
        chain, t = [], start
        while t in waits and t not in chain and t not in seen:
            chain.append(t)
            t = waits[t][1]
        seen.update(chain)
        if t in chain:
            loop = chain[chain.index(t):]
            text = "thread %s waits for mutex %s" % (thread_label(loop[0]), where(waits[loop[0]][0]))
            for x in loop[1:]:
                text += " held by thread %s, which waits for mutex %s" % (
                    thread_label(x), where(waits[x][0]))
            cycles.append(text + " held by thread " + thread_label(loop[0]))
    return cycles


# ---- the CPUs' own registers go back before the target runs ---------------

def on_resume(event):
    """gdb.events.cont fires in proceed() before the target is resumed
    (the registers can still be written): the safety net for every resume
    the hooks below do not cover (MI, Python)."""
    VIEW.restore("the target resumes")


def install():
    Vireo()
    for cmd in (Threads, Thread, ThreadRestore, Ps, Dmesg, Heap, Mounts, Fds, Locks):
        cmd()
    # Stepping commands plan their steps from the frame they start in:
    # give them the CPU's own frame.  detach resumes QEMU and disconnect
    # leaves it with whatever registers it has: neither goes through
    # gdb.events.cont.  (These replace any user hooks of the same names.)
    for name in ("step", "next", "stepi", "nexti", "finish", "until", "advance",
                 "jump", "continue", "detach", "disconnect"):
        gdb.execute("define hook-%s\nvireo thread-restore\nend" % name, to_string=True)
    gdb.events.cont.connect(on_resume)
    gdb.events.exited.connect(VIEW.forget)
    gdb.events.gdb_exiting.connect(lambda event: VIEW.restore())


class ThreadRestore(VireoCommand):
    """vireo thread-restore: the CPU's own registers again, silently (hooks)."""

    def __init__(self):
        super().__init__("thread-restore")

    def run(self, arg):
        VIEW.restore()


install()
