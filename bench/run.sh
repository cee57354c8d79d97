#!/usr/bin/env bash
# bench/run.sh — hexvm's benchmark (`make bench`). See bench/README.md.
#
# Builds each workload in bench/src three ways, runs each natively, under hexvm
# and under qemu-user, checks that hexvm's (and qemu's) output equals native's,
# and prints medians, ratios and peak RSS, then start-up times and the cost of
# fork in a large process.
#
# Environment:
#   HEXVM=path            emulator to measure (default ./hexvm)
#   BENCH_FLAVORS="..."   subset of: gcc64 gcc32 musl64 (default all three)
#   BENCH_FILTER=regex    only workloads whose name matches (hello = start-up,
#                         fork = the fork table)
#   BENCH_QUICK=1         one run per measurement and smaller sizes
#   BENCH_TIMEOUT=s       per-run kill limit (default 180)
#   BENCH_BUDGET=s        per measurement: start no further run past this many
#                         seconds (default 15), so a slow emulator cannot take
#                         the whole benchmark's time
#   BENCH_HELLO_RUNS=n    start-up runs per program (default 200; quick 20)
#   BENCH_QEMU=0          skip qemu even when installed
#   BENCH_REAL=1          then also run bench/real.sh (python3 start-up, a gcc
#                         compile) with the same HEXVM; off by default
#   BENCH_ENGINE=e        run hexvm with --engine e (interp or jit); default:
#                         hexvm's own default
#   BENCH_CLOCK=cpu       compare user+system CPU seconds instead of wall
#                         seconds (a machine shared with other work)
set -u

cd "$(dirname "$0")/.." || exit 2
ROOT=$PWD
OUT=$ROOT/bench/out
SRC=$ROOT/bench/src

