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
import struct
import tempfile
import threading
import time

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


# -- bad input: raw Ethernet frames through a -netdev socket back end ------
GUEST_MAC = bytes.fromhex("525400123456")
HOST_MAC = bytes.fromhex("525400abcdef")
GUEST_IP = bytes([10, 0, 2, 15])
HOST_IP = bytes([10, 0, 2, 2])


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def eth(payload, ethertype=0x0800, dst=GUEST_MAC):
    return dst + HOST_MAC + struct.pack("!H", ethertype) + payload


def ipv4(proto, payload, ihl=5, total=None, flags_frag=0, ident=1, good_sum=True,
         options=b""):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total or 20 + len(options) + len(payload),
                      ident, flags_frag, 64, proto, 0, HOST_IP, GUEST_IP) + options
    s = csum(hdr) if good_sum else 0x1234
    return hdr[:10] + struct.pack("!H", s) + hdr[12:] + payload


def icmp_echo(ident, seq, data=b"vireo-bad-input"):
    body = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + data
    return body[:2] + struct.pack("!H", csum(body)) + body[4:]


def arp(op, sha, spa, tha, tpa, dst=b"\xff" * 6):
    return eth(struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, sha, spa, tha, tpa),
               0x0806, dst)


def bad_frames(rng):
    """Malformed frames of every kind the issue lists, a few thousand."""
    frames = []
    # Truncated below a header (QEMU's socket back end takes an empty
    # datagram for the end of the connection, so not 0 bytes).
    for n in range(1, 14):
        frames.append(rng.randbytes(n))
    for n in (1600, 3000, 9000, 60000):			# oversized
        frames.append(eth(rng.randbytes(n)))
    for _ in range(300):
        icmp = icmp_echo(7, 1)
        frames.append(eth(ipv4(1, icmp, ihl=rng.randrange(0, 5))))	# IHL too small
        frames.append(eth(ipv4(1, icmp, ihl=15)))			# IHL past the data
        frames.append(eth(ipv4(1, icmp, total=rng.randrange(1500, 65535))))
        frames.append(eth(ipv4(1, icmp, good_sum=False)))		# bad checksum
        frames.append(eth(ipv4(1, icmp)[:rng.randrange(1, 28)]))	# cut short
        # TCP to port 23 with garbage options (data offset 15).
        tcp = struct.pack("!HHIIBBHHH", 40000, 23, rng.getrandbits(32), 0,
                          0xf0, 0x02, 8192, 0, 0) + rng.randbytes(40)
        frames.append(eth(ipv4(6, tcp)))
        # Overlapping UDP fragments of one datagram.
        ident = rng.getrandbits(16)
        frames.append(eth(ipv4(17, rng.randbytes(64), flags_frag=0x2000, ident=ident)))
        frames.append(eth(ipv4(17, rng.randbytes(64), flags_frag=0x2000 | 4, ident=ident)))
        frames.append(eth(ipv4(17, rng.randbytes(16), flags_frag=2, ident=ident)))
        # ARP storm: requests and replies for random addresses.
        frames.append(arp(1, rng.randbytes(6), rng.randbytes(4), b"\0" * 6, rng.randbytes(4)))
        frames.append(arp(2, rng.randbytes(6), bytes([10, 0, 2, rng.randrange(3, 250)]),
                          GUEST_MAC, GUEST_IP, GUEST_MAC))
        frames.append(eth(rng.randbytes(rng.randrange(1, 100)), 0x0800))
        frames.append(eth(rng.randbytes(rng.randrange(0, 100)), 0x86dd))
    return frames


class Wire:
    """The host end of the guest's -netdev socket: sends frames, answers the
    guest's ARP requests for 10.0.2.2, collects echo replies."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.guest = None	# the guest's UDP address, known once it sends

    def send(self, frame):
        self.sock.sendto(frame, self.guest)

    def ping(self, seq, timeout, tries=3):
        """Echo requests to 10.0.2.15 (TRIES of them: one may be lost in the
        host's socket buffers behind a flood); True when a reply came."""
        return any(self._ping_once(seq, timeout / tries) for _ in range(tries))

    def _ping_once(self, seq, timeout):
        self.send(eth(ipv4(1, icmp_echo(0x4242, seq))))
        deadline = time.monotonic() + scaled(timeout)
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                frame, _ = self.sock.recvfrom(65536)
            except socket.timeout:
                break
            etype = frame[12:14]
            if etype == b"\x08\x06" and frame[21] == 1 and frame[38:42] == HOST_IP:
                self.send(arp(2, HOST_MAC, HOST_IP, frame[22:28], frame[28:32],
                              frame[6:12]))
            elif (etype == b"\x08\x00" and frame[23] == 1 and len(frame) >= 42
                  and frame[34] == 0 and frame[38:42] == struct.pack("!HH", 0x4242, seq)):
                return True
        return False


def heap_used(m):
    return int(check_match(r"^Mem:\s+\d+\s+(\d+)", m.command("free"), "free").group(1))


@test("issue 11 bad input: thousands of malformed frames through a -netdev "
      "socket back end (truncated, oversized, bad IP header lengths and "
      "checksums, TCP with garbage options, overlapping fragments, an ARP "
      "storm) are dropped and counted; the guest still answers ping, its "
      "socket tests pass and the heap returns where it was", configs=("nsh",),
      timeout=600)
def bad_frames_survived(t):
    import random
    wire = Wire()
    local = free_port()
    wire.guest = ("127.0.0.1", local)
    m = t.machine("nsh", extra=(
        "-global", "virtio-mmio.force-legacy=false",
        "-netdev", "socket,id=n0,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d" % (wire.port, local),
        "-device", "virtio-net-device,netdev=n0"))
    m.boot()
    m.expect(r"net: eth0: no DHCP answer in \d+ s, using static", timeout=30)
    check(wire.ping(1, 15), "no echo reply before the bad frames")
    before = heap_used(m)
    frames = bad_frames(random.Random(11))
    for i, f in enumerate(frames):
        wire.send(f)
        if i % 200 == 199:	# let the guest keep up (UDP drops otherwise)
            time.sleep(0.02)
    replied = wire.ping(2, 15)
    out = m.command("ifconfig eth0")
    check(replied, "no echo reply after %d bad frames: %s" % (len(frames), out))
    errors = int(check_match(r"RX packets:\d+ errors:(\d+)", out, "ifconfig").group(1))
    check(errors >= 13, "only %d malformed frames counted as errors" % errors)
    # Fragments wait for reassembly up to IP_REASS_MAXAGE (15 s).
    m.command("sleep 16", timeout=60)
    after = heap_used(m)
    check(after <= before + 4096, "heap used %d before, %d after" % (before, after))
    out = m.command("ostest net", timeout=120)
    check_match(r"^ostest: \d+ passed, 0 failed", out, "ostest net")
    m.kill()


@test("issue 11: virtio-net as -device virtio-net-pci (the PCIe transport) "
      "with the nsh image: DHCP and a checked guest client transfer",
      configs=("nsh",))
def virtio_net_pci(t):
    m = t.machine("nsh", extra=("-netdev", "user,id=u1",
                                "-device", "virtio-net-pci,netdev=u1"))
    log = m.boot()
    check_match(r"virtio-pci@\S+: eth0, MAC 52:54:00:12:34:56, link up", log, "boot log")
    wait_dhcp(m, log)
    guest_sends(m, 64 * 1024)
    m.kill()
