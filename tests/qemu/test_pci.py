# SPDX-License-Identifier: BSD-2-Clause
"""PCIe (issue 10): the ECAM host bridge of QEMU's virt machine with several
devices, a bridge and virtio-pci.  lspci and /proc/pci list what QEMU itself
reports through QMP query-pci (vendor:device, class, every BAR's address,
size and kind, a bridge's bus numbers); virtio-pci devices get MSI-X vectors
from the GICv3 ITS (LPIs) or the GICv2m frame (SPIs), INTx through the
interrupt-map with vectors=0, and /dev/hwrng reads through each; a BAR that
does not fit any window is refused with a log line and the rest works.
"""
import json
import os
import re
import socket
import tempfile
import time

from harness import check, check_in, check_match, scaled, test

LSPCI_DEV = re.compile(r"^([0-9a-f]{2}):([0-9a-f]{2})\.(\d) ([0-9a-f]{4}):([0-9a-f]{4}) "
                       r"class ([0-9a-f]{6}) ([^\n]*)$", re.M)
LSPCI_BAR = re.compile(r"^\tBAR(\d) (io|mem32|mem64)( pref)? (0x[0-9a-f]+|0|unassigned) "
                       r"size (0x[0-9a-f]+)$")
NO_DECODE = -1	# query-pci's address of a BAR whose decoding is off


def _qmp(path, command):
    """Runs one QMP command on the socket at PATH; returns its "return"."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(scaled(30))
    s.connect(path)
    f = s.makefile("rw")
    try:
        f.readline()	# greeting
        for cmd in ("qmp_capabilities", command):
            f.write(json.dumps({"execute": cmd}) + "\n")
            f.flush()
            while True:
                reply = json.loads(f.readline())
                if "return" in reply or "error" in reply:
                    break	# events in between are skipped
            check("return" in reply, "QMP %s: %s" % (cmd, reply))
        return reply["return"]
    finally:
        f.close()
        s.close()


def _qmp_devices(devices):
    """query-pci's device tree flattened, bridges' children included."""
    for d in devices:
        yield d
        yield from _qmp_devices(d.get("pci_bridge", {}).get("devices", []))


def _lspci(text):
    """{(bus, dev, fn): (vendor, device, class, rest, {bar: (kind, pref, addr, size)})}"""
    out = {}
    blocks = re.split(r"\n(?=[0-9a-f]{2}:)", text.strip())
    for block in blocks:
        lines = block.split("\n")
        m = LSPCI_DEV.match(lines[0])
        check(m, "lspci line %r" % lines[0])
        bars = {}
        for line in lines[1:]:
            b = LSPCI_BAR.match(line)
            check(b, "lspci BAR line %r" % line)
            addr = None if b.group(4) == "unassigned" else int(b.group(4), 16)
            bars[int(b.group(1))] = (b.group(2), bool(b.group(3)), addr, int(b.group(5), 16))
        key = tuple(int(m.group(i), 16) for i in (1, 2, 3))
        out[key] = (int(m.group(4), 16), int(m.group(5), 16), int(m.group(6), 16),
                    m.group(7), bars)
    return out


def _compare_with_qemu(listed, qmp):
    """Every function QEMU has is listed with its IDs, class and BARs."""
    devices = list(_qmp_devices(qmp[0]["devices"]))
    check(len(devices) == len(listed),
          "lspci lists %d functions, QEMU has %d" % (len(listed), len(devices)))
    for d in devices:
        key = (d["bus"], d["slot"], d["function"])
        check(key in listed, "%02x:%02x.%d missing from lspci" % key)
        vendor, device, cls, rest, bars = listed[key]
        check((vendor, device) == (d["id"]["vendor"], d["id"]["device"]),
              "%02x:%02x.%d: %04x:%04x, QEMU says %04x:%04x"
              % (key + (vendor, device, d["id"]["vendor"], d["id"]["device"])))
        check(cls >> 8 == d["class_info"]["class"], "%02x:%02x.%d class %06x" % (key + (cls,)))
        regions = {r["bar"]: r for r in d["regions"] if r["bar"] < 6}
        check(sorted(regions) == sorted(bars),
              "%02x:%02x.%d BARs %s, QEMU %s" % (key + (sorted(bars), sorted(regions))))
        # A device with an unassigned BAR keeps its decoding off.
        decoding = all(b[2] is not None for b in bars.values())
        for n, r in regions.items():
            kind, pref, addr, size = bars[n]
            want = "io" if r["type"] == "io" else "mem64" if r["mem_type_64"] else "mem32"
            check((kind, size) == (want, r["size"]) and pref == r.get("prefetch", False),
                  "%02x:%02x.%d BAR%d: %s %s %#x, QEMU %s" % (key + (n, kind, pref, size, r)))
            want = addr if decoding else NO_DECODE
            check(r["address"] == want, "%02x:%02x.%d BAR%d at %s, QEMU %#x"
                  % (key + (n, addr, r["address"])))
        if "pci_bridge" in d:
            b = d["pci_bridge"]["bus"]
            check_in("buses %02x-%02x" % (b["secondary"], b["subordinate"]), rest,
                     "bridge %02x:%02x.%d" % key)
            _check_bridge_windows(key, b, d["pci_bridge"].get("devices", []))


def _check_bridge_windows(key, bus, children):
    """Every BAR below a bridge lies in the bridge's window of its kind
    (prefetchable memory may use either memory window)."""
    for c in _qmp_devices(children):
        for r in c["regions"]:
            if r["bar"] >= 6 or r["address"] == NO_DECODE:
                continue
            if r["type"] == "io":
                windows = [bus["io_range"]]
            elif r.get("prefetch"):
                windows = [bus["prefetchable_range"], bus["memory_range"]]
            else:
                windows = [bus["memory_range"]]
            check(any(w["base"] <= r["address"] and r["address"] + r["size"] - 1 <= w["limit"]
                      for w in windows),
                  "bridge %02x:%02x.%d: BAR%d of %02x:%02x.%d at %#x outside %s"
                  % (key + (r["bar"], c["bus"], c["slot"], c["function"], r["address"],
                            windows)))


def _boot_with_qmp(t, d, overrides, devices):
    sock = os.path.join(d, "qmp.sock")
    m = t.machine("nsh", overrides,
                  extra=("-qmp", "unix:%s,server=on,wait=off" % sock) + devices)
    log = m.boot()
    listing = m.command("lspci")
    check(m.command("cat /proc/pci") == listing, "/proc/pci differs from lspci")
    deadline = time.monotonic() + scaled(30)
    while not os.path.exists(sock) and time.monotonic() < deadline:
        m.command("usleep 100000")	# the socket exists since QEMU started
    _compare_with_qemu(_lspci(listing), _qmp(sock, "query-pci"))
    return m, log, listing


def _rng_devices(log):
    """{"0000:bb:dd.f": "/dev/hwrngN"} from the boot log."""
    return {m.group(1): m.group(2) for m in
            re.finditer(r"virtio-pci@(\S+): (/dev/hwrng\d*)$", log, re.M)}


def _irq_counts(m, bdf):
    """{name suffix: (intid, count)} of a virtio-pci device's vectors."""
    irqs = m.command("cat /proc/interrupts")
    return {x.group(3): (int(x.group(1)), int(x.group(2))) for x in
            re.finditer(r"^\s*(\d+)\s+(\d+)\s+\S+ virtio-pci@%s( config| queue \d| queues|)$"
                        % re.escape(bdf), irqs, re.M)}


