# SPDX-License-Identifier: BSD-2-Clause
"""Virtio devices on virtio-mmio (issue 10): the board document's netnsh line
with the nsh image finds every device on its slot, the rng feeds /dev/hwrng
and reseeds /dev/random; the legacy interface works; without virtio devices
the shell and /dev/random are as before; a GICv2 machine works too.
"""
import os
import re
import tempfile

from harness import check, config_args_file, check_in, check_match, test

TIMESTAMP = r"^\[\s*\d+\.\d{6}\] "
RESEEDED = r"random: reseeded from (virtio-mmio@[0-9a-f]+) \(32 bytes\)"
DISK_SIZE = 1 << 30

# The netnsh line puts the devices on virtio-mmio-bus.0..3, the slots at the
# lowest addresses (QEMU virt: 0xa000000 + 0x200 * n).
NETNSH_SLOTS = {
    "console": ("a000000", 3),
    "rng": ("a000200", 4),
    "net": ("a000400", 1),
    "block": ("a000600", 2),
}


def _bytes_of_hexdump(text):
    """The bytes a `hexdump` listing shows ("00000000: 1d 0a ... |..|")."""
    data = bytearray()
    for m in re.finditer(r"^[0-9a-f]{8}: ((?:[0-9a-f]{2} ?)+)", text, re.M):
        data += bytes.fromhex(m.group(1))
    return bytes(data)


