# SPDX-License-Identifier: BSD-2-Clause
"""In-target test harness: boot a configuration under QEMU and drive its shell.

Python 3 standard library only.  A Machine starts QEMU with the command line
of a configuration's qemu.args (through tools/qemu.py, with overrides), reads
the serial console from QEMU's stdout on a thread and writes keys to its stdin.
Waits are on output with deadlines, never fixed sleeps.  Every byte QEMU prints
goes to a log file in the build directory; the runner prints its tail when a
test fails.

Tests register with the @test decorator, naming the board-document line or the
behaviour they prove, and receive a Context that starts machines for them and
kills them all when the test ends, passes or not.
"""
import codecs
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tools"))
import qemu  # noqa: E402  (tools/qemu.py)

BOARD = "qemu-armv8a"
PROMPT = "nsh> "


def build_prompt(build):
    """The shell prompt the image in BUILD prints (CONFIG_NSH_PROMPT of its
    .config; "nsh> " when unset), as a regex anchored at a line start."""
    prompt = PROMPT
    try:
        with open(os.path.join(build, ".config")) as f:
            for line in f:
                m = re.match(r'CONFIG_NSH_PROMPT="(.*)"$', line.strip())
                if m:
                    prompt = m.group(1).replace('\\"', '"').replace("\\\\", "\\")
    except OSError:
        pass
    return "^" + re.escape(prompt)


def config_args_file(config):
    """The qemu.args of CONFIG: its board-document line, the one source of it."""
    return os.path.join(TOP, "boards", BOARD, "configs", config, "qemu.args")


# The QEMU for memory-tagging tests: Debian bookworm's QEMU 7.2 reports
# tag check faults on accesses whose tags match (its LDG/STG work), so
# tools/setup.sh fetches bookworm-backports' qemu-system-arm (10.0) into
# ~/.cache/vireo/qemu-bpo without installing it; VIREO_QEMU_MTE overrides.
QEMU_MTE_CACHED = os.path.expanduser(
    "~/.cache/vireo/qemu-bpo/root/usr/bin/qemu-system-aarch64")
QEMU_MTE = os.environ.get("VIREO_QEMU_MTE") or (
    QEMU_MTE_CACHED if os.access(QEMU_MTE_CACHED, os.X_OK) else "qemu-system-aarch64")

PROMPT_RE = r"^nsh> "
# The line printed once per boot just before the first prompt.
BANNER_RE = r"Vireo \S+ \S+:\S+, built \d{4}-"
PROMPT_GRACE = 10
CTRL_A = "\x01"

# Generous defaults: TCG on a busy two-core CI machine is slow.  Scale them
# all with VIREO_TEST_TIMEOUT_SCALE=2 on slower hosts.
TIMEOUT_SCALE = float(os.environ.get("VIREO_TEST_TIMEOUT_SCALE", "1"))
BOOT_TIMEOUT = 60
COMMAND_TIMEOUT = 30
EXIT_TIMEOUT = 30
TEST_TIMEOUT = 300


# A kernel log line as the console shows it: "[    1.234567] ...".
KLOG_LINE = re.compile(r"\[\s*\d+\.\d{6}\] [^\n]*\n")


class TestFailure(Exception):
    """A check failed; the message is the reason printed after FAIL."""


class MachineExited(TestFailure):
    """QEMU ended while the test still waited for output."""


class ExpectTimeout(TestFailure):
    """The expected output did not come in time."""


def scaled(seconds):
    return seconds * TIMEOUT_SCALE


# /proc/net/tcp states (include/net/tcp_states.h).
TCP_ESTABLISHED, TCP_CLOSE_WAIT, TCP_LISTEN = "01", "08", "0A"


def host_sockets(port, udp=False, states=None):
    """How many host sockets are bound to 127.0.0.1:PORT, from
    /proc/net/tcp or /proc/net/udp; with STATES only those in one of them."""
    want = "0100007F:%04X" % port
    with open("/proc/net/udp" if udp else "/proc/net/tcp") as f:
        rows = [line.split() for line in f.readlines()[1:]]
    return sum(1 for r in rows if r[1] == want and (states is None or r[3] in states))


