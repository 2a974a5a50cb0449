# SPDX-License-Identifier: BSD-2-Clause
"""The host's files over 9P (issue 12, the `9p` configuration): the board
document's session, a host tree read in the guest and a guest tree checked
byte for byte on the host, every file operation of v9fs, changes made on
the host seen by the guest, two tasks on one mount, an unknown mount tag,
and virtio-9p-pci with msize= and aname=."""
import os
import shutil
import tempfile
import time

from harness import check, check_in, check_match, scaled, test, TestFailure

MiB = 1 << 20


def rom_overrides():
    """The document's line has no -net: QEMU then adds a default NIC, whose
    option ROM (efi-virtio.rom, Debian's ipxe-qemu) may be missing on a
    test machine; the NIC plays no part here, so it is left out then."""
    for d in ("/usr/share/qemu", "/usr/lib/ipxe/qemu", "/usr/share/ipxe"):
        if os.path.exists(os.path.join(d, "efi-virtio.rom")):
            return []
    return ["net=none"]


def share(t):
    """A fresh host directory for the share (removed by the test)."""
    return tempfile.mkdtemp(prefix="vireo-9p-")


def host_tree(root):
    """A tree with text, a binary file larger than any message, and a
    symlink; returns {relative path: bytes}."""
    files = {"sub/a.txt": b"hello from the host\n",
             "sub/deep/b.bin": os.urandom(200 * 1024),
             "big.bin": os.urandom(3 * MiB + 123)}
    for rel, data in files.items():
        os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
        with open(os.path.join(root, rel), "wb") as f:
            f.write(data)
    os.symlink("sub/a.txt", os.path.join(root, "hl"))
    os.mkfifo(os.path.join(root, "sub", "fifo"))
    return files


def read(path):
    with open(path, "rb") as f:
        return f.read()


def wait_size(path, size, what):
    """Polls the host file until it has SIZE bytes (a guest task writing
    it in the background)."""
    deadline = time.monotonic() + scaled(60)
    while time.monotonic() < deadline:
        if os.path.exists(path) and os.path.getsize(path) == size:
            return
        time.sleep(0.2)
    raise TestFailure("%s: %s never reached %d bytes" % (what, path, size))


def mount_session(m):
    """The board document's session, verbatim."""
    check(m.command("mkdir mnt").strip() == "", "mkdir mnt")
    out = m.command("mount -t v9fs -o trans=virtio,tag=host mnt")
    check(out.strip() == "", "mount printed: %r" % out)
    check_match(r"^ mnt/$", m.command("ls"), "ls of /")


def host_to_guest(m, root, files):
    out = m.command("ls mnt; ls -l mnt/sub")
    for name in ("big.bin", "hl", "sub/"):
        check_match(r"^ %s$" % name, out, "ls mnt")
    check_match(r"^ -\S+\s+20 a.txt$", out, "ls -l (stat size)")
    check_match(r"^ p\S+\s+0 fifo$", out, "ls -l: a host FIFO is a FIFO")
    check_in("hello from the host", m.command("cat mnt/sub/a.txt"), "cat")
    check_in("hello from the host", m.command("cat mnt/hl"), "host symlink")
    # Reading every byte of the large files: the guest copies them.
    out = m.command("cp mnt/big.bin mnt/big.copy && cp mnt/sub/deep/b.bin mnt/b.copy"
                    " && echo COPIED", timeout=scaled(120))
    check_in("COPIED", out, "cp of host files")
    check(read(os.path.join(root, "big.copy")) == files["big.bin"], "big.bin copy differs")
    check(read(os.path.join(root, "b.copy")) == files["sub/deep/b.bin"], "b.bin copy differs")


def guest_ops(m, root):
    cmds = ["mkdir -p mnt/g/x/y", "echo one > mnt/g/t1", "echo two >> mnt/g/t1",
            "mv mnt/g/t1 mnt/g/x/t2", "echo gone > mnt/g/del", "rm mnt/g/del",
            "mkdir mnt/g/empty", "rmdir mnt/g/empty", "echo 0123456789 > mnt/g/tr",
            "truncate -s 4 mnt/g/tr", "echo x > mnt/g/x/y/ext",
            "truncate -s 10000 mnt/g/x/y/ext",
            "ln -s x/t2 mnt/g/l"]
    for c in cmds:
        out = m.command(c + " || echo FAILED")
        check("FAILED" not in out, "%s: %s" % (c, out.strip()))
    check_in("one\ntwo", m.command("cat mnt/g/l"), "readlink in the guest")
    out = m.command("ls mnt/g; ls -l mnt/g/tr")
    check_match(r"^ -\S+\s+4 mnt/g/tr$", out, "truncated size")
    check("del" not in out and "empty" not in out and "t1" not in out, "ls mnt/g: %s" % out)
    check_in("No such file", m.command("cat mnt/g/t1"), "renamed away")
    check_in("not empty", m.command("rmdir mnt/g/x").lower(), "rmdir of a full directory")
    g = os.path.join(root, "g")
    check(read(os.path.join(g, "x", "t2")) == b"one\ntwo\n", "t2 on the host")
    check(read(os.path.join(g, "tr")) == b"0123", "tr on the host")
    check(read(os.path.join(g, "x", "y", "ext")) == b"x\n" + bytes(9998), "extended file")
    check(os.readlink(os.path.join(g, "l")) == "x/t2", "symlink on the host")
    check(sorted(os.listdir(g)) == ["l", "tr", "x"], "g on the host: %s" % os.listdir(g))


