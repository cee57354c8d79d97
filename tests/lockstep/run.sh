#!/usr/bin/env bash
# Lockstep suite: every tests/guest/*.c, built static for x86-64 (x64: gcc -O2 -static) and
# i386 (m32: gcc -O2 -m32 -static), runs under `hexvm --lockstep`, which executes it
# natively under ptrace and in hexvm side by side and compares them. A case passes when
# lockstep reports no difference and exits with the native run's status.
#
# Test name: lockstep.FILE.FLAVOR.MODE, MODE being how lockstep compares:
#   step            after every instruction (--lockstep): the programs that run in well
#                   under a million instructions (a single step costs ~20 us here)
#   syscall         at system calls and signals only (--lockstep=syscall): the long ones
#   step-first300k  the first 300,000 instructions step by step (--lockstep-max), then the
#                   native runs on alone: long programs that store the flags their
#                   instructions leave undefined (pushf after mul, shifts, BCD ...), which
#                   hexvm and the host fill in differently, as the SDM allows; step mode
#                   ignores such flags, syscall mode cannot tell them from a wrong store
#   known           a documented divergence of hexvm (README, "Known divergences") or of
#                   lockstep's own mirror of the native's memory (README, "Lockstep"): passes
#                   when lockstep reports exactly it, fails when it is gone (update KNOWN);
#                   a racy one (KNOWN_RACY) also passes with no difference
# lockstep.plant.FLAVOR plants a wrong result (--lockstep-plant) after main's first
# instruction: the report must name that address; lockstep.plant-thread.FLAVOR after the
# first instruction of threads_small's second thread: the report must name the address
# and thread 2.
# lockstep.dynamic: a dynamically linked program is refused with one line and status 122.
#
# Every run: a fresh empty working directory, stdin /dev/null, env -i with a fixed
# environment, the guest suite's arguments (hexvm-test: args=...). No ptrace here (a
# sandbox): every case SKIPs with the reason.
#
# Usage: tests/lockstep/run.sh [NAME-GLOB...]
# Environment: HEXVM, HEXVM_JOBS, LOCKSTEP_TIMEOUT (per run, default 300).

source "$(dirname "$0")/../lib.sh"
suite_init lockstep
SRC_DIR=$TESTS_DIR/guest
TIMEOUT=${LOCKSTEP_TIMEOUT:-300}
WARN="-Wall -Wextra -Werror"

STEP="args_env epoll epoll_edge hello locks posix_timers proc_creds proc_fdshare proc_fork_wait
      proc_mixed_abi proc_pgrp_kill procfs selfmod signal_legacy signalfd signals sockets
      sse_mmx sse_move sysmisc threads_small timerfd tls x87_except"
UNDEFINED_FLAGS="bcd bitops cond_lazy flags_edge muldiv"
PREFIX=300000
# FILE=what the report's first line must contain
declare -A KNOWN=(
    [sse_fpexc]="mxcsr" # PE after an unmasked SSE overflow (README, "Known divergences")
    # lockstep's mirror holds a private file mapping as a copy, which does not follow the
    # file (a MAP_SHARED store, MADV_DONTNEED, truncation) as the native's does (README,
    # "Lockstep")
    [mmap_private_file]="memory at"
    # nor does its mirror of a MAP_SHARED file mapping see the native's pwrite to the file:
    # hexvm runs the code it decoded before, and the result differs (in a register or on
    # the stack) at the next call, the mmap of the writable view
    [code_alias_file]=".*mmap"
    # fork children run natively, unobserved: the child's semaphore posts through a
    # MAP_SHARED mapping land in the native parent's memory at the host's pace, and the
    # parent's sem_wait finds another value than hexvm's (README, "Lockstep")
    [shm_posix]="[a-z0-9]* at the entry of futex"
)
# known cases compared at system calls only (the others step)
KNOWN_SYSCALL="mmap_private_file code_alias_file shm_posix"
# known cases whose divergence depends on the host's timing (shm_posix: whether the native
# child posts before the parent waits): they also pass with no difference at all, never
# with another one
KNOWN_RACY="shm_posix"

flavor_cc() {
    case $1 in
    x64) echo "gcc -O2 -static" ;;
    m32) echo "gcc -O2 -m32 -static" ;;
    esac
}

in_list() { [[ " $(echo $2) " == *" $1 "* ]]; }

