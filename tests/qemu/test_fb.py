# SPDX-License-Identifier: BSD-2-Clause
"""Graphics (issue 13): the board document's fb line (with `-display none`
and a QMP socket, since the harness has no screen) shows `fb`'s test picture
exactly, at 640x480 and at other sizes, also on virtio-gpu-pci; /dev/fb0's
write()/lseek() and flush ioctl; the text console on the screen scrolls, and
keys sent to a virtio keyboard reach the shell; without a display `fb` says so.
"""
import json
import os
import re
import socket
import tempfile
import time

from harness import check, check_in, check_match, scaled, test, TestFailure

GRID = 32
GRID_COLOR = (0x80, 0x80, 0x80)
RECT_COLORS = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0), (255, 0, 255)]
TEXT_ROW = 16		# pixel rows per text line of the console font


class Qmp:
    """A QMP client on QEMU's unix socket (stdlib only)."""

    def __init__(self, path, timeout=30):
        deadline = time.monotonic() + scaled(timeout)
        while True:	# QEMU creates the socket as it starts
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise TestFailure("no QMP socket at %s" % path)
                time.sleep(0.05)
        self.sock.settimeout(scaled(timeout))
        self.buf = b""
        self._reply()			# the greeting
        self.execute("qmp_capabilities")

    def _reply(self):
        while True:
            line, nl, rest = self.buf.partition(b"\n")
            if nl:
                self.buf = rest
                msg = json.loads(line)
                if "event" not in msg:
                    return msg
                continue
            data = self.sock.recv(65536)
            if not data:
                raise TestFailure("QMP connection closed")
            self.buf += data

    def execute(self, cmd, **args):
        self.sock.sendall(json.dumps({"execute": cmd, "arguments": args}).encode() + b"\n")
        msg = self._reply()
        if "error" in msg:
            raise TestFailure("QMP %s: %s" % (cmd, msg["error"]))
        return msg.get("return")

    def close(self):
        self.sock.close()


class Picture:
    """A PPM (P6) screendump: width, height, and pixel(x, y) -> (r, g, b)."""

    def __init__(self, path):
        with open(path, "rb") as f:
            data = f.read()
        fields = []
        pos = 0
        while len(fields) < 4:	# magic, width, height, maxval
            m = re.compile(rb"\s*(\S+)").match(data, pos)
            fields.append(m.group(1))
            pos = m.end()
        check(fields[0] == b"P6" and fields[3] == b"255", "not a P6 PPM: %r" % fields)
        self.width, self.height = int(fields[1]), int(fields[2])
        self.data = data[pos + 1:]
        check(len(self.data) == self.width * self.height * 3, "PPM data size")

    def pixel(self, x, y):
        i = (y * self.width + x) * 3
        return tuple(self.data[i:i + 3])

    def row(self, y):
        return self.data[y * self.width * 3:(y + 1) * self.width * 3]


def screendump(qmp, tmpdir, name="screen.ppm"):
    path = os.path.join(tmpdir, name)
    qmp.execute("screendump", filename=path)
    return Picture(path)


def expected_pixel(w, h, x, y):
    """What apps/fb/fb.c draws at (x, y) on a w x h screen."""
    half, top = w // 2, h * 3 // 4
    if y >= top:
        rows = h - top
        r = x * 255 // (w - 1)
        g = (y - top) * 255 // (rows - 1) if rows > 1 else 0
        return (r, g, 255 - r)
    if x >= half:
        return GRID_COLOR if x % GRID == 0 or y % GRID == 0 else (0, 0, 0)
    dx, dy = w // 20, h * 3 // 40
    colour = None
    for k, c in enumerate(RECT_COLORS):
        if k * dx <= x < half - k * dx and k * dy <= y < top - k * dy:
            colour = c
    return colour


def check_picture(pic, w, h, rows=None):
    """Every pixel (of ROWS, default all) is the one fb draws; the edges of
    each rectangle and region are among them, named when they differ."""
    check((pic.width, pic.height) == (w, h),
          "screendump is %dx%d, expected %dx%d" % (pic.width, pic.height, w, h))
    bad = []
    for y in rows if rows is not None else range(h):
        want = bytes(c for x in range(w) for c in expected_pixel(w, h, x, y))
        if pic.row(y) != want:
            x = next(i for i in range(w) if pic.pixel(i, y) != tuple(want[3 * i:3 * i + 3]))
            bad.append("(%d,%d) is %s, expected %s" % (x, y, pic.pixel(x, y),
                                                     tuple(want[3 * x:3 * x + 3])))
            if len(bad) >= 5:
                break
    check(not bad, "%dx%d picture differs: %s" % (w, h, "; ".join(bad)))


