#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Run a Vireo image with its configuration's QEMU command line.

Each configuration keeps the command line the board document gives for it in
boards/<board>/configs/<name>/qemu.args, with `./vireo` standing for the
image; the build copies it to BUILD/qemu.args.  This tool is the one place
that reads that file: `make run`, `make debug` and the test harness all go
through it, so nobody rebuilds the command line by pasting strings.

  qemu.py run   -B BUILD [OVERRIDE...] [-- EXTRA...]   exec QEMU (interactive)
  qemu.py print -B BUILD [OVERRIDE...] [-- EXTRA...]   print the command line
  qemu.py debug -B BUILD [OVERRIDE...] [-- EXTRA...]   QEMU halted (-S -s) in
        the background, console in BUILD/debug-console.log, gdb-multiarch
        attached in the foreground with the Vireo commands of
        tools/gdb/vireo.py loaded; QEMU is stopped when gdb exits

  -B BUILD        build directory (qemu.args and vireo inside it)
  --args FILE     another qemu.args file; --image FILE another image
  -o NAME=VALUE   set option -NAME to VALUE (added when absent): -o cpu=max,
                  -o m=2G, -o smp=4
  -o NAME         add the flag -NAME when absent: -o S
  -o NAME.KEY=VALUE   set one property of a comma-list option:
                  -o machine.virtualization=off, -o machine.gic-version=2
  -o !NAME        remove every -NAME: -o '!net'
"""
import os
import shlex
import signal
import socket
import subprocess
import sys
import time

# The token in qemu.args that stands for the image being run.
IMAGE_PLACEHOLDER = "./vireo"

# QEMU options that take no value; every other option takes exactly one.
FLAG_OPTIONS = frozenset({
    "-nographic", "-S", "-s", "-semihosting", "-no-reboot", "-no-shutdown",
    "-snapshot", "-enable-kvm", "-daemonize", "-full-screen", "-no-user-config",
    "-nodefaults", "-version", "-help",
})

GDB_PORT = 1234		# what -s listens on
GDB_EXTENSION = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gdb", "vireo.py")


class QemuArgsError(Exception):
    """A qemu.args file or an override that cannot be understood."""


def split_args_text(text):
    """Words of a qemu.args text: '#' comments and line continuations allowed."""
    lines = []
    for line in text.splitlines():
        line = line.rstrip()
        if line.lstrip().startswith("#"):
            continue
        lines.append(line[:-1] if line.endswith("\\") else line)
    try:
        return shlex.split(" ".join(lines))
    except ValueError as e:
        raise QemuArgsError("cannot split the command line: %s" % e)


def _option_name(name):
    return name if name.startswith("-") else "-" + name


class QemuCommand:
    """A QEMU command line as a program and an ordered list of options.

    Options are [name, value] pairs (value None for a flag), so an override
    changes a value in place and the rest of the line stays as written.
    """

    def __init__(self, argv):
        if not argv:
            raise QemuArgsError("empty command line")
        if argv[0].startswith("-"):
            raise QemuArgsError("the command line must start with the QEMU program, not %r" % argv[0])
        self.program = argv[0]
        self.options = []
        i = 1
        while i < len(argv):
            name = argv[i]
            if not name.startswith("-"):
                raise QemuArgsError("%r is not an option (missing value before it?)" % name)
            if name in FLAG_OPTIONS:
                self.options.append([name, None])
                i += 1
                continue
            if i + 1 >= len(argv):
                raise QemuArgsError("option %s has no value" % name)
            self.options.append([name, argv[i + 1]])
            i += 2

    @classmethod
    def from_text(cls, text):
        return cls(split_args_text(text))

    @classmethod
    def from_file(cls, path):
        try:
            with open(path) as f:
                text = f.read()
        except OSError as e:
            raise QemuArgsError("cannot read %s: %s" % (path, e.strerror))
        try:
            return cls.from_text(text)
        except QemuArgsError as e:
            raise QemuArgsError("%s: %s" % (path, e))

    def _find(self, name):
        return [o for o in self.options if o[0] == name]

    def get(self, name):
        """Value of the only -name option (None for a flag); KeyError if absent."""
        found = self._find(_option_name(name))
        if not found:
            raise KeyError(name)
        if len(found) > 1:
            raise QemuArgsError("%s appears %d times" % (name, len(found)))
        return found[0][1]

    def has(self, name):
        return bool(self._find(_option_name(name)))

    def set(self, name, value=None):
        """Give -name this value, in place, or append it when absent."""
        name = _option_name(name)
        if (value is None) != (name in FLAG_OPTIONS):
            raise QemuArgsError("%s %s" % (name, "takes no value" if value is not None
                                             else "needs a value"))
        found = self._find(name)
        if len(found) > 1:
            raise QemuArgsError("%s appears %d times; cannot choose which to set" % (name, len(found)))
        if found:
            found[0][1] = value
        else:
            self.options.append([name, value])
        return self

    def add(self, name, value=None):
        """Append one more -name (for options that may repeat, like -device)."""
        self.options.append([_option_name(name), value])
        return self

    def remove(self, name):
        name = _option_name(name)
        self.options = [o for o in self.options if o[0] != name]
        return self

    def get_prop(self, name, key):
        """KEY of a comma-list option: get_prop('machine', 'gic-version')."""
        for item in self._props(name):
            k, sep, v = item.partition("=")
            if k == key:
                return v if sep else ""
        return None

    def set_prop(self, name, key, value):
        """Set KEY=VALUE in a comma-list option (value None removes KEY)."""
        items = self._props(name)
        out, done = [], False
        for item in items:
            k = item.partition("=")[0]
            if "=" in item and k == key:
                if value is not None and not done:
                    out.append("%s=%s" % (key, value))
                done = True
            else:
                out.append(item)
        if not done and value is not None:
            out.append("%s=%s" % (key, value))
        self.set(name, ",".join(out))
        return self

    def _props(self, name):
        try:
            value = self.get(name)
        except KeyError:
            raise QemuArgsError("no %s option to change" % _option_name(name))
        return value.split(",") if value else []

    def replace_image(self, image):
        """Point -kernel at IMAGE where qemu.args says ./vireo."""
        found = [o for o in self.options if o[0] == "-kernel" and o[1] == IMAGE_PLACEHOLDER]
        if not found:
            raise QemuArgsError("no '-kernel %s' in the command line" % IMAGE_PLACEHOLDER)
        for o in found:
            o[1] = image
        return self

    def apply(self, spec):
        """Apply one override written as for `qemu.py -o` (see the module help)."""
        if not spec:
            raise QemuArgsError("empty override")
        if spec.startswith("!"):
            return self.remove(spec[1:])
        name, sep, value = spec.partition("=")
        if "." in name:
            if not sep:
                raise QemuArgsError("override %r: expected NAME.KEY=VALUE" % spec)
            opt, _, key = name.partition(".")
            return self.set_prop(opt, key, value)
        return self.set(name, value if sep else None)

    def argv(self):
        out = [self.program]
        for name, value in self.options:
            out.append(name)
            if value is not None:
                out.append(value)
        return out

    def __str__(self):
        return " ".join(shlex.quote(a) for a in self.argv())


def command_for(build=None, args_file=None, image=None, overrides=(), extra=()):
    """The QEMU argv for a build: its qemu.args with the image and overrides."""
    if args_file is None:
        if build is None:
            raise QemuArgsError("no build directory and no qemu.args given")
        args_file = os.path.join(build, "qemu.args")
    if image is None:
        if build is None:
            raise QemuArgsError("no build directory and no image given")
        image = os.path.join(build, "vireo")
    cmd = QemuCommand.from_file(args_file)
    cmd.replace_image(os.path.abspath(image))
    for spec in overrides:
        cmd.apply(spec)
    return cmd.argv() + list(extra)


def _port_listening(port):
    """True when something on this host listens on TCP port (from /proc)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                        return True
        except (OSError, StopIteration, IndexError, ValueError):
            continue
    return False


