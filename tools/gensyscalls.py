#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Generates both sides of Vireo's system-call boundary from one list.

Reads kernel/syscalls.tbl (format and argument annotations: its header and
docs/kernel-mode.md) and writes, into OUTDIR:
  syscall_nr.h    SYS_<name> numbers and SYS_COUNT
  syscalls.h      the C library's entry points sys_<name>(): static inline
                  calls of the implementations (--flat) or extern
                  declarations of the svc stubs (--user)
  syscall_stubs.S the svc #0 stubs (--user only)
  syscall_table.c the kernel's verification wrappers and dispatch table
                  (--table)
A bad list is an error naming its line; nothing is written then.
"""
import argparse
import os
import re
import sys

MAX_ARGS = 6
LINE_RE = re.compile(r'^(\d+)\s+([a-z_][a-z0-9_]*)\s+([A-Za-z_]\w*)\s*\((.*)\)\s*$')
ARG_RE = re.compile(r'^(.*?)\s*\b([a-z_][a-z0-9_]*)\s*(?:\[([^\]]*)\])?$')
KINDS = ('str', 'strv', 'in', 'out', 'inout', 'ioctl')
FLAGS = ('short', 'filled', 'always')


class TableError(Exception):
    pass


class Arg:
    def __init__(self, ctype, name, ann, where):
        self.ctype, self.name = ctype, name
        self.kind = None          # None: passed by value
        self.optional = False
        self.count = None         # name of the argument counting elements
        self.flags = set()
        if ann is not None:
            self.parse_ann(ann, where)
        if self.kind == 'ioctl':
            if self.is_pointer() or not self.count or self.count.isdigit():
                raise TableError(f'{where}: argument {name}: [ioctl:REQ] is '
                                 'for an integer argument, REQ the request')
        elif self.is_pointer() != (self.kind is not None):
            raise TableError(f'{where}: argument {name}: a pointer needs '
                             'an annotation and only a pointer takes one')

    def parse_ann(self, ann, where):
        words = ann.replace(':', ' : ').split()
        if not words:
            raise TableError(f'{where}: empty annotation')
        kind = words.pop(0)
        if kind.endswith('?'):
            self.optional, kind = True, kind[:-1]
        if kind not in KINDS:
            raise TableError(f'{where}: unknown kind "{kind}"')
        self.kind = kind
        if words and words[0] == ':':
            if len(words) < 2:
                raise TableError(f'{where}: ":" without a count')
            self.count = words[1]
            words = words[2:]
        for w in words:
            if w not in FLAGS:
                raise TableError(f'{where}: unknown flag "{w}"')
            self.flags.add(w)
        if kind == 'ioctl' and self.flags:
            raise TableError(f'{where}: an ioctl argument takes no flags')
        if kind in ('str', 'strv') and (self.count or self.flags):
            raise TableError(f'{where}: a string takes no count or flags')
        if kind == 'strv' and self.ctype.replace(' ', '') != 'char*const*':
            raise TableError(f'{where}: a string vector is "char *const *"')
        counted = self.flags & {'short', 'filled'}
        if counted and not (self.count and not self.count.isdigit()):
            raise TableError(f'{where}: flags need a count argument')
        if 'always' in self.flags and kind not in ('out', 'inout'):
            raise TableError(f'{where}: "always" is for out buffers')
        if 'filled' in self.flags and kind != 'out':
            raise TableError(f'{where}: "filled" is for out buffers')

    def is_pointer(self):
        return self.ctype.endswith('*')

    def elem_size(self):
        base = self.ctype[:-1].replace('const', '').strip()
        return '1' if base == 'void' else f'sizeof({base})'


class Call:
    def __init__(self, nr, name, impl, args, cond=None):
        self.nr, self.name, self.impl, self.args = nr, name, impl, args
        self.cond = cond          # a CONFIG_ symbol the service needs

    def proto(self):
        if not self.args:
            return 'void'
        return ', '.join(join_decl(a.ctype, a.name) for a in self.args)

    def arg_names(self):
        return ', '.join(a.name for a in self.args)


def join_decl(ctype, name):
    return f'{ctype}{name}' if ctype.endswith('*') else f'{ctype} {name}'


def parse_args(text, where):
    text = text.strip()
    if text in ('', 'void'):
        return []
    args = []
    for part in text.split(','):
        m = ARG_RE.match(part.strip())
        if not m or not m.group(1):
            raise TableError(f'{where}: cannot read argument "{part.strip()}"')
        args.append(Arg(m.group(1).strip(), m.group(2), m.group(3), where))
    return args


def check_call(call, where):
    names = [a.name for a in call.args]
    if len(names) > MAX_ARGS:
        raise TableError(f'{where}: more than {MAX_ARGS} arguments')
    if len(set(names)) != len(names):
        raise TableError(f'{where}: an argument name repeats')
    shorts = {}
    for a in call.args:
        if a.count is None or a.count.isdigit():
            continue
        if a.count not in names or a.count == a.name:
            raise TableError(f'{where}: count "{a.count}" names no argument')
        counted = next(x for x in call.args if x.name == a.count)
        if counted.kind is not None:
            raise TableError(f'{where}: count "{a.count}" is a pointer')
        if 'short' in a.flags:
            if a.count in shorts:
                raise TableError(f'{where}: two short buffers share {a.count}')
            shorts[a.count] = a.name


def guarded(cond, text):
    """text inside #ifdef cond (a service of an optional subsystem)."""
    return f'#ifdef {cond}\n{text}#endif\n' if cond else text