def check_edges(pic, w, h):
    """Named spot checks, so a failure reads as what went wrong."""
    dx, dy, half, top = w // 20, h * 3 // 40, w // 2, h * 3 // 4
    spots = {
        "outer rectangle corner (red)": ((0, 0), RECT_COLORS[0]),
        "last red column before green": ((dx - 1, top // 2), RECT_COLORS[0]),
        "first green column": ((dx, top // 2), RECT_COLORS[1]),
        "innermost rectangle (magenta)": ((half // 2, top // 2), RECT_COLORS[4]),
        "first grid line right of the rectangles": ((-(-half // GRID) * GRID, 5), GRID_COLOR),
        "black between grid lines": ((-(-half // GRID) * GRID + 1, 1), (0, 0, 0)),
        "gradient start (blue)": ((0, top), (0, 0, 255)),
        "gradient end (red, full green)": ((w - 1, h - 1), (255, 255, 0)),
    }
    for what, ((x, y), colour) in spots.items():
        check(pic.pixel(x, y) == colour, "%s at (%d,%d) is %s, expected %s"
              % (what, x, y, pic.pixel(x, y), colour))


def boot_display(t, tmpdir, overrides=(), extra=(), config="fb"):
    """The configuration's line with -display none and a QMP socket."""
    sock = os.path.join(tmpdir, "qmp.sock")
    m = t.machine(config, overrides,
                  ["-display", "none", "-qmp", "unix:%s,server=on,wait=off" % sock]
                  + list(extra))
    qmp = Qmp(sock)
    return m, m.boot(), qmp


def run_fb(m, w, h, dev="/dev/fb0"):
    out = m.command("fb; echo status=$?")
    check_in("fb: %s %dx%d XRGB8888, stride %d bytes" % (dev, w, h, w * 4), out, "fb")
    check_in("fb: drew 5 nested rectangles (red, green, blue, yellow, magenta) "
             "in 0..%d x 0..%d" % (w // 2 - 1, h * 3 // 4 - 1), out, "fb")
    check_in("status=0", out, "fb exit status")


@test(proves="board doc fb line: `fb` shows the test picture at 640x480, pixel-exact; "
             "/dev/fb0 write/lseek/read and the flush ioctl (outside the screen: EINVAL)",
      configs=("fb",))
def fb_picture_640x480(t):
    with tempfile.TemporaryDirectory() as tmp:
        m, log, qmp = boot_display(t, tmp)
        check_match(r"virtio-mmio@a000000: /dev/fb0 640x480 XRGB8888 on scanout 0 of 1",
                    log, "boot log")
        run_fb(m, 640, 480)
        pic = screendump(qmp, tmp)
        check_edges(pic, 640, 480)
        check_picture(pic, 640, 480)
        # write() at an lseek()ed offset: rows 100..103 become black.
        out = m.command("dd if=/dev/zero of=/dev/fb0 bs=2560 count=4 seek=100")
        check_in("4 blocks copied", out, "dd to /dev/fb0")
        pic = screendump(qmp, tmp)
        for y in (99, 104):
            check(pic.row(y) != bytes(640 * 3), "row %d was cleared too" % y)
        for y in range(100, 104):
            check(pic.row(y) == bytes(640 * 3), "row %d not cleared by dd" % y)
        check_picture(pic, 640, 480, rows=list(range(0, 100)) + list(range(104, 480)))
        # read(): pixel (0, 110) is red, bytes B, G, R, X.
        m.command("dd if=/dev/fb0 of=/tmp/px bs=4 count=1 skip=%d" % (110 * 640))
        check_in("00000000: 00 00 ff 00", m.command("hexdump /tmp/px"), "pixel read back")
        for area, ok in (("600 400 100 100", False), ("0 0 0 10", False),
                         ("640 0 1 1", False), ("0 0 640 480", True), ("639 479 1 1", True)):
            out = m.command("fb -u %s; echo status=$?" % area)
            if ok:
                check_in("status=0", out, "fb -u %s" % area)
            else:
                check_match(r"fb: /dev/fb0: update .*: Invalid argument", out, "fb -u " + area)
                check_in("status=1", out, "fb -u %s" % area)
        qmp.close()


@test(proves="the picture follows the device's resolution: 1024x768 (a device with two "
             "scanouts, the enabled one used) and 1920x1080 on virtio-gpu-device, 800x600 "
             "on virtio-gpu-pci",
      configs=("fb",))
def fb_picture_sizes(t):
    cases = [
        ("1024x768", ["device.xres=1024", "device.yres=768", "device.max_outputs=2"], [],
         "virtio-mmio@a000000"),
        ("1920x1080", ["device.xres=1920", "device.yres=1080"], [], "virtio-mmio@a000000"),
        ("800x600", ["!device"], ["-device", "virtio-gpu-pci,xres=800,yres=600"],
         "virtio-pci@0000:00:0[0-9a-f].0"),
    ]
    for size, overrides, extra, where in cases:
        w, h = map(int, size.split("x"))
        with tempfile.TemporaryDirectory() as tmp:
            m, log, qmp = boot_display(t, tmp, overrides, extra)
            scanouts = 2 if "device.max_outputs=2" in overrides else 1
            check_match(r"%s: /dev/fb0 %s XRGB8888 on scanout 0 of %d"
                        % (where, size, scanouts), log, "boot log")
            run_fb(m, w, h)
            pic = screendump(qmp, tmp)
            check_edges(pic, w, h)
            check_picture(pic, w, h)
            qmp.close()
            m.kill()


def text_rows(pic, x_end):
    """Per text row of the console: whether any pixel left of x_end is lit."""
    lit = []
    for r in range(pic.height // TEXT_ROW):
        rows = (pic.row(r * TEXT_ROW + y)[:x_end * 3] for y in range(TEXT_ROW))
        lit.append(any(any(b) for b in rows))
    return lit


def wait_screen(qmp, tmp, cond, what, timeout=30):
    """Screendumps until cond(picture) holds on two in a row that are equal
    (the console draws in the background, below the shell's priority, so
    the screen is read once it has settled)."""
    deadline = time.monotonic() + scaled(timeout)
    prev = None
    while True:
        pic = screendump(qmp, tmp)
        if cond(pic) and prev is not None and pic.data == prev.data:
            return pic
        if time.monotonic() > deadline:
            raise TestFailure("screen never showed %s" % what)
        prev = pic
        time.sleep(0.1)


QCODES = {" ": "spc", "-": "minus", "\r": "ret"}


def type_keys(qmp, text):
    for ch in text:
        code = QCODES.get(ch, ch.lower())
        if ch.isupper():
            keys = ["shift", code]
        else:
            keys = [code]
        qmp.execute("send-key", keys=[{"type": "qcode", "data": k} for k in keys])


@test(proves="text console on the framebuffer: boot log and command output appear "
             "and scroll; keys sent to virtio-keyboard-device reach the shell",
      configs=("fb",))
def fb_console_and_keyboard(t):
    with tempfile.TemporaryDirectory() as tmp:
        m, log, qmp = boot_display(t, tmp, extra=["-device", "virtio-keyboard-device"])
        check_match(r"input \"QEMU Virtio Keyboard\": keys go to the console", log, "boot log")
        # The boot log is on the screen from the top row (the console
        # attaches once the display is set up, possibly after the prompt).
        wait_screen(qmp, tmp, lambda p: text_rows(p, 640)[0], "the boot log")
        check_match(r"fbcon: 80x30 text console on /dev/fb0", m.command("dmesg"), "dmesg")
        # Fill the screen so that it scrolls, then a distinct line count.
        m.command("for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 "
                  "23 24 25 26 27 28 29 30 31 32; do echo line $i; done")
        before = wait_screen(qmp, tmp, lambda p: all(text_rows(p, 640)[:-1]),
                             "a full screen of text")
        m.command("echo one; echo two; echo three")
        # Four lines printed (three and a prompt): each earlier text row is
        # now four rows higher.
        shift = 4 * TEXT_ROW
        after = wait_screen(qmp, tmp, lambda p: p.data != before.data, "scrolling")
        # The last text row of before (the prompt the command was typed
        # on) changed; the 25 rows above it must be in after, 4 rows up.
        kept = 480 - TEXT_ROW - shift
        same = all(after.row(y) == before.row(y + shift) for y in range(kept))
        check(same, "the console did not scroll by four text rows")
        # Keys from the virtio keyboard run a command on the console.
        start = m.pos
        type_keys(qmp, "echo Typed-ok\r")
        m.expect(r"^Typed-ok$")
        check_in("echo Typed-ok", m.text[start:m.pos], "echo of the typed line")
        qmp.close()


@test(proves="`fb` without a display says so and fails", configs=("nsh",))
def fb_without_display(t):
    m = t.boot("nsh")
    out = m.command("fb; echo status=$?")
    check_in("fb: no display: /dev/fb0: No such file or directory", out, "fb")
    check_in("status=1", out, "fb exit status")
    out = m.command("fb -u 1 2; echo status=$?")
    check_in("usage: fb", out, "fb with bad arguments")
    check_in("status=2", out, "fb usage status")