def _read_rng(m, dev):
    out = m.command("dd if=%s of=/tmp/r bs=64 count=8" % dev)
    check_in("8 blocks copied", out, "dd from " + dev)
    data = m.command("hexdump /tmp/r")
    check(len(set(re.findall(r" ([0-9a-f]{2})", data))) > 64,
          "%s: too few distinct bytes:\n%s" % (dev, data))


def _check_msix_rng(m, bdf, dev, first_intid, last_intid):
    before = _irq_counts(m, bdf)
    check(set(before) == {" config", " queue 0"}, "%s vectors: %s" % (bdf, before))
    for intid, _ in before.values():
        check(first_intid <= intid <= last_intid, "%s: INTID %d" % (bdf, intid))
    _read_rng(m, dev)
    after = _irq_counts(m, bdf)
    check(after[" queue 0"][1] > before[" queue 0"][1], "%s: queue vector not counted" % bdf)


def _check_intx_rng(m, bdf, dev):
    before = _irq_counts(m, bdf)
    check(list(before) == [""] and 32 <= before[""][0] < 1020,
          "%s: one shared INTx line expected: %s" % (bdf, before))
    _read_rng(m, dev)
    check(_irq_counts(m, bdf)[""][1] > before[""][1], "%s: INTx not counted" % bdf)


@test("issue 10: lspci and /proc/pci on GICv3 with virtio-rng/serial/blk-pci, "
      "ivshmem-plain, pci-testdev and a root port with a PCI bridge and an "
      "INTx-only rng behind them agree with QEMU's query-pci (IDs, classes, BARs, bridge "
      "buses and windows); virtio-pci gets MSI-X through the ITS (LPIs in "
      "/proc/interrupts) and /dev/hwrng reads via MSI-X and via INTx",
      configs=("nsh",))
