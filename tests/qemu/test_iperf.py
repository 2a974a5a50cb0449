# SPDX-License-Identifier: BSD-2-Clause
"""iperf (issue 11): the guest's iperf against the host's iperf 2 (Debian's
`iperf` package, tools/setup.sh installs it), both ways, TCP and UDP, over
QEMU's user network.  The board document's netnsh line runs verbatim for
the host client (its fixed port 15001 makes that test exclusive); the other
tests forward free host ports.  The guest reaches the host's 127.0.0.1 as
10.0.2.2.
"""
import os
import re
import shutil
import subprocess
import tempfile

from harness import (TCP_CLOSE_WAIT, TCP_ESTABLISHED, TCP_LISTEN, check, check_match,
                     free_port, host_sockets, scaled, test, wait_until, TestFailure)
from test_net import disk_dir, wait_dhcp

HOST_FWD_PORT = 15001	# the board line's forward to the guest's 5001
# "[  1] 0.0000-5.0123 sec  1234567 Bytes  246913 Bytes/sec" (-f B)
EXACT_RE = r"^\[\s*(\d+|SUM)\] (\d+\.\d+)-(\d+\.\d+) sec\s+(\d+) Bytes\s+(\d+) Bytes/sec"
# The default, adaptive units: "[  1] 0.0000-5.0123 sec   117 MBytes   197 Mbits/sec"
ADAPTIVE_RE = (r"^\[\s*(\d+|SUM)\] (\d+\.\d+)-(\d+\.\d+) sec\s+[\d.]+ [KMG]?Bytes\s+"
               r"([\d.]+) ([KMG]?)bits/sec")


def iperf_bin():
    path = shutil.which("iperf")
    if not path:
        raise TestFailure("no iperf on the host: run tools/setup.sh (Debian's iperf package)")
    return path


def host_iperf(args, timeout):
    """Runs the host's iperf with ARGS; returns its output."""
    try:
        p = subprocess.run([iperf_bin()] + args, capture_output=True, text=True,
                           timeout=scaled(timeout))
    except subprocess.TimeoutExpired as e:
        raise TestFailure("host iperf %s: no end in %d s: %s"
                          % (" ".join(args), timeout, e.stdout))
    out = p.stdout + p.stderr
    if p.returncode:
        raise TestFailure("host iperf %s: exit %d: %s" % (" ".join(args), p.returncode, out))
    return out


def final_bytes(text):
    """{id: bytes} of the whole-test (from 0.0) lines of -f B reports in TEXT."""
    got = {}
    for m in re.finditer(EXACT_RE, text, re.M):
        if float(m.group(2)) == 0.0:
            got[m.group(1)] = int(m.group(4))
    return got


class HostServer:
    """The host's `iperf -s` on 127.0.0.1:PORT (UDP with -u), in the
    background until stop()."""

    def __init__(self, udp=False):
        self.port = free_port()
        args = [iperf_bin(), "-s", "-B", "127.0.0.1", "-p", str(self.port), "-f", "B"]
        if udp:
            args.insert(2, "-u")
        self.out = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(args, stdout=self.out, stderr=subprocess.STDOUT)
        # Its banner sits in stdio's buffer: wait for the socket itself, or
        # a client started at once is refused.
        try:
            wait_until(lambda: host_sockets(self.port, udp, None if udp else (TCP_LISTEN,)),
                       scaled(20), "host iperf -s on port %d did not start" % self.port,
                       alive=lambda: self.proc.poll() is None)
        except TestFailure:
            self.stop()
            raise

    def drained(self, timeout=30):
        """Waits until the server has closed every connection it accepted:
        it has then read each to its end and counted it (a client's last
        bytes may still be on their way when its iperf -c returns)."""
        wait_until(lambda: not host_sockets(self.port, states=(TCP_ESTABLISHED,
                                                                TCP_CLOSE_WAIT)),
                   scaled(timeout), "host iperf -s: connections to port %d still open"
                   % self.port)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.out.seek(0)
        return self.out.read()


def guest_server(m, args):
    m.sendline("iperf -s " + args)
    m.expect(r"Server listening on (TCP|UDP) port 5001")
    m.expect(r"-{20,}\n")


def stop_guest_server(m):
    """Ctrl-C ends the foreground server; the shell goes on."""
    m.send("\x03")
    m.expect(m.prompt_re, timeout=30)
    check_match(r"^ok$", m.command("echo ok"), "the shell after Ctrl-C")


@test("issue 11 iperf, board doc netnsh line verbatim: the host's `iperf -c "
      "127.0.0.1 -p 15001 -t 5` three times in a row against the guest's "
      "`iperf -s` (every run served, the guest counts the bytes the host "
      "sent), then with -P 4 (four clients at once and a [SUM]), with the "
      "default report format; Ctrl-C ends the server and the shell goes on",
      configs=("netnsh",), exclusive=True, timeout=900)