# directives FILE: D_FLAVORS, D_CFLAGS, D_ARGS as the guest suite reads them.
directives() {
    local key="" word line
    D_FLAVORS="" D_CFLAGS="" D_ARGS=""
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
            esac
        done
    done < <(grep 'hexvm-test:' "$1")
    [ -n "$D_FLAVORS" ] || D_FLAVORS="x64 m32"
}

# build SRC FLAVOR BIN: compile unless BIN is up to date with the same command.
build() {
    local cmd
    cmd="$(flavor_cc "$2") $WARN $D_CFLAGS -o $3 $1 -lm"
    if [ -x "$3" ] && [ "$3" -nt "$1" ] && [ "$(cat "$3.cmd" 2>/dev/null)" = "$cmd" ]; then
        return 0
    fi
    rm -f "$3" "$3.cmd"
    $cmd >"$3.log" 2>&1 || return 1
    echo "$cmd" >"$3.cmd"
}

# run_in DIR CMD...: CMD in a fresh DIR/cwd; DIR/stdout, DIR/stderr, DIR/status.
run_in() {
    local dir=$1
    shift
    rm -rf "$dir"
    mkdir -p "$dir/cwd"
    {
        (
            cd "$dir/cwd" || exit 125
            ulimit -c 0
            exec env -i PATH=/usr/bin:/bin HOME=/nonexistent LANG=C \
                "HEXVM_TEST_VAR=two words=x" \
                timeout -k 5 "$TIMEOUT" "$@" </dev/null >"$dir/stdout" 2>"$dir/stderr"
        )
    } 2>/dev/null
    echo $? >"$dir/status"
}

# check NAME DIR NATIVE-STATUS SUMMARY: PASS when lockstep's summary line is there and the
# status is the native's.
check() {
    local name=$1 dir=$2 want=$3 summary=$4 got
    got=$(cat "$dir/status")
    if [ "$got" = "$want" ] && grep -q "^hexvm: lockstep: $summary" "$dir/stderr"; then
        result_pass "$name"
        grep '^hexvm: lockstep: no difference' "$dir/stderr" | sed 's/^hexvm: lockstep: /    /' \
            >>"$(result_file "$name")"
    elif [ "$got" = 124 ]; then
        result_fail "$name" "timed out after ${TIMEOUT}s" "$dir/stderr"
    else
        result_fail "$name" "status $got (native $want)" "$dir/stderr"
    fi
}

# case_mode FILE: how lockstep runs it (see the top).
case_mode() {
    if [ -n "${KNOWN[$1]:-}" ]; then
        echo known
    elif in_list "$1" "$UNDEFINED_FLAGS"; then
        echo "step-first$((PREFIX / 1000))k"
    elif in_list "$1" "$STEP"; then
        echo step
    else
        echo syscall
    fi
}

# one_case SRC FLAVOR NAME: build, run natively (the status oracle), then under lockstep.
one_case() {
    local src=$1 flavor=$2 name=$3 base mode dir bin
    base=$(basename "$src" .c)
    mode=$(case_mode "$base")
    dir=$OUT/$base.$flavor
    bin=$dir/prog
    mkdir -p "$dir"
    if ! build "$src" "$flavor" "$bin"; then
        result_fail "$name" "build failed" "$bin.log"
        return
    fi
    # shellcheck disable=SC2086  # args are space-separated by convention
    run_in "$dir/native" "$bin" $D_ARGS
    local want opts=(--lockstep)
    want=$(cat "$dir/native/status")
    case $mode in
    syscall) opts=(--lockstep=syscall) ;;
    known) in_list "$base" "$KNOWN_SYSCALL" && opts=(--lockstep=syscall) ;;
    step-first*) opts=(--lockstep "--lockstep-max=$PREFIX") ;;
    esac
    # shellcheck disable=SC2086
    run_in "$dir/lockstep" "$HEXVM" "${opts[@]}" "$bin" $D_ARGS
    case $mode in
    known)
        if [ "$(cat "$dir/lockstep/status")" = 120 ] &&
            head -n 1 "$dir/lockstep/stderr" | grep -q "difference at .*: ${KNOWN[$base]}"; then
            result_pass "$name"
            head -n 2 "$dir/lockstep/stderr" | sed 's/^/    /' >>"$(result_file "$name")"
        elif in_list "$base" "$KNOWN_RACY" && [ "$(cat "$dir/lockstep/status")" = "$want" ] &&
            grep -q '^hexvm: lockstep: no difference in' "$dir/lockstep/stderr"; then
            result_pass "$name"
            echo "    no difference this time (the divergence depends on the host's timing)" \
                >>"$(result_file "$name")"
        else
            result_fail "$name" "the known difference (${KNOWN[$base]}) was not reported" \
                "$dir/lockstep/stderr"
        fi
        ;;
    step-first*) check "$name" "$dir/lockstep" "$want" "no difference in the first" ;;
    *) check "$name" "$dir/lockstep" "$want" "no difference in" ;;
    esac
}

