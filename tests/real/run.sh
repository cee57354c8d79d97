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
suite_init real
CASES=$TESTS_DIR/real/cases
TIMEOUT=${REAL_TIMEOUT:-300}

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

# run_one DIR AFTER CMD...: run CMD with cwd DIR/cwd (fresh, also HOME); then AFTER (a
# command line, may be empty) natively in the same directory; record stdout, stderr, the
# exit status, AFTER's stdout and status, and the listing of the files left in DIR/cwd.
run_one() {
    local dir=$1 after=$2 pid
    shift 2
    rm -rf "$dir"
    mkdir -p "$dir/cwd"
    (
        cd "$dir/cwd" || exit 125
        ulimit -c 0
        umask 022
        exec timeout -k 5 "$TIMEOUT" env -i PATH=/usr/bin:/bin HOME="$dir/cwd" LANG=C \
            LC_ALL=C TZ=UTC "$@" </dev/null >"$dir/stdout" 2>"$dir/stderr"
    ) &
    pid=$!
    # The 2>/dev/null only silences bash's own "Killed"/"Segmentation fault" report.
    { wait "$pid"; } 2>/dev/null
    echo $? >"$dir/status"
    # timeout made its own process group (id $pid): end whatever the run left behind.
    kill -KILL -- "-$pid" 2>/dev/null
    : >"$dir/after.stdout"
    if [ -n "$after" ]; then
        (
            cd "$dir/cwd" || exit 125
            ulimit -c 0
            umask 022
            # shellcheck disable=SC2086  # the after line is split on blanks
            exec timeout -k 5 "$TIMEOUT" env -i PATH=/usr/bin:/bin HOME="$dir/cwd" \
                LANG=C LC_ALL=C TZ=UTC $after </dev/null >"$dir/after.stdout" \
                2>"$dir/after.stderr"
        ) &
        pid=$!
        { wait "$pid"; } 2>/dev/null
        echo "after: status $?" >>"$dir/after.stdout"
        kill -KILL -- "-$pid" 2>/dev/null
    fi
    (cd "$dir/cwd" && find . -mindepth 1 \( -type l -printf '%M %n %P -> %l\n' \) -o \
        -printf '%M %n %P\n' | LC_ALL=C sort) >"$dir/files"
}

# differences A B: prints the reasons runs A and B differ, one per line, and leaves the
# differences in B/stdout.diff and B/files.diff (paths shown relative: A/..., B/...).
differences() {
    local a=$1 b=$2 sa sb
    sa=$(cat "$a/status") sb=$(cat "$b/status")
    if [ "$sb" = 124 ] || [ "$sb" = 137 ]; then
        echo "timed out after ${TIMEOUT}s"
    elif [ "$sa" != "$sb" ]; then
        echo "exit status $sa vs $sb"
    fi
    diff "$a/stdout" "$b/stdout" >"$b/stdout.diff" || echo "stdout differs"
    diff "$a/after.stdout" "$b/after.stdout" | sed 's/^/after: /' >>"$b/stdout.diff"
    [ "${PIPESTATUS[0]}" = 0 ] || echo "real-after output differs"
    {
        diff -r --no-dereference "$a/cwd" "$b/cwd" 2>&1
        diff "$a/files" "$b/files"
    } | sed "s|$a/cwd|A|g; s|$b/cwd|B|g" >"$b/files.diff"
    [ -s "$b/files.diff" ] && echo "files differ"
}

join_reasons() { printf '%s\n' "$1" | paste -sd';' | sed 's/;/; /g'; }

# details B: the lines shown under a FAIL, within DETAIL_LINES: the start of the stdout
# diff, of the files diff, and (when B is hexvm's run) its stderr: all of it when short,
# else the first line and the tail.
details() {
    local b=$1 n_err=0 n_files=0 n_out
    if [ "${b##*/}" = hexvm ] && [ -s "$b/stderr" ]; then n_err=3; fi
    if [ ! -s "$b/stdout.diff" ]; then
        n_files=$((DETAIL_LINES - n_err))
    elif [ -s "$b/files.diff" ]; then
        n_files=2
    fi
    n_out=$((DETAIL_LINES - n_err - n_files))
    [ "$n_out" -ge 2 ] || n_out=2
    head -n "$n_out" "$b/stdout.diff" | sed 's/^/stdout: /'
    head -n "$n_files" "$b/files.diff" | sed 's/^/files: /'
    if [ "$n_err" -gt 0 ]; then
        if [ "$(wc -l <"$b/stderr")" -le 3 ]; then
            sed 's/^/stderr: /' "$b/stderr"
        else
            head -n 1 "$b/stderr" | sed 's/^/stderr: /'
            echo "stderr: ..."
            tail -n 1 "$b/stderr" | sed 's/^/stderr: /'
        fi
    fi
}

# one_case NAME FILE: run FILE's command natively twice and under hexvm; one PASS or FAIL.
# A failing case's runs stay in $OUT/NAME/{native,native2,hexvm}.
one_case() {
    local name=$1 file=$2 dir=$OUT/$1 lockfd reasons s run after
    local -a cmd
    run=$(directive "$file" run)
    after=$(directive "$file" after)
    read -ra cmd <<<"$run"
    mkdir -p "$dir"
    exec {lockfd}>"$dir/.lock"
    flock "$lockfd"
    rm -rf "$dir/native2" "$dir/details"
    run_one "$dir/native" "$after" "${cmd[@]}"
    run_one "$dir/native2" "$after" "${cmd[@]}"
    s=$(cat "$dir/native/status")
    if [ "$s" = 124 ] || [ "$s" = 137 ]; then
        result_fail "$name" "native run timed out after ${TIMEOUT}s (test defect)" \
            "$dir/native/stderr"
        return
    fi
    reasons=$(differences "$dir/native" "$dir/native2")
    if [ -n "$reasons" ]; then
        details "$dir/native2" >"$dir/details"
        result_fail "$name" "two native runs differ (test defect): $(join_reasons "$reasons")" \
            "$dir/details"
        return
    fi
    run_one "$dir/hexvm" "$after" "$HEXVM" "${cmd[@]}"
    reasons=$(differences "$dir/native" "$dir/hexvm")
    if [ -z "$reasons" ]; then
        result_pass "$name"
        rm -rf "$dir/native2"
        return
    fi
    details "$dir/hexvm" >"$dir/details"
    result_fail "$name" "$(join_reasons "$reasons") (< native, > hexvm)" "$dir/details"
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
