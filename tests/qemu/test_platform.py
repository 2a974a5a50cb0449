# SPDX-License-Identifier: BSD-2-Clause
"""Platform bring-up: the board document's command lines boot to the shell on
every `virt` variant the image must handle, and the first shell commands work.
"""
import os
import re
import subprocess
import sys

from harness import (BOARD, TOP, check, check_in, check_match, elf_load_span, free_port,
                     qemu, scaled, test, TestFailure)

RAM_BASE = 0x40000000
MiB = 1 << 20

# The board document's lines, as printed there (with ./vireo for ./nuttx).
BOARD_DOC_LINES = {
    "nsh": "qemu-system-aarch64 -cpu cortex-a53 -nographic "
           "-machine virt,virtualization=on,gic-version=3 "
           "-net none -chardev stdio,id=con,mux=on -serial chardev:con "
           "-mon chardev=con,mode=readline -kernel ./vireo",
    "nsh_gicv2": "qemu-system-aarch64 -cpu cortex-a53 -nographic "
                 "-machine virt,virtualization=on,gic-version=2 "
                 "-net none -chardev stdio,id=con,mux=on -serial chardev:con "
                 "-mon chardev=con,mode=readline -kernel ./vireo",
    "nsh_smp": "qemu-system-aarch64 -cpu cortex-a53 -smp 4 -nographic "
               "-machine virt,virtualization=on,gic-version=3 "
               "-net none -chardev stdio,id=con,mux=on -serial chardev:con "
               "-mon chardev=con,mode=readline -kernel ./vireo",
    "netnsh": "qemu-system-aarch64 -cpu cortex-a53 -nographic "
              "-machine virt,virtualization=on,gic-version=3 "
              "-chardev stdio,id=con,mux=on -serial chardev:con "
              "-global virtio-mmio.force-legacy=false "
              "-device virtio-serial-device,bus=virtio-mmio-bus.0 "
              "-chardev socket,telnet=on,host=127.0.0.1,port=3450,server=on,wait=off,id=foo "
              "-device virtconsole,chardev=foo "
              "-device virtio-rng-device,bus=virtio-mmio-bus.1 "
              "-netdev user,id=u1,hostfwd=tcp:127.0.0.1:10023-10.0.2.15:23,"
              "hostfwd=tcp:127.0.0.1:15001-10.0.2.15:5001 "
              "-device virtio-net-device,netdev=u1,bus=virtio-mmio-bus.2 "
              "-drive file=./mydisk-1gb.img,if=none,format=raw,id=hd "
              "-device virtio-blk-device,bus=virtio-mmio-bus.3,drive=hd "
              "-mon chardev=con,mode=readline -kernel ./vireo",
    "netnsh_smp": "qemu-system-aarch64 -cpu cortex-a53 -smp 4 -nographic "
                  "-machine virt,virtualization=on,gic-version=3 "
                  "-chardev stdio,id=con,mux=on -serial chardev:con "
                  "-global virtio-mmio.force-legacy=false "
                  "-netdev user,id=u1,hostfwd=tcp:127.0.0.1:10023-10.0.2.15:23,"
                  "hostfwd=tcp:127.0.0.1:15001-10.0.2.15:5001 "
                  "-device virtio-net-device,netdev=u1,bus=virtio-mmio-bus.0 "
                  "-mon chardev=con,mode=readline -kernel ./vireo",
    # The KVM line; the tests run it with -accel tcg -cpu max.
    "netnsh_smp_hv": "qemu-system-aarch64 -nographic "
                     "-machine virt -cpu host -smp 4 -accel kvm "
                     "-chardev stdio,id=con,mux=on -serial chardev:con "
                     "-global virtio-mmio.force-legacy=false "
                     "-drive file=./mydisk-1gb.img,if=none,format=raw,id=hd "
                     "-device virtio-blk-device,drive=hd "
                     "-netdev user,id=u1,hostfwd=tcp:127.0.0.1:10023-10.0.2.15:23,"
                     "hostfwd=tcp:127.0.0.1:15001-10.0.2.15:5001 "
                     "-device virtio-net-device,netdev=u1,bus=virtio-mmio-bus.0 "
                     "-mon chardev=con,mode=readline -kernel ./vireo",
    "9p": "qemu-system-aarch64 -cpu cortex-a53 -nographic "
          "-machine virt,virtualization=on,gic-version=3 "
          "-fsdev local,security_model=none,id=fsdev0,path=/mnt/xxx "
          "-device virtio-9p-device,id=fs0,fsdev=fsdev0,mount_tag=host "
          "-chardev stdio,id=con,mux=on, -serial chardev:con "
          "-mon chardev=con,mode=readline  -kernel ./vireo",
    "fb": "qemu-system-aarch64 -cpu cortex-a53 "
          "-machine virt,virtualization=on,gic-version=3 "
          "-chardev stdio,id=con,mux=on -serial chardev:con "
          "-global virtio-mmio.force-legacy=false "
          "-device virtio-gpu-device,xres=640,yres=480,bus=virtio-mmio-bus.0 "
          "-mon chardev=con,mode=readline -kernel ./vireo",
}

