# SPDX-License-Identifier: BSD-2-Clause
"""hostfs over Arm semihosting (issue 15, docs/kernel-mode.md section 4):
`mount -t hostfs -o fs=PATH /host` with QEMU run with -semihosting; host
files read, written, appended, written at an offset, truncated, removed
and renamed from the guest and checked on the host; the errors (a missing
file, a `..` that would leave PATH, a listing, mkdir, a bad or missing
fs=); two tasks on four CPUs at once; and a boot without -semihosting,
where the mount fails cleanly and the shell goes on."""
import os
import shutil
import tempfile
import time

from harness import check, check_in, check_match, scaled, test

SEMIHOSTING = "semihosting"	# tools/qemu.py -o: adds the -semihosting flag


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def host_tree():
    """A temporary directory holding share/ (the mount) and, beside it,
    outside.txt, which no guest path may reach.  Returns (top, share)."""
    top = tempfile.mkdtemp(prefix="vireo-hostfs-")
    share = os.path.join(top, "share")
    write(os.path.join(share, "hello.txt"), b"hello from the host\n")
    write(os.path.join(share, "sub", "inner.txt"), b"inner\n")
    write(os.path.join(share, "big.bin"), os.urandom(300 * 1024 + 17))
    write(os.path.join(top, "outside.txt"), b"SECRET outside the share\n")
    return top, share


def ok(m, line, timeout=30):
    """Runs LINE, which must succeed (and print nothing but its output)."""
    out = m.command(line + " || echo FAILED", timeout=timeout)
    check("FAILED" not in out, "%s: %s" % (line, out.strip()))
    return out


def mount(m, share):
    ok(m, "mkdir /host")
    check(ok(m, "mount -t hostfs -o fs=%s /host" % share).strip() == "", "mount printed")
    check_match(r"^\S+ /host hostfs", m.command("mount"), "/proc/mounts")


def reads(m, share):
    check_in("hello from the host", m.command("cat /host/hello.txt"), "cat of a host file")
    check_in("inner", m.command("cat /host/sub/inner.txt"), "cat in a host subdirectory")
    check_match(r"^ -rw\S+\s+20 /host/hello.txt$", m.command("ls -l /host/hello.txt"),
                "stat: a regular file of 20 bytes")
    # dd skip= reads at an offset (lseek, then a SYS_SEEK before the read).
    check_match(r"^from$", m.command("dd if=/host/hello.txt bs=1 skip=6 count=4 2>/dev/null;"
                                     " echo"), "dd skip=")
    write(os.path.join(share, "hello.txt"), b"changed on the host\n")
    check_in("changed on the host", m.command("cat /host/hello.txt"), "a host change")


def writes(m, share):
    x = os.path.join(share, "x")
    ok(m, "echo hi > /host/x")
    check(read(x) == b"hi\n", "echo > on the host: %r" % read(x))
    ok(m, "echo more >> /host/x")
    check(read(x) == b"hi\nmore\n", "echo >> (O_APPEND, 'ab') on the host: %r" % read(x))
    ok(m, "echo new > /host/x")
    check(read(x) == b"new\n", "O_TRUNC on the host: %r" % read(x))
    # dd seek= writes at an offset of a file opened without O_TRUNC ("r+b").
    ok(m, "echo abcdef > /host/s; echo XY > /tmp/xy")
    ok(m, "dd if=/tmp/xy of=/host/s bs=1 seek=2 count=2 2>/dev/null")
    check(read(os.path.join(share, "s")) == b"abXYef\n", "dd seek= on the host: %r"
          % read(os.path.join(share, "s")))
    # truncate: longer (a byte at the new end), to zero ("wb"), not shorter.
    ok(m, "echo 12345 > /host/t; truncate -s 10 /host/t")
    check(read(os.path.join(share, "t")) == b"12345\n\0\0\0\0", "truncate longer")
    check_match(r"^ -\S+\s+10 /host/t$", m.command("ls -l /host/t"), "the new size")
    check_in("truncate: /host/t: Not supported", m.command("truncate -s 3 /host/t"),
             "shrinking to a non-zero length")
    ok(m, "truncate -s 0 /host/t")
    check(read(os.path.join(share, "t")) == b"", "truncate to zero")
    # Reads and writes larger than a buffer: a copy byte for byte.
    ok(m, "cp /host/big.bin /host/big.copy", timeout=scaled(120))
    check(read(os.path.join(share, "big.copy")) == read(os.path.join(share, "big.bin")),
          "cp of a 300 KiB host file differs")


