#!/usr/bin/env bash
# Real-programs suite: the host's own dynamically linked programs (python3, gcc, sqlite3,
# perl, git, tar and gzip, make, dash with coreutils) run natively (the oracle) and under
# hexvm, and the runs must agree.
#
# Every tests/real/cases/NAME.* is one test, real.NAME. The case file says how it is run
# in comment lines (any comment syntax: the rest of the line after the keyword counts):
#     real-run: PROG ARGS...     the command; PROG is an absolute path. Split on blanks
#                                (no quoting); @CASE@ stands for the case file's path.
#     real-needs: PATH...        further programs the case runs (absolute paths).
#     real-after: CMD ARGS...    optional: run natively (never under hexvm) in the working
#                                directory after the run, on both sides, e.g. to run a
#                                binary that the case built; its stdout and status are
#                                compared too.
# The case is SKIPped, naming the program, when PROG or a real-needs path is not an
# executable file ("/usr/bin/perl not installed").
#
# The command runs natively twice and once as `$HEXVM PROG ARGS...`; each run in a fresh
# empty scratch directory as working directory (also HOME), stdin from /dev/null, umask
# 022, core dumps off, `env -i PATH=/usr/bin:/bin HOME=<scratch> LANG=C LC_ALL=C TZ=UTC`,
# and a time limit (a hang is a FAIL). Everything the program starts (gcc's cc1, as and
# ld, git's helpers, tar's gzip, make's shells, ...) runs inside the same hexvm guest.
#
# Compared: stdout byte for byte; the exit status (death by signal N is 128+N); the files
# left in the scratch directory (diff -r --no-dereference), and a listing of their types,
# modes, link counts and symlink targets (no times, owners or sizes of directories); the
# real-after command's stdout and status. Stderr is kept for diagnosis, not compared. The
# two native runs must agree with each other, or the case itself is at fault ("test
# defect").
#
# Writing a case: print and leave behind only what two native runs in different scratch
# directories produce alike: no pids, current times (hexvm's clock starts at
# --epoch, not the host's time), absolute paths, owners, inode numbers, directory-order
# listings (sort them). Give tools fixed times instead (tar --mtime, gzip -n,
# GIT_*_DATE), and remove a file that records times or inodes (.git/index) at the end
# rather than filtering it.
#
# Usage: tests/real/run.sh [NAME-GLOB...]   e.g.  tests/real/run.sh 'real.p*' git
# Environment: HEXVM, HEXVM_JOBS, REAL_TIMEOUT (seconds per run, default 300).

source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../compare.sh"
suite_init real
CASES=$TESTS_DIR/real/cases
# shellcheck disable=SC2034  # read by compare.sh
TIMEOUT=${REAL_TIMEOUT:-300}
# shellcheck disable=SC2034  # read by compare.sh
RUN_PATH=/usr/bin:/bin

# directive FILE KEY: the text after the first "real-KEY:" in FILE, blanks trimmed, with
# @CASE@ replaced by FILE.
directive() {
    local line
    line=$(grep -m1 -e "real-$2:" "$1") || return 0
    line=${line#*"real-$2:"}
    line=${line//@CASE@/$1}
    printf '%s\n' "$line" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'
}

# case_missing FILE: why FILE's case cannot run here (nothing when it can).
case_missing() {
    local run needs p
    run=$(directive "$1" run)
    if [ -z "$run" ]; then
        echo "no real-run: line in ${1##*/} (test defect)"
        return
    fi
    needs=$(directive "$1" needs)
    for p in ${run%% *} $needs; do
        case $p in
        /*) if [ ! -f "$p" ] || [ ! -x "$p" ]; then echo "$p not installed"; return; fi ;;
        *) echo "$p: not an absolute path (test defect)"; return ;;
        esac
    done
}

# run_one DIR CMD...: run CMD with cwd DIR/cwd (fresh, also HOME); then $CASE_AFTER (a
# command line, may be empty) natively in the same directory; record stdout, stderr, the
# exit status, CASE_AFTER's stdout and status, and the listing of the files left in DIR/cwd.
run_one() {
    local dir=$1
    shift
    rm -rf "$dir"
    mkdir -p "$dir/cwd"
    sandbox_run "$dir/cwd" "$dir/cwd" "$dir/stdout" "$dir/stderr" "$@"
    echo $? >"$dir/status"
    : >"$dir/after.stdout"
    if [ -n "$CASE_AFTER" ]; then
        # The after line is split on blanks (and globbed) in the scratch directory.
        (
            cd "$dir/cwd" || exit 125
            # shellcheck disable=SC2086
            sandbox_run "$dir/cwd" "$dir/cwd" "$dir/after.stdout" "$dir/after.stderr" \
                $CASE_AFTER
        )
        echo "after: status $?" >>"$dir/after.stdout"
    fi
    list_files "$dir"
}

# differences A B: prints the reasons runs A and B differ, one per line, and leaves the
# differences in B/stdout.diff (the real-after output's too, lines prefixed "after: ")
# and B/files.diff (paths shown relative: A/..., B/...).
differences() {
    local a=$1 b=$2
    status_difference "$a" "$b"
    stdout_difference "$a" "$b"
    diff "$a/after.stdout" "$b/after.stdout" | sed 's/^/after: /' >>"$b/stdout.diff"
    [ "${PIPESTATUS[0]}" = 0 ] || echo "real-after output differs"
    files_difference "$a" "$b"
}

# one_case NAME FILE: run FILE's command natively twice and under hexvm; one PASS or FAIL.
# A failing case's runs stay in $OUT/NAME/{native,native2,hexvm}.
one_case() {
    local name=$1 file=$2 run
    local -a cmd
    run=$(directive "$file" run)
    CASE_AFTER=$(directive "$file" after)
    read -ra cmd <<<"$run"
    compare_case "$name" "${cmd[@]}"
}

# shellcheck disable=SC2045  # case names have no blanks; ls for C-locale order
for file in $(LC_ALL=C ls "$CASES"/*.* 2>/dev/null); do
    base=${file##*/}
    base=${base%.*}
    name=real.$base
    name_selected "$name" "$@" || name_selected "$base" "$@" || continue
    missing=$(case_missing "$file")
    if [ -n "$missing" ]; then
        result_skip "$name" "$missing"
    else
        run_limited one_case "$name" "$file"
    fi
done
suite_report