def host_changes(m, root):
    with open(os.path.join(root, "sub", "a.txt"), "w") as f:
        f.write("changed on the host, and longer\n")
    check_in("changed on the host, and longer", m.command("cat mnt/sub/a.txt"),
             "a host change")
    check_match(r"^ -\S+\s+32 a.txt$", m.command("ls -l mnt/sub"), "the new size")
    with open(os.path.join(root, "new.txt"), "w") as f:
        f.write("new\n")
    check_match(r"^ new.txt$", m.command("ls mnt"), "a file the host made")
    os.unlink(os.path.join(root, "new.txt"))
    check_in("No such file", m.command("cat mnt/new.txt"), "a file the host removed")


def tasks_at_once(m, root, files, n):
    """N tasks copy big.bin on the mount at once (N - 1 in the background);
    every copy is byte for byte the original on the host."""
    names = ["c%d" % i for i in range(n)]
    line = " & ".join("cp mnt/big.bin mnt/%s" % c for c in names)
    out = m.command(line + "; echo FG-DONE", timeout=scaled(180))
    check_in("FG-DONE", out, "%d copies at once" % n)
    for c in names:
        wait_size(os.path.join(root, c), len(files["big.bin"]), "background copy")
    # The background tasks are gone once ps lists no cp (their last
    # write may land after the size is reached: the file's is the last).
    deadline = time.monotonic() + scaled(60)
    while " cp" in m.command("ps") and time.monotonic() < deadline:
        pass
    for c in names:
        check(read(os.path.join(root, c)) == files["big.bin"], "%s differs" % c)


@test(proves="board doc 9p: `mkdir mnt`, `mount -t v9fs -o trans=virtio,tag=host mnt`, "
             "`ls`; host tree read in the guest, guest tree on the host byte for byte; "
             "create/write/read/rename/unlink/mkdir/rmdir/truncate/symlink/readlink/stat/df; "
             "host changes seen; two tasks at once; unknown tag ENOENT",
      configs=("9p",), timeout=600)
def session_and_operations(t):
    root = share(t)
    try:
        files = host_tree(root)
        m = t.machine("9p", ["fsdev.path=" + root] + rom_overrides())
        check_in("9P share, mount tag \"host\"", m.boot(), "boot log")
        mount_session(m)
        host_to_guest(m, root, files)
        guest_ops(m, root)
        host_changes(m, root)
        tasks_at_once(m, root, files, 2)
        check_match(r"\s/mnt$", m.command("df"), "df of the share")
        out = m.command("mkdir m2; mount -t v9fs -o trans=virtio,tag=nope m2")
        check_in("mount: m2: No such file or directory", out, "unknown tag")
        check_in("no virtio transport with mount tag \"nope\"", m.command("dmesg"), "log")
        check_in("Invalid argument", m.command("mount -t v9fs -o tag=host,bogus=1 m2"),
                 "an unknown option")
        check(m.command("umount mnt").strip() == "", "umount")
        check(os.path.isfile(os.path.join(root, "g", "x", "t2")), "files stay on the host")
    finally:
        shutil.rmtree(root, ignore_errors=True)


@test(proves="virtio-9p-pci share with msize= (many small messages) and aname=",
      configs=("9p",), timeout=300)
def pci_msize_aname(t):
    root = share(t)
    try:
        os.makedirs(os.path.join(root, "inner"))
        data = os.urandom(100 * 1024 + 7)
        with open(os.path.join(root, "inner", "f.bin"), "wb") as f:
            f.write(data)
        extra = ["-fsdev", "local,security_model=none,id=fsdev1,path=" + root,
                 "-device", "virtio-9p-pci,fsdev=fsdev1,mount_tag=pcishare"]
        m = t.machine("9p", ["fsdev.path=" + root] + rom_overrides(), extra)
        check_match(r"virtio-pci@\S+: 9P share, mount tag \"pcishare\"", m.boot(),
                    "boot log")
        out = m.command("mkdir /p; mount -t v9fs -o trans=virtio,tag=pcishare,"
                        "msize=4096,aname=%s /p && echo MOUNTED" % root)
        check_in("MOUNTED", out, "mount over virtio-9p-pci")
        out = m.command("cp /p/inner/f.bin /p/inner/g.bin && ls /p/inner && echo OK",
                        timeout=scaled(120))
        check_in("OK", out, "copy with 4 KiB messages")
        check(read(os.path.join(root, "inner", "g.bin")) == data, "g.bin differs")
        check_in("Invalid argument", m.command("mkdir /q; mount -t v9fs -o "
                                               "tag=pcishare,msize=100 /q"), "msize too small")
    finally:
        shutil.rmtree(root, ignore_errors=True)


@test(proves="v9fs under SMP: four tasks copying on one mount on four CPUs at once "
             "(fids and tags allocated concurrently), modern virtio-mmio",
      configs=("nsh_smp",), timeout=400)
def smp_tasks(t):
    root = share(t)
    try:
        files = host_tree(root)
        extra = ["-global", "virtio-mmio.force-legacy=false",
                 "-fsdev", "local,security_model=none,id=fsdev0,path=" + root,
                 "-device", "virtio-9p-device,fsdev=fsdev0,mount_tag=host"]
        m = t.machine("nsh_smp", extra=extra)
        m.boot()
        mount_session(m)
        tasks_at_once(m, root, files, 4)
    finally:
        shutil.rmtree(root, ignore_errors=True)
