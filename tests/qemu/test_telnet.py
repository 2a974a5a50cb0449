# SPDX-License-Identifier: BSD-2-Clause
"""telnetd and the network commands (issue 11), on the board document's
netnsh lines verbatim: the host telnets to 127.0.0.1:10023 (forwarded to
the guest's port 23) with a client written here that speaks the protocol
(negotiation answered, IAC and CR NUL handled), as a real peer does.  The
fixed host port makes every test exclusive.
"""
import os
import re
import socket
import sys
import tempfile
import threading
import time

from harness import (TOP, check, check_match, heap_used, scaled, strip_ansi, test,
                     TestFailure)

TELNET_PORT = 10023
DHCP_RE = r"net: eth0: DHCP address 10\.0\.2\.15/24 gw 10\.0\.2\.2$"
PROMPT = b"nsh> "
IAC, DONT, DO, WONT, WILL, SB, SE = 255, 254, 253, 252, 251, 250, 240
ECHO, SGA = 1, 3


class Telnet:
    """A telnet client: accepts the server's ECHO and SGA, refuses the
    rest, and keeps the data (NUL after CR removed) for expect()."""

    def __init__(self, port=TELNET_PORT, timeout=30):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=scaled(timeout))
        self.data = bytearray()
        self.pos = 0
        self.offers = []	# (verb, option) the server sent
        self._state = None
        self.closed = False

    def _answer(self, verb, opt):
        self.offers.append((verb, opt))
        if verb == WILL:
            self.sock.sendall(bytes([IAC, DO if opt in (ECHO, SGA) else DONT, opt]))
        elif verb == DO:
            self.sock.sendall(bytes([IAC, WILL if opt == SGA else WONT, opt]))

    def _feed(self, chunk):
        for b in chunk:
            st = self._state
            if st is None:
                if b == IAC:
                    self._state = "iac"
                elif not (b == 0 and self.data[-1:] == b"\r"):
                    self.data.append(b)
            elif st == "iac":
                if b == IAC:
                    self.data.append(b)
                    self._state = None
                else:
                    self._state = b if b in (WILL, WONT, DO, DONT) else None
            else:
                self._answer(st, b)
                self._state = None

    def recv_some(self, deadline):
        self.sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            return False
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.closed = True
            return False
        self._feed(chunk)
        return True

    def expect(self, pattern, timeout=30):
        """Waits for PATTERN (bytes regex) in new data; the match."""
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + scaled(timeout)
        while True:
            m = rx.search(self.data, self.pos)
            if m:
                self.pos = m.end()
                return m
            if self.closed or time.monotonic() >= deadline:
                raise TestFailure("telnet: no %r within %g s (%s); got %r"
                                  % (pattern, scaled(timeout),
                                     "closed" if self.closed else "open",
                                     bytes(self.data[-300:])))
            self.recv_some(deadline)

    def prompt(self, timeout=30):
        return self.expect(re.escape(PROMPT), timeout)

    def send(self, data):
        self.sock.sendall(data.replace(b"\xff", b"\xff\xff"))

    def command(self, line, timeout=30, eol=b"\r\0"):
        """Types LINE, waits for the next prompt; the output between."""
        start = len(self.data)
        self.send(line.encode() + eol)
        m = self.prompt(timeout)
        out = self.data[start:m.start()].decode("utf-8", "replace").replace("\r", "")
        echo, _, rest = strip_ansi(out).partition("\n")
        check(echo.endswith(line), "telnet: %r not echoed: %r" % (line, out))
        return rest

    def wait_closed(self, timeout=30):
        deadline = time.monotonic() + scaled(timeout)
        while not self.closed and time.monotonic() < deadline:
            self.recv_some(deadline)
        check(self.closed, "telnet: the server did not close the connection")

    def close(self):
        self.sock.close()


def connect(timeout=30):
    """A session at its first prompt."""
    t = Telnet(timeout=timeout)
    try:
        t.prompt(timeout)
    except Exception:
        t.close()
        raise
    return t


def boot_netnsh(t, config="netnsh"):
    """CONFIG's board-document line verbatim (in a directory with the
    document's disk image for netnsh), up to DHCP and telnetd listening."""
    d = tempfile.TemporaryDirectory(prefix="vireo-telnet-")
    t.tmpdirs = getattr(t, "tmpdirs", []) + [d]
    if config == "netnsh":
        with open(os.path.join(d.name, "mydisk-1gb.img"), "wb") as f:
            f.truncate(1 << 30)
    os.symlink(os.path.abspath(t.image(config)), os.path.join(d.name, "vireo"))
    m = t.machine(config, verbatim=True, cwd=d.name)
    start = m.pos
    m.boot()
    # The two lines come in either order, before or after the prompt:
    # each is looked for in all that was printed since the boot began.
    for pattern in (r"telnetd: listening on port 23\b", DHCP_RE):
        if not re.search(pattern, m.output_since(start), re.M):
            m.expect(pattern, timeout=30)
    return m


def warm_up():
    """One session in and out, so that first-use allocations (stdio,
    tables) are made before a heap baseline is taken."""
    warm = connect()
    warm.send(b"exit\r\0")
    warm.wait_closed()
    warm.close()