def pci_gicv3_its(t):
    with tempfile.TemporaryDirectory(prefix="vireo-pci-") as d:
        disk = os.path.join(d, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(1 << 20)
        devices = ("-device", "virtio-rng-pci,addr=2",
                   "-device", "virtio-serial-pci,addr=3",
                   "-drive", "file=%s,if=none,format=raw,id=hd" % disk,
                   "-device", "virtio-blk-pci,drive=hd,addr=4",
                   "-object", "memory-backend-ram,id=shm,size=1M",
                   "-device", "ivshmem-plain,memdev=shm,addr=5",
                   "-device", "pci-testdev,addr=6",
                   "-device", "pcie-root-port,id=rp,chassis=1,addr=7",
                   "-device", "pcie-pci-bridge,id=br,bus=rp",
                   "-device", "virtio-rng-pci,bus=br,addr=3,vectors=0")
        m, log, listing = _boot_with_qmp(t, d, (), devices)
        check_match(r"\] gicv3: 256 LPIs, 1 ITS$", log, "boot log")
        check_match(r"^02:03\.0 1af4:1005 .* driver virtio-pci$", listing, "lspci")
        check_match(r"^00:07\.0 1b36:000c class 060400 PCI bridge buses 01-02$",
                    listing, "lspci")
        check_match(r"^01:00\.0 1b36:000e class 060400 PCI bridge buses 02-02$",
                    listing, "lspci")
        for bdf in ("00:02.0", "00:03.0", "00:04.0"):
            check_match(r"pci 0000:%s: \d+ MSI-X vector\(s\) from its$" % bdf, log,
                        "boot log")
        rngs = _rng_devices(log)
        check(sorted(rngs) == ["0000:00:02.0", "0000:02:03.0"], "rngs: %s" % rngs)
        _check_msix_rng(m, "0000:00:02.0", rngs["0000:00:02.0"], 8192, 8192 + 255)
        # INTA of slot 3 behind two bridges: INTD at the PCI bridge, INTD at
        # root port 7, whose INTD the interrupt-map routes to SPI 3 + (7 + 3) % 4.
        _check_intx_rng(m, "0000:02:03.0", rngs["0000:02:03.0"])
        check(_irq_counts(m, "0000:02:03.0")[""][0] == 32 + 5, "INTx of 02:03.0")


@test("issue 10: on GICv2 (gic-version=2) with highmem=off: the low ECAM, "
      "no 64-bit window, so a 1 GiB ivshmem BAR finds no room and is refused "
      "with a log line while the rest works; lspci agrees with query-pci; "
      "virtio-rng-pci with MSI-X through GICv2m (SPIs) and with INTx "
      "(vectors=0) both read", configs=("nsh",))
def pci_gicv2_v2m(t):
    with tempfile.TemporaryDirectory(prefix="vireo-pci-") as d:
        devices = ("-device", "virtio-rng-pci,addr=2",
                   "-device", "virtio-rng-pci,addr=3,vectors=0",
                   "-object", "memory-backend-ram,id=big,size=1G",
                   "-device", "ivshmem-plain,memdev=big,addr=4",
                   "-device", "pci-testdev,addr=5")
        m, log, listing = _boot_with_qmp(
            t, d, ("machine.gic-version=2", "machine.highmem=off"), devices)
        check_match(r"^\[[ .\d]+\] gicv2m 0x8020000: SPIs \d+-\d+$", log, "boot log")
        check_match(r"pci 0000:00:04\.0: no room for BAR2 \(0x40000000 bytes\): "
                    r"left unassigned$", log, "boot log")
        check_match(r"^\tBAR2 mem64 pref unassigned size 0x40000000$", listing, "lspci")
        check_match(r"pci 0000:00:02\.0: 2 MSI-X vector\(s\) from v2m$", log, "boot log")
        rngs = _rng_devices(log)
        check(sorted(rngs) == ["0000:00:02.0", "0000:00:03.0"], "rngs: %s" % rngs)
        _check_msix_rng(m, "0000:00:02.0", rngs["0000:00:02.0"], 32, 1019)
        _check_intx_rng(m, "0000:00:03.0", rngs["0000:00:03.0"])


@test("issue 10: GICv3 without an ITS (its=off): no MSI controller, so a "
      "virtio-rng-pci that offers MSI-X falls back to its INTx line and reads",
      configs=("nsh",))
def pci_no_msi_controller(t):
    m = t.machine("nsh", ("machine.its=off",), extra=("-device", "virtio-rng-pci"))
    log = m.boot()
    check("MSI-X" not in log and "LPIs" not in log, "MSI-X without an ITS:\n" + log)
    rngs = _rng_devices(log)
    check(list(rngs) == ["0000:00:01.0"], "rngs: %s" % rngs)
    _check_intx_rng(m, "0000:00:01.0", rngs["0000:00:01.0"])