def host_client_tcp(t):
    with tempfile.TemporaryDirectory(prefix="vireo-iperf-") as d:
        disk_dir(d)
        os.symlink(os.path.abspath(t.image("netnsh")), os.path.join(d, "vireo"))
        m = t.machine("netnsh", verbatim=True, cwd=d)
        wait_dhcp(m, m.boot())
        guest_server(m, "-f B")
        for run in range(3):
            out = host_iperf(["-c", "127.0.0.1", "-p", str(HOST_FWD_PORT), "-t", "5",
                              "-f", "B"], 120)
            host = final_bytes(out)
            check(len(host) == 1, "run %d: no bandwidth line from the host: %s" % (run, out))
            sent = list(host.values())[0]
            check(sent > 0, "run %d: the host sent nothing: %s" % (run, out))
            g = m.expect(r"^\[\s*%d\] 0\.0000-\d+\.\d+ sec\s+(\d+) Bytes" % (run + 1), timeout=60)
            check(int(g.group(1)) == sent, "run %d: the host sent %d bytes, the guest "
                  "counted %s" % (run, sent, g.group(1)))
        out = host_iperf(["-c", "127.0.0.1", "-p", str(HOST_FWD_PORT), "-t", "5", "-P", "4",
                          "-f", "B"], 120)
        host = final_bytes(out)
        check(len(host) == 5 and "SUM" in host, "-P 4: host reports %s: %s" % (host, out))
        start = m.pos
        for _ in range(4):
            m.expect(r"^\[\s*[4-7]\] 0\.0000-\d+\.\d+ sec\s+\d+ Bytes.*/sec\n", timeout=60)
        guest = final_bytes(m.output_since(start))
        check(sorted(guest.values()) == sorted(v for k, v in host.items() if k != "SUM"),
              "-P 4: the host sent %s, the guest counted %s:\n%s"
              % (host, guest, m.output_since(start)))
        stop_guest_server(m)
        # The default format, and the interval reports of -i.
        guest_server(m, "-i 1")
        out = host_iperf(["-c", "127.0.0.1", "-p", str(HOST_FWD_PORT), "-t", "3"], 120)
        check_match(ADAPTIVE_RE, out, "host iperf")
        m.expect(r"^\[\s*1\] 1\.0000-2\.0000 sec\s+[\d.]+ [KMG]?Bytes\s+[\d.]+ [KMG]?bits/sec",
                 timeout=60)
        m.expect(r"^\[\s*1\] 0\.0000-\d+\.\d+ sec\s+[\d.]+ [KMG]?Bytes\s+[\d.]+ "
                 r"[KMG]?bits/sec\n", timeout=60)
        stop_guest_server(m)
        m.kill()


def user_net(*fwds):
    """QEMU arguments: virtio-net on the user network with host forwards."""
    return ("-global", "virtio-mmio.force-legacy=false",
            "-netdev", "user,id=u1" + "".join(",hostfwd=" + f for f in fwds),
            "-device", "virtio-net-device,netdev=u1")


@test("issue 11 iperf UDP: the host's `iperf -u -c ... -b 10M` against the "
      "guest's `iperf -s -u` gets the guest's report back (Server Report with "
      "jitter and loss) and the guest counts what the host sent; the guest's "
      "UDP client against the host's `iperf -s -u` prints the host's report",
      configs=("nsh",), timeout=600)
def udp_both_ways(t):
    port = free_port()
    m = t.machine("nsh", extra=user_net("udp:127.0.0.1:%d-:5001" % port))
    wait_dhcp(m, m.boot())
    guest_server(m, "-u -f B")
    out = host_iperf(["-u", "-c", "127.0.0.1", "-p", str(port), "-b", "10M", "-t", "3",
                      "-f", "B"], 120)
    rep = check_match(r"Server Report:\n.*\n" + EXACT_RE[1:] +
                      r"\s+(\d+\.\d+) ms (\d+)/(\d+) \(", out, "host iperf -u")
    g = m.expect(EXACT_RE[1:] + r"\s+\d+\.\d+ ms (\d+)/(\d+) \(", timeout=60)
    check(g.group(4) == rep.group(4),
          "the guest counted %s bytes, its report to the host says %s"
          % (g.group(4), rep.group(4)))
    sent = int(check_match(r"Sent (\d+) datagrams", out, "host iperf -u").group(1))
    total = int(g.group(7))
    check(total == sent - 1, "the guest counted %d datagrams in all, the host sent "
          "%d and its final one" % (total, sent - 1))
    stop_guest_server(m)

    srv = HostServer(udp=True)
    try:
        out = m.command("iperf -u -c 10.0.2.2 -p %d -b 5M -t 3 -f B" % srv.port, timeout=120)
    finally:
        host = srv.stop()
    sent = check_match(EXACT_RE, out, "guest iperf -u")
    rep = check_match(r"Server Report:\n.*\n" + EXACT_RE[1:] + r"\s+\d+\.\d+ ms (\d+)/(\d+)",
                      out, "guest iperf -u")
    hb = check_match(EXACT_RE[1:] + r"\s+\d+\.\d+ ms (\d+)/(\d+)", host, "host iperf -s -u")
    check(rep.group(4) == hb.group(4), "the host counted %s bytes, the guest printed %s"
          % (hb.group(4), rep.group(4)))
    check(int(sent.group(4)) >= int(hb.group(4)) > 0,
          "the guest sent %s bytes, the host counted %s" % (sent.group(4), hb.group(4)))
    # iperf 2 numbers datagrams from 0 and ends with -(count): the host's
    # total is the guest's data datagrams ("Sent" counts the final one too).
    n = int(check_match(r"Sent (\d+) datagrams", out, "guest iperf -u").group(1))
    check(int(hb.group(7)) == n - 1, "the host counted %s datagrams in all, the "
          "guest sent %d and its final one" % (hb.group(7), n - 1))
    m.kill()


