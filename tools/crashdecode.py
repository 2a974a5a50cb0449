#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Decode a Vireo panic report: name the function and line of each address.

  crashdecode.py [-e IMAGE] [REPORT]

REPORT is a file holding the console text with the report (default: standard
input); the text around the report is ignored.  IMAGE is the ELF image with
symbols that crashed (default ./vireo).  The ELR, x30 and backtrace addresses
are looked up with addr2line and the report is printed with
"# function at file:line" after each of them.  Return addresses (x30 and the
backtrace frames other than the ELR) are looked up one instruction earlier,
at the call, so the line is the call site and not the line after it.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

START_RE = re.compile(r"\*\*\* VIREO PANIC")
END_RE = re.compile(r"\*\*\* end of panic report \*\*\*")
ELR_RE = re.compile(r"^\s*ELR\s+0x([0-9a-fA-F]+)")
X30_RE = re.compile(r"\bx30\s+0x([0-9a-fA-F]+)")
FRAME_RE = re.compile(r"^\s*#\d+\s+0x([0-9a-fA-F]+)\s*$")


class DecodeError(Exception):
    pass


def extract_report(text):
    """The lines of the last report in TEXT, from its first line to its end marker."""
    lines = text.replace("\r\n", "\n").replace("\r", "").split("\n")
    starts = [i for i, l in enumerate(lines) if START_RE.search(l)]
    if not starts:
        raise DecodeError("no Vireo panic report ('*** VIREO PANIC') in the input")
    first = starts[-1]
    for j in range(first, len(lines)):
        if END_RE.search(lines[j]):
            return lines[first:j + 1], True
    return [l for l in lines[first:]], False


def addresses(report):
    """[(line index, address, is return address)] for the lines to annotate."""
    out = []
    elr = None
    for i, line in enumerate(report):
        m = ELR_RE.search(line)
        if m:
            elr = int(m.group(1), 16)
            out.append((i, elr, False))
            continue
        m = X30_RE.search(line)
        if m:
            out.append((i, int(m.group(1), 16), True))
            continue
        m = FRAME_RE.match(line)
        if m:
            addr = int(m.group(1), 16)
            out.append((i, addr, addr != elr))
    return out


def find_addr2line():
    names = []
    cross = os.environ.get("CROSS_COMPILE")
    if cross:
        names.append(cross + "addr2line")
    names += ["aarch64-linux-gnu-addr2line", "aarch64-none-elf-addr2line"]
    for n in names:
        path = shutil.which(n)
        if path:
            return path
    raise DecodeError("no AArch64 addr2line (%s); apt-get install binutils-aarch64-linux-gnu"
                      % ", ".join(names))


def check_image(image):
    if not os.path.isfile(image):
        raise DecodeError("image %s not found (give the crashed image with -e)" % image)
    with open(image, "rb") as f:
        head = f.read(20)
    if head[:4] != b"\x7fELF" or len(head) < 20 or head[4] != 2 or head[18:20] != b"\xb7\x00":
        raise DecodeError("%s is not an AArch64 ELF image" % image)


def lookup(image, addrs):
    """{address: [(function, file:line), ...]} innermost inlined frame first."""
    if not addrs:
        return {}
    tool = find_addr2line()
    cmd = [tool, "-a", "-f", "-i", "-C", "-e", image] + ["0x%x" % a for a in addrs]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise DecodeError("%s failed: %s" % (os.path.basename(tool), r.stderr.strip()))
    result, current, lines = {}, None, r.stdout.splitlines()
    i = 0
    while i < len(lines):
        if re.fullmatch(r"0x[0-9a-fA-F]+", lines[i]):
            current = int(lines[i], 16)
            result[current] = []
            i += 1
            continue
        if current is not None and i + 1 < len(lines):
            result[current].append((lines[i], shorten(lines[i + 1])))
        i += 2
    return result


def shorten(location):
    """file:line relative to the source tree when it is inside it."""
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
    location = re.sub(r" \(discriminator \d+\)$", "", location)
    return location[len(top):] if location.startswith(top) else location


def describe(frames):
    if not frames or frames[0][0] == "??":
        return "?? (not in the image)"
    parts = ["%s at %s" % frames[0]]
    for prev, f in zip(frames, frames[1:]):
        # GCC may describe one function twice (its abstract origin and a
        # concrete copy): a frame repeating its caller's name adds nothing.
        if f[0] != prev[0]:
            parts.append("inlined in %s at %s" % f)
    return ", ".join(parts)


def decode(text, image):
    report, complete = extract_report(text)
    check_image(image)
    wanted = addresses(report)
    looked = lookup(image, sorted({a - 4 if ret else a for _, a, ret in wanted}))
    out = list(report)
    for i, addr, ret in wanted:
        out[i] = "%s  # %s" % (out[i].rstrip(), describe(looked.get(addr - 4 if ret else addr)))
    if not complete:
        out.append("(the report was cut short: no end marker)")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("report", nargs="?", help="file with the report (default: stdin)")
    ap.add_argument("-e", "--image", default="./vireo", help="ELF image (default ./vireo)")
    args = ap.parse_args()
    try:
        if args.report:
            try:
                with open(args.report, errors="replace") as f:
                    text = f.read()
            except OSError as e:
                raise DecodeError("cannot read %s: %s" % (args.report, e.strerror))
        else:
            text = sys.stdin.read()
        sys.stdout.write(decode(text, args.image))
    except DecodeError as e:
        print("crashdecode: %s" % e, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