HEXVM=${HEXVM:-./hexvm}
case $HEXVM in /*) ;; *) HEXVM=$ROOT/${HEXVM#./} ;; esac
FLAVORS=${BENCH_FLAVORS:-gcc64 gcc32 musl64}
FILTER=${BENCH_FILTER:-}
QUICK=${BENCH_QUICK:-0}
TIMEOUT=${BENCH_TIMEOUT:-180}
BUDGET=${BENCH_BUDGET:-15}
WORKLOADS="int string sort float interp"
ENGINE=${BENCH_ENGINE:-}
CLOCK=${BENCH_CLOCK:-wall}
case $CLOCK in
wall) MEDIAN_KEY=median_s ;;
cpu) MEDIAN_KEY=cpu_s ;;
*) echo "bench: BENCH_CLOCK must be wall or cpu, not '$CLOCK'" >&2; exit 2 ;;
esac
HEXVM_CMD=("$HEXVM")
[ -n "$ENGINE" ] && HEXVM_CMD+=(--engine "$ENGINE")

if [ "$QUICK" = 1 ]; then
    RUNS=1
    HELLO_RUNS=${BENCH_HELLO_RUNS:-20}
else
    RUNS=3
    HELLO_RUNS=${BENCH_HELLO_RUNS:-200}
fi

# Quick sizes: about a tenth of each default (see each workload's header).
quick_size() {
    case $1 in
    int) echo 5 ;;
    string) echo 150000 ;;
    sort) echo 100000 ;;
    float) echo 2 ;;
    interp) echo 28 ;;
    fork) echo 64 20 ;;
    esac
}

workload_args() {
    if [ "$QUICK" = 1 ]; then quick_size "$1"; fi
}

compiler_for() {
    case $1 in
    gcc64) echo "gcc -O2 -static" ;;
    gcc32) echo "gcc -O2 -m32 -static" ;;
    musl64) echo "musl-gcc -O2 -static" ;;
    *) return 1 ;;
    esac
}

# The qemu-user peer that runs the same binary: i386 for -m32 builds.
qemu_for() {
    [ "${BENCH_QEMU:-1}" = 0 ] && return 1
    local q
    case $1 in
    gcc32) q='qemu-i386' ;;
    *) q='qemu-x86_64' ;;
    esac
    command -v "$q"
}

selected() {
    [ -z "$FILTER" ] || printf '%s\n' "$1" | grep -Eq -- "$FILTER"
}

# Builds every selected workload (and hello) for one flavor; prints why not
# and fails when the flavor's compiler is missing or broken.
build_flavor() {
    local flavor=$1 cc w
    cc=$(compiler_for "$flavor") || { echo "unknown flavor '$flavor'"; return 1; }
    if ! command -v "${cc%% *}" >/dev/null; then
        echo "skipping flavor $flavor: ${cc%% *} is not installed"
        return 1
    fi
    for w in $WORKLOADS hello fork; do
        selected "$w" || continue
        # Word splitting of $cc is intended: it is a command with flags.
        # shellcheck disable=SC2086
        if ! $cc -o "$OUT/$w.$flavor.linked" "$SRC/$w.c" -lm 2>"$OUT/$w.$flavor.build.log"; then
            echo "skipping flavor $flavor: '$cc' failed on $w.c:"
            sed 's/^/    /' "$OUT/$w.$flavor.build.log" | head -5
            return 1
        fi
        # Written again in one pass, as the Makefile writes hexvm: a program
        # the linker has just written starts slower for a while, natively
        # and under an emulator alike (docs/measurements.md, session 11).
        cp "$OUT/$w.$flavor.linked" "$OUT/$w.$flavor" && rm -f "$OUT/$w.$flavor.linked"
    done
}

# measure RUNS OUTFILE -- CMD...: runs bench/out/measure on CMD and sets
# M_STATUS, M_MEDIAN (s: wall, or CPU with BENCH_CLOCK=cpu), M_RUNS
# (completed) and M_RSS_MB (peak).
measure() {
    local runs=$1 outfile=$2
    shift 3
    local line kv rss=0
    M_STATUS=missing M_MEDIAN=0 M_RUNS=0
    : >"$outfile.err"
    line=$("$OUT/measure" -n "$runs" -b "$BUDGET" -t "$TIMEOUT" -o "$outfile" \
        -e "$outfile.err" -- "$@")
    for kv in $line; do
        case $kv in
        status=*) M_STATUS=${kv#status=} ;;
        "$MEDIAN_KEY"=*) M_MEDIAN=${kv#*=} ;;
        maxrss_kb=*) rss=${kv#maxrss_kb=} ;;
        runs=*) M_RUNS=${kv#runs=} ;;
        esac
    done
    M_RSS_MB=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }
# Unrounded, for the geometric means.
raw_ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a / b }'; }

# Geometric mean of a list of positive numbers ("-" when empty).
geomean() {
    printf '%s\n' "$@" | awk 'NF { s += log($1); n++ }
        END { if (n) printf "%.2fx", exp(s / n); else print "-" }'
}

# Why an emulator row failed: the status, and the first line it wrote to stderr.
failure_note() {
    local who=$1 status=$2 errfile=$3 first
    [ "$status" = timeout ] && status="timeout (killed after ${TIMEOUT}s; BENCH_TIMEOUT)"
    first=$(grep -m1 . "$errfile" 2>/dev/null | cut -c1-100)
    echo "    $who FAILED: $status${first:+ — stderr: $first}"
    [ -s "$errfile" ] && echo "      (all of its stderr: ${errfile#"$ROOT"/})"
    return 0
}

# First differing line of two outputs, for a WRONG row.
wrong_note() {
    local who=$1 expected=$2 got=$3
    echo "    $who WRONG: output differs from native:"
    diff "$expected" "$got" | grep '^[<>]' | head -4 | sed 's/^</      native:/; s/^>/      '"$who"':/'
}

# peer WHO EXPECTED RUNS OUTFILE -- CMD...: measures an emulator running CMD
# and judges its output against native's EXPECTED file. Sets P_OK (1 when its
# time may be compared), P_MEDIAN, P_RSS ("-" unless it ran cleanly), and
# P_CELL: the median (SCALE multiplies it: 1 for s, 1000 for ms, with "*" when
# the time budget cut the runs short), or FAIL / WRONG with a note in NOTES.
peer() {
    local who=$1 expected=$2 runs=$3 outfile=$4
    shift 4
    measure "$runs" "$outfile" "$@"
    P_OK=0 P_MEDIAN=$M_MEDIAN P_RSS=-
    if [ "$M_STATUS" != ok ]; then
        P_CELL=FAIL
        NOTES+=$(failure_note "$who" "$M_STATUS" "$outfile.err")$'\n'
        return
    fi
    P_RSS=$M_RSS_MB
    if ! cmp -s "$expected" "$outfile"; then
        P_CELL=WRONG
        NOTES+=$(wrong_note "$who" "$expected" "$outfile")$'\n'
        return
    fi
    P_OK=1
    P_CELL=$(awk -v s="$M_MEDIAN" -v k="$SCALE" -v p="$((SCALE == 1 ? 3 : 2))" \
        'BEGIN { printf "%.*f", p, s * k }')
    [ "$M_RUNS" -lt "$runs" ] && P_CELL+="*"
}

print_row() {
    printf '%-16s %9s %9s %9s %13s %11s %13s %14s %12s\n' "$@"
}

# Measures native, hexvm and qemu on one program; sets N_* (native), H_* (hexvm)
# and Q_* (qemu) as OK/CELL/MEDIAN/RSS, and NOTES. Returns 1 if native failed.
measure_three() {
    local flavor=$1 runs=$2 base=$3 qemu
    shift 3
    NOTES=
    H_OK=0 H_CELL=n/a H_RSS=- Q_OK=0 Q_CELL=n/a Q_RSS=-
    measure "$runs" "$base.native.out" -- "$@"
    N_MEDIAN=$M_MEDIAN N_RSS=$M_RSS_MB
    if [ "$M_STATUS" != ok ]; then
        NOTES+=$(failure_note native "$M_STATUS" "$base.native.out.err")$'\n'
        return 1
    fi
    N_CELL=$(awk -v s="$M_MEDIAN" -v k="$SCALE" -v p="$((SCALE == 1 ? 3 : 2))" \
        'BEGIN { printf "%.*f", p, s * k }')
    if [ -x "$HEXVM" ]; then
        peer hexvm "$base.native.out" "$runs" "$base.hexvm.out" -- "${HEXVM_CMD[@]}" "$@"
        H_OK=$P_OK H_CELL=$P_CELL H_MEDIAN=$P_MEDIAN H_RSS=$P_RSS
    fi
    if qemu=$(qemu_for "$flavor"); then
        peer qemu "$base.native.out" "$runs" "$base.qemu.out" -- "$qemu" "$@"
        Q_OK=$P_OK Q_CELL=$P_CELL Q_MEDIAN=$P_MEDIAN Q_RSS=$P_RSS
    fi
    return 0
}

bench_row() {
    local w=$1 flavor=$2 args hn=- hq=-
    args=$(workload_args "$w")
    SCALE=1
    # shellcheck disable=SC2086  # $args is empty or one number
    if ! measure_three "$flavor" "$RUNS" "$OUT/$w.$flavor" "$OUT/$w.$flavor" $args; then
        print_row "$w.$flavor" FAIL - - - - - - -
        printf '%s' "$NOTES"
        return
    fi
    if [ "$H_OK" = 1 ]; then
        hn=$(ratio "$H_MEDIAN" "$N_MEDIAN")
        HEX_RATIOS[$flavor]+=" $(raw_ratio "$H_MEDIAN" "$N_MEDIAN")"
        [ "$Q_OK" = 1 ] && hq=$(ratio "$H_MEDIAN" "$Q_MEDIAN")
    fi
    [ "$Q_OK" = 1 ] && QEMU_RATIOS[$flavor]+=" $(raw_ratio "$Q_MEDIAN" "$N_MEDIAN")"
    print_row "$w.$flavor" "$N_CELL" "$H_CELL" "$Q_CELL" "$hn" "$hq" "$H_RSS" "$N_RSS" "$Q_RSS"
    printf '%s' "$NOTES"
}

startup_row() {
    local flavor=$1 hn=- hq=-
    SCALE=1000
    if ! measure_three "$flavor" "$HELLO_RUNS" "$OUT/hello.$flavor" "$OUT/hello.$flavor"; then
        printf '%-16s %10s\n' "hello.$flavor" FAIL
        printf '%s' "$NOTES"
        return
    fi
    [ "$H_OK" = 1 ] && hn=$(ratio "$H_MEDIAN" "$N_MEDIAN")
    [ "$H_OK" = 1 ] && [ "$Q_OK" = 1 ] && hq=$(ratio "$H_MEDIAN" "$Q_MEDIAN")
    printf '%-16s %10s %10s %10s %13s %11s %13s\n' "hello.$flavor" "$N_CELL" "$H_CELL" \
        "$Q_CELL" "$hn" "$hq" "$H_RSS"
    printf '%s' "$NOTES"
}

# The fork table: its own rows, outside the CPU mix's geometric means.
fork_row() {
    local flavor=$1 args hn=- hq=-
    args=$(workload_args fork)
    SCALE=1
    # shellcheck disable=SC2086  # $args is empty or two numbers
    if ! measure_three "$flavor" "$RUNS" "$OUT/fork.$flavor" "$OUT/fork.$flavor" $args; then
        print_row "fork.$flavor" FAIL - - - - - - -
        printf '%s' "$NOTES"
        return
    fi
    [ "$H_OK" = 1 ] && hn=$(ratio "$H_MEDIAN" "$N_MEDIAN")
    [ "$H_OK" = 1 ] && [ "$Q_OK" = 1 ] && hq=$(ratio "$H_MEDIAN" "$Q_MEDIAN")
    print_row "fork.$flavor" "$N_CELL" "$H_CELL" "$Q_CELL" "$hn" "$hq" "$H_RSS" "$N_RSS" "$Q_RSS"
    printf '%s' "$NOTES"
}

main() {
    local start flavor w
    start=$(date +%s)
    mkdir -p "$OUT"
    if ! cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -o "$OUT/measure" bench/measure.c; then
        echo "bench: cannot build bench/measure.c" >&2
        exit 2
    fi

    echo "hexvm benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
    echo "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
    if [ "$QUICK" = 1 ]; then
        echo "mode: QUICK (1 run each, small sizes: times are indicative only)"
    else
        echo "mode: median of $RUNS runs per cell (fewer, marked *, once a cell's runs pass ${BUDGET}s)"
    fi
    if [ "$CLOCK" = cpu ]; then
        echo "times: user+system CPU seconds of each run (BENCH_CLOCK=cpu), not wall time"
    fi
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    if [ -x "$HEXVM" ]; then
        echo "hexvm: ${HEXVM_CMD[*]}"
    else
        echo "hexvm: $HEXVM is missing or not executable — hexvm columns read n/a (build it with make)"
    fi
    if [ "${BENCH_QEMU:-1}" = 0 ]; then
        echo "qemu: skipped (BENCH_QEMU=0)"
    else
        local q
        for q in qemu-x86_64 qemu-i386; do
            if command -v "$q" >/dev/null; then
                echo "qemu: $q — $("$q" --version | head -1)"
            else
                echo "qemu: $q is not installed — its column reads n/a (apt-get install qemu-user)"
            fi
        done
    fi

    local built=""
    for flavor in $FLAVORS; do
        build_flavor "$flavor" && built+=" $flavor"
    done
    if [ -z "$built" ]; then
        echo "bench: no flavor could be built" >&2
        exit 2
    fi

    declare -gA HEX_RATIOS=() QEMU_RATIOS=()
    local any_cpu=0
    for w in $WORKLOADS; do selected "$w" && any_cpu=1; done
    if [ "$any_cpu" = 1 ]; then
        echo
        print_row "workload.flavor" "native s" "hexvm s" "qemu s" "hexvm/native" \
            "hexvm/qemu" "hexvm RSS MB" "native RSS MB" "qemu RSS MB"
        for flavor in $built; do
            for w in $WORKLOADS; do
                selected "$w" && bench_row "$w" "$flavor"
            done
        done
        echo
        for flavor in $built; do
            local hexr qemr nh nq
            # shellcheck disable=SC2086
            hexr=$(geomean ${HEX_RATIOS[$flavor]:-})
            # shellcheck disable=SC2086
            qemr=$(geomean ${QEMU_RATIOS[$flavor]:-})
            nh=$(echo "${HEX_RATIOS[$flavor]:-}" | wc -w)
            nq=$(echo "${QEMU_RATIOS[$flavor]:-}" | wc -w)
            printf 'CPU mix %-7s geomean hexvm/native %7s (%s workloads)   qemu/native %7s (%s workloads)\n' \
                "$flavor" "$hexr" "$nh" "$qemr" "$nq"
        done
    fi

    if selected hello; then
        echo
        echo "start-up: median $([ "$CLOCK" = cpu ] && echo "CPU" || echo "wall") time of $HELLO_RUNS runs of static hello world, ms"
        printf '%-16s %10s %10s %10s %13s %11s %13s\n' "program" "native ms" "hexvm ms" \
            "qemu ms" "hexvm/native" "hexvm/qemu" "hexvm RSS MB"
        for flavor in $built; do
            startup_row "$flavor"
        done
    fi
    if selected fork; then
        echo
        local size
        size=$(workload_args fork)
        # shellcheck disable=SC2086  # two numbers, or fork.c's defaults
        set -- ${size:-256 100}
        echo "fork: a process touches $1 MiB, then forks $2 children one after another (each" \
            "writes one page and exits); RSS: the parent's (native, qemu), hexvm's"
        print_row "program" "native s" "hexvm s" "qemu s" "hexvm/native" "hexvm/qemu" \
            "hexvm RSS MB" "native RSS MB" "qemu RSS MB"
        for flavor in $built; do
            fork_row "$flavor"
        done
    fi
    if [ "${BENCH_REAL:-0}" = 1 ]; then
        echo
        HEXVM=$HEXVM bench/real.sh
    fi
    echo
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "total bench time: $(($(date +%s) - start)) s"
}

main "$@"
