# SPDX-License-Identifier: BSD-2-Clause
"""Tests of the tools around the build, without a Vireo image:
tools/qemu.py (qemu.args parsing and overrides), tools/crashdecode.py and the
QEMU harness's Machine driven against a fake QEMU.

  python3 -m unittest discover -s tests/qemu/unit -v
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(TOP, "tools"))
sys.path.insert(0, os.path.dirname(HERE))
import crashdecode  # noqa: E402
import harness  # noqa: E402
import qemu  # noqa: E402

NSH_ARGS = os.path.join(TOP, "boards", "qemu-armv8a", "configs", "nsh", "qemu.args")
BOARD_DOC_NSH = ("qemu-system-aarch64 -cpu cortex-a53 -nographic "
                 "-machine virt,virtualization=on,gic-version=3 "
                 "-net none -chardev stdio,id=con,mux=on -serial chardev:con "
                 "-mon chardev=con,mode=readline -kernel ./vireo").split()


class QemuArgsTest(unittest.TestCase):
    def nsh(self):
        return qemu.QemuCommand.from_file(NSH_ARGS)

    def test_file_is_board_document_line(self):
        self.assertEqual(self.nsh().argv(), BOARD_DOC_NSH)

    def test_comments_and_continuations(self):
        cmd = qemu.QemuCommand.from_text("# c\nqemu -cpu a53 \\\n  -nographic \\\n -kernel ./vireo\n")
        self.assertEqual(cmd.argv(), ["qemu", "-cpu", "a53", "-nographic", "-kernel", "./vireo"])

    def test_replace_image(self):
        argv = self.nsh().replace_image("/x/build/vireo").argv()
        self.assertEqual(argv[-2:], ["-kernel", "/x/build/vireo"])
        self.assertEqual(argv[:-1], BOARD_DOC_NSH[:-1])

    def test_set_in_place_and_append(self):
        cmd = self.nsh().set("cpu", "max").set("-m", "2G").set("smp", "4")
        argv = cmd.argv()
        self.assertEqual(argv[1:3], ["-cpu", "max"])
        self.assertEqual(argv[-4:], ["-m", "2G", "-smp", "4"])

    def test_machine_property(self):
        cmd = self.nsh()
        cmd.apply("machine.virtualization=off")
        self.assertEqual(cmd.get("machine"), "virt,virtualization=off,gic-version=3")
        cmd.apply("machine.mte=on")
        self.assertEqual(cmd.get_prop("machine", "mte"), "on")
        cmd.set_prop("machine", "virtualization", None)
        self.assertEqual(cmd.get("machine"), "virt,gic-version=3,mte=on")

    def test_flags_and_remove(self):
        cmd = self.nsh()
        cmd.apply("S")
        cmd.apply("S")			# set, not add: stays one -S
        cmd.apply("!net")
        argv = cmd.argv()
        self.assertEqual(argv.count("-S"), 1)
        self.assertNotIn("-net", argv)

    def test_bad_input(self):
        for text in ("", "-cpu a53", "qemu -cpu", "qemu stray", "qemu 'unclosed"):
            with self.assertRaises(qemu.QemuArgsError, msg=text):
                qemu.QemuCommand.from_text(text)
        with self.assertRaises(qemu.QemuArgsError):
            qemu.QemuCommand.from_text("qemu -kernel other").replace_image("/v")
        with self.assertRaises(qemu.QemuArgsError):
            self.nsh().apply("cpu")		# -cpu needs a value
        with self.assertRaises(qemu.QemuArgsError):
            self.nsh().apply("nographic=yes")
        with self.assertRaises(qemu.QemuArgsError):
            self.nsh().apply("m.x=1")		# no -m to change
        with self.assertRaises(qemu.QemuArgsError):
            qemu.QemuCommand.from_file("/nonexistent/qemu.args")

    def test_cli_print(self):
        with tempfile.TemporaryDirectory() as d:
            shutil.copy(NSH_ARGS, os.path.join(d, "qemu.args"))
            r = subprocess.run([sys.executable, os.path.join(TOP, "tools", "qemu.py"), "print",
                                "-B", d, "-o", "cpu=max", "--", "-S", "-s"],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("-cpu max", r.stdout)
            self.assertIn("-kernel %s/vireo -S -s" % d, r.stdout)
            r = subprocess.run([sys.executable, os.path.join(TOP, "tools", "qemu.py"), "run",
                                "-B", d], capture_output=True, text=True)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("not found", r.stderr)


REPORT = """boot noise
nsh> crash null\r
\r
*** VIREO PANIC: Data abort from the current EL ***\r
ESR  0x0000000096000005  EC 0x25 (Data abort from the current EL)
cause translation fault at level 1, read
FAR  0x0000000000000010
ELR  0x{f:016x}  SPSR 0x00000000600003c5
x0   0x0000000000000000  x1   0x0000000000000001  x2   0x0000000000000002  x3   0x0000000000000003
x28  0x0000000000000000  x29  0x0000000040300000  x30  0x{g_ret:016x}  sp   0x0000000040300000
thread nsh (tid 1) on cpu 0
backtrace:
  #0  0x{f:016x}
  #1  0x{g_ret:016x}