# Printed once per boot: "Vireo <version> <board:config>, built <date>",
# possibly behind a kernel-log time stamp.
TIMESTAMP = r"\[\s*\d+\.\d{6}\] "


def banner_re(config):
    return (r"^(?:%s)?Vireo \S+ %s:%s, built \d{4}-\d\d-\d\d"
            % (TIMESTAMP, BOARD, re.escape(config)))


# -- command lines ---------------------------------------------------------
def _args_file_test(config):
    def fn(t):
        path = os.path.join(TOP, "boards", BOARD, "configs", config, "qemu.args")
        got = qemu.QemuCommand.from_file(path).argv()
        check(got == BOARD_DOC_LINES[config].split(),
              "%s differs from the board document: %s" % (path, " ".join(got)))
        copy = os.path.join(t.build(config), "qemu.args")
        if os.path.exists(copy):
            check(qemu.QemuCommand.from_file(copy).argv() == got,
                  "%s is not a copy of %s" % (copy, path))
    fn.__name__ = "qemu_args_" + config
    return fn


for _c in BOARD_DOC_LINES:
    test("board doc: the %s command line is the configuration's qemu.args" % _c,
         configs=())(_args_file_test(_c))


# -- boot ------------------------------------------------------------------
def _boot_test(config, overrides, name, proves, verbatim=False):
    def fn(t):
        m = t.machine(config, overrides, verbatim=verbatim)
        log = m.boot()
        check_match(banner_re(config), log, "boot output")
        check_match(r"^" + TIMESTAMP, log, "boot output (kernel log time stamps)")
        check_in("Vireo", m.command("uname -a"), "uname -a")
    fn.__name__ = name
    test(proves, configs=(config,))(fn)


_boot_test("nsh", (), "boot_nsh",
           "board doc: Single Core (GICv3) command line, typed as printed "
           "(-kernel ./vireo) where the image is, boots to 'nsh> '", verbatim=True)
_boot_test("nsh_gicv2", (), "boot_nsh_gicv2",
           "board doc: Single Core (GICv2) command line, typed as printed "
           "(-kernel ./vireo) where the image is, boots to 'nsh> '", verbatim=True)
_boot_test("nsh", ("machine.virtualization=off",), "boot_el1_entry",
           "entered at EL1 (virtualization=off) the image still boots")
_boot_test("nsh", ("machine.gic-version=2",), "boot_nsh_image_on_gicv2",
           "one image: the nsh (GICv3) image boots on a gic-version=2 machine")
