#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Kconfig front end for the CMake build (kconfiglib from the distribution).

  kconfig.py gen BUILD_DIR DEFCONFIG   load BUILD_DIR/.config (or DEFCONFIG the
                                       first time, or when DEFCONFIG changed)
                                       and write autoconf.h and config.cmake
  kconfig.py menuconfig BUILD_DIR      interactive editor on BUILD_DIR/.config
  kconfig.py savedefconfig BUILD_DIR OUT   write the minimal configuration
"""
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def import_kconfiglib():
    try:
        import kconfiglib  # noqa: F401
    except ImportError:
        # Debian installs kconfiglib for the system Python; a pyenv or venv
        # interpreter of the same major version can use it as it is pure Python.
        sys.path.append("/usr/lib/python3/dist-packages")
        try:
            import kconfiglib  # noqa: F401
        except ImportError:
            sys.exit("kconfig: kconfiglib is missing; run: apt-get install python3-kconfiglib")
    import kconfiglib
    return kconfiglib


def load(build):
    kconfiglib = import_kconfiglib()
    os.environ.setdefault("srctree", TOP)
    kconf = kconfiglib.Kconfig(os.path.join(TOP, "Kconfig"), warn_to_stderr=False)
    return kconf, os.path.join(build, ".config")


def write_outputs(kconf, build):
    inc = os.path.join(build, "include", "generated")
    os.makedirs(inc, exist_ok=True)
    kconf.write_autoconf(os.path.join(inc, "autoconf.h"))
    lines = []
    for sym in kconf.unique_defined_syms:
        val = sym.str_value
        if sym.type in (1, 2) and val == "n":  # BOOL, TRISTATE
            continue
        if sym.config_string:
            val = val.replace("\\", "\\\\").replace('"', '\\"')
            lines.append('set(CONFIG_%s "%s")\n' % (sym.name, val))
    path = os.path.join(build, "config.cmake")
    old = open(path).read() if os.path.exists(path) else None
    new = "".join(lines)
    if old != new:
        with open(path, "w") as f:
            f.write(new)


def gen(build, defconfig):
    kconf, config = load(build)
    stamp = os.path.join(build, ".config.defconfig")
    previous = open(stamp).read() if os.path.exists(stamp) else None
    if os.path.exists(config) and previous == defconfig:
        kconf.load_config(config)
    else:
        kconf.load_config(defconfig)
        with open(stamp, "w") as f:
            f.write(defconfig)
    for w in kconf.warnings:
        print("kconfig: " + w, file=sys.stderr)
    kconf.write_config(config, header="# Vireo configuration (edit with make menuconfig)\n")
    write_outputs(kconf, build)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd, build = sys.argv[1], os.path.abspath(sys.argv[2])
    if cmd == "gen" and len(sys.argv) == 4:
        gen(build, os.path.abspath(sys.argv[3]))
    elif cmd == "menuconfig":
        import_kconfiglib()
        import menuconfig
        os.environ["KCONFIG_CONFIG"] = os.path.join(build, ".config")
        os.environ.setdefault("srctree", TOP)
        kconf, _ = load(build)
        menuconfig.menuconfig(kconf)
    elif cmd == "savedefconfig" and len(sys.argv) == 4:
        kconf, config = load(build)
        kconf.load_config(config)
        kconf.write_min_config(sys.argv[3])
        print("kconfig: wrote " + sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