def _wait_listening(proc, port, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if _port_listening(port):
            return True
        time.sleep(0.05)
    return False


def debug(argv, image, log_path):
    """QEMU halted with its gdb stub on GDB_PORT in the background, gdb in front."""
    if _port_listening(GDB_PORT):
        sys.exit("qemu.py: port %d is in use (another QEMU with -s?)" % GDB_PORT)
    argv = argv + ["-S", "-s"]
    print("qemu.py: %s" % " ".join(shlex.quote(a) for a in argv), file=sys.stderr)
    print("qemu.py: console output goes to %s (tail -f it in another terminal)" % log_path,
          file=sys.stderr)
    with open(log_path, "wb") as log:
        qemu = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        if not _wait_listening(qemu, GDB_PORT, 30):
            sys.exit("qemu.py: QEMU did not open its gdb port; see %s" % log_path)
        gdb = ["gdb-multiarch", "-q", "-ex", "target remote localhost:%d" % GDB_PORT,
               "-x", GDB_EXTENSION, image]
        print("qemu.py: %s" % " ".join(shlex.quote(a) for a in gdb), file=sys.stderr)
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)	# Ctrl-C is gdb's
        try:
            rc = subprocess.call(gdb, preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                                         signal.SIG_DFL))
        finally:
            signal.signal(signal.SIGINT, old)
        return rc
    finally:
        if qemu.poll() is None:
            os.killpg(qemu.pid, signal.SIGKILL)
        qemu.wait()


def main(args):
    mode = args.pop(0) if args and args[0] in ("run", "print", "debug") else None
    if mode is None:
        sys.exit(__doc__)
    build = args_file = image = None
    overrides, extra = [], []
    try:
        while args:
            a = args.pop(0)
            if a == "--":
                extra = args
                break
            if a in ("-B", "--args", "--image", "-o") and not args:
                raise QemuArgsError("%s needs a value" % a)
            if a == "-B":
                build = args.pop(0)
            elif a == "--args":
                args_file = args.pop(0)
            elif a == "--image":
                image = args.pop(0)
            elif a == "-o":
                overrides.append(args.pop(0))
            elif a in ("-h", "--help"):
                print(__doc__)
                return 0
            else:
                raise QemuArgsError("unknown argument %r (see qemu.py --help)" % a)
        argv = command_for(build, args_file, image, overrides, extra)
    except QemuArgsError as e:
        sys.exit("qemu.py: %s" % e)
    kernel = argv[argv.index("-kernel") + 1] if "-kernel" in argv else None
    if mode == "print":
        print(" ".join(shlex.quote(a) for a in argv))
        return 0
    if kernel and not os.path.isfile(kernel):
        sys.exit("qemu.py: image %s not found; build it first (make)" % kernel)
    if mode == "debug":
        log = os.path.join(build or ".", "debug-console.log")
        return debug(argv, kernel, log)
    print("qemu.py: %s" % " ".join(shlex.quote(a) for a in argv), file=sys.stderr)
    print("qemu.py: Ctrl-A x quits QEMU, Ctrl-A c switches to its monitor", file=sys.stderr)
    try:
        os.execvp(argv[0], argv)
    except OSError as e:
        sys.exit("qemu.py: cannot run %s: %s (run tools/setup.sh)" % (argv[0], e.strerror))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