def names(m, share):
    ok(m, "rm /host/x")
    check(not os.path.exists(os.path.join(share, "x")), "rm: the host file is still there")
    ok(m, "mv /host/s /host/sub/moved")
    check(not os.path.exists(os.path.join(share, "s")), "mv: the old name is still there")
    check(read(os.path.join(share, "sub", "moved")) == b"abXYef\n", "mv: the new name")
    check_in("abXYef", m.command("cat /host/sub/moved"), "the renamed file in the guest")


def errors(m, top, share):
    check_in("cat: /host/missing: No such file or directory", m.command("cat /host/missing"),
             "a missing host file")
    # ".." never leaves PATH: the VFS resolves it in the guest's tree.
    for line in ("cat /host/../outside.txt", "cat /host/sub/../../outside.txt",
                 "cd /host/sub; cat ../../outside.txt; cd /"):
        out = m.command(line)
        check("SECRET" not in out, "%s reached the host file outside PATH" % line)
        check_in("No such file or directory", out, line)
    check_in("ls: /host: Not supported", m.command("ls /host"), "a listing")
    check_in("mkdir: /host/d: Not supported", m.command("mkdir /host/d"), "mkdir")
    check(not os.path.exists(os.path.join(share, "d")), "mkdir made a host directory")
    check_in("cat: /host/sub: Is a directory", m.command("cat /host/sub"), "read of a directory")
    # The VFS checks the kind before the host's remove(3), which takes both.
    check_in("rmdir: /host/hello.txt: Not a directory", m.command("rmdir /host/hello.txt"),
             "rmdir of a file")
    check(os.path.exists(os.path.join(share, "hello.txt")), "rmdir removed a host file")
    check_in("rm: /host/sub: Is a directory", m.command("rm /host/sub"), "rm of a directory")
    # The host's ENOTEMPTY (Linux 39) is ours (90): "Directory not empty".
    check_in("rmdir: /host/sub: Directory not empty", m.command("rmdir /host/sub"),
             "rmdir of a full host directory")
    ok(m, "rm /host/sub/inner.txt /host/sub/moved; rmdir /host/sub")
    check(not os.path.exists(os.path.join(share, "sub")), "rmdir of the empty directory")
    check_in("rm: /host/hello.txt/x: Not a directory", m.command("rm /host/hello.txt/x"),
             "a file used as a directory")
    long_name = "n" * 250	# /host/ + 250 bytes: longer than a path may be
    ok(m, "cd /host")	# the command line holds 256 bytes
    check_in("name too long", m.command("cat " + long_name), "an overlong path")
    ok(m, "cd /")
    if os.geteuid() != 0:	# root may write a read-only file
        os.chmod(os.path.join(share, "hello.txt"), 0o444)
        check_match(r"^ -r--r--r--\s+20 ", m.command("ls -l /host/hello.txt"), "read-only mode")
        check_in("Permission denied", m.command("echo no > /host/hello.txt"), "EACCES")


def posix_calls(m):
    """ostest's hostfs area: pread/pwrite, lseek SEEK_END, fstat,
    ftruncate, O_APPEND, two descriptors, unlink while open, O_EXCL."""
    out = m.command("export OSTEST_HOSTFS /host; ostest hostfs", timeout=120)
    check_match(r"^ostest: [1-9]\d* passed, 0 failed$", out, "ostest hostfs")


