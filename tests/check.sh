#!/usr/bin/env bash
# The single entry point of the test suites (`make check` runs it after building ./hexvm).
#
# Runs every tests/*/run.sh in sorted order, shows their output as it comes, and ends
# with the one line "N passed, N failed[, N skipped]". Exit status is non-zero when any
# test failed, or when a suite broke its protocol (see tests/lib.sh): a suite that ends
# without a "#counts P F S" line counts as one failure of its own.
#
# Environment: HEXVM (emulator to test, default ./hexvm), HEXVM_JOBS (parallel cases),
# plus whatever a suite documents. Scratch space is tests/out/ (gitignored).

set -u
cd "$(dirname "$0")/.." || exit 2
ROOT=$PWD
HEXVM=${HEXVM:-$ROOT/hexvm}
mkdir -p tests/out/bin
# Test a snapshot: a rebuild of ./hexvm while the suites run must not mix two builds.
if [ -f "$HEXVM" ]; then
    cp "$HEXVM" tests/out/bin/hexvm.tmp && mv -f tests/out/bin/hexvm.tmp tests/out/bin/hexvm
    HEXVM=$ROOT/tests/out/bin/hexvm
fi
export HEXVM

passed=0 failed=0 skipped=0
failed_names=()

for suite in $(LC_ALL=C ls tests/*/run.sh 2>/dev/null); do
    name=$(basename "$(dirname "$suite")")
    log=tests/out/$name.log
    echo "== $name"
    # tee keeps a copy to parse; the tally line is for us, not for the reader.
    bash "$suite" 2>&1 | tee "$log" | grep -v '^#counts '
    rc=${PIPESTATUS[0]}
    counts=$(grep '^#counts ' "$log" | tail -n 1)
    if [ -z "$counts" ]; then
        echo "FAIL $name: suite ended without a #counts line (exit status $rc)"
        failed=$((failed + 1))
        failed_names+=("$name")
        continue
    fi
    read -r _ p f s <<<"$counts"
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    if [ "$f" -eq 0 ] && [ "$rc" -ne 0 ]; then
        echo "FAIL $name: suite exited with status $rc but reported no failure"
        failed=$((failed + 1))
        failed_names+=("$name")
    fi
    failed_names+=($(sed -n 's/^FAIL \([^:]*\):.*/\1/p' "$log"))
done

if [ ${#failed_names[@]} -gt 0 ]; then
    echo "failed: ${failed_names[*]}"
fi
summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