for _cpu in ("cortex-a53", "cortex-a57", "cortex-a72", "max"):
    _boot_test("nsh", ("cpu=" + _cpu,), "boot_cpu_" + _cpu.replace("-", "_"),
               "board doc status: -cpu %s boots" % _cpu)


# -- memory ----------------------------------------------------------------
def parse_free_total(out):
    """Total bytes from `free`: the 'total' column of the first data row."""
    lines = [l for l in out.splitlines() if l.strip()]
    for i, line in enumerate(lines):
        header = line.split()
        if "total" not in header:
            continue
        for row in lines[i + 1:]:
            nums = [w for w in row.split() if re.fullmatch(r"\d+", w)]
            if len(nums) >= len(header) - header.index("total"):
                value = int(nums[header.index("total")])
                scale = 1024 if re.search(r"\bKi?B\b", out, re.I) else 1
                return value * scale
    raise TestFailure("no total in free output: %r" % out)


def _memory_test(size, ram):
    def fn(t):
        m = t.boot("nsh", ("m=" + size,))
        total = parse_free_total(m.command("free"))
        _, end = elf_load_span(t.image("nsh"))
        # Everything below the image's end (device tree, image) plus a few
        # MiB of kernel structures may be missing from the heap, no more.
        least = ram - (end - RAM_BASE) - 8 * MiB
        check(least <= total <= ram,
              "free reports %d bytes total, expected %d..%d for -m %s"
              % (total, least, ram, size))
    fn.__name__ = "memory_" + size
    test("-m %s: free shows a total close to the RAM size" % size)(fn)


_memory_test("128M", 128 * MiB)
_memory_test("2G", 2048 * MiB)


# -- crash report and decoder ------------------------------------------------
REPORT_END = r"\*\*\* end of panic report \*\*\*"


@test("crash null: the panic report (class, FAR, x0..x30, backtrace) and "
      "tools/crashdecode.py naming the crash command's handler")
def crash_null(t):
    m = t.boot("nsh")
    start = m.pos
    m.sendline("crash null")
    m.expect(REPORT_END)
    report = m.output_since(start)
    check_in("VIREO PANIC", report, "crash report")
    check_in("Data abort", report, "crash report")
    check_in("FAR  0x0000000000000010", report, "crash report")
    for i in range(31):
        check_match(r"\bx%d\s+0x[0-9a-f]{16}\b" % i, report, "crash report")
    check_in("backtrace:", report, "crash report")
    decoder = os.path.join(TOP, "tools", "crashdecode.py")
    r = subprocess.run([sys.executable, decoder, "-e", t.image("nsh")], input=report,
                       capture_output=True, text=True, timeout=scaled(60))
    check(r.returncode == 0, "crashdecode.py failed (%d): %s" % (r.returncode, r.stderr))
    elr = check_match(r"^ELR .*# (\S+) at ", r.stdout, "decoded report").group(1)
    check_match(r"^\s+#\d+\s+0x[0-9a-f]+\s+# \S+ at \S+:\d+", r.stdout, "decoded backtrace")
    names = re.findall(r"# (\S+) at ", r.stdout)
    check(any("crash" in n for n in names),
          "no function of the crash command among the decoded names %s (ELR in %s)"
          % (names, elr))


def crash_report(t, what):
    """Boots, provokes crash WHAT and returns (report, address of symbol)."""
    m = t.boot("nsh")
    start = m.pos
    m.sendline("crash " + what)
    m.expect(REPORT_END)
    return m.output_since(start)


def symbol_address(t, name):
    out = subprocess.run(["aarch64-linux-gnu-nm", t.image("nsh")], capture_output=True,
                         text=True, timeout=scaled(30)).stdout
    return int(check_match(r"^([0-9a-f]+) \w %s$" % re.escape(name), out,
                           "nm of the image").group(1), 16)


@test("MMU: kernel text is read-only (a store to it is a permission fault)")
def mmu_text_read_only(t):
    report = crash_report(t, "text")
    check_in("cause permission fault at level 3, write", report, "crash report")
    check_in("FAR  0x%016x" % symbol_address(t, "cmd_crash"), report, "crash report")