# plant_case FLAVOR [thread]: a wrong rax/eax planted after the first instruction of main
# (hello.c) or of the function threads_small.c's second thread starts in is reported
# there, and in thread 2.
plant_case() {
    local flavor=$1 thread=${2:-} name dir src=hello fn=main where="" addr first reg=rax
    [ "$flavor" = m32 ] && reg=eax
    [ -n "$thread" ] && src=threads_small fn=reader where=" in thread 2"
    name=lockstep.plant${thread:+-thread}.$flavor
    dir=$OUT/plant${thread:+-thread}.$flavor
    mkdir -p "$dir"
    directives "$SRC_DIR/$src.c"
    if ! build "$SRC_DIR/$src.c" "$flavor" "$dir/prog"; then
        result_fail "$name" "build failed" "$dir/prog.log"
        return
    fi
    addr=0x$(nm "$dir/prog" | awk -v fn="$fn" '$3 == fn { print $1 }' | sed 's/^0*//')
    run_in "$dir/run" "$HEXVM" --lockstep "--lockstep-plant=$addr" "$dir/prog"
    first=$(head -n 1 "$dir/run/stderr")
    if [ "$(cat "$dir/run/status")" = 120 ] &&
        [ "$first" = "hexvm: lockstep: difference at $addr$where: $reg" ]; then
        result_pass "$name"
    else
        result_fail "$name" "status $(cat "$dir/run/status"), wanted 120 and a difference at $addr$where" \
            "$dir/run/stderr"
    fi
}

# A dynamic program: one line, status 122.
dynamic_case() {
    local name=lockstep.dynamic dir=$OUT/dynamic
    mkdir -p "$dir"
    if ! gcc -O2 -o "$dir/prog" "$SRC_DIR/hello.c" >"$dir/build.log" 2>&1; then
        result_fail "$name" "build failed" "$dir/build.log"
        return
    fi
    run_in "$dir/run" "$HEXVM" --lockstep "$dir/prog"
    if [ "$(cat "$dir/run/status")" = 122 ] && [ "$(wc -l <"$dir/run/stderr")" = 1 ] &&
        grep -q "not a static program" "$dir/run/stderr"; then
        result_pass "$name"
    else
        result_fail "$name" "status $(cat "$dir/run/status"), wanted 122 and one line" \
            "$dir/run/stderr"
    fi
}

# ptrace_missing: a reason when lockstep cannot trace here (a sandbox without ptrace).
ptrace_missing() {
    local dir=$OUT/probe
    mkdir -p "$dir"
    printf 'int main(void) { return 7; }\n' >"$dir/p.c"
    gcc -O2 -static -o "$dir/p" "$dir/p.c" >/dev/null 2>&1 || {
        echo "gcc cannot build a static program here"
        return
    }
    run_in "$dir/run" "$HEXVM" --lockstep=syscall "$dir/p"
    [ "$(cat "$dir/run/status")" = 7 ] || head -n 1 "$dir/run/stderr"
}

missing=$(ptrace_missing)
for src in $(LC_ALL=C ls "$SRC_DIR"/*.c); do
    directives "$src"
    for flavor in x64 m32; do
        in_list "$flavor" "$D_FLAVORS" || continue
        base=$(basename "$src" .c)
        name=lockstep.$base.$flavor.$(case_mode "$base")
        name_selected "$name" "$@" || continue
        if [ -n "$missing" ]; then
            result_skip "$name" "$missing"
        else
            run_limited one_case "$src" "$flavor" "$name"
        fi
    done
done
for name in lockstep.plant.x64 lockstep.plant.m32 lockstep.plant-thread.x64 \
    lockstep.plant-thread.m32 lockstep.dynamic; do
    name_selected "$name" "$@" || continue
    if [ -n "$missing" ]; then
        result_skip "$name" "$missing"
    elif [ "$name" = lockstep.dynamic ]; then
        run_limited dynamic_case
    elif [[ $name == lockstep.plant-thread.* ]]; then
        run_limited plant_case "${name##*.}" thread
    else
        run_limited plant_case "${name##*.}"
    fi
done
suite_report
