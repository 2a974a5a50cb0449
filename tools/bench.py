#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Measure Vireo: boot time, footprint and OS latencies (`make bench`).

  bench.py [-B BUILD] [--config BOARD:CONFIG] [--boots N] [--icount [SHIFT]]
           [-n ITERATIONS] [--no-build] [-o OVERRIDE]...

Builds BUILD (configuring it for --config first when it has no build yet),
then, with the configuration's QEMU command line (tools/qemu.py, driven by
the test harness's Machine):
  - boots N times (default 5) and takes the host's wall time from starting
    QEMU to the first shell prompt; the median is boot_to_prompt_ms_median;
    between them, as many boots of a bare-metal image that only prints a
    line and powers off (tools/bench_bare.S, same command line), and
    boot_to_prompt_vs_bare is the ratio of the two medians;
  - counts the guest instructions from reset to the shell's read loop
    (the first read() of fd 0) under -icount shift=0,sleep=off, from
    QEMU's log of executed blocks, stopped there through its gdb stub:
    boot_to_shell_instructions (CPU 0's; on SMP also
    boot_to_shell_instructions_all_cpus);
  - reads the image's text/data/bss (the cross `size`) and, at the prompt,
    the heap in use (`free`) plus the image's loaded size;
  - runs `osperf` and collects every figure it prints, with a 256 MiB
    scratch disk (BUILD/bench-disk.img, removed afterwards) as /dev/vda
    for the block figures and FAT's (a 64 MiB file against 64 MiB of the
    raw disk, 1,000 small files);
  - boots once more with a host temporary directory as a virtio-9p share
    and times 32 MiB of sequential 1 MiB writes and reads on it (guest
    `time` around `dd`): v9fs_seq_write_1m_mb_s, v9fs_seq_read_1m_mb_s;
  - boots once more with virtio-net on QEMU's user network, starts
    telnetd and times, from the host, a telnet client's connect() to the
    first `nsh> ` it receives, TELNET_RUNS times (after one unmeasured
    connection): telnet_connect_to_prompt_ms_median (also _min, _max);
  - boots once more with virtio-net and measures TCP throughput with the
    host's iperf 2 (`iperf -c ... -t 5`, median of 3):
    net_tcp_host_to_guest_mbit_s_median (host client, guest `iperf -s`)
    and net_tcp_guest_to_host_mbit_s_median (guest `iperf -c 10.0.2.2`).
Prints a table and writes BUILD/bench.json: one flat object of plain
numbers, the unit in each key (ctx_switch_yield_ns_median,
boot_to_prompt_ms_median, image_text_bytes, ram_used_at_prompt_bytes).
BUILD/bench-info.json says how they were taken (host, command line, icount,
figures that were not available and why).

