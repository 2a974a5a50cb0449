# SPDX-License-Identifier: BSD-2-Clause
"""Two machines over shared memory (issue 16): the board document's last
section.  rpserver_ivshmem and rpproxy_ivshmem run with their lines from
the document (the shared file moved to a name of this run under /dev/shm,
removed afterwards), the proxy's kernel log shows on the server's console
tagged [proxy], and rpsock_client on the proxy echoes 4,096,000 bytes
through rpsock_server on the server over an AF_RPMSG stream socket, every
byte checked; also non-blocking and datagram sockets, the proxy started
first, killed and started again, random bytes written into the shared
file while both run, and ivshmem-doorbell (interrupts both ways) with a
small ivshmem server of our own (tests/qemu/ivshmem_server.py).

Each test prints the throughput and round trip it measured ("rpmsg: ...").
"""
import itertools
import os
import re
import time

from harness import PANIC_END_RE, check, check_in, scaled, test, TestFailure
from ivshmem_server import IvshmemServer

SERVER, PROXY = "rpserver_ivshmem", "rpproxy_ivshmem"
TOTAL = 4096000
LINK_TIMEOUT = 60	# a heartbeat is missed for 5 s before the link drops
ECHO_TIMEOUT = 600	# the document's run prints 2000 lines
_runs = itertools.count()


def _shm_path():
    return "/dev/shm/vireo-rpmsg-%d-%d" % (os.getpid(), next(_runs))


class Pair:
    """A server and a proxy sharing one file (or one ivshmem server)."""

    def __init__(self, t, doorbell=False):
        self.t = t
        self.shm = _shm_path()
        self.ivserver = IvshmemServer(self.shm + ".sock", 4194304) if doorbell else None
        self.server = self.proxy = None

    def start(self, config):
        if self.ivserver:	# the documented -device line, with a doorbell
            over = ["!object", "!device"]
            extra = ["-chardev", "socket,path=%s,id=ivsh" % self.ivserver.path,
                     "-device", "ivshmem-doorbell,id=shmem0,chardev=ivsh,vectors=1,addr=0xb"]
        else:
            over, extra = ["object.mem-path=" + self.shm], []
        m = self.t.machine(config, overrides=over, extra=extra)
        m.boot()
        return m

    def close(self):
        if self.ivserver:
            self.ivserver.close()
        if os.path.exists(self.shm):
            os.unlink(self.shm)


def _expect_since(m, start, pattern, timeout=LINK_TIMEOUT):
    """PATTERN in M's output after offset START, even if an earlier expect
    (the boot prompt) already went past it."""
    with m.cond:
        m.pos = min(m.pos, start)
    return m.expect(pattern, timeout)


def _link_up(server, proxy, since=(0, 0)):
    """Both sides logged the link up after offsets SINCE."""
    _expect_since(server, since[0], r"rpmsg: link to proxy up")
    _expect_since(proxy, since[1], r"rpmsg: link to server up")
    # Back to the end, so later expects see only newer output.
    for m in (server, proxy):
        with m.cond:
            m.pos = max(m.pos, len(m.text))


# A kernel log line (the proxy's too, relayed to the server's console):
# it may land in the middle of an application's line, whose end follows it.
KLOG_RE = re.compile(r"\[\s*\d+\.\d+\] [^\n]*\n")


def _expect_lines(m, start, *lines, timeout=ECHO_TIMEOUT):
    """LINES (each a regex for one whole line) in this order in M's output
    after offset START, with the kernel log's lines taken out."""
    deadline = time.monotonic() + scaled(timeout)
    with m.cond:
        while True:
            text, pos, missing = KLOG_RE.sub("", m.text[start:]), 0, None
            for line in lines:
                g = re.compile(r"^" + line + r"\n", re.M).search(text, pos)
                if not g:
                    missing = line
                    break
                pos = g.end()
            if missing is None:
                m.pos = max(m.pos, len(m.text))
                return
            left = deadline - time.monotonic()
            if left <= 0 or m.eof or PANIC_END_RE.search(m.text, start):
                raise TestFailure("no %r line within %g s; got %r"
                                  % (missing, scaled(timeout), text[-500:]))
            m.cond.wait(min(left, 1.0))


def _marks(pair):
    return (len(pair.server.text), len(pair.proxy.text))


def _echo(pair, kind, block, quiet=False, extra="", wait_listen=True):
    """rpsock_server KIND BLOCK test on the server, rpsock_client on the
    proxy: returns the client's output once both ended well.  Without
    WAIT_LISTEN the client starts as the server does (a blocking connect
    waits for the listener's name to arrive)."""
    s, p = pair.server, pair.proxy
    mark = len(s.text)
    s.sendline("rpsock_server %s %s test" % (kind, block))
    if wait_listen:
        _expect_lines(s, mark, r"server: create socket SOCK_%s nonblock %d" %
                      (kind.upper(), block == "nonblock"),
                      r"server: bind cpu , name test \.\.\.", r"server: listen \.\.\.",
                      r"server: try accept \.\.\.", timeout=30)
    out = KLOG_RE.sub("", p.command("rpsock_client %s%s %s %s test server" %
                                    ("-q " if quiet else "", extra, kind, block),
                                    timeout=ECHO_TIMEOUT))
    total = TOTAL if not extra else None
    if total:
        check_in("client recv done, total %d, endflags, send total %d\n"
                 "client: Terminating\n" % (total, total), out, "rpsock_client output")
    check_in("client: Connected\n", out, "rpsock_client output")
    check("differs" not in out and "failed" not in out, "rpsock_client: %s" % out[-300:])
    _expect_lines(s, mark, r"server: Connection accepted -- \d+",
                  r"server recv data normal exit", r"server Complete ret 0, errno 0")
    s.send("\x03")	# it accepts for ever: Ctrl-C ends it
    s.expect(s.prompt_re)
    return out