def wait_until(cond, timeout, what, alive=None):
    """Polls COND until it holds; TestFailure naming WHAT after TIMEOUT
    seconds (unscaled: the caller scales), or at once when ALIVE() says
    the process that should bring it about has gone."""
    deadline = time.monotonic() + timeout
    while not cond():
        if (alive and not alive()) or time.monotonic() > deadline:
            raise TestFailure(what)
        time.sleep(0.05)


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now (for QEMU's gdb
    stub, so parallel runners never share one)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Machine:
    """One QEMU process and its serial console.

    Console text is kept with '\\r' removed, so patterns and command output
    see plain '\\n' line ends.  expect() consumes what it matched: the next
    expect() looks only at what came after.
    """

    def __init__(self, build, overrides=(), extra=(), log_path=None,
                 args_file=None, image=None, verbatim=False, cwd=None,
                 qemu_bin=None):
        if verbatim:	# the line exactly as written, run where ./vireo is
            self.argv = qemu.QemuCommand.from_file(
                args_file or os.path.join(build, "qemu.args")).argv()
            self.cwd = cwd or build
        else:
            self.argv = qemu.command_for(build, args_file, image, overrides, extra)
            self.cwd = None
        if qemu_bin:	# another QEMU binary for the same line
            self.argv[0] = qemu_bin
        kernel = self.argv.index("-kernel") + 1 if "-kernel" in self.argv else None
        self.image = os.path.join(self.cwd or "", self.argv[kernel]) if kernel else None
        self.log_path = log_path
        self.prompt_re = build_prompt(build)
        self.proc = None
        self.text = ""
        self.pos = 0
        self.eof = False
        self.cond = threading.Condition()
        self.reader = None
        self.log = None

    # -- process ----------------------------------------------------------
    def start(self):
        if self.log_path:
            os.makedirs(os.path.dirname(self.log_path), exist_ok=True)
            self.log = open(self.log_path, "wb")
            self.log.write(("# %s\n" % " ".join(self.argv)).encode())
            self.log.flush()
        try:
            self.proc = subprocess.Popen(
                self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, bufsize=0, start_new_session=True,
                cwd=self.cwd)
        except OSError as e:
            raise TestFailure("cannot start %s: %s" % (self.argv[0], e.strerror))
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        return self

    def _read(self):
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        fd = self.proc.stdout.fileno()
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if self.log and data:
                try:
                    self.log.write(data)
                    self.log.flush()
                except ValueError:	# closed by kill() from another thread
                    pass
            text = decoder.decode(data, final=not data).replace("\r", "")
            with self.cond:
                self.text += text
                if not data:
                    self.eof = True
                self.cond.notify_all()
            if not data:
                return

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        """Stop QEMU now (its whole process group) and collect it."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        if self.reader:
            self.reader.join(5)
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        if self.log and not self.log.closed:
            self.log.close()

    close = kill

    def __enter__(self):
        return self.start() if self.proc is None else self

    def __exit__(self, *exc):
        self.kill()

    # -- console ----------------------------------------------------------
    def send(self, text):
        """Type TEXT.  Ctrl-A is QEMU's mux escape, so a literal one is doubled."""
        data = text.replace(CTRL_A, CTRL_A + CTRL_A).encode()
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            raise MachineExited("QEMU exited (code %s) before %r could be sent"
                                % (self.proc.poll(), text))

    def sendline(self, line):
        self.send(line + "\r")

    def expect(self, pattern, timeout=COMMAND_TIMEOUT):
        """Wait for PATTERN (a regex, multiline) in the new output; return the match."""
        rx = re.compile(pattern, re.M)
        limit = scaled(timeout)
        deadline = time.monotonic() + limit
        with self.cond:
            while True:
                m = rx.search(self.text, self.pos)
                if m:
                    self.pos = m.end()
                    return m
                # A finished panic report means nothing else will come.
                end = PANIC_END_RE.search(self.text, self.pos)
                if end:
                    start = self.text.rfind("*** VIREO PANIC", 0, end.start())
                    what = self.text[start:].partition("\n")[0] if start >= 0 else "panic"
                    raise TestFailure("%s (while waiting for %r)" % (what, pattern))
                if self.eof:
                    self.proc.wait()
                    raise MachineExited("QEMU exited (code %s) while waiting for %r"
                                        % (self.proc.returncode, pattern))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ExpectTimeout("no %r within %g s" % (pattern, limit))
                self.cond.wait(left)

    def output_since(self, start):
        """Console text from offset START to what expect() consumed last."""
        return self.text[start:self.pos]

    def boot(self, timeout=BOOT_TIMEOUT):
        """Wait for the first prompt; return everything printed up to it.
        A kernel log line from another CPU (a DHCP lease) can land inside
        the first prompt's characters ("nensh> t: eth0: ..."): when the
        banner is out but no prompt came, Enter asks for it again."""
        start = self.pos
        try:
            self.expect(self.prompt_re, timeout)
        except ExpectTimeout:
            if not re.search(BANNER_RE, self.text):
                raise
            self.send("\r")
            self.expect(self.prompt_re, PROMPT_GRACE)
        return self.output_since(start)

    def command(self, line, timeout=COMMAND_TIMEOUT):
        """Run LINE at the prompt; return its output (without echo and prompt)."""
        start = self.pos
        self.sendline(line)
        m = self.expect(self.prompt_re, timeout)
        out = self.text[start:m.start()]
        # A kernel message the shell's wait let through (a DHCP lease
        # arriving) may come before the echo: it is not the command's.
        while KLOG_LINE.match(out) and not out.split("\n", 1)[0].rstrip().endswith(
                line.rstrip()):
            out = out.partition("\n")[2]
        echo, nl, rest = out.partition("\n")
        if nl and strip_ansi(echo).rstrip().endswith(line.rstrip()):
            out = rest
        return out

    def wait_exit(self, timeout=EXIT_TIMEOUT):
        """Wait for QEMU to end by itself; return its exit code."""
        try:
            rc = self.proc.wait(scaled(timeout))
        except subprocess.TimeoutExpired:
            raise ExpectTimeout("QEMU still running %g s later" % scaled(timeout))
        if self.reader:
            self.reader.join(5)
        return rc

    def poweroff(self, timeout=EXIT_TIMEOUT):
        """Type poweroff and wait for QEMU to exit; return its exit code."""
        self.sendline("poweroff")
        return self.wait_exit(timeout)

    def tail(self, lines=40):
        """The last LINES lines of the console log, for failure reports."""
        text = self.text
        if self.log_path and os.path.exists(self.log_path):
            with open(self.log_path, "rb") as f:
                text = f.read().decode("utf-8", "replace").replace("\r", "")
        return "\n".join(text.splitlines()[-lines:])


