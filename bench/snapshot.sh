#!/usr/bin/env bash
# bench/snapshot.sh — snapshot cost for a guest with 100 MiB and 1 GiB of touched, non-zero
# memory (bench/src/snapmem.c): "random" memory does not compress, "text" (log lines)
# compresses to about a third. For each size and kind it reports, plain (uncompressed)
# and zstd, the median of BENCH_SNAP_RUNS runs of:
#   * write: wall seconds to write the snapshot (hexvm's own report; the guest is
#     stopped, so this is the snapshot alone), the rate from them (guest memory saved
#     a second, GB/s), and the CPU seconds of every hexvm thread meanwhile;
#   * size: the file against the guest's non-zero memory (touched MiB), as a ratio;
#   * restore: wall and CPU seconds of `hexvm restore` on that file, which then runs at
#     most the last scheduler quantum (under 1 ms of guest time) and exits.
# The snapshot point is taken from a -Z run of the same guest: its instruction count less
# 500,000, i.e. inside the last scheduler quantum, after every page was touched.
# Targets (issue 5): write plain >= 1 GB/s, restore 100 MiB < 0.2 s, size <= non-zero + 1%.
# Environment: HEXVM (default ./hexvm), BENCH_SNAP_SIZES (default "100 1024"),
# BENCH_SNAP_KINDS (default "random text"), BENCH_SNAP_RUNS (default 3), BENCH_SNAP_DIR
# (where snapshots go, default bench/out/snapshot; e.g. a directory on /dev/shm separates
# hexvm's own cost from the disk's, since fsync is then free).
set -u
cd "$(dirname "$0")/.." || exit 2
HEXVM=${HEXVM:-./hexvm}
OUT=bench/out/snapshot
SNAPS=${BENCH_SNAP_DIR:-$OUT}
RUNS=${BENCH_SNAP_RUNS:-3}
mkdir -p "$OUT" "$SNAPS"
gcc -O2 -static -o "$OUT/snapmem" bench/src/snapmem.c || exit 2

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# one_run MIB KIND AT MODE-OPTION...: appends "write-s cpu-s bytes restore-s restore-cpu-s".
one_run() {
    local mib=$1 kind=$2 at=$3 snap=$SNAPS/m$1.$2.snap
    shift 3
    "$HEXVM" "$@" --snapshot-at "$at" "$snap" --snapshot-stop "$OUT/snapmem" "$mib" "$kind" \
        >/dev/null 2>"$OUT/take.err" || { cat "$OUT/take.err" >&2; return 1; }
    local bytes secs cpu TIMEFORMAT='%R %U %S'
    # (a hexvm older than the CPU figure in the report gives 0 there)
    read -r bytes secs cpu < <(sed -n 's/.*instructions, \([0-9]*\) bytes in \([0-9.]*\) s\(, \([0-9.]*\) s of CPU\)\{0,1\}).*/\1 \2 \4/p' "$OUT/take.err")
    { time "$HEXVM" restore "$snap" >"$OUT/restored.out" 2>"$OUT/restore.err"; } 2>"$OUT/restore.time" ||
        { cat "$OUT/restore.err" >&2; return 1; }
    cmp -s "$OUT/restored.out" "$OUT/full.out" || { echo "restored output differs" >&2; return 1; }
    rm -f "$snap"
    awk -v b="$bytes" -v s="$secs" -v c="${cpu:-0}" '{ print s, c, b, $1, $2 + $3 }' "$OUT/restore.time"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $RUNS runs each, medians"
printf '%-8s %-6s %-6s %9s %6s %8s %12s %7s %9s %8s\n' size kind mode write GB/s cpu bytes ratio \
    restore cpu
for mib in ${BENCH_SNAP_SIZES:-100 1024}; do
    for kind in ${BENCH_SNAP_KINDS:-random text}; do
        "$HEXVM" -Z --log "$OUT/stats" "$OUT/snapmem" "$mib" "$kind" >"$OUT/full.out" || exit 1
        total=$(awk '/guest instructions/ { print $3 }' "$OUT/stats")
        at=$((total - 500000))
        for mode in plain zstd; do
            opt=()
            [ $mode = plain ] && opt=(--snapshot-plain)
            : >"$OUT/runs"
            for ((r = 0; r < RUNS; r++)); do
                one_run "$mib" "$kind" "$at" "${opt[@]}" >>"$OUT/runs" || exit 1
            done
            w=$(awk '{ print $1 }' "$OUT/runs" | median)
            c=$(awk '{ print $2 }' "$OUT/runs" | median)
            b=$(awk '{ print $3 }' "$OUT/runs" | median)
            rw=$(awk '{ print $4 }' "$OUT/runs" | median)
            rc=$(awk '{ print $5 }' "$OUT/runs" | median)
            awk -v m="${mib}MiB" -v k="$kind" -v mode=$mode -v w="$w" -v c="$c" -v b="$b" \
                -v mib="$mib" -v rw="$rw" -v rc="$rc" \
                'BEGIN { printf "%-8s %-6s %-6s %8.3fs %6.2f %7.3fs %12d %7.4f %8.3fs %7.3fs\n",
                         m, k, mode, w, (w > 0 ? mib * 1048576 / w / 1e9 : 0), c, b,
                         b / (mib * 1048576),
                         rw, rc }'
        done
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
