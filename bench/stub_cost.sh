#!/usr/bin/env bash
# bench/stub_cost.sh — what the gdb stub costs a program that does not use it (issue 6:
# "tracing off costs nothing measurable"). Builds a second hexvm with the stub compiled
# out (`make GDB_STUB=0`, into bench/out/nostub/) and runs the five CPU workloads
# (gcc -O2 -static x86-64) under both, alternating, BENCH_STUB_ROUNDS times (default 5).
# Prints per workload the median CPU seconds (user + system: a busy machine disturbs it
# less than the wall time) of each build and their ratio, then the geometric mean of the
# ratios. Both builds must print what the native run prints, or the row says WRONG.
# Environment: BENCH_STUB_ROUNDS, BENCH_FILTER (a regex over the workload names).
set -u
cd "$(dirname "$0")/.." || exit 2
OUT=bench/out
NOSTUB=$OUT/nostub
ROUNDS=${BENCH_STUB_ROUNDS:-5}
WORKLOADS="int string sort float interp"

mkdir -p "$NOSTUB"
cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -o "$OUT/measure" bench/measure.c || exit 2
make -s hexvm >/dev/null || exit 2
make -s GDB_STUB=0 BUILD="$NOSTUB/build" HEXVM_OUT="$NOSTUB/hexvm" "$NOSTUB/hexvm" >/dev/null ||
    exit 2
if ./hexvm -v | grep -q 'gdb stub: no' || ! "$NOSTUB/hexvm" -v | grep -q 'gdb stub: no'; then
    echo "stub_cost: the two builds do not differ in the gdb stub (hexvm -v)" >&2
    exit 2
fi

# cpu_seconds CMD...: the median CPU seconds of one measured run, or "WRONG"/"FAILED".
cpu_seconds() {
    local expected=$1 line
    shift
    line=$("$OUT/measure" -n 1 -o "$OUT/stub_cost.out" -- "$@") || {
        echo FAILED
        return
    }
    if ! cmp -s "$expected" "$OUT/stub_cost.out"; then
        echo WRONG
        return
    fi
    printf '%s\n' "$line" | tr ' ' '\n' | sed -n 's/^cpu_s=//p'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf '%-8s %12s %12s %10s\n' workload 'with stub s' 'without s' with/without
logsum=0
rows=0
for w in $WORKLOADS; do
    [ -n "${BENCH_FILTER:-}" ] && ! printf '%s\n' "$w" | grep -Eq -- "$BENCH_FILTER" && continue
    prog=$OUT/$w.gcc64
    gcc -O2 -static -o "$prog" "bench/src/$w.c" -lm || exit 2
    "$prog" >"$OUT/$w.gcc64.native.out" || exit 2
    : >"$OUT/stub_cost.with"
    : >"$OUT/stub_cost.without"
    bad=
    for _ in $(seq "$ROUNDS"); do
        a=$(cpu_seconds "$OUT/$w.gcc64.native.out" ./hexvm "$prog")
        b=$(cpu_seconds "$OUT/$w.gcc64.native.out" "$NOSTUB/hexvm" "$prog")
        case "$a$b" in *WRONG* | *FAILED*) bad="$a/$b" && break ;; esac
        echo "$a" >>"$OUT/stub_cost.with"
        echo "$b" >>"$OUT/stub_cost.without"
    done
    if [ -n "$bad" ]; then
        printf '%-8s %s\n' "$w" "$bad"
        continue
    fi
    with=$(median <"$OUT/stub_cost.with")
    without=$(median <"$OUT/stub_cost.without")
    ratio=$(awk -v a="$with" -v b="$without" 'BEGIN { printf "%.3f", a / b }')
    printf '%-8s %12.3f %12.3f %10s\n' "$w" "$with" "$without" "${ratio}x"
    logsum=$(awk -v s="$logsum" -v r="$ratio" 'BEGIN { print s + log(r) }')
    rows=$((rows + 1))
done
[ "$rows" -gt 0 ] &&
    awk -v s="$logsum" -v n="$rows" 'BEGIN { printf "geometric mean of with/without: %.3fx\n", exp(s / n) }'
