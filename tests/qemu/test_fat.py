# SPDX-License-Identifier: BSD-2-Clause
"""FAT on virtio-blk (issue 12): a volume made by mkfatfs in the guest and
every file operation on it, checked after QEMU exits by the host's
fsck.fat -n and mcopy, and after a reboot; volumes made by the host's
mkfs.fat (FAT12, FAT16, FAT32) with files put by mcopy, read identical in
the guest and written back; filling a volume to ENOSPC and reusing it;
SIGKILL of QEMU while the guest writes; corrupted volumes."""
import os
import random
import re
import subprocess
import tempfile
import time

from harness import check, check_in, check_match, test

MIB = 1 << 20
# The guest builds /tmp/p as this 32-byte string doubled 8 times (8 KiB).
PATTERN = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345" * 256
SETUP = ("umount /tmp; mount -t tmpfs -o size=4M /tmp; "
         "echo -n ABCDEFGHIJKLMNOPQRSTUVWXYZ012345 > /tmp/p; "
         "for i in 1 2 3 4 5 6 7 8; do cat /tmp/p /tmp/p > /tmp/q; mv /tmp/q /tmp/p; done; "
         "cat /tmp/p /tmp/p /tmp/p /tmp/p > /tmp/p4; wc /tmp/p /tmp/p4")
FSCK = "/usr/sbin/fsck.fat"


def drives(*images):
    """-drive/-device pairs for raw IMAGES, in order."""
    args = ["-global", "virtio-mmio.force-legacy=false"]
    for i, path in enumerate(images):
        args += ["-drive", "file=%s,if=none,format=raw,id=d%d" % (path, i),
                 "-device", "virtio-blk-device,drive=d%d" % i]
    return args


def blank(path, size):
    with open(path, "wb") as f:
        f.truncate(size)
    return path


def boot(t, *images):
    m = t.machine("nsh", extra=drives(*images))
    m.boot()
    check_in("32768 /tmp/p4", m.command(SETUP), "pattern files")
    return m


def device_names(m):
    """{size in bytes: '/dev/vdX'} from ls -l /dev."""
    out = m.command("ls -l /dev")
    return {int(s): "/dev/" + n for s, n in re.findall(r"^ b\S+ +(\d+) (vd[a-z])$", out, re.M)}