*** end of panic report ***
trailing text
"""


@unittest.skipUnless(shutil.which("aarch64-linux-gnu-gcc"), "no AArch64 cross compiler")
class CrashDecodeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp()
        src = os.path.join(cls.dir, "crashy.c")
        with open(src, "w") as f:
            f.write("__attribute__((noinline)) int crash_handler(int *p)\n{\n\treturn p[4];\n}\n"
                    "int caller(void)\n{\n\tint r = crash_handler(0);\n\treturn r + 1;\n}\n"
                    "void _start(void)\n{\n\tcaller();\n\tfor (;;);\n}\n")
        cls.image = os.path.join(cls.dir, "crashy")
        subprocess.run(["aarch64-linux-gnu-gcc", "-g", "-O1", "-fno-inline", "-nostdlib",
                        "-static", "-o", cls.image, src], check=True)
        syms = subprocess.run(["aarch64-linux-gnu-nm", cls.image], capture_output=True,
                              text=True, check=True).stdout
        addr = {l.split()[2]: int(l.split()[0], 16) for l in syms.splitlines()
                if len(l.split()) == 3}
        dis = subprocess.run(["aarch64-linux-gnu-objdump", "-d", cls.image],
                             capture_output=True, text=True, check=True).stdout
        # The return address of the call to crash_handler inside caller.
        call = [l for l in dis.splitlines() if "bl\t" in l and "<crash_handler>" in l][0]
        cls.g_ret = int(call.split(":")[0], 16) + 4
        cls.report = REPORT.format(f=addr["crash_handler"], g_ret=cls.g_ret)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def run_decoder(self, args, text):
        return subprocess.run([sys.executable, os.path.join(TOP, "tools", "crashdecode.py")] + args,
                              input=text, capture_output=True, text=True)

    def test_decodes(self):
        r = self.run_decoder(["-e", self.image], self.report)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertTrue(lines[0].startswith("*** VIREO PANIC"), lines[0])
        self.assertTrue(lines[-1].startswith("*** end of panic report"))
        elr = [l for l in lines if l.startswith("ELR")][0]
        self.assertRegex(elr, r"# crash_handler at .*crashy\.c:\d+$")
        x30 = [l for l in lines if "x30" in l][0]
        self.assertRegex(x30, r"# caller at .*crashy\.c:7$")	# the call, not the line after
        self.assertRegex([l for l in lines if "#1 " in l][0], r"# caller at ")
        self.assertNotIn("trailing text", r.stdout)

    def test_report_from_file(self):
        path = os.path.join(self.dir, "report.txt")
        with open(path, "w") as f:
            f.write(self.report)
        r = self.run_decoder(["-e", self.image, path], "")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("crash_handler at", r.stdout)

    def test_errors(self):
        r = self.run_decoder(["-e", self.image], "no report here\n")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no Vireo panic report", r.stderr)
        r = self.run_decoder(["-e", "/nonexistent/vireo"], self.report)
        self.assertEqual(r.returncode, 2)
        self.assertIn("not found", r.stderr)
        r = self.run_decoder(["-e", __file__], self.report)
        self.assertEqual(r.returncode, 2)
        self.assertIn("not an AArch64 ELF", r.stderr)
        r = self.run_decoder(["-e", self.image, "/nonexistent/report"], "")
        self.assertEqual(r.returncode, 2)
        cut = self.report.split("backtrace:")[0]
        r = self.run_decoder(["-e", self.image], cut)
        self.assertEqual(r.returncode, 0)
        self.assertIn("cut short", r.stdout)


class MachineTest(unittest.TestCase):
    """The harness against tests/qemu/unit/fake_qemu.py."""

    def setUp(self):
        self.dir = tempfile.mkdtemp()
        with open(NSH_ARGS) as f:
            text = f.read().replace("qemu-system-aarch64", os.path.join(HERE, "fake_qemu.py"))
        with open(os.path.join(self.dir, "qemu.args"), "w") as f:
            f.write(text)
        open(os.path.join(self.dir, "vireo"), "w").close()
        self.log = os.path.join(self.dir, "logs", "t.log")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def machine(self, overrides=()):
        return harness.Machine(self.dir, overrides, log_path=self.log).start()

    def test_boot_command_poweroff(self):
        with self.machine(("cpu=max", "machine.virtualization=off")) as m:
            log = m.boot(timeout=10)
            self.assertIn("-cpu max", log)
            self.assertIn("virt,virtualization=off,gic-version=3", log)
            self.assertIn("-kernel %s/vireo" % self.dir, log)
            self.assertEqual(m.command("echo hello"), "hello\n")
            self.assertIn("command not found", m.command("bogus"))
            self.assertEqual(m.poweroff(timeout=10), 0)
        with open(self.log, "rb") as f:
            self.assertIn(b"hello\r\n", f.read())

    def test_ctrl_a_is_escaped(self):
        with self.machine() as m:
            m.boot(timeout=10)
            # Unescaped, \x01x would make the mux quit QEMU.
            self.assertEqual(m.command("echo a\x01xb"), "a\x01xb\n")
            self.assertTrue(m.running())

    def test_timeout_and_exit(self):
        with self.machine() as m:
            m.boot(timeout=10)
            m.sendline("hang")
            with self.assertRaises(harness.ExpectTimeout):
                m.expect(harness.PROMPT_RE, timeout=0.3)
            m.proc.stdin.write(b"\x01x")	# the raw mux escape: quit
            m.proc.stdin.flush()
            with self.assertRaises(harness.MachineExited):
                m.expect("never", timeout=10)
        self.assertFalse(m.running())

    def test_kill_on_exit(self):
        m = self.machine()
        m.boot(timeout=10)
        pid = m.proc.pid
        m.kill()
        self.assertIsNotNone(m.proc.poll())
        with self.assertRaises(ProcessLookupError):
            os.kill(pid, 0)

    def test_reboot_banner_twice(self):
        with self.machine() as m:
            m.boot(timeout=10)
            m.sendline("reboot")
            m.boot(timeout=10)
            self.assertEqual(m.text.count("Vireo 0.1 qemu-armv8a:nsh, built"), 2)


class ConfigureTest(unittest.TestCase):
    """tools/configure.sh's listing and errors (configuring is make test's job)."""

    def run_configure(self, *args):
        return subprocess.run([os.path.join(TOP, "tools", "configure.sh")] + list(args),
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)

    def test_lists_every_defconfig(self):
        want = sorted("qemu-armv8a:" + os.path.basename(os.path.dirname(p)) for p in
                      glob.glob(os.path.join(TOP, "boards", "qemu-armv8a", "configs", "*", "defconfig")))
        for args in ((), ("-L",)):
            r = self.run_configure(*args)
            self.assertEqual(r.returncode, 0, r.stderr)
            got = [l.split()[0] for l in r.stdout.splitlines() if l.startswith("  ")]
            self.assertEqual(got, want)

    def test_unknown_configuration(self):
        r = self.run_configure("-l", "qemu-armv8a:nonesuch")
        self.assertEqual(r.returncode, 1)
        self.assertIn("unknown configuration 'qemu-armv8a:nonesuch'", r.stderr)
        self.assertIn("qemu-armv8a:nsh", r.stderr)

    def test_help_and_bad_option(self):
        self.assertIn("BOARD:CONFIG", self.run_configure("-h").stdout)
        self.assertEqual(self.run_configure("--bogus").returncode, 2)


class ElfSpanTest(unittest.TestCase):
    def test_not_elf(self):
        with self.assertRaises(harness.TestFailure):
            harness.elf_load_span(__file__)


@unittest.skipUnless(shutil.which("aarch64-linux-gnu-gcc") and shutil.which("gdb-multiarch"),
                     "no AArch64 cross compiler or gdb-multiarch")
class GdbExtensionTest(unittest.TestCase):
    """tools/gdb/vireo.py on images that lack what it needs: a clear error
    naming the symbol or member, never a Python traceback."""

    def vireo(self, source, command):
        with tempfile.TemporaryDirectory() as d:
            src, image = os.path.join(d, "thread.c"), os.path.join(d, "image")
            with open(src, "w") as f:
                f.write(source + "void _start(void)\n{\n\tfor (;;);\n}\n")
            subprocess.run(["aarch64-linux-gnu-gcc", "-g", "-O0", "-nostdlib", "-static",
                            "-o", image, src], check=True)
            return subprocess.run(["gdb-multiarch", "-nx", "-batch", "-x", qemu.GDB_EXTENSION,
                                   "-ex", command, image], capture_output=True, text=True,
                                  stdin=subprocess.DEVNULL, timeout=120)

    def test_missing_symbol(self):
        r = self.vireo("int unrelated;\n", "vireo threads")
        self.assertIn("vireo: symbol 'all_threads' of thread.c is not in the image", r.stderr)
        self.assertNotIn("Traceback", r.stdout + r.stderr)

    def test_missing_member(self):
        r = self.vireo("struct list_node { struct list_node *next, *prev; };\n"
                       "struct thread { int tid; };\n"
                       "static struct list_node all_threads = { &all_threads, &all_threads };\n"
                       "struct thread *keep = (struct thread *)&all_threads;\n",
                       "vireo threads")
        self.assertIn("vireo: struct thread has no member 'all_node'", r.stderr)
        self.assertNotIn("Traceback", r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