def parse_table(path):
    calls, types, impls = [], [], []
    cond = None
    with open(path) as f:
        lines = f.readlines()
    for i, raw in enumerate(lines, 1):
        where = f'{path}:{i}'
        line = raw.split('#', 1)[0].strip()
        if not line:
            continue
        if line.startswith('@types '):
            types.append(line.split(None, 1)[1])
            continue
        if line.startswith('@impl '):
            impls.append((line.split(None, 1)[1], cond))
            continue
        if line.startswith('@if '):
            if cond or not re.match(r'^CONFIG_\w+$', line[4:].strip()):
                raise TableError(f'{where}: "@if CONFIG_X", not nested')
            cond = line[4:].strip()
            continue
        if line == '@endif':
            if not cond:
                raise TableError(f'{where}: @endif without @if')
            cond = None
            continue
        m = LINE_RE.match(line)
        if not m:
            raise TableError(f'{where}: not "NR NAME IMPL (ARGS)"')
        call = Call(int(m.group(1)), m.group(2), m.group(3),
                    parse_args(m.group(4), where), cond)
        check_call(call, where)
        if any(c.nr == call.nr for c in calls):
            raise TableError(f'{where}: number {call.nr} is used twice')
        if any(c.name == call.name for c in calls):
            raise TableError(f'{where}: name {call.name} is used twice')
        calls.append(call)
    if cond:
        raise TableError(f'{path}: @if {cond} without @endif')
    if not calls:
        raise TableError(f'{path}: no system calls')
    return calls, types, impls


HEADER = '/* Generated by tools/gensyscalls.py from {src}: do not edit. */\n'


def gen_nr(calls, src):
    out = [HEADER.format(src=src), '#pragma once\n\n']
    for c in sorted(calls, key=lambda c: c.nr):
        out.append(f'#define SYS_{c.name} {c.nr}\n')
    out.append(f'#define SYS_COUNT {max(c.nr for c in calls) + 1}\n')
    return ''.join(out)


def gen_entries(calls, types, impls, src, flat):
    out = [HEADER.format(src=src), '#pragma once\n\n#include <stdbool.h>\n',
           '#include <stddef.h>\n#include <stdint.h>\n']
    for t in types:
        out.append(f'#include {t}\n')
    for t, cond in impls if flat else []:
        out.append(guarded(cond, f'#include {t}\n'))
    out.append('\n')
    for c in calls:
        if flat:	# a service the image lacks has no entry point
            out.append(guarded(c.cond,
                               f'static inline long sys_{c.name}({c.proto()})\n'
                               f'{{\n\treturn {c.impl}({c.arg_names()});\n}}\n\n'))
        else:
            out.append(f'long sys_{c.name}({c.proto()});\n')
    return ''.join(out)


def gen_stubs(calls, src):
    out = [HEADER.format(src=src).replace('/*', '//').replace(' */', ''),
           '// x8 = number, x0-x5 = arguments; x0 = result (-errno).\n',
           '\t.text\n']
    for c in calls:
        out.append(f'\t.global sys_{c.name}\n\t.type sys_{c.name}, %function\n'
                   f'\t.balign 4\nsys_{c.name}:\n\tmov\tx8, #{c.nr}\n'
                   f'\tsvc\t#0\n\tret\n\t.size sys_{c.name}, . - sys_{c.name}\n')
    return ''.join(out)


def buf_flags(a):
    f = [f'SC_{a.kind.upper()}']
    if a.optional:
        f.append('SC_OPTIONAL')
    f += [f'SC_{x.upper()}' for x in sorted(a.flags)]
    return ' | '.join(f)