def wait_sessions_ended(m, timeout=60):
    """The last sessions may still be ending: waits until only the
    console shell and telnetd's tasks are left."""
    deadline = time.monotonic() + scaled(timeout)
    while len(re.findall(r"\bnsh\b", m.command("ps"))) > 1:
        check(time.monotonic() < deadline, "sessions left:\n%s" % m.command("ps"))


def task_alive(m, pid):
    return "No such" not in m.command("cat /proc/%d/cmdline" % pid)


def wait_gone(m, pids, timeout=30):
    deadline = time.monotonic() + scaled(timeout)
    while True:
        alive = [p for p in pids if task_alive(m, p)]
        if not alive:
            return
        if time.monotonic() > deadline:
            raise TestFailure("tasks %s still alive:\n%s" % (alive, m.command("ps")))


def session_pid(s):
    return int(check_match(r"^pid=(\d+)$", s.command("echo pid=$$"), "echo $$").group(1))


def telnetd_fds(m):
    pid = int(check_match(r"^\s*(\d+)\s.*\btelnetd\b", m.command("ps"), "ps").group(1))
    return len(m.command("ls /proc/%d/fd" % pid).split())


@test("board doc: the netnsh line verbatim; the host telnets to "
      "127.0.0.1:10023 and gets nsh> (telnetd from rcS, WILL ECHO and "
      "WILL SGA offered), runs commands with line editing, Ctrl-C "
      "interrupts `sleep 100` there, netstat shows the connection "
      "ESTABLISHED and the listener LISTEN, route shows the default "
      "gateway and sets it, nslookup resolves localhost and a number and "
      "fails on an unknown name; 8 sessions at once print their own pids; "
      "`exit` and a client leaving mid-command end the session and leave "
      "no task behind (SIGHUP to the shell, its command and its background "
      "job)", configs=("netnsh",), exclusive=True, timeout=600)
def telnet_netnsh(t):
    m = boot_netnsh(t)
    s = connect()
    check((WILL, ECHO) in s.offers and (WILL, SGA) in s.offers,
          "offers: %s" % s.offers)
    check_match(r"^hello world$", s.command("echo hello world"), "echo")
    # Line editing: a typo erased with DEL, the line ended with CR LF.
    s.send(b"echo abX\x7fc\r\n")
    s.expect(rb"\x08 \x08c\r\nabc\r\n")
    s.prompt()
    # netstat: this connection and the listener.
    out = s.command("netstat")
    check_match(r"^tcp\s+0\.0\.0\.0:23\s+0\.0\.0\.0:\*\s+LISTEN", out, "netstat")
    check_match(r"^tcp\s+10\.0\.2\.15:23\s+10\.0\.2\.2:\d+\s+ESTABLISHED", out, "netstat")
    check_match(r"^eth0\s+\d+\s+\d+\s+\d+\s+\d+", out, "netstat interfaces")
    # route: shows, deletes and sets the default gateway.
    check_match(r"^default\s+10\.0\.2\.2\s+0\.0\.0\.0\s+eth0", s.command("route"), "route")
    s.command("route del default")
    check(not re.search(r"^default", s.command("route"), re.M), "default route not deleted")
    s.command("route add default gw 10.0.2.2")
    check_match(r"^default\s+10\.0\.2\.2", s.command("route"), "route add")
    # nslookup: a local name, a number, and a name nobody knows.
    check_match(r"^Address: 127\.0\.0\.1$", s.command("nslookup localhost"), "nslookup")
    check_match(r"^Address: 10\.0\.2\.2$", s.command("nslookup 10.0.2.2"), "nslookup")
    start = time.monotonic()
    out = s.command("nslookup no-such-host.invalid; echo status=$?", timeout=60)
    check_match(r"^nslookup: no-such-host\.invalid: ", out, "nslookup error")
    check_match(r"^status=1$", out, "nslookup status")
    check(time.monotonic() - start < scaled(20), "nslookup took %.1f s" % (time.monotonic() - start))
    # Ctrl-C reaches this session's foreground command, not the console's.
    s.send(b"sleep 100\r\0")
    s.expect(rb"sleep 100\r?\n")
    s.send(b"\x03")
    s.prompt(15)
    check_match(r"^130$", s.command("echo $?"), "status after Ctrl-C")
    s.send(b"exit\r\0")
    s.wait_closed()
    s.close()

    # Eight at once, each its own shell task.
    sessions = [connect() for _ in range(8)]
    pids = [session_pid(x) for x in sessions]
    check(len(set(pids)) == 8, "pids not distinct: %s" % pids)
    for p in pids:
        check_match(r"^nsh", m.command("cat /proc/%d/cmdline" % p), "cmdline of %d" % p)
    for x in sessions:
        x.send(b"exit\r\0")
    for x in sessions:
        x.wait_closed()
        x.close()
    wait_gone(m, pids)

    # A client leaving mid-command: its shell, the command and a
    # background job go.
    before = m.command("ps")
    s = connect()
    pid = session_pid(s)
    job = int(check_match(r"^job=(\d+)$", s.command("sleep 100 & echo job=$!"),
                          "background job").group(1))
    s.send(b"nettest echo 5555\r\0")
    s.expect(rb"nettest: echoing on port 5555")
    app = int(check_match(r"^\s*(\d+)\s.*\bnettest\b", m.command("ps"), "ps").group(1))
    s.close()
    wait_gone(m, [pid, job, app])
    check(len(m.command("ps").splitlines()) == len(before.splitlines()),
          "tasks before and after:\n%s\n%s" % (before, m.command("ps")))
    m.kill()


