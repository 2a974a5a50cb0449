# SPDX-License-Identifier: BSD-2-Clause
"""Block devices (issue 10): virtio-blk as /dev/vda, /dev/vdb, read and
written at any offset and length through the block layer with dd, checked
byte for byte in the disk image on the host after QEMU exits; read-only
drives, two disks, legacy virtio-mmio, the end of the device."""
import os
import tempfile

from harness import check, check_in, check_match, config_args_file, test
import bench  # noqa: E402  (tools/bench.py, on the path through harness)

GIB = 1 << 30
NETNSH = config_args_file("netnsh")
# The guest builds /tmp/p as this 32-byte string doubled 8 times.
PATTERN = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345" * 256
MAKE_PATTERN = ("echo -n ABCDEFGHIJKLMNOPQRSTUVWXYZ012345 > /tmp/p; "
                "for i in 1 2 3 4 5 6 7 8; do cat /tmp/p /tmp/p > /tmp/q; "
                "mv /tmp/q /tmp/p; done; wc /tmp/p")


def disk_args(path, ident, readonly=False, device="virtio-blk-device"):
    ro = ",readonly=on" if readonly else ""
    return ["-drive", "file=%s,if=none,format=raw,id=%s%s" % (path, ident, ro),
            "-device", "%s,drive=%s" % (device, ident)]


MODERN = ["-global", "virtio-mmio.force-legacy=false"]
FIRST8 = "dd if=/dev/%s of=/tmp/h bs=8 count=1; cat /tmp/h; echo"


def sparse_image(path, size):
    """An image of SIZE zero bytes, as the board document's dd makes it
    (sparse here: the same contents)."""
    with open(path, "wb") as f:
        f.truncate(size)


