#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tools/gensyscalls.py refuses each kind of bad system-call list with an
error naming the line, and accepts the real list and writes every file.
Usage: test_gensyscalls.py GENERATOR REAL_LIST"""
import importlib.util
import os
import sys
import tempfile

GOOD = ['1 a f (int x)', '2 b g (char *p [out:n short filled], long n)',
        '3 c h (const char *s [str?], int *v [inout:2])',
        '4 d i (char *const *argv [strv], char *const *envp [strv?])',
        '5 e j (struct t *left [out? always])',
        '6 f k (int fd, unsigned long req, unsigned long arg [ioctl:req])',
        '@if CONFIG_NET', '7 g l (int fd)', '@endif']
BAD = {
    'a number twice': ['1 a f ()', '1 b g ()'],
    'a name twice': ['1 a f ()', '2 a g ()'],
    'a pointer without annotation': ['1 a f (char *p)'],
    'an annotation on a value': ['1 a f (int x [in])'],
    'an unknown kind': ['1 a f (char *p [sideways])'],
    'an unknown flag': ['1 a f (char *p [out:n fast], int n)'],
    'a count naming no argument': ['1 a f (char *p [in:len])'],
    'a pointer as count': ['1 a f (char *p [in:q], char *q [str])'],
    'flags without a count': ['1 a f (char *p [out filled])'],
    'filled on an in buffer': ['1 a f (char *p [in:n filled], int n)'],
    'a string with a count': ['1 a f (char *p [str:n], int n)'],
    'a string vector with a count': ['1 a f (char *const *v [strv:n], int n)'],
    'a string vector of another type': ['1 a f (char **v [strv])'],
    'always on an in buffer': ['1 a f (const char *p [in always])'],
    'an ioctl argument without its request': ['1 a f (unsigned long arg [ioctl])'],
    'an ioctl pointer': ['1 a f (unsigned long r, void *arg [ioctl:r])'],
    'an ioctl request naming no argument': ['1 a f (unsigned long arg [ioctl:req])'],
    'two short buffers on one count':
        ['1 a f (char *p [in:n short], char *q [out:n short], long n)'],
    'seven arguments': ['1 a f (int a, int b, int c, int d, int e, int g, int h)'],
    'a line that is no call': ['1 a f'],
    'an @if without @endif': ['@if CONFIG_NET', '1 a f ()'],
    'an @endif without @if': ['1 a f ()', '@endif'],
    'nested @if': ['@if CONFIG_A', '@if CONFIG_B', '1 a f ()', '@endif', '@endif'],
    'an @if of no CONFIG_ symbol': ['@if NET', '1 a f ()', '@endif'],
}


def main():
    spec = importlib.util.spec_from_file_location('gensyscalls', sys.argv[1])
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    passed = failed = 0

    def result(ok, what):
        nonlocal passed, failed
        passed += ok
        failed += not ok
        if not ok:
            print(f'FAIL: {what}')

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'list')
        for what, lines in [('a good list', GOOD)] + list(BAD.items()):
            with open(path, 'w') as f:
                f.write('# a comment\n' + '\n'.join(lines) + '\n')
            try:
                gen.parse_table(path)
                result(what == 'a good list', f'{what}: accepted')
            except gen.TableError as e:
                result(what != 'a good list' and f'{path}:' in str(e),
                       f'{what}: {e}')
        # A service under @if is compiled only with its option.
        with open(path, 'w') as f:
            f.write('\n'.join(GOOD) + '\n')
        calls, types, impls = gen.parse_table(path)
        table = gen.gen_table(calls, types, impls, 'list')
        flat = gen.gen_entries(calls, types, impls, 'list', True)
        result('#ifdef CONFIG_NET\n\t[SYS_g] = call_g,\n#endif' in table and
               '#ifdef CONFIG_NET\nstatic inline long sys_g(' in flat and
               '#ifdef' not in table.split('call_g')[0].split('call_f')[0],
               '@if guards the table entry and the flat entry point')
        sys.argv = ['gensyscalls', '--user', '--table', sys.argv[2], tmp]
        rc = gen.main()
        names = ('syscall_nr.h', 'syscalls.h', 'syscall_stubs.S',
                 'syscall_table.c')
        result(rc == 0 and all(os.path.exists(os.path.join(tmp, n))
                               for n in names), 'the real list')
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