@test("issue 11 iperf: the guest's `iperf -c 10.0.2.2` (TCP, 1 and 2 streams) "
      "against the host's `iperf -s` on 127.0.0.1: the host counts the bytes "
      "the guest reports sending", configs=("nsh",), timeout=600)
def guest_client_tcp(t):
    m = t.machine("nsh", extra=user_net())
    wait_dhcp(m, m.boot())
    for streams in (1, 2):
        # A server of its own for each run: the host's iperf 2.1.8 server
        # sometimes aborts ("corrupted double-linked list") when a client
        # connects after it has served others, and the guest's streams
        # then end with EPIPE.
        srv = HostServer()
        try:
            out = m.command("iperf -c 10.0.2.2 -p %d -t 3 -P %d -f B"
                            % (srv.port, streams), timeout=120)
            srv.drained()
        finally:
            host = srv.stop()
        check("iperf:" not in out, "guest iperf -c -P %d failed:\n%s\nhost:\n%s"
              % (streams, out, host))
        sent = final_bytes(out)
        check(len(sent) == (1 if streams == 1 else 3) and (streams == 1 or "SUM" in sent),
              "guest iperf -c -P %d: %s" % (streams, out))
        # iperf 2.1's server reads the first word of the client header (its
        # flags) to tell what kind of test comes and leaves it out of its
        # count.
        counted = sorted(v + 4 for k, v in final_bytes(host).items() if k != "SUM")
        want = sorted(v for k, v in sent.items() if k != "SUM")
        check(counted == want, "the guest sent %s, the host counted %s:\n%s"
              % (want, counted, host))
    m.kill()


@test("issue 11 iperf: two guest iperf tasks at once over the loopback "
      "interface (`iperf -s &`, then `iperf -c 127.0.0.1`), and bad "
      "arguments get a usage error with status 2", configs=("nsh",))
def loopback_and_usage(t):
    m = t.machine("nsh", extra=user_net())
    m.boot()
    m.sendline("iperf -s -f B &")
    m.expect(r"Server listening on TCP port 5001")
    out = m.command("iperf -c 127.0.0.1 -t 2 -f B", timeout=120)
    # The client's and the server's whole-test lines, in either order.
    lines = [int(x.group(4)) for x in re.finditer(EXACT_RE, out, re.M)
             if float(x.group(2)) == 0.0]
    if len(lines) < 2:
        g = m.expect(r"^\[\s*1\] 0\.0000-\d+\.\d+ sec\s+(\d+) Bytes", timeout=60)
        lines.append(int(g.group(1)))
    check(len(lines) == 2 and lines[0] == lines[1] and lines[0] > 0,
          "loopback: client and server counted %s: %s" % (lines, out))
    m.command("kill -INT $!; sleep 1")
    for bad, msg in (("", "give exactly one of -s and -c HOST"),
                     ("-s -c 10.0.2.2", "give exactly one of -s and -c HOST"),
                     ("-c 10.0.2.2 -b 10M", "-b needs -u"),
                     ("-c 10.0.2.2 -t x", "-t x: invalid value"),
                     ("-s -p 70000", "-p 70000: invalid value"),
                     ("-c 10.0.2.2 -u -l 10", "a UDP datagram is"),
                     ("-c", "-c needs a value"),
                     ("-s -x", "unknown option -x"),
                     ("-s extra", "unexpected argument 'extra'")):
        out = m.command("iperf %s; echo status=$?" % bad)
        check(msg in out and "usage: iperf" in out and "status=2" in out,
              "iperf %s: %s" % (bad, out))
    out = m.command("iperf -c no.such.host.invalid -t 1; echo status=$?", timeout=60)
    check("no.such.host.invalid" in out and "status=1" in out, "unknown host: %s" % out)
    m.kill()