def _measure(pair, label):
    """Prints throughput (4 KiB messages) and round trip (16-byte ones)."""
    big = _echo(pair, "stream", "block", quiet=True)
    small = _echo(pair, "stream", "block", quiet=True, extra="-s 16 -n 500 ")
    rate = re.search(r"in (\d+) us: (\d+) KB/s each way", big)
    rtt = re.search(r"(\d+) us per round trip", small)
    check(rate and rtt, "rpsock_client -q printed no figures: %s %s" % (big, small))
    print("rpmsg %s: %.2f MB/s each way (4,096,000 bytes echoed in 4 KiB messages), "
          "%s us round trip (16 bytes)" % (label, int(rate.group(2)) / 1024.0, rtt.group(1)))


@test("board document, ivshmem section: rpserver_ivshmem and rpproxy_ivshmem with "
      "their lines share a file, the proxy's startup log shows on the server tagged "
      "[proxy], rpsock_server/rpsock_client stream block test move 4096000 bytes "
      "(every byte checked) and end with the document's lines; also stream nonblock, "
      "dgram block and dgram nonblock, and a client started with the server (its "
      "connect waits for the listener's name); polled throughput and round trip printed",
      configs=(SERVER, PROXY), timeout=1500)
def document_steps(t):
    pair = Pair(t)
    try:
        pair.server = pair.start(SERVER)
        pair.proxy = pair.start(PROXY)
        _link_up(pair.server, pair.proxy)
        s = pair.server
        with s.cond:
            s.pos = 0
        s.expect(r"\[proxy\] ivshmem 0000:00:0b\.0: shmem addr=0x[0-9a-f]+ "
                 r"size=4194304 reg=0x[0-9a-f]+\n", LINK_TIMEOUT)
        s.expect(r"\[proxy\] rpmsg: cpu proxy, waits for the server's layout, "
                 r"polled every 1000 us\n", LINK_TIMEOUT)
        s.expect(r"\[proxy\] rpmsg: link to server up", LINK_TIMEOUT)
        out = _echo(pair, "stream", "block")
        check(out.count("client recv data process") == 1000,
              "1000 messages echoed: %d" % out.count("client recv data process"))
        check_in("client send data, cnt 0, total len 4096, BUFHEAD process", out)
        for kind, block in (("stream", "nonblock"), ("dgram", "block"), ("dgram", "nonblock")):
            _echo(pair, kind, block, quiet=True)
        _echo(pair, "stream", "block", quiet=True, extra="-n 50 ", wait_listen=False)
        _measure(pair, "polled")
    finally:
        pair.close()


@test("either start order and restarts: the proxy started first waits for the "
      "server's layout; the proxy killed and started again while the server runs "
      "(the server logs the link down and up, the new proxy's log shows); random "
      "bytes written into the shared file while both run give a log line and a "
      "dropped link, never a panic, both shells answer and the link comes back",
      configs=(SERVER, PROXY), timeout=900)
def restarts_and_garbage(t):
    pair = Pair(t)
    try:
        pair.proxy = pair.start(PROXY)
        pair.server = pair.start(SERVER)
        _link_up(pair.server, pair.proxy)
        _echo(pair, "stream", "block", quiet=True, extra="-n 50 ")

        pair.proxy.kill()
        pair.server.expect(r"rpmsg: link to proxy down: no heartbeat", LINK_TIMEOUT)
        mark = len(pair.server.text)
        pair.proxy = pair.start(PROXY)
        _link_up(pair.server, pair.proxy, (mark, 0))
        _expect_since(pair.server, mark, r"\[proxy\] rpmsg: link to server up")
        _echo(pair, "dgram", "block", quiet=True, extra="-n 50 ")

        mark = _marks(pair)
        with open(pair.shm, "r+b") as f:
            f.write(os.urandom(os.path.getsize(pair.shm)))
        pair.server.expect(r"rpmsg: link to proxy down: ", LINK_TIMEOUT)
        pair.proxy.expect(r"rpmsg: link to server down: ", LINK_TIMEOUT)
        for m in (pair.server, pair.proxy):
            check_in("alive", m.command("echo alive"), "shell after garbage")
        _link_up(pair.server, pair.proxy, mark)
        _echo(pair, "stream", "nonblock", quiet=True, extra="-n 50 ")
        # Garbage only in the rings and buffers, the header left intact.
        mark = _marks(pair)
        with open(pair.shm, "r+b") as f:
            f.seek(256)
            f.write(os.urandom(256 * 1024))
        pair.proxy.expect(r"rpmsg: link to server down: ", LINK_TIMEOUT)
        _link_up(pair.server, pair.proxy, mark)
        for m in (pair.server, pair.proxy):
            check_in("alive", m.command("echo alive"), "shell after garbage")
    finally:
        pair.close()


@test("ivshmem-doorbell: both machines get MSI-X vectors and ring each other "
      "through BAR0's doorbell (an ivshmem server of our own hands out the memory "
      "and eventfds); rpsock stream echoes 4096000 bytes; throughput and round "
      "trip printed", configs=(SERVER, PROXY), timeout=900)
def doorbell(t):
    pair = Pair(t, doorbell=True)
    try:
        pair.server = pair.start(SERVER)
        pair.proxy = pair.start(PROXY)
        _link_up(pair.server, pair.proxy)
        for m in (pair.server, pair.proxy):
            check_in("doorbell, heartbeat every 100000 us", m.text, "boot log")
        _measure(pair, "doorbell")
    finally:
        pair.close()
