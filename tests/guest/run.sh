#!/usr/bin/env bash
# Guest-program suite: every tests/guest/*.c is built in up to three flavors, run natively
# and under hexvm, and the two runs must agree. The native run is the oracle.
#
#   flavor  compiler command
#   x64     gcc -O2 -static           (x86-64, glibc)
#   m32     gcc -O2 -m32 -static      (i386, glibc)
#   musl    musl-gcc -O2 -static      (x86-64, musl)
#
# Every build also gets -Wall -Wextra -Werror: a guest program must compile warning-free.
# A flavor whose compiler cannot build a static program here is SKIPped, never passed.
# Test name: FILE.FLAVOR, e.g. hello.m32, for hexvm's default engine (the translator on
# x86-64 hosts); FILE.FLAVOR.interp is the same program under `--engine interp`, so both
# engines answer to the native run.
#
# Per-file directive: any line of the source containing
#     hexvm-test: KEY=VALUE ...
# (normally inside a comment: /* hexvm-test: flavors=m32 cflags=-msse2 args=a b */).
# Keys (a word without a known "key=" prefix continues the previous key's value; several
# directive lines add up):
#   flavors=F1,F2   build only these flavors (others are not tests at all, not skips)
#   cflags=...      extra compiler flags (for every flavor built)
#   args=...        command-line arguments of both runs (split on spaces, no quoting)
#   timeout=SECONDS per-run limit instead of HEXVM_TEST_TIMEOUT
#
# Each run: a fresh empty scratch directory as working directory, stdin from /dev/null,
# environment replaced (env -i) by PATH, HOME, LANG=C and HEXVM_TEST_VAR, the same
# absolute program path as argv[0], core dumps off, and a timeout (a hang is a FAIL).
# Compared: stdout byte for byte; exit status (death by signal N is 128+N on both sides,
# the shell's and hexvm's convention); the files each run left in its scratch directory
# (diff -r). Stderr is kept for diagnosis, not compared (hexvm adds a line when the guest
# dies of a signal).
#
# Usage: tests/guest/run.sh [NAME-GLOB...]     e.g.  tests/guest/run.sh 'hello.*' '*.m32'
# Environment: HEXVM, HEXVM_JOBS, HEXVM_TEST_TIMEOUT (default 60).

source "$(dirname "$0")/../lib.sh"
suite_init guest
SRC_DIR=$TESTS_DIR/guest
TIMEOUT=${HEXVM_TEST_TIMEOUT:-60}
FLAVORS="x64 m32 musl"
WARN="-Wall -Wextra -Werror"

flavor_cc() {
    case $1 in
    x64) echo "gcc -O2 -static" ;;
    m32) echo "gcc -O2 -m32 -static" ;;
    musl) echo "musl-gcc -O2 -static" ;;
    esac
}

# probe_flavors: sets FLAVOR_MISSING[f] to a reason when flavor f cannot build here.
declare -A FLAVOR_MISSING
probe_flavors() {
    local f cc probe=$OUT/probe
    mkdir -p "$probe"
    printf '#include <stdio.h>\nint main(void) { puts("ok"); return 0; }\n' >"$probe/p.c"
    for f in $FLAVORS; do
        cc=$(flavor_cc "$f")
        if ! command -v "${cc%% *}" >/dev/null 2>&1; then
            FLAVOR_MISSING[$f]="${cc%% *} not installed"
        elif ! $cc -o "$probe/p.$f" "$probe/p.c" >"$probe/$f.log" 2>&1; then
            FLAVOR_MISSING[$f]="'$cc' cannot build a static program here: $(head -n 1 "$probe/$f.log")"
        fi
    done
}

