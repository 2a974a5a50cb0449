#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A stand-in for qemu-system-aarch64 running Vireo, for the harness's own
tests: prints its arguments, a banner and a prompt, echoes what it is typed
like a terminal, knows echo/poweroff/reboot/hang, and treats Ctrl-A the way
QEMU's stdio mux does (Ctrl-A x quits, Ctrl-A Ctrl-A is one literal Ctrl-A)."""
import os
import sys

out = sys.stdout.buffer


def put(text):
    out.write(text.replace("\n", "\r\n").encode("latin-1"))
    out.flush()


def boot():
    put("ARGV: %s\n" % " ".join(sys.argv[1:]))
    put("[    0.000100] Vireo 0.1 qemu-armv8a:nsh, built 2024-01-01 00:00:00\n")
    put("nsh> ")


def run(line):
    words = line.split()
    if not words:
        pass
    elif words[0] == "echo":
        put(" ".join(words[1:]) + "\n")
    elif words[0] == "poweroff":
        sys.exit(0)
    elif words[0] == "reboot":
        boot()
        return
    elif words[0] == "hang":
        return
    else:
        put("nsh: %s: command not found\n" % words[0])
    put("nsh> ")


def main():
    boot()
    line, escape = "", False
    while True:
        data = os.read(0, 1)
        if not data:
            return 0
        c = data.decode("latin-1")
        if escape:
            escape = False
            if c == "x":
                put("QEMU: Terminated\n")
                return 0
            if c != "\x01":
                continue
        elif c == "\x01":
            escape = True
            continue
        if c == "\r":
            put("\n")
            run(line)
            line = ""
        else:
            put(c)
            line += c


if __name__ == "__main__":
    sys.exit(main())