def bad_mounts(m, top, share):
    ok(m, "mkdir /h2")
    check_in("mount: /h2: Invalid argument", m.command("mount -t hostfs /h2"), "no -o fs=")
    check_in("hostfs: no fs=PATH option", m.command("dmesg"), "its log line")
    check_in("mount: /h2: Invalid argument", m.command("mount -t hostfs -o path=/tmp /h2"),
             "another option")
    check_in("mount: /h2: No such file or directory",
             m.command("mount -t hostfs -o fs=%s/nope /h2" % top), "a missing PATH")
    check_in("mount: /h2: Not a directory",
             m.command("mount -t hostfs -o fs=%s/outside.txt /h2" % top), "a file as PATH")
    ok(m, "set P %s" % ("/" + "p" * 150))
    check_in("mount: /h2: File or path name too long", m.command("mount -t hostfs -o fs=$P$P /h2"),
             "an overlong PATH")
    check("/h2" not in m.command("mount"), "a failed mount is listed")


@test("issue 15: mount -t hostfs -o fs=PATH /host under -semihosting: cat, stat, dd "
      "skip=/seek=, >, >>, truncate, cp, rm, mv, rmdir checked on the host; `ostest "
      "hostfs` (pread/pwrite, fstat, ftruncate, O_APPEND, unlink while open); ENOENT, "
      "'..' kept inside PATH, ls/mkdir ENOTSUP, EISDIR, ENOTEMPTY, ENAMETOOLONG, "
      "bad fs= options; umount leaves the host files")
def session(t):
    top, share = host_tree()
    try:
        m = t.boot("nsh", overrides=[SEMIHOSTING])
        mount(m, share)
        reads(m, share)
        writes(m, share)
        names(m, share)
        posix_calls(m)
        errors(m, top, share)
        bad_mounts(m, top, share)
        ok(m, "umount /host")
        check(os.path.isfile(os.path.join(share, "big.copy")), "umount removed host files")
        check_in("No such file", m.command("cat /host/big.copy"), "/host after umount")
    finally:
        shutil.rmtree(top, ignore_errors=True)


@test("issue 15: without -semihosting `mount -t hostfs` fails with ENOSYS and a log "
      "line instead of an undefined-instruction fault; the shell goes on")
def no_semihosting(t):
    m = t.boot("nsh")
    ok(m, "mkdir /host")
    for _ in range(2):	# the first call traps, the second knows
        check_in("mount: /host: Function not implemented",
                 m.command("mount -t hostfs -o fs=/tmp /host"), "mount without a host")
    check_in("hostfs: semihosting not enabled (QEMU: -semihosting)", m.command("dmesg"),
             "the log line")
    check_match(r"^alive$", m.command("echo alive"), "the shell after the failed mounts")
    check("/host" not in m.command("mount"), "a failed mount is listed")


@test("issue 15: hostfs on nsh_smp -smp 4: four tasks copy one host file at once "
      "(semihosting calls and their errno serialised), every copy byte for byte",
      configs=("nsh_smp",), timeout=400)
def smp_copies(t):
    top, share = host_tree()
    try:
        m = t.boot("nsh_smp", overrides=[SEMIHOSTING])
        mount(m, share)
        # Three in the background, one in the foreground; then wait until
        # ps lists no cp (the copies' sizes alone could be reached before
        # their last write returned).
        line = " & ".join("cp /host/big.bin /host/c%d" % i for i in range(4))
        ok(m, line, timeout=scaled(240))
        deadline = time.monotonic() + scaled(240)
        while " cp" in m.command("ps"):
            check(time.monotonic() < deadline, "the background copies never ended")
        big = read(os.path.join(share, "big.bin"))
        for i in range(4):
            check(read(os.path.join(share, "c%d" % i)) == big, "copy c%d differs" % i)
        check_in("No such file or directory", m.command("cat /host/none"), "errno after the copies")
    finally:
        shutil.rmtree(top, ignore_errors=True)
