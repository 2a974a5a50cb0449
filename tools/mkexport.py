#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Writes vireo-export-VERSION.tar.gz (`make export`, docs/kernel-mode.md §4).

Everything under one top directory, vireo-export-VERSION/:
  include/            the public headers (include/, without the kernel's
                      include/vireo/ except the headers they or the system
                      calls include) and generated/syscalls.h, syscall_nr.h
                      (the user side: extern svc stubs)
  lib/                libvireo.a, crt0.o, user.ld (BUILD/user/lib)
  toolchain.cmake     BUILD/user/toolchain.cmake
  README.md, hello/   libc/user/export/
The archive is the same for the same inputs (sorted, no times or owners).
"""
import argparse
import gzip
import io
import os
import re
import sys
import tarfile

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*<(vireo/[^>]+)>', re.M)


def headers(src, generated):
    """(archive name, path) of every header an EL0 program may include."""
    inc = os.path.join(src, 'include')
    out = {}
    for root, dirs, files in os.walk(inc):
        dirs[:] = [d for d in dirs if os.path.join(root, d) !=
                   os.path.join(inc, 'vireo')]
        for f in files:
            if f.endswith('.h'):
                path = os.path.join(root, f)
                out['include/' + os.path.relpath(path, inc)] = path
    for f in ('syscalls.h', 'syscall_nr.h'):
        out['include/generated/' + f] = os.path.join(generated, f)
    todo = list(out.values())
    while todo:		# the kernel headers they reach
        with open(todo.pop()) as fh:
            for name in INCLUDE_RE.findall(fh.read()):
                key = 'include/' + name
                if key not in out:
                    path = os.path.join(inc, name)
                    if not os.path.exists(path):
                        raise SystemExit(f'mkexport: {name} not found')
                    out[key] = path
                    todo.append(path)
    return out


def add(tar, name, data, mode=0o644):
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, 0
    info.uname = info.gname = 'vireo'
    tar.addfile(info, io.BytesIO(data))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--src', required=True)
    ap.add_argument('--build', required=True)
    ap.add_argument('--version', required=True)
    ap.add_argument('--config', required=True)
    ap.add_argument('-o', dest='out', required=True)
    opt = ap.parse_args()
    user = os.path.join(opt.build, 'user')
    here = os.path.join(opt.src, 'libc', 'user', 'export')
    files = headers(opt.src, os.path.join(user, 'include', 'generated'))
    for f in ('libvireo.a', 'crt0.o', 'user.ld'):
        files['lib/' + f] = os.path.join(user, 'lib', f)
    files['toolchain.cmake'] = os.path.join(user, 'toolchain.cmake')
    for root, _, names in os.walk(here):
        for f in names:
            path = os.path.join(root, f)
            files[os.path.relpath(path, here)] = path
    top = f'vireo-export-{opt.version}'
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode='w', format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(files):
            with open(files[name], 'rb') as fh:
                data = fh.read()
            if name == 'README.md':
                data = (data.decode().replace('@VERSION@', opt.version)
                        .replace('@CONFIG@', opt.config).encode())
            add(tar, f'{top}/{name}', data)
    tmp = opt.out + '.tmp'
    with open(tmp, 'wb') as fh, gzip.GzipFile(fileobj=fh, mode='wb',
                                              filename='', mtime=0) as gz:
        gz.write(raw.getvalue())
    os.replace(tmp, opt.out)
    print(f'mkexport: {opt.out}: {len(files)} files')
    return 0


if __name__ == '__main__':
    sys.exit(main())
