# SPDX-License-Identifier: BSD-2-Clause
"""The virtio console (issue 10): /dev/ttyV* ports of virtio-serial, a second
shell on one of them over QEMU's telnet server (the board document's netnsh
line), raw serial ports to and from the host, a single-port device, and the
non-blocking / poll / blocking behaviour of a port (ostest tty).
"""
import os
import re
import socket
import tempfile
import threading
import time

from harness import (COMMAND_TIMEOUT, ExpectTimeout, TestFailure, config_args_file,
                     check, check_in, check_match, scaled, test)

DISK_SIZE = 1 << 30
NETNSH_TELNET = 3450		# the netnsh line's virtconsole
IAC, SB, SE = 255, 250, 240
WILL, WONT, DO, DONT = 251, 252, 253, 254


class HostSocket:
    """The host end of a QEMU socket chardev (QEMU listens, we connect).

    With TELNET, the peer is QEMU's telnet server: option negotiation (IAC
    sequences) is answered as a client that accepts every option and is
    stripped from what the text shows.  Text is kept with '\\r' and NUL
    removed; expect() consumes what it matched, as Machine.expect does."""

    def __init__(self, port, telnet=False, timeout=COMMAND_TIMEOUT):
        deadline = time.monotonic() + scaled(timeout)
        while True:		# QEMU may not listen yet
            try:
                self.sock = socket.create_connection(("127.0.0.1", port), 5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise TestFailure("cannot connect to 127.0.0.1:%d" % port)
                time.sleep(0.1)
        self.telnet = telnet
        self.raw = b""		# bytes received, IAC sequences removed
        self.pos = 0
        self.pending = b""	# an IAC sequence cut by a recv
        self.answered = set()

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def _answer(self, verb, opt):
        """A client that accepts everything: DO for WILL, WILL for DO."""
        if (verb, opt) in self.answered or verb not in (WILL, DO):
            return
        self.answered.add((verb, opt))
        self.sock.sendall(bytes([IAC, DO if verb == WILL else WILL, opt]))

    def _strip_iac(self, data):
        data = self.pending + data
        out, i = bytearray(), 0
        while i < len(data):
            if data[i] != IAC:
                out.append(data[i])
                i += 1
            elif i + 1 >= len(data):
                break
            elif data[i + 1] == IAC:
                out.append(IAC)
                i += 2
            elif data[i + 1] in (WILL, WONT, DO, DONT):
                if i + 2 >= len(data):
                    break
                self._answer(data[i + 1], data[i + 2])
                i += 3
            elif data[i + 1] == SB:
                end = data.find(bytes([IAC, SE]), i + 2)
                if end < 0:
                    break
                i = end + 2
            else:
                i += 2
        self.pending = data[i:]
        return bytes(out)

    def _recv(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        self.sock.settimeout(left)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return False
        if not data:
            raise TestFailure("QEMU closed the connection")
        self.raw += self._strip_iac(data) if self.telnet else data
        return True

    def text(self):
        return self.raw.decode("utf-8", "replace").replace("\r", "").replace("\0", "")

    def expect(self, pattern, timeout=COMMAND_TIMEOUT):
        """Wait for PATTERN (regex, multiline) in the new text; the match."""
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + scaled(timeout)
        while True:
            text = self.text()
            m = rx.search(text, self.pos)
            if m:
                self.pos = m.end()
                return m
            if not self._recv(deadline):
                raise ExpectTimeout("no %r from the host socket within %g s; got %r"
                                    % (pattern, scaled(timeout), text[self.pos:][-300:]))

    def expect_bytes(self, n, timeout=COMMAND_TIMEOUT):
        """The next N raw bytes."""
        deadline = time.monotonic() + scaled(timeout)
        while len(self.raw) - self.pos < n:
            if not self._recv(deadline):
                raise ExpectTimeout("%d of %d bytes within %g s: %r" % (
                    len(self.raw) - self.pos, n, scaled(timeout), self.raw[self.pos:]))
        data = self.raw[self.pos:self.pos + n]
        self.pos += n
        return data

    def negotiated(self, timeout=COMMAND_TIMEOUT):
        """Wait for QEMU's first telnet option: it has taken the
        connection, so console output is no longer dropped."""
        deadline = time.monotonic() + scaled(timeout)
        while not self.answered:
            if not self._recv(deadline):
                raise ExpectTimeout("no telnet negotiation from QEMU")

    def new_text(self):
        """What arrived and was not consumed yet (without waiting)."""
        self.sock.setblocking(False)
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                self.raw += self._strip_iac(data) if self.telnet else data
        except BlockingIOError:
            pass
        return self.text()[self.pos:]

    def command(self, line, enter=b"\r\0"):
        """Run LINE in the shell on the other end; its output."""
        start = self.pos
        self.send(line.encode() + enter)
        m = self.expect(r"^nsh> ")
        out = self.text()[start:m.start()]
        echo, _, rest = out.partition("\n")
        check(echo.endswith(line), "the shell did not echo %r: %r" % (line, out))
        return rest


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hexdump_lines(text):
    return re.findall(r"^[0-9a-f]{8}: .*$", text, re.M)


@test("board doc: the netnsh line verbatim: the boot log names the console "
      "port ttyV0; `nsh /dev/ttyV0 &` starts a second shell that a telnet "
      "client on 127.0.0.1:3450 uses (IAC negotiation, CR NUL and CR LF line "
      "ends, output larger than every buffer, Ctrl-C of its own foreground "
      "command) while the serial console's shell goes on",
      configs=("nsh",), exclusive=True)
def netnsh_telnet_shell(t):
    with tempfile.TemporaryDirectory(prefix="vireo-console-") as d:
        os.symlink(os.path.abspath(t.image("nsh")), os.path.join(d, "vireo"))
        with open(os.path.join(d, "mydisk-1gb.img"), "wb") as f:
            f.truncate(DISK_SIZE)
        m = t.machine("nsh", args_file=config_args_file("netnsh"),
                      verbatim=True, cwd=d)
        log = m.boot()
        check_match(r"virtio-mmio@a000000: ttyV0: console port$", log, "boot log")
        out = m.command("nsh /dev/ttyV0 &")
        check_match(r"^\[\d+\]$", out, "starting the shell on ttyV0")
        tel = HostSocket(NETNSH_TELNET, telnet=True)
        try:
            _telnet_session(m, tel)
        finally:
            tel.close()


def _telnet_session(m, tel):
    # QEMU drops console output while no client is connected: Enter gets
    # a prompt, as on a serial line.  The answers to QEMU's negotiation go
    # first; QEMU must strip them, or the line below would not run.
    # Prompts printed before the client came may or may not have been
    # dropped: a marker's output, then the prompt, syncs the text.
    tel.negotiated()
    tel.send(b"\r\0echo in-sync\r\0")
    tel.expect(r"^in-sync\nnsh> ")
    check_match(r"^hello there$", tel.command("echo hello there"), "echo")
    check_match(r"^ ttyV0$", tel.command("ls /dev", enter=b"\r\n"), "ls /dev")
    # 8 KiB as hexdump: 512 lines, ~40 KiB, through every ring.
    tel.command("dd if=/dev/urandom of=/tmp/big bs=512 count=16")
    over_telnet = hexdump_lines(tel.command("hexdump /tmp/big"))
    on_console = hexdump_lines(m.command("hexdump /tmp/big", timeout=120))
    check(len(over_telnet) == 512, "%d hexdump lines over telnet" % len(over_telnet))
    check(over_telnet == on_console, "hexdump over telnet differs from the console's")
    # Ctrl-C: each terminal interrupts its own foreground command.
    tel.send(b"sleep 100\r\0")
    tel.expect(r"sleep 100\n")
    check_match(r"^console-ok$", m.command("echo console-ok"), "console shell")
    m.send("\x03")			# the console's prompt takes it
    m.expect(r"\^C\nnsh> ")
    check("nsh> " not in tel.new_text(), "Ctrl-C on the console reached ttyV0")
    tel.send(b"\x03")
    tel.expect(r"^nsh> ", timeout=30)	# not 100 s
    check_match(r"^130$", tel.command("echo $?"), "status after Ctrl-C")
    check_match(r"^ttyV0-ok$", tel.command("echo ttyV0-ok"), "ttyV0 after Ctrl-C")


class Echo(threading.Thread):
    """Sends back every byte the guest writes to a host socket."""

    def __init__(self, sock):
        super().__init__(daemon=True)
        self.sock = sock

    def run(self):
        self.sock.sock.settimeout(None)
        try:
            while True:
                data = self.sock.sock.recv(65536)
                if not data:
                    return
                self.sock.sock.sendall(data)
        except OSError:
            return


SERIAL_PORTS = ("a named raw port carries bytes to and from the host unchanged; "
                "output waits in the port while the host is disconnected; "
                "non-blocking reads and writes, poll and blocking reads (ostest tty) "
                "against an echoing host; a single-port device (no MULTIPORT) is a "
                "console with CR LF output")


@test("virtio-serial-device (legacy virtio-mmio): " + SERIAL_PORTS)
def serial_ports_mmio(t):
    _serial_ports(t, "virtio-serial-device", r"virtio-mmio@[0-9a-f]+")


@test("virtio-serial-pci (virtio-pci, MSI-X): " + SERIAL_PORTS)
def serial_ports_pci(t):
    _serial_ports(t, "virtio-serial-pci", r"virtio-pci@[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.\d")


def _serial_ports(t, device, location):
    """Two DEVICEs: a multiport one with a virtconsole and a named
    virtserialport, a single-port one with a virtconsole."""
    cons, data, single = free_port(), free_port(), free_port()
    extra = [
        "-device", device + ",id=vs0",
        "-chardev", "socket,id=vc,host=127.0.0.1,port=%d,server=on,wait=off" % cons,
        "-device", "virtconsole,chardev=vc,bus=vs0.0",
        "-chardev", "socket,id=vp,host=127.0.0.1,port=%d,server=on,wait=off" % data,
        "-device", "virtserialport,chardev=vp,name=org.vireo.test,bus=vs0.0",
        "-device", device + ",max_ports=1,id=vs1",
        "-chardev", "socket,id=sp,host=127.0.0.1,port=%d,server=on,wait=off,telnet=on"
        % single,
        "-device", "virtconsole,chardev=sp,bus=vs1.0",
    ]
    m = t.machine("nsh", extra=extra)
    log = m.boot()
    multi = check_match(r"\] (%s): virtio-console, multiport, ttyV(\d+)\.\." % location,
                        log, "boot log")
    one = check_match(r"\] (%s): virtio-console, single port, ttyV(\d+)\.\." % location,
                      log, "boot log")
    port = check_match(r"%s: (ttyV\d+): name \"org\.vireo\.test\"$" % multi.group(1),
                       log, "boot log").group(1)
    check(port == "ttyV%d" % (int(multi.group(2)) + 1), "the named port is %s" % port)
    dev = "/dev/" + port
    host = HostSocket(data)
    try:
        m.command("echo to-host > " + dev)
        check(host.expect_bytes(8) == b"to-host\n", "raw bytes reach the host")
        host.send(b"from-host\n")
        m.command("dd if=%s of=/tmp/in bs=10 count=1" % dev)
        check_match(r"^from-host$", m.command("cat /tmp/in"), "bytes from the host")
    finally:
        host.close()
    # The host went away: output waits in the port until it is back.
    m.expect(r"%s: host disconnected$" % port)
    m.command("echo held > " + dev)
    host = HostSocket(data)
    try:
        check(host.expect_bytes(5) == b"held\n", "output written while disconnected")
        Echo(host).start()
        out = m.command("export OSTEST_TTY %s; ostest tty" % dev, timeout=120)
        check_match(r"^ostest: 3 passed, 0 failed$", out, "ostest tty")
    finally:
        host.close()
    tty = HostSocket(single, telnet=True)
    try:
        tty.negotiated()
        m.command("echo single > /dev/ttyV" + one.group(2))
        check(tty.expect_bytes(8) == b"single\r\n", "the console port adds CR")
    finally:
        tty.close()
