#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Run the in-target QEMU suites.

  run.py [-j N] [-k TEXT] [--build CONFIG=DIR]... [--list] [-v] [SUITE...]

SUITE is a file tests/qemu/test_SUITE.py (default: all of them).  Each
configuration's build is DIR from --build, else build-CONFIG/ at the top of
the tree (what `make test` builds).  Independent tests run in parallel, up to
the number of cores.  Prints PASS name / FAIL name (reason) per test and
"N passed, N failed" at the end; exits 1 when a test failed.
"""
import argparse
import concurrent.futures
import fcntl
import glob
import importlib
import os
import signal
import sys
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402
import crashdecode  # noqa: E402  (tools/, on the path through harness)

print_lock = threading.Lock()


def say(text):
    with print_lock:
        print(text, flush=True)


def host_lock():
    """Exclusive tests use fixed host ports (the board document's 3450,
    10023, 15001): one at a time on this host, across every runner."""
    f = open("/tmp/vireo-exclusive-tests.lock", "a")
    fcntl.flock(f, fcntl.LOCK_EX)
    return f


def all_suites():
    return sorted(os.path.basename(p)[5:-3] for p in glob.glob(os.path.join(HERE, "test_*.py")))


def default_builds():
    builds = {}
    for d in glob.glob(os.path.join(harness.TOP, "boards", harness.BOARD, "configs", "*")):
        if os.path.isfile(os.path.join(d, "defconfig")):
            name = os.path.basename(d)
            builds[name] = os.path.join(harness.TOP, "build-" + name)
    return builds


def decoded_panic(machine):
    """The ELR and backtrace of a panic report on MACHINE's console, decoded."""
    if "*** VIREO PANIC" not in machine.text or not machine.image:
        return []
    try:
        text = crashdecode.decode(machine.text, machine.image)
    except crashdecode.DecodeError as e:
        return ["  (crashdecode: %s)" % e]
    return ["  --- the panic report's addresses (tools/crashdecode.py) ---"] + \
        ["  | " + l for l in text.splitlines() if "  # " in l]


class Runner:
    def __init__(self, builds, verbose):
        self.builds = builds
        self.verbose = verbose
        self.live = set()
        self.stopping = False	# interrupted: start no more tests
        self.lock = threading.Lock()
        self.passed = []
        self.failed = []

    def run_one(self, test):
        ctx = harness.Context(test, self.builds)
        with self.lock:
            if self.stopping:
                return
            self.live.add(ctx)
        limit = harness.scaled(test.timeout)
        watchdog = threading.Timer(limit, ctx.abort)
        watchdog.daemon = True
        start = time.monotonic()
        reason, trace = None, None
        held = host_lock() if test.exclusive else None
        watchdog.start()
        try:
            test.fn(ctx)
        except harness.TestFailure as e:
            reason = str(e)
        except Exception as e:	# a bug in the test itself is a failure too
            reason = "%s: %s" % (type(e).__name__, e)
            trace = traceback.format_exc()
        finally:
            watchdog.cancel()
            ctx.close()
            if held:
                held.close()
            with self.lock:
                self.live.discard(ctx)
        if ctx.aborted:
            reason = "timed out after %g s (%s)" % (limit, reason)
        self.report(test, ctx, reason, trace, time.monotonic() - start)

    def report(self, test, ctx, reason, trace, elapsed):
        took = "  [%.1f s]" % elapsed if self.verbose else ""
        if reason is None:
            with self.lock:
                self.passed.append(test.name)
            say("PASS %s%s" % (test.name, took))
            return
        with self.lock:
            self.failed.append(test.name)
        lines = ["FAIL %s (%s)%s" % (test.name, reason.splitlines()[0] if reason else "", took),
                 "  proves: %s" % test.proves]
        if trace:
            lines.append(trace.rstrip())
        for m in ctx.machines:
            lines.append("  --- last lines of %s ---" % m.log_path)
            lines.extend("  | " + line for line in m.tail().splitlines())
            lines.extend(decoded_panic(m))
        say("\n".join(lines))

    def abort_all(self):
        with self.lock:
            self.stopping = True
            live = list(self.live)
        for ctx in live:
            ctx.abort()

    def run(self, tests, jobs):
        """Runs TESTS, JOBS at a time.  Interrupted (Ctrl-C, SIGTERM), it
        starts no more tests and kills the running ones' machines before it
        returns: leaving the pool's block first would wait for every queued
        test to run, each starting QEMUs after we were told to stop."""
        parallel = [t for t in tests if not t.exclusive]
        alone = [t for t in tests if t.exclusive]
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
        try:
            for f in [pool.submit(self.run_one, t) for t in parallel]:
                f.result()
            for t in alone:
                self.run_one(t)
        except KeyboardInterrupt:
            self.abort_all()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)


def interrupted(sig, frame):
    raise KeyboardInterrupt


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("suites", nargs="*", help="suite names (default: all)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("-k", dest="select", action="append", default=[],
                    help="run only tests whose name contains TEXT (repeatable)")
    ap.add_argument("--build", action="append", default=[], metavar="CONFIG=DIR",
                    help="build directory of a configuration")
    ap.add_argument("--list", action="store_true", help="list the tests and what they prove")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each test's time")
    args = ap.parse_args()

    builds = default_builds()
    for b in args.build:
        config, sep, path = b.partition("=")
        if not sep or not path:
            ap.error("--build wants CONFIG=DIR, got %r" % b)
        builds[config.rpartition(":")[2]] = os.path.abspath(path)

    known = all_suites()
    for s in args.suites or known:
        if s not in known:
            ap.error("no suite %r (have: %s)" % (s, ", ".join(known)))
        importlib.import_module("test_" + s)
    tests = [t for t in harness.REGISTRY
             if not args.select or any(k in t.name for k in args.select)]
    if args.list:
        for t in tests:
            print("%-36s %s" % (t.name, t.proves))
        return 0
    if not tests:
        print("no tests selected")
        return 1

    runner = Runner(builds, args.verbose)
    # Killed (CI's timeout, kill): end like Ctrl-C, so no QEMU outlives us.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupted)
    try:
        runner.run(tests, max(1, args.jobs))
    except KeyboardInterrupt:
        print("interrupted")
        return 130
    print("%d passed, %d failed" % (len(runner.passed), len(runner.failed)))
    return 1 if runner.failed else 0


if __name__ == "__main__":
    sys.exit(main())
