# SPDX-License-Identifier: BSD-2-Clause
"""Networking (issue 11): virtio-net, lwIP and sockets over QEMU's user
network.  The board document's netnsh lines run verbatim (their fixed host
ports make these tests exclusive); the guest talks only to 127.0.0.1 on the
host, which it reaches as 10.0.2.2, and the host reaches the guest through
the lines' forwarded ports.
"""
import os
import re
import socket
import tempfile
import threading

from harness import (check, check_in, check_match, config_args_file, free_port,
                     scaled, test, TestFailure)

DISK_SIZE = 1 << 30
DHCP_RE = r"net: eth0: DHCP address 10\.0\.2\.15/24 gw 10\.0\.2\.2$"
GUEST_PORT = 5001	# forwarded from the host's 127.0.0.1:15001
HOST_FWD_PORT = 15001


def pattern(n, start=0):
    """The bytes nettest sends (apps/nettest/nettest.c), positions start.."""
    return bytes(((i * 131) ^ (i >> 8)) & 0xff for i in range(start, start + n))


class EchoServer:
    """A TCP echo server on 127.0.0.1 for one client, in a thread."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.sock.settimeout(scaled(60))
        self.port = self.sock.getsockname()[1]
        self.echoed = 0
        self.error = None
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        try:
            conn, _ = self.sock.accept()
            with conn:
                conn.settimeout(scaled(60))
                while True:
                    data = conn.recv(65536)
                    if not data:
                        break
                    conn.sendall(data)
                    self.echoed += len(data)
        except OSError as e:
            self.error = e
        finally:
            self.sock.close()

    def join(self):
        self.thread.join(scaled(60))
        if self.error:
            raise TestFailure("host echo server: %s" % self.error)


def guest_sends(m, nbytes):
    """The guest's nettest sends NBYTES to an echo server on the host and
    checks them; the host side counts what it echoed."""
    srv = EchoServer()
    out = m.command("nettest send 10.0.2.2 %d %d" % (srv.port, nbytes), timeout=120)
    check_match(r"^nettest: %d bytes echoed by 10\.0\.2\.2 port %d and checked"
                % (nbytes, srv.port), out, "nettest send")
    srv.join()
    check(srv.echoed == nbytes, "the host echoed %d of %d bytes" % (srv.echoed, nbytes))


def host_sends(m, nbytes):
    """The host connects to the forwarded port of a guest echo server,
    sends NBYTES and checks the echo."""
    m.sendline("nettest echo %d 1 &" % GUEST_PORT)
    m.expect(r"nettest: echoing on port %d" % GUEST_PORT)
    data = pattern(nbytes)
    got = bytearray()
    with socket.create_connection(("127.0.0.1", HOST_FWD_PORT), timeout=scaled(60)) as s:
        sender = threading.Thread(target=s.sendall, args=(data,), daemon=True)
        sender.start()
        while len(got) < nbytes:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        sender.join(scaled(60))
    check(bytes(got) == data, "the guest echoed %d of %d bytes%s"
          % (len(got), nbytes, "" if len(got) != nbytes else ", differing"))
    m.expect(r"nettest: client 1: %d bytes echoed" % nbytes, timeout=60)


def wait_dhcp(m, log):
    """The DHCP lease line, in the boot LOG or still to come."""
    if not re.search(DHCP_RE, log, re.M):
        m.expect(DHCP_RE, timeout=30)


def disk_dir(d):
    """DIR with ./mydisk-1gb.img, as the document's dd makes it (sparse)."""
    with open(os.path.join(d, "mydisk-1gb.img"), "wb") as f:
        f.truncate(DISK_SIZE)
    return os.path.join(d, "mydisk-1gb.img")


@test("board doc: the netnsh line verbatim: eth0 gets 10.0.2.15/24 gw "
      "10.0.2.2 by DHCP; the guest as TCP client sends 256 KiB to an echo "
      "server on the host (10.0.2.2) and checks it; the host connects to "
      "127.0.0.1:15001 (forwarded to the guest's port 5001) and a guest "
      "echo server returns 256 KiB intact; ostest's socket cases pass on it",
      configs=("netnsh",), exclusive=True)
def netnsh_line(t):
    with tempfile.TemporaryDirectory(prefix="vireo-netnsh-") as d:
        disk_dir(d)
        os.symlink(os.path.abspath(t.image("netnsh")), os.path.join(d, "vireo"))
        m = t.machine("netnsh", verbatim=True, cwd=d)
        log = m.boot()
        check_match(r"virtio-mmio@a000400: eth0, MAC 52:54:00:12:34:56, link up",
                    log, "boot log")
        wait_dhcp(m, log)
        guest_sends(m, 256 * 1024)
        host_sends(m, 256 * 1024)
        out = m.command("ostest net", timeout=120)
        check_match(r"^ostest: \d+ passed, 0 failed", out, "ostest net")
        m.kill()


@test("board doc: the netnsh_smp line (-smp 4, virtio-net on "
      "virtio-mmio-bus.0) verbatim: DHCP, guest client and host client "
      "transfers checked", configs=("netnsh_smp",), exclusive=True)
def netnsh_smp_line(t):
    m = t.machine("netnsh_smp", verbatim=True)
    wait_dhcp(m, m.boot())
    guest_sends(m, 256 * 1024)
    host_sends(m, 256 * 1024)
    m.kill()


@test("board doc: the netnsh_smp_hv line (written for KVM) with -accel tcg "
      "-cpu max on this host: the same kernel code entered at EL1 on the "
      "default GIC; DHCP and a guest client transfer checked",
      configs=("netnsh_smp_hv",), exclusive=True)
def netnsh_smp_hv_line(t):
    with tempfile.TemporaryDirectory(prefix="vireo-hv-") as d:
        disk = disk_dir(d)
        m = t.machine("netnsh_smp_hv", (
            "accel=tcg", "cpu=max",
            "drive=file=%s,if=none,format=raw,id=hd" % disk))
        wait_dhcp(m, m.boot())
        guest_sends(m, 64 * 1024)
        m.kill()


@test("issue 11: without a DHCP server (a -netdev socket back end whose "
      "other end is silent) eth0 falls back to 10.0.2.15/24 gw 10.0.2.2 "
      "and says so", configs=("nsh",))
def dhcp_fallback(t):
    peer, local = free_port(), free_port()
    m = t.machine("nsh", extra=(
        "-global", "virtio-mmio.force-legacy=false",
        "-netdev", "socket,id=n0,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d" % (peer, local),
        "-device", "virtio-net-device,netdev=n0"))
    m.boot()
    m.expect(r"net: eth0: no DHCP answer in \d+ s, using static 10\.0\.2\.15/24 "
             r"gw 10\.0\.2\.2$", timeout=30)
    m.kill()