@test("MMU: read-only data is read-only")
def mmu_rodata_read_only(t):
    report = crash_report(t, "rodata")
    check_in("cause permission fault at level 3, write", report, "crash report")
    check_in("FAR  0x%016x" % symbol_address(t, "crash_rodata_word"), report,
             "crash report")


@test("MMU: data is execute-never (a jump into it is an instruction abort)")
def mmu_data_execute_never(t):
    report = crash_report(t, "exec")
    check_in("Instruction abort from the current EL", report, "crash report")
    check_in("cause permission fault", report, "crash report")


# -- shell -----------------------------------------------------------------
@test("poweroff ends QEMU with exit code 0")
def poweroff(t):
    m = t.boot("nsh")
    rc = m.poweroff()
    check(rc == 0, "QEMU exit code %s after poweroff" % rc)


@test("help lists the commands of this cut")
def help(t):
    out = t.boot("nsh").command("help")
    for cmd in ("help", "echo", "uname", "free", "ps", "uptime", "dmesg",
                "poweroff", "reboot"):
        check_match(r"\b%s\b" % cmd, out, "help")


@test("echo hello prints hello")
def echo(t):
    out = t.boot("nsh").command("echo hello")
    check(out.strip() == "hello", "echo hello gave %r" % out)


@test("uname -a names Vireo")
def uname(t):
    check_in("Vireo", t.boot("nsh").command("uname -a"), "uname -a")


@test("ps lists the nsh and idle threads")
def ps(t):
    out = t.boot("nsh").command("ps")
    check_match(r"\bnsh\b", out, "ps")
    check_match(r"\bidle", out, "ps")


@test("uptime prints the time since boot")
def uptime(t):
    out = t.boot("nsh").command("uptime")
    check_match(r"\bup\b.*\d", out, "uptime")


@test("dmesg shows the boot log: every kernel log line printed at boot")
def dmesg(t):
    m = t.machine("nsh")
    boot_lines = re.findall(r"^%s.*$" % TIMESTAMP, m.boot(), re.M)
    check(boot_lines, "no kernel log lines at boot")
    out = m.command("dmesg")
    for line in boot_lines:
        check_in(line, out, "dmesg")


@test("an unknown command gives 'command not found' and the shell goes on")
def unknown_command(t):
    m = t.boot("nsh")
    check_in("command not found", m.command("nosuchcommand"), "nosuchcommand")
    check(m.command("echo still here").strip() == "still here", "shell did not go on")


@test("reboot restarts the system: the banner appears twice")
def reboot(t):
    m = t.boot("nsh")
    m.sendline("reboot")
    m.boot()
    banners = re.findall(banner_re("nsh"), m.text, re.M)
    check(len(banners) == 2, "banner seen %d times" % len(banners))
    check(m.command("echo back").strip() == "back", "no shell after reboot")


# -- debugging -------------------------------------------------------------
@test("board doc: Debugging with QEMU: -S and gdb's 'target remote' reach kernel_main")
def gdb_attach(t):
    port = free_port()
    m = t.machine("nsh", ("S",), ("-gdb", "tcp:127.0.0.1:%d" % port))
    check(qemu._wait_listening(m.proc, port, scaled(30)), "QEMU's gdb port never opened")
    gdb = ["gdb-multiarch", "-nx", "-batch",
           "-ex", "target remote localhost:%d" % port,
           "-ex", "break kernel_main", "-ex", "continue", "-ex", "bt",
           t.image("nsh")]
    try:
        r = subprocess.run(gdb, capture_output=True, text=True, timeout=scaled(120))
    except subprocess.TimeoutExpired:
        raise TestFailure("gdb did not finish")
    check_match(r"^#0\s.*kernel_main", r.stdout, "gdb backtrace")