@test("issue 11: 1,000 telnet connect/disconnect cycles (half of them by "
      "`exit`, half by the client leaving) leave the heap (`free`) and "
      "telnetd's descriptors where they started; a 17th session at once "
      "is refused with a message", configs=("netnsh",), exclusive=True,
      timeout=900)
def telnet_cycles(t):
    m = boot_netnsh(t)
    warm_up()
    before_heap, before_fds = heap_used(m), telnetd_fds(m)
    for i in range(1000):
        s = connect()
        if i % 2:
            s.send(b"exit\r\0")
            s.wait_closed()
        s.close()
    wait_sessions_ended(m)
    after_heap, after_fds = heap_used(m), telnetd_fds(m)
    check(after_fds == before_fds, "telnetd descriptors %d before, %d after"
          % (before_fds, after_fds))
    check(after_heap <= before_heap + 4096, "heap used %d before, %d after"
          % (before_heap, after_heap))
    # The limit: CONFIG_TELNETD_MAX_SESSIONS (16) at once, then a refusal.
    full = [connect() for _ in range(16)]
    extra = Telnet()
    extra.expect(rb"telnetd: too many sessions \(16\), try again later")
    extra.wait_closed()
    extra.close()
    for x in full:
        x.close()
    m.kill()


@test("board doc: the netnsh_smp line (-smp 4) verbatim: four telnet "
      "sessions at once, each printing its own pid and running commands, "
      "Ctrl-C in one of them", configs=("netnsh_smp",), exclusive=True)
def telnet_smp(t):
    m = boot_netnsh(t, "netnsh_smp")
    sessions = [connect() for _ in range(4)]
    pids = [session_pid(x) for x in sessions]
    check(len(set(pids)) == 4, "pids not distinct: %s" % pids)
    for x in sessions:
        x.send(b"sleep 100\r\0")
    for x in sessions:
        x.expect(rb"sleep 100\r?\n")
    sessions[0].send(b"\x03")
    sessions[0].prompt(15)
    check_match(r"^130$", sessions[0].command("echo $?"), "status after Ctrl-C")
    for x in sessions[1:]:
        check(not re.search(re.escape(PROMPT), bytes(x.data[x.pos:])),
              "Ctrl-C in one session ended another's command")
        x.send(b"\x03")
        x.prompt(15)
    for x, p in zip(sessions, pids):
        check_match(r"^%d$" % p, x.command("echo $$"), "pid")
        x.send(b"exit\r\0")
        x.wait_closed()
        x.close()
    wait_gone(m, pids)
    m.kill()


@test("issue 11 (regression): on netnsh_smp four clients at once run 100 "
      "cycles each of connect, a command, Ctrl-C of a sleep and `exit`, "
      "so that output and the last close meet on different CPUs (a "
      "terminal's last run was taken twice and its memory freed twice); "
      "every cycle ends cleanly and the heap comes back",
      configs=("netnsh_smp",), exclusive=True, timeout=900)
def telnet_smp_cycles(t):
    m = boot_netnsh(t, "netnsh_smp")
    warm_up()
    before_heap = heap_used(m)
    errors = []

    def client(n):
        try:
            for _ in range(n):
                x = connect()
                try:
                    check_match(r"^pid=\d+$", x.command("echo pid=$$"), "echo")
                    x.send(b"sleep 100\r\0")
                    x.expect(rb"sleep 100\r?\n")
                    x.send(b"\x03")
                    x.prompt(30)
                    x.send(b"exit\r\0")
                    x.wait_closed()
                finally:
                    x.close()
        except Exception as e:	# reported by the main thread
            errors.append(str(e))

    threads = [threading.Thread(target=client, args=(100,)) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    check(not errors, "; ".join(errors[:2]))
    wait_sessions_ended(m)
    after_heap = heap_used(m)
    check(after_heap <= before_heap + 4096, "heap used %d before, %d after"
          % (before_heap, after_heap))
    m.kill()


@test("benchmarks: make bench's telnet connect-to-prompt figure (telnetd "
      "started by hand on the nsh image, a free host port forwarded to "
      "port 23) is measured and prints as numbers")
def telnet_bench_figure(t):
    sys.path.insert(0, os.path.join(TOP, "tools"))
    import bench  # noqa: E402  (tools/bench.py)

    port = bench.harness.free_port()
    m = t.machine("nsh", extra=bench.telnet_args(port))
    m.boot()
    times = bench.telnet_latencies(m, port, 3)
    check(len(times) == 3 and all(x > 0 for x in times), "latencies %s" % times)
    m.kill()