def fsck(img, repair=False):
    """fsck.fat -n (or -a): (exit code, output)."""
    p = subprocess.run([FSCK, "-a" if repair else "-n", img], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def fsck_clean(img):
    rc, out = fsck(img)
    lines = [l for l in out.splitlines() if not l.startswith("fsck.fat ")
             and not re.match(r"^\S+: \d+ files, \d+/\d+ clusters$", l)]
    check(rc == 0 and not lines, "fsck.fat -n %s complains (%d): %s"
          % (img, rc, " | ".join(out.splitlines())))


def mread(img, path):
    p = subprocess.run(["mcopy", "-n", "-i", img, "::" + path, "-"], capture_output=True)
    check(p.returncode == 0, "mcopy ::%s: %s" % (path, p.stderr.decode(errors="replace")))
    return p.stdout


def mput(img, data, path):
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        subprocess.run(["mcopy", "-i", img, f.name, "::" + path], check=True)


def mkfs(img, size, fat, *extra):
    blank(img, size)
    subprocess.run(["/usr/sbin/mkfs.fat", "-F", str(fat)] + list(extra) + [img],
                   check=True, capture_output=True)


# What the first test leaves on the volume: path -> contents.
GUEST_FILES = {
    "/pattern.bin": PATTERN,
    "/big.bin": PATTERN[:1000] + PATTERN[:100] + (PATTERN * 8)[1100:],
    "/trunc.bin": PATTERN[:100] + bytes(4900),
    "/seek.bin": bytes(3000) + PATTERN[:2000],
    "/b2/c/moved.txt": b"hello\n",
    "/A Long Directory Name/Ünïcödé and spaces.txt": b"unicode\n",
}


def guest_ops(m):
    """Every operation on the mkfatfs volume mounted on /mnt."""
    cmds = [
        ("cp /tmp/p /mnt/pattern.bin; for i in 1 2 3 4 5 6 7 8; do cat /tmp/p >> /mnt/big.bin; done", ""),
        ("dd if=/tmp/p of=/mnt/big.bin bs=100 seek=10 count=1", "1 blocks copied"),
        ("mkdir '/mnt/A Long Directory Name'; mkdir -p /mnt/a/b/c", ""),
        ("echo hello > '/mnt/A Long Directory Name/Hello World.txt'", ""),
        ("mv '/mnt/A Long Directory Name/Hello World.txt' /mnt/a/b/c/moved.txt", ""),
        ("mv /mnt/a/b /mnt/b2; rmdir /mnt/a", ""),
        ("echo unicode > '/mnt/A Long Directory Name/Ünïcödé and spaces.txt'", ""),
        ("echo gone > /mnt/gone; rm /mnt/gone; mkdir /mnt/empty; rmdir /mnt/empty", ""),
        ("cp /tmp/p /mnt/trunc.bin; truncate -s 100 /mnt/trunc.bin; truncate -s 5000 /mnt/trunc.bin", ""),
        ("dd if=/tmp/p of=/mnt/seek.bin bs=1000 seek=3 count=2", "2 blocks copied"),
    ]
    for cmd, want in cmds:
        out = m.command(cmd + "; echo status $?")
        check_in("status 0", out, cmd)
        check_in(want, out, cmd)
    out = m.command("ls -l /mnt '/mnt/A Long Directory Name' /mnt/b2/c")
    for name in ("pattern.bin", "b2/", "A Long Directory Name/", "Ünïcödé and spaces.txt",
                 "moved.txt"):
        check_in(name, out, "ls -l")
    check_match(r"^ -\S+ +65536 big.bin$", out, "ls -l big.bin")
    check_match(r"^ -\S+ +5000 trunc.bin$", out, "ls -l trunc.bin")
    out = m.command("dd if=/mnt/trunc.bin bs=1 skip=98 count=4 | hexdump")
    check_match(r"^00000000: 43 44 00 00 ", out, "truncate: the extension reads as zeros")
    check_in("hello", m.command("cat /mnt/B2/C/MOVED.TXT"), "names without case")
    check_match(r"^ +\d+ +\d+ +\d+ /mnt$", m.command("df"), "df")
    check_in("SAME", m.command("cmp /mnt/pattern.bin /tmp/p && echo SAME"), "read back")
    out = m.command("rmdir /mnt/b2; cat /mnt/nothing; mkdir /mnt/pattern.bin")
    check_in("rmdir: /mnt/b2: Directory not empty", out, "rmdir of a full directory")
    check_in("cat: /mnt/nothing: No such file or directory", out, "missing file")
    check_in("mkdir: /mnt/pattern.bin: File exists", out, "mkdir over a file")


def check_guest_files(img):
    fsck_clean(img)
    for path, data in GUEST_FILES.items():
        got = mread(img, path)
        check(got == data, "mcopy %s: %d bytes %r..., the guest wrote %d %r..."
              % (path, len(got), got[:16], len(data), data[:16]))
    listing = subprocess.run(["mdir", "-i", img, "::/"], capture_output=True, text=True).stdout
    check_in(time.strftime("%Y-%m-%d", time.gmtime()), listing, "mdir: today's date")


@test("FAT: mkfatfs -F 32 -n VIREO /dev/vda, mount -t vfat, every operation (create, "
      "append, seek, truncate and extend, long names, rename across directories, unlink, "
      "mkdir/rmdir, df), -o ro; after poweroff fsck.fat -n is clean and mcopy reads every "
      "file identical; after a reboot the guest reads them back", timeout=400)
def guest_volume(t):
    with tempfile.TemporaryDirectory() as d:
        img = blank(os.path.join(d, "fat.img"), 64 * MIB)
        m = boot(t, img)
        check_in("/dev/vda: FAT32", m.command("mkfatfs -F 32 -n VIREO /dev/vda"), "mkfatfs")
        check_in("status 0", m.command("mkdir /mnt; mount -t vfat /dev/vda /mnt; echo status $?"),
                 "mount")
        check_in("/dev/vda /mnt vfat rw", m.command("mount"), "mount table")
        check_in("mkfatfs: /dev/vda: Device or resource busy",
                 m.command("mkfatfs /dev/vda"), "mkfatfs of a mounted device")
        guest_ops(m)
        check_in("status 0", m.command("umount /mnt; echo status $?"), "umount")
        out = m.command("mount -t vfat -o ro /dev/vda /mnt; echo x > /mnt/x; cat /mnt/b2/c/moved.txt")
        check_in("/mnt/x: Read-only file system", out, "write on -o ro")
        check_in("hello", out, "read on -o ro")
        check_in("/dev/vda /mnt vfat ro", m.command("mount"), "mount table")
        m.command("umount /mnt")
        m.command("mount -t vfat /dev/vda /mnt")
        m.poweroff()	# syncs; the volume stays mounted: poweroff must write it
        check_guest_files(img)
        m = boot(t, img)
        m.command("mkdir /mnt; mount -t vfat /dev/vda /mnt")
        out = m.command("cmp /mnt/pattern.bin /tmp/p && echo SAME; "
                        "cat '/mnt/A Long Directory Name/Ünïcödé and spaces.txt'")
        check_in("SAME", out, "read back after reboot")
        check_in("unicode", out, "long name after reboot")
        m.command("umount /mnt")
        m.kill()
        fsck_clean(img)


HOST_VOLUMES = ((12, 8 * MIB, ["-s", "4"]), (16, 32 * MIB, []), (32, 40 * MIB, ["-s", "1"]))


@test("FAT: volumes made by the host's mkfs.fat -F 12/16/32 with files put by mcopy "
      "mount in the guest and read identical; files the guest writes there read "
      "identical with mcopy and fsck.fat -n stays clean", timeout=300)
def host_volumes(t):
    with tempfile.TemporaryDirectory() as d:
        imgs = []
        for fat, size, extra in HOST_VOLUMES:
            img = os.path.join(d, "fat%d.img" % fat)
            mkfs(img, size, fat, *extra)
            mput(img, PATTERN * 4, "/Big Pattern File.bin")
            subprocess.run(["mmd", "-i", img, "::/Sub Dir"], check=True)
            mput(img, b"host text\n", "/Sub Dir/small.txt")
            mput(img, b"upper\n", "/UPPER.TXT")
            imgs.append(img)
        m = boot(t, *imgs)
        names = device_names(m)
        for (fat, size, _), img in zip(HOST_VOLUMES, imgs):
            dev = names[size]
            out = m.command("mkdir /m%d; mount -t vfat %s /m%d; dmesg | grep 'fat: %s'"
                            % (fat, dev, fat, dev[5:]))
            check_in("FAT%d" % fat, out, "mount of the host's FAT%d" % fat)
            out = m.command("cmp '/m%d/Big Pattern File.bin' /tmp/p4 && echo SAME; "
                            "cat '/m%d/Sub Dir/small.txt' /m%d/upper.txt" % (fat, fat, fat))
            check_in("SAME", out, "FAT%d: big file" % fat)
            check_in("host text\nupper", out, "FAT%d: small files" % fat)
            out = m.command("cp /tmp/p4 '/m%d/Sub Dir/From the guest.bin'; mkdir /m%d/newdir; "
                            "echo guest > /m%d/newdir/g.txt; rm /m%d/UPPER.TXT; umount /m%d; "
                            "echo status $?" % ((fat,) * 5))
            check_in("status 0", out, "FAT%d: guest writes" % fat)
        m.poweroff()
        for (fat, _, _), img in zip(HOST_VOLUMES, imgs):
            fsck_clean(img)
            check(mread(img, "/Sub Dir/From the guest.bin") == PATTERN * 4,
                  "FAT%d: the guest's file differs" % fat)
            check(mread(img, "/newdir/g.txt") == b"guest\n", "FAT%d: g.txt" % fat)


@test("FAT: filling a FAT12 volume ends in 'No space left on device'; after deleting, "
      "the space is used again; fsck.fat -n is clean", timeout=300)
def fill_and_reuse(t):
    with tempfile.TemporaryDirectory() as d:
        img = blank(os.path.join(d, "small.img"), 2 * MIB)
        m = boot(t, img)
        check_in("FAT12", m.command("mkfatfs -F 12 /dev/vda; mkdir /mnt; mount -t vfat /dev/vda /mnt"),
                 "mkfatfs")
        out = m.command("for a in 0 1 2 3 4 5 6 7; do for b in 0 1 2 3 4 5 6 7 8 9; do "
                        "cp /tmp/p4 /mnt/f$a$b || break; done; done", timeout=120)
        check_in("No space left on device", out, "filling the volume")
        check_match(r"^ +\d+ +\d+ +\d+ /mnt$", m.command("df"), "df")
        out = m.command("rm /mnt/f01 /mnt/f02 /mnt/f03; cp /tmp/p4 /mnt/again && "
                        "cmp /mnt/again /tmp/p4 && echo SAME")
        check_in("SAME", out, "reuse after delete")
        m.command("umount /mnt")
        m.kill()
        fsck_clean(img)
        check(mread(img, "/again") == PATTERN * 4, "the reused file differs")


@test("FAT: SIGKILL of QEMU while the guest writes: files written and synced before "
      "read back identical on the host and after a reboot; fsck.fat -a repairs the rest",
      timeout=300)
def crash(t):
    with tempfile.TemporaryDirectory() as d:
        img = blank(os.path.join(d, "crash.img"), 32 * MIB)
        m = boot(t, img)
        m.command("mkfatfs /dev/vda; mkdir /mnt; mount -t vfat /dev/vda /mnt")
        m.command("cp /tmp/p4 /mnt/done1.bin; mkdir /mnt/dir; cp /tmp/p /mnt/dir/done2.bin; sync")
        m.command("while true; do cat /tmp/p4 >> /mnt/busy.bin; echo x > /mnt/dir/t; "
                  "rm /mnt/dir/t; done &")
        for _ in range(100):	# until the writer has written something
            if re.search(r"^ -\S+ +[1-9]\d* busy.bin$", m.command("ls -l /mnt"), re.M):
                break
        m.kill()
        rc, out = fsck(img, repair=True)
        check(rc in (0, 1), "fsck.fat -a failed (%d): %s" % (rc, " | ".join(out.splitlines())))
        fsck_clean(img)
        check(mread(img, "/done1.bin") == PATTERN * 4, "done1.bin differs after the crash")
        check(mread(img, "/dir/done2.bin") == PATTERN, "done2.bin differs after the crash")
        m = boot(t, img)
        out = m.command("mkdir /mnt; mount -t vfat /dev/vda /mnt; cmp /mnt/done1.bin /tmp/p4 "
                        "&& cmp /mnt/dir/done2.bin /tmp/p && echo SAME")
        check_in("SAME", out, "synced files after the crash")


def corrupt_images(d):
    """(name, image, size, what the guest should see) for each damage."""
    rnd = random.Random(12)
    out = []
    for i, name in enumerate(("boot", "fat", "rootdir", "loop", "past", "size")):
        size = (16 + i) * MIB
        img = os.path.join(d, name + ".img")
        mkfs(img, size, 16, "-s", "1")
        mput(img, PATTERN * 4, "/FILE.BIN")	# clusters 2..65
        with open(img, "r+b") as f:
            bs = f.read(512)
            rsvd = int.from_bytes(bs[14:16], "little")
            fat_sectors = int.from_bytes(bs[22:24], "little")
            fat = rsvd * 512
            root = fat + 2 * fat_sectors * 512
            if name == "boot":
                f.seek(0)
                f.write(rnd.randbytes(512))
            elif name in ("fat", "rootdir"):
                f.seek(fat if name == "fat" else root)
                f.write(rnd.randbytes(2048))
            elif name in ("loop", "past"):
                for copy in (0, 1):
                    f.seek(fat + copy * fat_sectors * 512 + 2 * 10)	# entry of cluster 10
                    f.write((5 if name == "loop" else 0xfff0).to_bytes(2, "little"))
            else:
                f.seek(root + 28)	# the first entry's size
                f.write((0x7fffffff).to_bytes(4, "little"))
        out.append((name, img, size))
    return out


@test("FAT: corrupted volumes (random bytes over the boot sector, the FAT, the root "
      "directory; a looping chain; a chain past the end; an impossible size) give a clear "
      "error at mount or on access, never a panic or a hang", timeout=300)
def corrupted(t):
    with tempfile.TemporaryDirectory() as d:
        cases = corrupt_images(d)
        m = boot(t, *[img for _, img, _ in cases])
        names = device_names(m)
        for name, img, size in cases:
            dev = names[size]
            out = m.command("mkdir /%s; mount -t vfat %s /%s; echo mounted $?" % (name, dev, name))
            if name == "boot":
                check_in("mount: /boot: Invalid argument", out, "random boot sector")
                continue
            check_in("mounted 0", out, "%s: mount" % name)
            out = m.command("ls -l /%s; cat /%s/FILE.BIN > /dev/null; echo x >> /%s/FILE.BIN; "
                            "echo new > /%s/new.txt; umount /%s; echo done"
                            % ((name,) * 5), timeout=60)
            check_in("done", out, "%s: access" % name)
            if name in ("loop", "past", "size"):
                check_in("cat: /%s/FILE.BIN: I/O error" % name, out,
                         "%s: reading the file" % name)
        check_in("alive", m.command("echo alive"), "the system after the corrupted volumes")