PANIC_END_RE = re.compile(r"\*\*\* end of panic report \*\*\*")
ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def strip_ansi(text):
    return ANSI_RE.sub("", text)


def elf_load_span(path):
    """(lowest, highest) address covered by an ELF64 image's PT_LOAD segments."""
    with open(path, "rb") as f:
        head = f.read(64)
        if head[:4] != b"\x7fELF" or head[4] != 2:
            raise TestFailure("%s is not an ELF64 image" % path)
        phoff, = struct.unpack_from("<Q", head, 32)
        phentsize, phnum = struct.unpack_from("<HH", head, 54)
        lo, hi = None, None
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            ptype, _, _, vaddr, paddr, _, memsz = struct.unpack("<IIQQQQQ", f.read(48))
            if ptype != 1 or memsz == 0:
                continue
            lo = paddr if lo is None else min(lo, paddr)
            hi = paddr + memsz if hi is None else max(hi, paddr + memsz)
    if lo is None:
        raise TestFailure("%s has no loadable segment" % path)
    return lo, hi


# -- registry -------------------------------------------------------------
class Test:
    def __init__(self, fn, proves, configs, timeout, exclusive):
        module = fn.__module__.rpartition(".")[2]
        self.suite = module[5:] if module.startswith("test_") else module
        self.name = "%s.%s" % (self.suite, fn.__name__)
        self.fn = fn
        self.proves = proves
        self.configs = tuple(configs)
        self.timeout = timeout
        self.exclusive = exclusive


REGISTRY = []


