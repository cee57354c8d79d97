# shellcheck shell=bash
# Native-versus-hexvm comparison shared by the suites that run one command natively
# (the oracle, twice) and under hexvm, each run in a fresh scratch directory, and compare
# the runs (tests/busybox/run.sh, tests/real/run.sh). Sourced after tests/lib.sh.
#
# The suite sets:
#   TIMEOUT      seconds per run (a run that takes longer is killed: a hang is a FAIL)
#   RUN_PATH     the PATH of every run
# and defines the two functions compare_case calls:
#   run_one DIR CMD...   run CMD in the fresh scratch directory DIR/cwd, leaving DIR/stdout,
#                        DIR/stderr, DIR/status and DIR/files (see sandbox_run, list_files)
#   differences A B      print the reasons runs A and B differ, one per line, leaving the
#                        diffs in B/stdout.diff and B/files.diff (see the *_difference
#                        functions below, which it is normally made of)

# sandbox_run CWD HOME STDOUT STDERR CMD...: run CMD with working directory CWD, stdin from
# /dev/null, stdout and stderr into the files named, umask 022, core dumps off, the
# environment replaced by PATH=$RUN_PATH HOME=HOME LANG=C LC_ALL=C TZ=UTC, and the
# $TIMEOUT limit; then end whatever the run left running. Returns CMD's exit status (124
# or 137 when the time limit hit, 128+N after death by signal N).
sandbox_run() {
    local cwd=$1 home=$2 out=$3 err=$4 pid status
    shift 4
    (
        cd "$cwd" || exit 125
        ulimit -c 0
        umask 022
        exec timeout -k 5 "$TIMEOUT" env -i PATH="$RUN_PATH" HOME="$home" LANG=C \
            LC_ALL=C TZ=UTC "$@" </dev/null >"$out" 2>"$err"
    ) &
    pid=$!
    # The 2>/dev/null only silences bash's own "Killed"/"Segmentation fault" report.
    { wait "$pid"; } 2>/dev/null
    status=$?
    # timeout made its own process group (id $pid): end what the run left running, e.g.
    # a background `sleep 1000` whose killer never ran because the run went wrong.
    kill -KILL -- "-$pid" 2>/dev/null
    return "$status"
}

# list_files DIR: DIR/files lists what the run left in DIR/cwd, sorted: each entry's type
# and mode, link count, path and symlink target (no times, owners or sizes).
list_files() {
    (cd "$1/cwd" && find . -mindepth 1 \( -type l -printf '%M %n %P -> %l\n' \) -o \
        -printf '%M %n %P\n' | LC_ALL=C sort) >"$1/files"
}

# status_difference A B: prints why the exit statuses of runs A and B differ, if they do
# (B timed out, or the statuses are unequal).
status_difference() {
    local sa sb
    sa=$(cat "$1/status") sb=$(cat "$2/status")
    if [ "$sb" = 124 ] || [ "$sb" = 137 ]; then
        echo "timed out after ${TIMEOUT}s"
    elif [ "$sa" != "$sb" ]; then
        echo "exit status $sa vs $sb"
    fi
}

# stdout_difference A B: writes the diff of A's and B's stdout to B/stdout.diff; prints
# "stdout differs" when there is one.
stdout_difference() {
    diff "$1/stdout" "$2/stdout" >"$2/stdout.diff" || echo "stdout differs"
}

# files_difference A B: writes to B/files.diff the differences between the files A and B
# left behind (contents, then the listings), paths shown relative (A/..., B/...); prints
# "files differ" when there are any.
files_difference() {
    local a=$1 b=$2
    {
        diff -r --no-dereference "$a/cwd" "$b/cwd" 2>&1
        diff "$a/files" "$b/files"
    } | sed "s|$a/cwd|A|g; s|$b/cwd|B|g" >"$b/files.diff"
    [ -s "$b/files.diff" ] && echo "files differ"
}

# join_reasons LINES: the reasons (one per line) joined into one line by "; ".
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

# compare_case NAME CMD...: run CMD natively twice and `$HEXVM CMD...` once (run_one into
# $OUT/NAME/{native,native2,hexvm}, under a lock on $OUT/NAME); record one PASS or FAIL.
# The two native runs must agree, or the case itself is at fault ("test defect"). A
# failing case's runs stay in $OUT/NAME for diagnosis.
compare_case() {
    local name=$1 dir=$OUT/$1 lockfd reasons s
    shift
    mkdir -p "$dir"
    exec {lockfd}>"$dir/.lock"
    flock "$lockfd"
    rm -rf "$dir/native2" "$dir/details"
    run_one "$dir/native" "$@"
    run_one "$dir/native2" "$@"
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
    run_one "$dir/hexvm" "$HEXVM" "$@"
    reasons=$(differences "$dir/native" "$dir/hexvm")
    if [ -z "$reasons" ]; then
        result_pass "$name"
        rm -rf "$dir/native2"
        return
    fi
    details "$dir/hexvm" >"$dir/details"
    result_fail "$name" "$(join_reasons "$reasons") (< native, > hexvm)" "$dir/details"
}