--icount [SHIFT] runs QEMU with `-icount shift=SHIFT,sleep=off` (SHIFT 0
unless given): the guest executes one instruction every 2^SHIFT ns of
virtual time and skips idle time straight to the next timer, so every
guest-time figure (all of osperf's) repeats exactly from run to run on any
host.  SHIFT 0 is a 1 GHz one-instruction-per-cycle CPU, the closest to a
real Cortex-A53.  Without --icount, guest time follows the host's clock
and osperf's figures vary with host load.  Boot time is the host's wall
clock in every mode and never repeats exactly.

These are measurements, not tests: nothing here passes or fails on a value.
"""
import argparse
import json
import os
import platform
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "qemu"))
import harness  # noqa: E402  (the Machine console driver)
import test_telnet  # noqa: E402  (the telnet client of the telnet tests)

DEFAULT_CONFIG = "qemu-armv8a:nsh"
OSPERF_TIMEOUT = 600

# What osperf prints: figures timed in ns (each as _ns_median and _ns_p99),
# bandwidths in MB/s (as _mb_s), and its header.  test_bench.py checks
# that every one of them is printed or declared not available.
NS_FIGURES = (
    "ctx_switch_yield", "ctx_switch_prio", "sem_wake", "sem_uncontended",
    "mutex_uncontended", "syscall_getppid", "write_devnull",
    "thread_create_first", "thread_create_join",
    "task_spawn_wait", "mq_roundtrip", "signal_roundtrip", "pipe_roundtrip", "irq_latency_handler",
    "irq_latency_thread", "timer_sleep_wake", "timer_signal", "cross_cpu_wake",
)
MB_S_FIGURES = ("pipe_throughput", "memcpy_4k", "memcpy_1m", "blk_seq_write_1m",
                "blk_seq_read_1m", "vda_seq_write_64m", "vda_seq_read_64m",
                "fat_seq_write_64m", "fat_seq_read_64m")
HEADER_KEYS = ("counter_freq_hz", "counter_resolution_ns", "iterations")
# Figures printed under their own key (a rate with its unit in the name).
VALUE_FIGURES = ("blk_rand_read_4k_iops", "fat_create_files_per_s",
                 "fb_flush_640x480_per_s", "fb_flush_1920x1080_per_s")
# The scratch disk osperf's block group overwrites (/dev/vda).
SCRATCH_DISK_BYTES = 256 << 20

FIGURE_RE = re.compile(r"^osperf: (\w+) (-?\d+(?:\.\d+)?) (\S+)$", re.M)
NA_RE = re.compile(r"^osperf: (\w+): not available \((.*)\)$", re.M)
NOTE_RE = re.compile(r"^osperf: # (.*)$", re.M)
DONE_RE = r"^osperf: done$"


def figure_keys(name):
    """The keys a figure's name stands for."""
    if name in NS_FIGURES:
        return (name + "_ns_median", name + "_ns_p99")
    if name in MB_S_FIGURES:
        return (name + "_mb_s",)
    return (name,)


def parse_osperf(text):
    """(figures {key: number}, not_available {name: reason}, notes [str])."""
    figures = {}
    for key, value, _unit in FIGURE_RE.findall(text):
        figures[key] = float(value) if "." in value else int(value)
    return figures, dict(NA_RE.findall(text)), NOTE_RE.findall(text)


def missing_figures(figures, not_available):
    """Names of expected figures that were neither printed nor excused."""
    missing = []
    for name in NS_FIGURES + MB_S_FIGURES + HEADER_KEYS + VALUE_FIGURES:
        if name in not_available:
            continue
        if not all(k in figures for k in figure_keys(name)):
            missing.append(name)
    return missing


# -- build -------------------------------------------------------------------
def build(build_dir, config):
    if not os.path.isfile(os.path.join(build_dir, "CMakeCache.txt")):
        subprocess.run([os.path.join(TOP, "tools", "configure.sh"), "-q", "-B",
                        build_dir, config], check=True)
    subprocess.run(["cmake", "--build", build_dir], check=True,
                   stdout=subprocess.DEVNULL)


def cross_tool(build_dir, tool):
    """TOOL (size, nm, gcc) of the compiler the build uses (aarch64-linux-gnu-size)."""
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith("CMAKE_C_COMPILER:"):
                    cc = line.split("=", 1)[1].strip()
                    if cc.endswith("gcc"):
                        return cc[:-3] + tool
    except OSError:
        pass
    return os.environ.get("CROSS_COMPILE", "aarch64-linux-gnu-") + tool


def image_sizes(build_dir):
    out = subprocess.run([cross_tool(build_dir, "size"), os.path.join(build_dir, "vireo")],
                         check=True, capture_output=True, text=True).stdout
    text, data, bss = (int(x) for x in out.splitlines()[1].split()[:3])
    lo, hi = harness.elf_load_span(os.path.join(build_dir, "vireo"))
    return {"image_text_bytes": text, "image_data_bytes": data,
            "image_bss_bytes": bss, "image_loaded_bytes": hi - lo}


# -- QEMU --------------------------------------------------------------------
def machine(build_dir, overrides, log_name, extra=()):
    return harness.Machine(build_dir, overrides, extra,
                           log_path=os.path.join(build_dir, "bench-logs", log_name))


def scratch_disk_args(path):
    """A zeroed (sparse) raw image at PATH attached as virtio-blk: /dev/vda."""
    with open(path, "wb") as f:
        f.truncate(SCRATCH_DISK_BYTES)
    return ["-global", "virtio-mmio.force-legacy=false",
            "-drive", "file=%s,if=none,format=raw,id=scratch" % path,
            "-device", "virtio-blk-device,drive=scratch"]


BARE_SOURCE = os.path.join(TOP, "tools", "bench_bare.S")
BARE_LINE = r"^bare-metal: hello$"


def build_bare(build_dir):
    """BUILD/bench-bare.elf from tools/bench_bare.S, with the cross compiler."""
    elf = os.path.join(build_dir, "bench-bare.elf")
    subprocess.run([cross_tool(build_dir, "gcc"), "-nostdlib", "-static",
                    "-Wl,-Ttext=0x40080000", "-Wl,--build-id=none", "-o", elf,
                    BARE_SOURCE], check=True)
    return elf


def boot_times(build_dir, overrides, boots):
    """Host wall times, in ms, from starting QEMU to the first prompt, and
    (alternating with them, so both see the same host load) from starting
    it to the bare-metal image's line."""
    bare = build_bare(build_dir)
    times, bare_times = [], []
    for i in range(2 * boots):
        is_bare = i % 2 == 1
        m = harness.Machine(build_dir, overrides, (), image=bare if is_bare else None,
                            log_path=os.path.join(build_dir, "bench-logs",
                                                  "boot-%d%s.log" % (i // 2, "-bare" * is_bare)))
        try:
            start = time.monotonic()
            m.start()
            if is_bare:
                m.expect(BARE_LINE)
            else:
                m.boot()
            (bare_times if is_bare else times).append((time.monotonic() - start) * 1000.0)
        finally:
            m.kill()
    return times, bare_times


# -- instructions to the shell, through QEMU's gdb stub ----------------------
class GdbStub:
    """The few requests of the GDB remote serial protocol this needs."""

    def __init__(self, port, timeout):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout)
        self.buf = b""

    def _read_packet(self):
        while True:
            start = self.buf.find(b"$")
            end = self.buf.find(b"#", start)
            if start >= 0 and end >= 0 and len(self.buf) >= end + 3:
                data = self.buf[start + 1:end]
                self.buf = self.buf[end + 3:]
                self.sock.sendall(b"+")
                return data.decode()
            chunk = self.sock.recv(4096)
            if not chunk:
                raise harness.TestFailure("QEMU's gdb stub closed the connection")
            self.buf += chunk

    def request(self, data):
        """Sends packet DATA; the reply packet (console 'O' packets of a
        monitor command are joined into the reply's text)."""
        self.sock.sendall(b"$%s#%02x" % (data.encode(), sum(data.encode()) % 256))
        text = ""
        while True:
            reply = self._read_packet()
            if reply.startswith("O") and reply != "OK":
                text += bytes.fromhex(reply[1:]).decode(errors="replace")
                continue
            return text or reply

    def close(self):
        self.sock.close()


def symbol_address(build_dir, name):
    out = subprocess.run([cross_tool(build_dir, "nm"), os.path.join(build_dir, "vireo")],
                         check=True, capture_output=True, text=True).stdout
    match = re.search(r"^([0-9a-f]+) [Tt] %s$" % re.escape(name), out, re.M)
    if not match:
        raise harness.TestFailure("no symbol %s in %s/vireo" % (name, build_dir))
    return int(match.group(1), 16)


# QEMU's -d in_asm,exec,nochain log: a translated block's instructions,
# then each execution of a block (CPU index, host code address, guest pc).
LOG_INSN_RE = re.compile(r"^0x([0-9a-f]+):  [0-9a-f]{8} ")
LOG_EXEC_RE = re.compile(r"^Trace (\d+): (0x[0-9a-f]+) \[[0-9a-f]+/([0-9a-f]+)/")


def count_log(path):
    """{cpu: guest instructions executed} from an in_asm,exec,nochain log.
    A block is known by its host code address (under icount a pc may be
    translated again shorter, to end a budget); the blocks executed just
    after their translation take its instruction count."""
    sizes, per_cpu = {}, {}
    new_pc, new_len = None, 0
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("IN:"):
                new_pc, new_len = None, 0
                continue
            m = LOG_INSN_RE.match(line)
            if m:
                new_pc = new_pc if new_pc is not None else int(m.group(1), 16)
                new_len += 1
                continue
            m = LOG_EXEC_RE.match(line)
            if m:
                cpu, host, pc = int(m.group(1)), m.group(2), int(m.group(3), 16)
                if pc == new_pc:
                    sizes[host], new_pc = new_len, None
                per_cpu[cpu] = per_cpu.get(cpu, 0) + sizes.get(host, 0)
    return per_cpu


def boot_instructions(build_dir, overrides=(), timeout=120):
    """Guest instructions of each CPU, {cpu: count}, from reset to the
    first read() of fd 0 (the shell's read loop): QEMU halted (-S) under
    -icount shift=0,sleep=off logging every block it executes, a
    breakpoint on read() through the gdb stub, continued until x0 is 0;
    QEMU is killed there and the log counted.  Blocks that the breakpoint
    cuts short add a few instructions per earlier read() of another fd."""
    read_addr = symbol_address(build_dir, "read")
    port = harness.free_port()
    log = tempfile.NamedTemporaryFile(prefix="vireo-exec-", suffix=".log", delete=False)
    log.close()
    m = harness.Machine(build_dir, list(overrides) + ["S", "icount=shift=0,sleep=off"],
        ("-gdb", "tcp:127.0.0.1:%d" % port, "-d", "in_asm,exec,nochain", "-D", log.name),
        log_path=os.path.join(build_dir, "bench-logs", "boot-instructions.log"))
    stub = None
    try:
        m.start()
        if not harness.qemu._wait_listening(m.proc, port, timeout):
            raise harness.TestFailure("QEMU's gdb port never opened")
        stub = GdbStub(port, timeout)
        reply = stub.request("Z0,%x,4" % read_addr)
        harness.check(reply == "OK", "gdb stub, breakpoint: %r" % reply)
        while True:
            stop = stub.request("c")
            harness.check(stop[:1] in ("T", "S"), "gdb stub: %r" % stop)
            if int.from_bytes(bytes.fromhex(stub.request("p0")), "little") == 0:
                break
        m.kill()
        return count_log(log.name)
    finally:
        if stub:
            stub.close()
        m.kill()
        os.remove(log.name)


def heap_used(m):
    out = m.command("free")
    match = re.search(r"^Mem:\s+(\d+)\s+(\d+)\s+(\d+)", out, re.M)
    if not match:
        raise harness.TestFailure("cannot read `free`: %r" % out)
    return int(match.group(1)), int(match.group(2))


# Two displays for osperf's fb figures, in a boot of their own so that their
# framebuffers (9.5 MB of heap) stay out of the footprint figures.
DISPLAY_ARGS = ["-device", "virtio-gpu-device,xres=640,yres=480",
                "-device", "virtio-gpu-device,xres=1920,yres=1080"]


def run_osperf(build_dir, overrides, iterations, extra=None, groups=()):
    """Boots once more, with a scratch disk for the block figures (or
    EXTRA devices), runs osperf on GROUPS (default all); returns (heap
    total, heap used, osperf output)."""
    disk = os.path.join(build_dir, "bench-disk.img")
    if extra is None:
        extra = scratch_disk_args(disk)
    m = machine(build_dir, overrides, "osperf%s.log" % "-".join(("",) + tuple(groups)), extra)
    try:
        m.start()
        m.boot()
        total, used = heap_used(m)
        cmd = " ".join(["osperf"] + (["-n", str(iterations)] if iterations else [])
                       + list(groups))
        start = m.pos
        m.sendline(cmd)
        m.expect(DONE_RE, OSPERF_TIMEOUT)
        out = m.output_since(start)
        m.expect(harness.PROMPT_RE)
        return total, used, out
    finally:
        m.kill()
        if os.path.exists(disk):
            os.remove(disk)


def merge_osperf(first, second):
    """The figures of two osperf runs; what the second measured replaces
    the first's "not available"."""
    figures, not_available, notes = parse_osperf(first)
    more, more_na, more_notes = parse_osperf(second)
    figures.update(more)
    for name in list(not_available):
        if all(k in figures for k in figure_keys(name)) or name in more_na:
            del not_available[name]
    not_available.update(more_na)
    return figures, not_available, notes + more_notes


V9FS_MIB = 32	# the file the 9P figures write and read back
TIME_RE = re.compile(r"^(\d+\.\d{3}) sec$", re.M)


def timed_mbps(m, cmd, mib):
    """MB/s of shell command CMD moving MIB MiB, timed by the guest's
    `time` (guest monotonic clock)."""
    out = m.command("time " + cmd, timeout=OSPERF_TIMEOUT)
    match = TIME_RE.search(out)
    if not match or "%d blocks copied" % mib not in out:
        raise harness.TestFailure("%s: %r" % (cmd, out))
    return round(mib * (1 << 20) / 1e6 / max(float(match.group(1)), 0.001), 1)


def v9fs_share_args(share):
    """QEMU arguments sharing host directory SHARE with mount tag bench."""
    return ["-fsdev", "local,security_model=none,id=benchfs,path=" + share,
            "-device", "virtio-9p-device,fsdev=benchfs,mount_tag=bench"]


def v9fs_figures(m):
    """On booted machine M with v9fs_share_args(): sequential 1 MiB write
    and read MB/s of a V9FS_MIB file on the share (default msize)."""
    m.command("mkdir /b; mount -t v9fs -o trans=virtio,tag=bench /b")
    return {"v9fs_seq_write_1m_mb_s": timed_mbps(
                m, "dd if=/dev/zero of=/b/f bs=1M count=%d" % V9FS_MIB, V9FS_MIB),
            "v9fs_seq_read_1m_mb_s": timed_mbps(
                m, "dd if=/b/f of=/dev/null bs=1M", V9FS_MIB)}


def run_v9fs(build_dir, overrides):
    """Boots once more with a host temporary directory as the 9P share."""
    share = tempfile.mkdtemp(prefix="vireo-bench-9p-")
    m = machine(build_dir, overrides, "v9fs.log", v9fs_share_args(share))
    try:
        m.start()
        m.boot()
        return v9fs_figures(m)
    finally:
        m.kill()
        shutil.rmtree(share, ignore_errors=True)


TELNET_RUNS = 20


def telnet_args(port):
    """QEMU arguments for virtio-net on the user network, host PORT
    forwarded to the guest's telnet port."""
    return ["-global", "virtio-mmio.force-legacy=false",
            "-netdev", "user,id=benchnet,hostfwd=tcp:127.0.0.1:%d-:23" % port,
            "-device", "virtio-net-device,netdev=benchnet"]


def telnet_latencies(m, port, runs):
    """On booted machine M with telnet_args(PORT): starts telnetd, then
    RUNS times connects, waits for the prompt (ms from connect() to it)
    and logs out."""
    lease = r"net: eth0: (DHCP address|no DHCP answer)"
    if not re.search(lease, m.text):	# printed before the prompt, or to come
        m.expect(lease, timeout=30)
    m.sendline("telnetd &")
    m.expect(r"telnetd: listening on port 23")
    times = []
    for i in range(runs + 1):
        start = time.monotonic()
        t = test_telnet.Telnet(port)
        try:
            t.prompt()
            if i:	# the first pays for ARP and first-use allocations
                times.append((time.monotonic() - start) * 1000.0)
            t.send(b"exit\r\0")
            t.wait_closed()
        finally:
            t.close()
    return times


def run_telnet(build_dir, overrides):
    port = harness.free_port()
    m = machine(build_dir, overrides, "telnet.log", telnet_args(port))
    try:
        m.start()
        m.boot()
        times = telnet_latencies(m, port, TELNET_RUNS)
    finally:
        m.kill()
    return {"telnet_connect_to_prompt_ms_median": round(statistics.median(times), 1),
            "telnet_connect_to_prompt_ms_min": round(min(times), 1),
            "telnet_connect_to_prompt_ms_max": round(max(times), 1)}


IPERF_RUNS = 3
IPERF_SECS = 5
IPERF_RATE_RE = r"^\[\s*\d+\] 0\.0000-[\d.]+ sec\s+\d+ Bytes\s+(\d+) Bytes/sec"


def iperf_mbps(text, what):
    m = re.search(IPERF_RATE_RE, text, re.M)
    if not m:
        raise harness.TestFailure("%s: no bandwidth line in %r" % (what, text))
    return int(m.group(1)) * 8 / 1e6


def run_iperf(build_dir, overrides):
    """TCP throughput with the host's iperf 2 (`iperf -c ... -t 5`, median
    of IPERF_RUNS): host to guest against the guest's `iperf -s` through a
    forwarded port, guest to host with the guest's `iperf -c 10.0.2.2`
    against a host `iperf -s` on 127.0.0.1."""
    if not shutil.which("iperf"):
        raise harness.TestFailure("no iperf on the host (tools/setup.sh installs it)")
    port = harness.free_port()
    m = machine(build_dir, overrides, "iperf.log",
                ["-global", "virtio-mmio.force-legacy=false",
                 "-netdev", "user,id=benchnet,hostfwd=tcp:127.0.0.1:%d-:5001" % port,
                 "-device", "virtio-net-device,netdev=benchnet"])
    srv = None
    try:
        m.start()
        m.boot()
        lease = r"net: eth0: (DHCP address|no DHCP answer)"
        if not re.search(lease, m.text):
            m.expect(lease, timeout=30)
        m.sendline("iperf -s -f B")
        m.expect(r"Server listening on TCP port 5001")
        to_guest = []
        for _ in range(IPERF_RUNS):
            out = subprocess.run(["iperf", "-c", "127.0.0.1", "-p", str(port), "-t",
                                  str(IPERF_SECS), "-f", "B"], capture_output=True,
                                 text=True, timeout=120).stdout
            to_guest.append(iperf_mbps(out, "host iperf -c"))
        m.send("\x03")
        m.expect(m.prompt_re, timeout=30)
        hport = harness.free_port()
        srv = subprocess.Popen(["iperf", "-s", "-B", "127.0.0.1", "-p", str(hport)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        harness.wait_until(lambda: harness.host_sockets(hport, states=(harness.TCP_LISTEN,)),
                           20, "host iperf -s on port %d did not start" % hport,
                           alive=lambda: srv.poll() is None)
        to_host = []
        for _ in range(IPERF_RUNS):
            out = m.command("iperf -c 10.0.2.2 -p %d -t %d -f B" % (hport, IPERF_SECS),
                            timeout=120)
            to_host.append(iperf_mbps(out, "guest iperf -c"))
    finally:
        if srv:
            srv.terminate()
            srv.wait()
        m.kill()
    return {"net_tcp_host_to_guest_mbit_s_median": round(statistics.median(to_guest), 1),
            "net_tcp_guest_to_host_mbit_s_median": round(statistics.median(to_host), 1)}


# -- report ------------------------------------------------------------------
def host_description():
    model = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    qemu_version = subprocess.run(["qemu-system-aarch64", "--version"],
                                  capture_output=True, text=True).stdout.partition("\n")[0]
    return {"cpu": model, "nproc": os.cpu_count(), "kernel": platform.release(),
            "qemu": qemu_version}


def print_table(figures, not_available, notes, host, icount):
    mode = ("-icount shift=%d,sleep=off (guest-time figures repeatable)" % icount
            if icount is not None else "plain TCG (guest time follows the host clock)")
    print("Vireo benchmark on %s, %s CPUs, %s; %s"
          % (host["cpu"], host["nproc"], host["qemu"], mode))
    width = max(len(k) for k in list(figures) + list(not_available) + ["figure"])
    print("%-*s %14s" % (width, "figure", "value"))
    for key, value in figures.items():
        print("%-*s %14s" % (width, key, value))
    for name, reason in not_available.items():
        print("%-*s %14s  (%s)" % (width, name, "n/a", reason))
    for note in notes:
        print("note: " + note)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-B", dest="build", default=os.path.join(TOP, "build"),
                    help="build directory (default: build)")
    ap.add_argument("--config", default=DEFAULT_CONFIG,
                    help="configuration for a new build directory (default %s)" % DEFAULT_CONFIG)
    ap.add_argument("--boots", type=int, default=5, help="boots to time (default 5)")
    ap.add_argument("--icount", type=int, nargs="?", const=0, metavar="SHIFT",
                    help="run under -icount shift=SHIFT,sleep=off (default SHIFT 0)")
    ap.add_argument("-n", dest="iterations", type=int, default=0,
                    help="osperf iterations per figure (default: osperf's)")
    ap.add_argument("--no-build", action="store_true", help="use the build as it is")
    ap.add_argument("-o", dest="overrides", action="append", default=[],
                    help="QEMU override as for tools/qemu.py -o (e.g. smp=4)")
    args = ap.parse_args()

    build_dir = os.path.abspath(args.build)
    if not args.no_build:
        build(build_dir, args.config)
    overrides = list(args.overrides)
    if args.icount is not None:
        if not 0 <= args.icount <= 10:
            ap.error("--icount SHIFT must be 0..10")
        overrides.append("icount=shift=%d,sleep=off" % args.icount)

    try:
        figures = {}
        times, bare_times = boot_times(build_dir, overrides, max(1, args.boots))
        figures["boot_to_prompt_ms_median"] = round(statistics.median(times), 1)
        figures["boot_to_prompt_ms_min"] = round(min(times), 1)
        figures["boot_to_prompt_ms_max"] = round(max(times), 1)
        figures["bare_boot_ms_median"] = round(statistics.median(bare_times), 1)
        figures["boot_to_prompt_vs_bare"] = round(
            statistics.median(times) / statistics.median(bare_times), 2)
        per_cpu = boot_instructions(
            build_dir, [o for o in overrides if not o.startswith("icount=")])
        figures["boot_to_shell_instructions"] = per_cpu.get(0, 0)
        if len(per_cpu) > 1:
            figures["boot_to_shell_instructions_all_cpus"] = sum(per_cpu.values())
        sizes = image_sizes(build_dir)
        figures.update(sizes)
        total, used, out = run_osperf(build_dir, overrides, args.iterations)
        _, _, fb_out = run_osperf(build_dir, overrides, args.iterations, DISPLAY_ARGS, ["fb"])
        figures.update(run_v9fs(build_dir, overrides))
        figures.update(run_telnet(build_dir, overrides))
        figures.update(run_iperf(build_dir, overrides))
    except (harness.TestFailure, harness.qemu.QemuArgsError) as e:
        sys.exit("bench.py: %s (logs in %s)" % (e, os.path.join(build_dir, "bench-logs")))
    figures["heap_total_bytes"] = total
    figures["heap_used_at_prompt_bytes"] = used
    figures["ram_used_at_prompt_bytes"] = used + sizes["image_loaded_bytes"]
    osperf, not_available, notes = merge_osperf(out, fb_out)
    figures.update(osperf)

    host = host_description()
    print_table(figures, not_available, notes, host, args.icount)
    missing = missing_figures(figures, not_available)
    if missing:
        print("bench.py: osperf printed nothing for: %s" % ", ".join(missing))
    with open(os.path.join(build_dir, "bench.json"), "w") as f:
        json.dump(figures, f, indent=1)
        f.write("\n")
    info = {
        "host": host,
        "qemu": " ".join(shlex.quote(a) for a in
                         harness.qemu.command_for(build_dir, overrides=overrides)),
        "icount_shift": args.icount,
        "repeatable": "guest-time figures (osperf) under --icount; "
                      "boot_to_prompt_ms_* never (host wall clock)",
        "boot_to_prompt_ms": [round(t, 1) for t in times],
        "bare_boot_ms": [round(t, 1) for t in bare_times],
        "not_available": not_available,
        "notes": notes,
    }
    with open(os.path.join(build_dir, "bench-info.json"), "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")
    print("bench.py: wrote %s" % os.path.join(build_dir, "bench.json"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
