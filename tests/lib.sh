# Shared helpers for the test suites (sourced by tests/*/run.sh; not a suite itself).
#
# Suite protocol (what tests/check.sh expects from every tests/*/run.sh):
#   * one block per test, in sorted order:
#       PASS name
#       FAIL name: short reason        followed by up to a few detail lines, indented 4 spaces
#       SKIP name: reason
#     (indented lines after a PASS are information, e.g. the fuzz suite's counts)
#   * the last line is the machine-readable tally:  #counts PASSED FAILED SKIPPED
#   * exit status 0 when FAILED is 0, 1 otherwise.
#
# Cases run in parallel (HEXVM_JOBS at a time, default: number of CPUs). Each case writes
# its block into its own file under $RESULTS; suite_report prints the blocks in name order
# once all cases are done, so parallel runs never interleave their output.

set -u

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$TESTS_DIR/.." && pwd)
HEXVM=${HEXVM:-$ROOT/hexvm}
case $HEXVM in /*) ;; *) HEXVM=$PWD/$HEXVM ;; esac
JOBS=${HEXVM_JOBS:-$(nproc 2>/dev/null || echo 2)}
DETAIL_LINES=${HEXVM_DETAIL_LINES:-8}

# suite_init NAME: scratch tests/out/NAME, and a results directory private to this run
# (two runs of a suite at once must not see each other's results).
suite_init() {
    SUITE=$1
    OUT=$ROOT/tests/out/$SUITE
    mkdir -p "$OUT"
    RESULTS=$(mktemp -d "$OUT/results.XXXXXX")
    trap 'rm -rf "$RESULTS"' EXIT
}

# Test names become file names: keep them to a safe alphabet.
result_file() { printf '%s/%s' "$RESULTS" "$(printf '%s' "$1" | tr -c 'A-Za-z0-9._+-' '_')"; }

result_pass() { printf 'PASS %s\n' "$1" >"$(result_file "$1")"; }
result_skip() { printf 'SKIP %s: %s\n' "$1" "$2" >"$(result_file "$1")"; }

# result_fail NAME REASON [DETAIL-FILE]: the detail file's first lines are shown indented.
result_fail() {
    local f
    f=$(result_file "$1")
    printf 'FAIL %s: %s\n' "$1" "$2" >"$f"
    if [ $# -ge 3 ] && [ -s "$3" ]; then
        head -n "$DETAIL_LINES" "$3" | cut -c1-200 | sed 's/^/    /' >>"$f"
    fi
}

# run_limited CMD ARGS...: start CMD in the background, at most $JOBS at a time.
run_limited() {
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    "$@" &
}

# suite_report: print every result block in name order and the #counts line; returns
# non-zero when something failed.
suite_report() {
    wait
    local p f s
    if compgen -G "$RESULTS/*" >/dev/null; then
        LC_ALL=C ls "$RESULTS" | while read -r r; do cat "$RESULTS/$r"; done
    fi
    p=$(cat "$RESULTS"/* 2>/dev/null | grep -c '^PASS ')
    f=$(cat "$RESULTS"/* 2>/dev/null | grep -c '^FAIL ')
    s=$(cat "$RESULTS"/* 2>/dev/null | grep -c '^SKIP ')
    printf '#counts %d %d %d\n' "$p" "$f" "$s"
    [ "$f" -eq 0 ]
}

# name_selected NAME PATTERNS...: true when no patterns were given or NAME matches one
# (shell glob), so `run.sh 'hello.*'` runs a subset.
name_selected() {
    local name=$1 pat
    shift
    [ $# -eq 0 ] && return 0
    for pat in "$@"; do
        # shellcheck disable=SC2053
        [[ $name == $pat ]] && return 0
    done
    return 1
}
