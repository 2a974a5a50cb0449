#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Every test, in order (what `make test` runs; needs the tools of setup.sh):
#   1. the tools' own tests (tools/qemu.py, tools/crashdecode.py, the harness)
#   2. host unit tests (tests/host, CTest) in build-host/
#   3. every configuration built in build-<config>/
#   4. the QEMU suites (tests/qemu/run.py) against those builds
# Goes on after a failure so the summary is complete; prints the time of each
# stage and ends with "N passed, N failed", exiting 1 when something failed.
set -uo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$TOP"
PYTHON=${PYTHON:-python3}
LOGS=$TOP/build-test
mkdir -p "$LOGS"

passed=0
failed=0
failures=()

pass() { passed=$((passed + $1)); }
fail() { failed=$((failed + $1)); failures+=("$2"); }

# stage NAME LOG COMMAND...: run COMMAND showing and logging its output.
stage() {
	local name=$1 log=$2 start rc
	shift 2
	echo "=== $name"
	start=$(date +%s)
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	echo "=== $name: $([ "$rc" -eq 0 ] && echo ok || echo "failed ($rc)") in $(($(date +%s) - start)) s"
	return "$rc"
}

# 1. tools
stage "tools tests" "$LOGS/tools.log" "$PYTHON" -m unittest discover -s tests/qemu/unit
rc=$?
ran=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\}.*/\1/p' "$LOGS/tools.log" | tail -n 1)
# unittest ends with "OK (skipped=1)" or "FAILED (failures=1, errors=2)".
count() { grep -oE "$1=[0-9]+" "$LOGS/tools.log" | tail -n 1 | cut -d= -f2; }
bad=$(( $(count failures || true) + $(count errors || true) + 0 ))
skipped=$(( $(count skipped || true) + 0 ))
if [ -z "$ran" ]; then
	fail 1 "tools tests did not run"
else
	[ "$rc" -eq 0 ] || [ "$bad" -gt 0 ] || bad=1
	pass $((ran - bad - skipped > 0 ? ran - bad - skipped : 0))
	[ "$bad" -eq 0 ] || fail "$bad" "tools tests"
fi

# 2. host unit tests
host() {
	cmake -S tests/host -B build-host -G Ninja >/dev/null &&
		cmake --build build-host &&
		ctest --test-dir build-host --output-on-failure --no-tests=ignore
}
stage "host unit tests" "$LOGS/host.log" host
rc=$?
line=$(grep -E '[0-9]+ tests? failed out of [0-9]+' "$LOGS/host.log" | tail -n 1)
if [ -n "$line" ]; then
	total=$(echo "$line" | sed -E 's/.* out of ([0-9]+).*/\1/')
	bad=$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed.*/\1/')
	pass $((total - bad))
	[ "$bad" -eq 0 ] || fail "$bad" "host unit tests"
elif [ "$rc" -ne 0 ]; then
	fail 1 "host unit tests (build)"
fi

# 2b. the shell parser and FAT under libFuzzer, for a bounded time each
if stage "fuzz (shell parser, FAT)" "$LOGS/fuzz.log" tests/fuzz/run.sh "$TOP/build-fuzz"; then
	pass 1
else
	fail 1 "fuzz (shell parser, FAT)"
fi

# 3. every configuration
configs=$(tools/configure.sh -L | sed -n 's/^  \([^ ]*\).*/\1/p')
for bc in $configs; do
	dir=build-${bc#*:}
	if stage "build $bc" "$LOGS/build-${bc#*:}.log" \
		bash -c 'tools/configure.sh -q -B "$1" "$2" && cmake --build "$1"' _ "$dir" "$bc"; then
		pass 1
	else
		rm -f "$dir/vireo"	# no stale image for the QEMU tests
		fail 1 "build $bc"
	fi
done

# 4. QEMU suites
stage "QEMU suites" "$LOGS/qemu.log" "$PYTHON" tests/qemu/run.py -v
rc=$?
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$LOGS/qemu.log" | tail -n 1)
if [ -n "$line" ]; then
	pass "${line%% *}"
	bad=$(echo "$line" | sed -E 's/.* ([0-9]+) failed/\1/')
	[ "$bad" -eq 0 ] || fail "$bad" "QEMU suites"
	[ "$rc" -eq 0 ] || [ "$bad" -gt 0 ] || fail 1 "QEMU runner exit $rc"
else
	fail 1 "QEMU suites did not run"
fi

echo
[ ${#failures[@]} -eq 0 ] || echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