def test(proves, configs=("nsh",), timeout=TEST_TIMEOUT, exclusive=False):
    """Register a test.  PROVES names the board-document line or behaviour;
    CONFIGS the configurations it boots (their builds must exist);
    EXCLUSIVE tests run alone (e.g. they need a fixed TCP port)."""
    def register(fn):
        REGISTRY.append(Test(fn, proves, configs, timeout, exclusive))
        return fn
    return register


class Context:
    """What a test function gets: machines that die with the test, and checks."""

    def __init__(self, test, builds, log_dir=None):
        self.test = test
        self.builds = builds
        self.log_dir = log_dir
        self.machines = []
        self.aborted = False
        self.lock = threading.Lock()

    def build(self, config="nsh"):
        try:
            return self.builds[config]
        except KeyError:
            raise TestFailure("no build directory for configuration %s" % config)

    def image(self, config="nsh"):
        return os.path.join(self.build(config), "vireo")

    def machine(self, config="nsh", overrides=(), extra=(), start=True, verbatim=False,
                args_file=None, cwd=None, qemu_bin=None):
        """A Machine for CONFIG with overrides (see tools/qemu.py -o), or
        with VERBATIM the configuration's line as written, run in its build
        directory so that `-kernel ./vireo` finds the image.  ARGS_FILE runs
        another configuration's line (config_args_file) with CONFIG's image; with VERBATIM
        and CWD it runs as written in CWD, where ./vireo must be.  QEMU_BIN
        replaces the line's qemu-system-aarch64."""
        build = self.build(config)
        if not os.path.isfile(os.path.join(build, "vireo")):
            raise TestFailure("no image %s/vireo: build %s:%s first" % (build, BOARD, config))
        with self.lock:
            if self.aborted:
                raise TestFailure("test aborted")
            n = len(self.machines)
            log_dir = self.log_dir or os.path.join(build, "qemu-logs")
            log = os.path.join(log_dir, "%s%s.log" % (self.test.name, "" if n == 0 else "-%d" % n))
            try:
                m = Machine(build, overrides, extra, log, verbatim=verbatim,
                            args_file=args_file, cwd=cwd, qemu_bin=qemu_bin)
            except qemu.QemuArgsError as e:
                raise TestFailure(str(e))
            self.machines.append(m)
        return m.start() if start else m

    def boot(self, config="nsh", overrides=(), extra=(), timeout=BOOT_TIMEOUT,
             qemu_bin=None):
        """A Machine for CONFIG that has reached the shell prompt."""
        m = self.machine(config, overrides, extra, qemu_bin=qemu_bin)
        m.boot(timeout)
        return m

    def abort(self):
        """Called by the runner's watchdog: kill the machines so waits end."""
        with self.lock:
            self.aborted = True
            machines = list(self.machines)
        for m in machines:
            m.kill()

    def close(self):
        for m in self.machines:
            m.kill()


# A translation table the heap gave (arch/arm64/mmu.c): one page and the
# heap's block header, with room to spare.  Such tables are never freed.
PAGE_TABLE_HEAP_BYTES = 4096 + 64


def heap_used(m):
    """Heap bytes in use on machine M (the 'used' column of `free`), less
    the translation tables taken from the heap (/proc/meminfo
    PageTablesHeap): a stack guard in a new 2 MiB region splits a block
    for good, which is growth, not a leak."""
    row = re.search(r"^Mem:\s+\d+\s+(\d+)", m.command("free"), re.M)
    check(row is not None, "no Mem: row in free")
    tables = re.search(r"^PageTablesHeap:\s+(\d+)", m.command("cat /proc/meminfo"), re.M)
    check(tables is not None, "no PageTablesHeap in /proc/meminfo")
    return int(row.group(1)) - int(tables.group(1)) * PAGE_TABLE_HEAP_BYTES


def check(cond, message):
    if not cond:
        raise TestFailure(message)


def check_in(needle, haystack, what="output"):
    if needle not in haystack:
        raise TestFailure("%r not in %s: %r" % (needle, what, clip(haystack)))


def check_match(pattern, text, what="output", flags=re.M):
    m = re.search(pattern, text, flags)
    if not m:
        raise TestFailure("no %r in %s: %r" % (pattern, what, clip(text)))
    return m


def clip(text, n=300):
    return text if len(text) <= n else "..." + text[-n:]