def write_at(m, dev, off, data_len, bs):
    """dd the first DATA_LEN bytes of /tmp/p to DEV at byte OFF with
    block size BS (OFF and DATA_LEN multiples of BS)."""
    out = m.command("dd if=/tmp/p of=%s bs=%d seek=%d count=%d"
                    % (dev, bs, off // bs, data_len // bs), timeout=120)
    check_in("%d blocks copied" % (data_len // bs), out, "dd to %s at %d" % (dev, off))
    return (off, data_len, bs)


def read_back(m, dev, off, data_len, bs):
    """The guest reads DATA_LEN bytes at OFF back and compares them with
    /tmp/p."""
    out = m.command("dd if=%s of=/tmp/r bs=%d skip=%d count=%d; "
                    "dd if=/tmp/p of=/tmp/e bs=%d count=1; cmp /tmp/r /tmp/e && echo SAME"
                    % (dev, bs, off // bs, data_len // bs, data_len), timeout=120)
    check_in("SAME", out, "read back of %s at %d" % (dev, off))


def check_image(path, writes):
    """Every byte of WRITES ((offset, bytes) pairs) is in the image at
    PATH, and every other byte is still zero."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        for off, data in writes:
            f.seek(off)
            got = f.read(len(data))
            check(got == data, "%s at %d: %r, wrote %r" % (path, off, got[:32], data[:32]))
        fd = f.fileno()
        pos = 0
        while pos < size:	# only the allocated parts of a sparse file
            try:
                start = os.lseek(fd, pos, os.SEEK_DATA)
            except OSError:
                break
            end = os.lseek(fd, start, os.SEEK_HOLE)
            for chunk_at in range(start, end, 1 << 20):
                f.seek(chunk_at)
                chunk = bytearray(f.read(min(1 << 20, end - chunk_at)))
                for off, data in writes:
                    lo = max(off, chunk_at)
                    hi = min(off + len(data), chunk_at + len(chunk))
                    if lo < hi:
                        chunk[lo - chunk_at:hi - chunk_at] = bytes(hi - lo)
                if chunk.count(0) != len(chunk):
                    bad = next(i for i, b in enumerate(chunk) if b)
                    check(False, "%s: byte %d changed (0x%02x), nothing was written there"
                          % (path, chunk_at + bad, chunk[bad]))
            pos = end


@test("board doc: netnsh line verbatim with the nsh image and ./mydisk-1gb.img: "
      "vda of 1024 MiB; dd writes at unaligned offsets, across blocks and up to the "
      "end land byte for byte in the image; reads past the end give EOF",
      exclusive=True)
def netnsh_disk(t):
    with tempfile.TemporaryDirectory() as d:
        os.symlink(os.path.abspath(t.image("nsh")), os.path.join(d, "vireo"))
        img = os.path.join(d, "mydisk-1gb.img")
        sparse_image(img, GIB)
        m = t.machine("nsh", verbatim=True, args_file=NETNSH, cwd=d)
        log = m.boot()
        check_match(r"virtio-mmio@[0-9a-f]+: block device vda, 1024 MiB$", log, "boot log")
        check_match(r"^ brw-rw---- +1073741824 /dev/vda$", m.command("ls -l /dev/vda"), "ls -l")
        check_in("8192 /tmp/p", m.command(MAKE_PATTERN), "pattern file")
        writes = []
        out = m.command("echo hello vireo > /tmp/a; dd if=/tmp/a of=/dev/vda bs=1 seek=3")
        check_in("12 blocks copied", out, "dd of 12 bytes at 3")
        writes.append((3, b"hello vireo\n"))
        dds = [write_at(m, "/dev/vda", 510, 1000, 2),	# across a block
               write_at(m, "/dev/vda", 1 << 20, 8192, 4096),	# whole blocks
               write_at(m, "/dev/vda", 12000, 8000, 4000)]	# head+blocks+tail
        writes += [(off, PATTERN[:n]) for off, n, _ in dds]
        # Up to the last byte: the sixth 2-byte write is past the end.
        out = m.command("dd if=/tmp/p of=/dev/vda bs=2 seek=%d count=6" % ((GIB - 10) // 2))
        check_in("dd: /dev/vda: No space left on device", out, "dd past the end")
        check_in("5 blocks copied", out, "dd up to the end")
        writes.append((GIB - 10, PATTERN[:10]))
        check_match(r"^00000000: 68 65 6c 6c 6f 20 76 69 72 65 6f 0a ",
                    m.command("dd if=/dev/vda bs=1 skip=3 count=12 | hexdump"), "read back at 3")
        for off, n, bs in dds:
            read_back(m, "/dev/vda", off, n, bs)
        # Reads at and across the end: EOF, not an error or garbage.
        out = m.command("dd if=/dev/vda of=/tmp/r bs=4 skip=%d count=5; cat /tmp/r; echo"
                        % ((GIB - 8) // 4))
        check_in("2 blocks copied", out, "dd across the end")
        check_match(r"^CDEFGHIJ$", out, "the last 8 bytes")
        out = m.command("dd if=/dev/vda bs=512 skip=%d count=1 | wc" % (GIB // 512))
        check_in("0 blocks copied", out, "dd at the end")
        check_match(r"^0 0 0$", out, "bytes read at the end")
        m.command("sync")
        check(m.poweroff() == 0, "QEMU exit status after poweroff")
        check_image(img, writes)


@test("a read-only drive (-drive ...,readonly=on) is vda, read-only: reads work, "
      "dd of=/dev/vda fails with 'Read-only file system' and the image is unchanged")
def readonly_drive(t):
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "ro.img")
        with open(img, "wb") as f:
            f.write(PATTERN * 128)	# 1 MiB
        m = t.machine("nsh", extra=MODERN + disk_args(img, "ro", readonly=True))
        log = m.boot()
        check_match(r"block device vda, 1 MiB, read-only$", log, "boot log")
        check_match(r"^ br--r----- +1048576 /dev/vda$", m.command("ls -l /dev/vda"), "ls -l")
        check_match(r"^ABCDEFGH$", m.command(FIRST8 % "vda"), "read")
        out = m.command("echo x > /tmp/x; dd if=/tmp/x of=/dev/vda; echo status $?")
        check_in("dd: /dev/vda: Read-only file system", out, "dd to a read-only drive")
        check_in("status 1", out, "dd status")
        m.command("sync")
        m.poweroff()
        with open(img, "rb") as f:
            check(f.read() == PATTERN * 128, "the read-only image changed")


def two_disk_contents(d):
    """Two 1 MiB images with distinct first sectors."""
    imgs = []
    for name in ("one", "two"):
        path = os.path.join(d, name + ".img")
        with open(path, "wb") as f:
            f.write(("DISK-%s" % name.upper()).encode().ljust(1 << 20, b"\0"))
        imgs.append(path)
    return imgs


@test("legacy virtio-mmio (no force-legacy=false) with two disks: vda and vdb, each "
      "read with its own contents; a write to vdb lands in vdb's image only")
def legacy_two_disks(t):
    with tempfile.TemporaryDirectory() as d:
        one, two = two_disk_contents(d)
        m = t.machine("nsh", extra=disk_args(one, "d1") + disk_args(two, "d2"))
        log = m.boot()
        check_match(r"block device vda, 1 MiB$", log, "boot log")
        check_match(r"block device vdb, 1 MiB$", log, "boot log")
        a = m.command(FIRST8 % "vda")
        b = m.command(FIRST8 % "vdb")
        names = {}
        for dev, out in (("vda", a), ("vdb", b)):
            got = check_match(r"^DISK-(ONE|TWO)$", out, "first bytes of " + dev).group(1)
            names[dev] = one if got == "ONE" else two
        check(names["vda"] != names["vdb"], "vda and vdb show the same disk")
        out = m.command("echo -n written-to-vdb > /tmp/w; dd if=/tmp/w of=/dev/vdb bs=1 seek=4096")
        check_in("14 blocks copied", out, "dd to vdb")
        m.command("sync")
        m.poweroff()
        for dev, path in names.items():
            with open(path, "rb") as f:
                data = f.read()
            want = b"written-to-vdb" if dev == "vdb" else b"\0" * 14
            check(data[4096:4110] == want, "%s (%s) at 4096: %r" % (dev, path, data[4096:4110]))


@test("benchmarks: osperf's block group prints sequential MB/s and random-read "
      "IOPS for /dev/vda as numbers (the figures of make bench); here through a "
      "4-entry queue, so its readers wait for room in the ring")
def osperf_block(t):
    with tempfile.TemporaryDirectory() as d:
        small_queue = ["-global", "virtio-blk-device.queue-size=4"]
        m = t.machine("nsh", extra=bench.scratch_disk_args(os.path.join(d, "scratch.img"))
                      + small_queue)
        m.boot()
        out = m.command("osperf -n 64 block", timeout=300)
        figures, not_available, _notes = bench.parse_osperf(out)
        for key in ("blk_seq_write_1m_mb_s", "blk_seq_read_1m_mb_s", "blk_rand_read_4k_iops"):
            check(key in figures, "osperf printed no %s: %r (n/a: %r)" % (key, out, not_available))


@test("virtio-blk options: 4 KiB logical blocks (BLK_SIZE), a 4-entry queue, "
      "write-zeroes and discard split to the device's 8-sector limits: "
      "blkdiscard -z zeroes exactly its range (cached copies too), blkdiscard "
      "succeeds, an unaligned range is refused, byte writes read-modify-write "
      "4 KiB blocks; checked in the image")
def blk_options(t):
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "opt.img")
        orig = PATTERN * 512	# 4 MiB
        with open(img, "wb") as f:
            f.write(orig)
        dev = ("virtio-blk-device,drive=o,logical_block_size=4096,physical_block_size=4096,"
               "queue-size=4,max-write-zeroes-sectors=8,max-discard-sectors=8")
        m = t.machine("nsh", extra=MODERN + ["-drive", "file=%s,if=none,format=raw,id=o,"
                                              "discard=unmap" % img, "-device", dev])
        log = m.boot()
        check_match(r"block device vda, 4 MiB$", log, "boot log")
        # Block 2 cached before it is zeroed.
        check_match(r"^ABCDEFGH$", m.command("dd if=/dev/vda of=/tmp/h bs=8 skip=1024 count=1; "
                                             "cat /tmp/h; echo"), "read of block 2")
        out = m.command("blkdiscard -z -o 8K -l 24K /dev/vda; echo status $?")
        check_in("status 0", out, "blkdiscard -z")
        check_match(r"^00000000: 00 00 00 00 00 00 00 00 ",
                    m.command("dd if=/dev/vda bs=8 skip=1024 count=1 | hexdump"), "zeroed block 2")
        check_in("status 0", m.command("blkdiscard -o 1M -l 64K /dev/vda; echo status $?"), "blkdiscard")
        check_in("blkdiscard: /dev/vda: Invalid argument",
                 m.command("blkdiscard -o 100 -l 4096 /dev/vda"), "unaligned blkdiscard")
        out = m.command("echo -n xyz > /tmp/w; dd if=/tmp/w of=/dev/vda bs=1 seek=40001")
        check_in("3 blocks copied", out, "byte writes")
        check_in("8192 /tmp/p", m.command(MAKE_PATTERN), "pattern file")
        check_in("2 blocks copied", m.command("dd if=/tmp/p of=/dev/vda bs=4000 seek=100 count=2"),
                 "unaligned dd")	# offset 400000, 8000 bytes
        m.command("sync")
        m.poweroff()
        with open(img, "rb") as f:
            got = f.read()
        want = bytearray(orig)
        want[8192:32768] = bytes(24576)
        want[40001:40004] = b"xyz"
        want[400000:408000] = PATTERN[:8000]
        lo, hi = 1 << 20, (1 << 20) + 65536	# discarded: old data or zeros
        for a, b in ((0, lo), (hi, len(want))):
            if got[a:b] != want[a:b]:
                i = next(i for i in range(a, b) if got[i] != want[i])
                check(False, "image byte %d is 0x%02x, expected 0x%02x" % (i, got[i], want[i]))
        check(all(got[i:i + 4096] in (want[i:i + 4096], bytes(4096)) for i in range(lo, hi, 4096)),
              "discarded range holds neither its old data nor zeros")


@test("-device virtio-blk-pci: vda found over PCIe (virtio-pci), read and written "
      "at unaligned offsets, checked in the image")
def pci_disk(t):
    with tempfile.TemporaryDirectory() as d:
        img = os.path.join(d, "pci.img")
        sparse_image(img, 16 << 20)
        m = t.machine("nsh", extra=disk_args(img, "p", device="virtio-blk-pci"))
        log = m.boot()
        check_match(r"virtio-pci@[0-9a-f:.]+: block device vda, 16 MiB$", log, "boot log")
        check_in("8192 /tmp/p", m.command(MAKE_PATTERN), "pattern file")
        dds = [write_at(m, "/dev/vda", 12000, 8000, 4000),
               write_at(m, "/dev/vda", (16 << 20) - 8192, 8192, 8192)]
        for off, n, bs in dds:
            read_back(m, "/dev/vda", off, n, bs)
        m.command("sync")
        m.poweroff()
        check_image(img, [(off, PATTERN[:n]) for off, n, _ in dds])