def _check_random_file(m, device, path, size):
    """dd SIZE bytes of DEVICE into PATH; they must not repeat one value
    (and, for SIZE >= 64, show many distinct values)."""
    out = m.command("dd if=%s of=%s bs=64 count=%d" % (device, path, size // 64))
    check_in("%d blocks copied" % (size // 64), out, "dd from " + device)
    data = _bytes_of_hexdump(m.command("hexdump " + path))
    check(len(data) == size, "%s: %d bytes read, %d expected" % (device, len(data), size))
    check(len(set(data)) > size // 8,
          "%s gave too few distinct byte values: %s" % (device, data.hex()))
    return data


def _check_rng(m, log):
    """The rng bound, /dev/hwrng gives varied bytes, /dev/random was
    reseeded from the same slot and reads; returns the rng's slot name."""
    slot = check_match(r"(virtio-mmio@[0-9a-f]+): rng \(device 4\), driver virtio-rng",
                       log, "boot log").group(1)
    if not re.search(RESEEDED, log):	# the first fill may land after the prompt
        log = m.command("dmesg")
    check(check_match(RESEEDED, log, "kernel log").group(1) == slot,
          "/dev/random not reseeded from the rng at %s" % slot)
    a = _check_random_file(m, "/dev/hwrng", "/tmp/r", 256)
    b = _check_random_file(m, "/dev/hwrng", "/tmp/r2", 256)
    check(a != b, "two reads of /dev/hwrng gave the same bytes")
    _check_random_file(m, "/dev/random", "/tmp/q", 128)
    return slot


@test("board doc: the netnsh line (virtio console, rng, net, block on "
      "virtio-mmio, with ./mydisk-1gb.img) run verbatim with the nsh image: "
      "every device is named on its slot in the boot log and in "
      "/proc/interrupts; /dev/hwrng gives random bytes (blocking, and "
      "O_NONBLOCK with poll: ostest io.hwrng) and /dev/random is reseeded "
      "from it", configs=("nsh",), exclusive=True)
def netnsh_devices(t):
    with tempfile.TemporaryDirectory(prefix="vireo-netnsh-") as d:
        os.symlink(os.path.abspath(t.image("nsh")), os.path.join(d, "vireo"))
        with open(os.path.join(d, "mydisk-1gb.img"), "wb") as f:
            f.truncate(DISK_SIZE)	# sparse, as the document's dd makes it
        m = t.machine("nsh", args_file=config_args_file("netnsh"),
                      verbatim=True, cwd=d)
        log = m.boot()
        for name, (addr, dev_id) in NETNSH_SLOTS.items():
            check_match(r"%svirtio-mmio@%s: %s \(device %d\), (driver \S+|no driver)$"
                        % (TIMESTAMP, addr, name, dev_id), log, "boot log")
        irqs = m.command("cat /proc/interrupts")
        for name, (addr, _) in NETNSH_SLOTS.items():
            check_match(r"^\s*\d+\s+\d+\s+\S+ virtio-mmio@%s$" % addr, irqs,
                        "/proc/interrupts (%s)" % name)
        slot = _check_rng(m, log)
        check(slot == "virtio-mmio@" + NETNSH_SLOTS["rng"][0], "rng on %s" % slot)
        count = check_match(r"^\s*\d+\s+(\d+)\s+\S+ %s$" % slot,
                            m.command("cat /proc/interrupts"), "/proc/interrupts")
        check(int(count.group(1)) >= 3, "the rng interrupt counted %s" % count.group(1))
        out = m.command("ostest -v io.hwrng", timeout=60)
        check_match(r"io\.hwrng: \d+ bytes without blocking", out, "ostest io.hwrng")
        check_match(r"^ostest: 1 passed, 0 failed", out, "ostest io.hwrng")
        m.kill()


# The netnsh devices without its fixed host ports and without
# force-legacy=false: QEMU's virtio-mmio then offers the legacy interface.
def _legacy_devices(disk):
    return ("-device", "virtio-serial-device",
            "-device", "virtio-rng-device",
            "-netdev", "user,id=u1", "-device", "virtio-net-device,netdev=u1",
            "-drive", "file=%s,if=none,format=raw,id=hd" % disk,
            "-device", "virtio-blk-device,drive=hd")


@test("issue 10: legacy virtio-mmio (version 1, the default without "
      "force-legacy=false) with the netnsh devices: found, the rng "
      "used through the legacy queue layout", configs=("nsh",))
def legacy_mmio(t):
    with tempfile.TemporaryDirectory(prefix="vireo-legacy-") as d:
        disk = os.path.join(d, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(1 << 20)
        m = t.machine("nsh", extra=_legacy_devices(disk))
        log = m.boot()
        for name in ("console", "rng", "net", "block"):
            check_match(r"virtio-mmio@[0-9a-f]+: %s \(device \d+\), "
                        r"(driver \S+, legacy interface|no driver)$" % name,
                        log, "boot log")
        _check_rng(m, log)
        m.kill()


@test("board doc: the nsh line (no virtio device) boots as before: no "
      "virtio device is bound, there is no /dev/hwrng, and /dev/random "
      "works from its boot seed", configs=("nsh",))
def no_virtio_devices(t):
    m = t.machine("nsh")
    log = m.boot()
    check(not re.search(r"virtio-mmio@[0-9a-f]+: ", log),
          "virtio lines without devices: %s" % log)
    check_in("No such file", m.command("ls /dev/hwrng"), "ls /dev/hwrng")
    _check_random_file(m, "/dev/random", "/tmp/q", 128)
    check(not re.search(RESEEDED, m.command("dmesg")), "reseeded without an rng")
    out = m.command("ostest -v io.hwrng", timeout=60)
    check_in("io.hwrng: no /dev/hwrng on this machine", out, "ostest io.hwrng")
    check_match(r"^ostest: 1 passed, 0 failed", out, "ostest io.hwrng")


@test("issue 10: the nsh_gicv2 image on a gic-version=2 machine with a "
      "modern virtio-rng: the interrupt is routed by the GICv2 and the rng "
      "reseeds /dev/random", configs=("nsh_gicv2",))
def gicv2_rng(t):
    m = t.machine("nsh_gicv2", extra=("-global", "virtio-mmio.force-legacy=false",
                                      "-device", "virtio-rng-device"))
    log = m.boot()
    check_in("gicv2 ", m.command("cat /proc/interrupts"), "/proc/interrupts")
    _check_rng(m, log)


@test("issue 10: two virtio-rng devices on -smp 4 (nsh_smp): /dev/hwrng and "
      "/dev/hwrng1, read at the same time from two tasks, each interrupt "
      "counted", configs=("nsh_smp",))
def smp_two_rngs(t):
    rng = ("-device", "virtio-rng-device")
    m = t.machine("nsh_smp", ("smp=4",),
                  extra=("-global", "virtio-mmio.force-legacy=false") + rng + rng)
    log = m.boot()
    slots = re.findall(r"(virtio-mmio@[0-9a-f]+): /dev/(hwrng1?)$", log, re.M)
    check(sorted(s[1] for s in slots) == ["hwrng", "hwrng1"], "rng devices: %s" % slots)
    out = m.command("dd if=/dev/hwrng1 of=/tmp/r1 bs=64 count=64 2>/tmp/bg & "
                    "dd if=/dev/hwrng of=/tmp/r0 bs=64 count=64")
    check_in("64 blocks copied", out, "dd from /dev/hwrng")
    for _ in range(100):	# the background dd reports in /tmp/bg when done
        if "64 blocks copied" in m.command("cat /tmp/bg"):
            break
        m.command("usleep 50000")
    check_in("64 blocks copied", m.command("cat /tmp/bg"), "dd from /dev/hwrng1")
    a = _bytes_of_hexdump(m.command("hexdump /tmp/r0"))
    b = _bytes_of_hexdump(m.command("hexdump /tmp/r1"))
    check(len(a) == len(b) == 4096 and a != b, "hwrng/hwrng1: %d, %d bytes" % (len(a), len(b)))
    irqs = m.command("cat /proc/interrupts")
    for slot, _ in slots:
        n = check_match(r"^\s*\d+\s+(\d+)\s+\S+ %s$" % slot, irqs, "/proc/interrupts")
        check(int(n.group(1)) >= 16, "%s: %s interrupts" % (slot, n.group(1)))