def impl_call(c, idx):
    """The implementation's call, with kernel copies of the buffers."""
    shorted = {a.count: a.name for a in c.args if 'short' in a.flags}
    vals = []
    for i, a in enumerate(c.args):
        if a.kind == 'ioctl':
            vals.append(f'({a.ctype})sc_ioctl_arg(&b_{a.name})')
        elif a.kind:
            vals.append(f'({a.ctype})b_{a.name}.k')
        elif a.name in shorted:
            vals.append(f'({a.ctype})b_{shorted[a.name]}.count')
        else:
            vals.append(f'({a.ctype})a[{i}]')
    return f'{c.impl}({", ".join(vals)})'


def gen_wrapper(c):
    """One verification wrapper: buffers in, the call, buffers out."""
    idx = {a.name: i for i, a in enumerate(c.args)}
    bufs = [a for a in c.args if a.kind]
    unused = '' if c.args else ' __attribute__((unused))'
    head = f'static long call_{c.name}(const uint64_t *a{unused})\n{{\n'
    if not bufs:
        return f'{head}\treturn {impl_call(c, idx)};\n}}\n\n'
    body = [head]
    get = {}
    for a in bufs:
        if a.kind == 'ioctl':	# the request's table gives the shape
            body.append(f'\tstruct sc_buf b_{a.name} = SC_BUF(a[{idx[a.name]}], '
                        '0, 0, 0);\n')
            get[a.name] = f'sc_ioctl_get(&b_{a.name}, a[{idx[a.count]}])'
            continue
        count = a.count or '1'
        if count in idx:
            count = f'a[{idx[count]}]'
        size = '1' if a.kind in ('str', 'strv') else a.elem_size()
        body.append(f'\tstruct sc_buf b_{a.name} = SC_BUF(a[{idx[a.name]}], '
                    f'{count}, {size}, {buf_flags(a)});\n')
        get[a.name] = f'sc_buf_get(&b_{a.name})'
    body.append(f'\tlong r = {get[bufs[0].name]};\n\n')
    for a in bufs[1:]:
        body.append(f'\tif (!r)\n\t\tr = {get[a.name]};\n')
    body.append(f'\tif (!r)\n\t\tr = {impl_call(c, idx)};\n')
    for a in reversed(bufs[1:]):
        body.append(f'\tr = sc_buf_put(&b_{a.name}, r);\n')
    body.append(f'\treturn sc_buf_put(&b_{bufs[0].name}, r);\n}}\n\n')
    return ''.join(body)


def gen_table(calls, types, impls, src):
    out = [HEADER.format(src=src), '#include <stdbool.h>\n#include <stddef.h>\n',
           '#include <stdint.h>\n']
    for t in types:
        out.append(f'#include {t}\n')
    for t, cond in impls:
        out.append(guarded(cond, f'#include {t}\n'))
    out.append('#include <vireo/syscall.h>\n\n')
    for c in calls:
        out.append(guarded(c.cond, gen_wrapper(c)))
    out.append('const syscall_fn syscall_table[SYS_COUNT] = {\n')
    for c in sorted(calls, key=lambda c: c.nr):	# a hole without: ENOSYS
        out.append(guarded(c.cond, f'\t[SYS_{c.name}] = call_{c.name},\n'))
    out.append('};\n')
    return ''.join(out)


def write_if_changed(path, text):
    """Keeps the timestamp of an unchanged file so nothing rebuilds."""
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    with open(path, 'w') as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('table')
    ap.add_argument('outdir')
    side = ap.add_mutually_exclusive_group(required=True)
    side.add_argument('--flat', action='store_true',
                      help='entry points call the implementations directly')
    side.add_argument('--user', action='store_true',
                      help='entry points are svc stubs')
    ap.add_argument('--table', action='store_true',
                    help='also the kernel dispatch table')
    opt = ap.parse_args()
    src = os.path.basename(opt.table)
    try:
        calls, types, impls = parse_table(opt.table)
    except (TableError, OSError) as e:
        print(f'gensyscalls: {e}', file=sys.stderr)
        return 1
    os.makedirs(opt.outdir, exist_ok=True)
    files = {'syscall_nr.h': gen_nr(calls, src),
             'syscalls.h': gen_entries(calls, types, impls, src, opt.flat)}
    if opt.user:
        files['syscall_stubs.S'] = gen_stubs(calls, src)
    if opt.table:
        files['syscall_table.c'] = gen_table(calls, types, impls, src)
    for name, text in files.items():
        write_if_changed(os.path.join(opt.outdir, name), text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