# parse_directives FILE: sets D_FLAVORS, D_CFLAGS, D_ARGS, D_TIMEOUT, D_ERROR.
parse_directives() {
    local key="" word
    D_FLAVORS="" D_CFLAGS="" D_ARGS="" D_TIMEOUT="" D_ERROR=""
    while IFS= read -r line; do
        line=${line#*hexvm-test:}
        line=${line%%\*/*}
        for word in $line; do
            case $word in
            flavors=* | cflags=* | args=* | timeout=*)
                key=${word%%=*}
                word=${word#*=}
                ;;
            esac
            case $key in
            flavors) D_FLAVORS="$D_FLAVORS ${word//,/ }" ;;
            cflags) D_CFLAGS="$D_CFLAGS $word" ;;
            args) D_ARGS="$D_ARGS $word" ;;
            timeout) D_TIMEOUT=$word ;;
            *) D_ERROR="directive word '$word' belongs to no key" ;;
            esac
        done
    done < <(grep 'hexvm-test:' "$1")
    for word in $D_FLAVORS; do
        case " $FLAVORS " in *" $word "*) ;; *) D_ERROR="unknown flavor '$word'" ;; esac
    done
    [ -n "$D_FLAVORS" ] || D_FLAVORS=$FLAVORS
    [ -n "$D_TIMEOUT" ] || D_TIMEOUT=$TIMEOUT
}

# run_one DIR TIMEOUT CMD...: run CMD with cwd DIR/cwd (fresh), record stdout, stderr and
# the exit status in DIR.
run_one() {
    local dir=$1 limit=$2
    shift 2
    rm -rf "$dir"
    mkdir -p "$dir/cwd"
    # The outer 2>/dev/null only silences bash's own "Segmentation fault" report.
    {
        (
            cd "$dir/cwd" || exit 125
            ulimit -c 0
            exec env -i PATH=/usr/bin:/bin HOME=/nonexistent LANG=C \
                "HEXVM_TEST_VAR=two words=x" \
                timeout -k 5 "$limit" "$@" </dev/null >"$dir/stdout" 2>"$dir/stderr"
        )
    } 2>/dev/null
    echo $? >"$dir/status"
}

# build FILE FLAVOR BIN LOG: compile unless BIN is up to date with the same command.
build() {
    local src=$1 flavor=$2 bin=$3 log=$4 cmd
    cmd="$(flavor_cc "$flavor") $WARN $D_CFLAGS -o $bin $src -lm"
    if [ -x "$bin" ] && [ "$bin" -nt "$src" ] && [ "$(cat "$bin.cmd" 2>/dev/null)" = "$cmd" ]; then
        return 0
    fi
    rm -f "$bin" "$bin.cmd"
    $cmd >"$log" 2>&1 || return 1
    echo "$cmd" >"$bin.cmd"
}

# compare_runs NAME DIR SIDE: one PASS or FAIL for the runs in DIR/native and DIR/SIDE.
compare_runs() {
    local name=$1 dir=$2 side=$3 n=$1 reasons=() details=$2/$3.details
    local sn sh
    sn=$(cat "$dir/native/status") sh=$(cat "$dir/$side/status")
    : >"$details"
    if [ "$sn" = 124 ]; then
        result_fail "$name" "native run timed out after ${D_TIMEOUT}s (test defect)"
        return
    fi
    if [ "$sh" = 124 ]; then
        reasons+=("hexvm timed out after ${D_TIMEOUT}s")
    elif [ "$sn" != "$sh" ]; then
        reasons+=("exit status native=$sn hexvm=$sh")
    fi
    if ! cmp -s "$dir/native/stdout" "$dir/$side/stdout"; then
        reasons+=("stdout differs")
        diff "$dir/native/stdout" "$dir/$side/stdout" | head -n 20 >>"$details"
    fi
    if ! diff -r "$dir/native/cwd" "$dir/$side/cwd" >"$dir/$side.files.diff" 2>&1; then
        reasons+=("files differ")
        sed "s|$dir/||g" "$dir/$side.files.diff" | head -n 10 >>"$details"
    fi
    if [ ${#reasons[@]} -eq 0 ]; then
        result_pass "$n"
        return
    fi
    if [ -s "$dir/$side/stderr" ]; then
        sed 's/^/hexvm stderr: /' "$dir/$side/stderr" | head -n 3 >"$details.tmp"
        cat "$details" >>"$details.tmp"
        mv "$details.tmp" "$details"
    fi
    local IFS=';'
    result_fail "$n" "$(echo "${reasons[*]}" | sed 's/;/; /g')" "$details"
}

# one_case FILE FLAVOR NAME: build, run both ways, compare.
one_case() {
    local src=$1 flavor=$2 name=$3
    local dir=$OUT/$name bin lockfd
    mkdir -p "$dir"
    # Another run of this suite (someone else's `make check`) may be at the same case:
    # take turns on its directory.
    exec {lockfd}>"$dir/.lock"
    flock "$lockfd"
    bin=$dir/prog
    if ! build "$src" "$flavor" "$bin" "$dir/build.log"; then
        result_fail "$name" "build failed" "$dir/build.log"
        return
    fi
    # shellcheck disable=SC2086  # args are space-separated by convention
    run_one "$dir/native" "$D_TIMEOUT" "$bin" $D_ARGS
    # shellcheck disable=SC2086
    run_one "$dir/hexvm" "$D_TIMEOUT" "$HEXVM" "$bin" $D_ARGS
    compare_runs "$name" "$dir" hexvm
    # shellcheck disable=SC2086
    run_one "$dir/interp" "$D_TIMEOUT" "$HEXVM" --engine interp "$bin" $D_ARGS
    compare_runs "$name.interp" "$dir" interp
}

probe_flavors
for src in $(LC_ALL=C ls "$SRC_DIR"/*.c 2>/dev/null); do
    base=$(basename "$src" .c)
    parse_directives "$src"
    for flavor in $FLAVORS; do
        case " $D_FLAVORS " in *" $flavor "*) ;; *) continue ;; esac
        name=$base.$flavor
        name_selected "$name" "$@" || continue
        if [ -n "$D_ERROR" ]; then
            result_fail "$name" "bad hexvm-test directive: $D_ERROR"
        elif [ -n "${FLAVOR_MISSING[$flavor]:-}" ]; then
            result_skip "$name" "${FLAVOR_MISSING[$flavor]}"
        else
            run_limited one_case "$src" "$flavor" "$name"
        fi
    done
done
suite_report
