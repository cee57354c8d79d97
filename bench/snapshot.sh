#!/usr/bin/env bash
# bench/snapshot.sh — snapshot cost for a guest with 100 MiB and 1 GiB of touched, non-zero,
# incompressible memory (bench/src/snapmem.c). For each size it reports, plain (uncompressed)
# and zstd:
#   * write: seconds and GB/s to write the snapshot (hexvm's own report; the guest is
#     stopped, so this is the snapshot alone);
#   * size: the file against the guest's non-zero memory (touched MiB), as a ratio;
#   * restore: wall seconds of `hexvm restore` on that file, which then runs at most the
#     last scheduler quantum (under 1 ms of guest time) and exits.
# The snapshot point is taken from a -Z run of the same guest: its instruction count less
# 500,000, i.e. inside the last scheduler quantum, after every page was touched.
# Targets (issue 5): write plain >= 1 GB/s, restore 100 MiB < 0.2 s, size <= non-zero + 1%.
# Environment: HEXVM (default ./hexvm), BENCH_SNAP_SIZES (default "100 1024"),
# BENCH_SNAP_DIR (where snapshots go, default bench/out/snapshot; e.g. a directory on
# /dev/shm separates hexvm's own cost from the disk's, since fsync is then free).
set -u
cd "$(dirname "$0")/.." || exit 2
HEXVM=${HEXVM:-./hexvm}
OUT=bench/out/snapshot
SNAPS=${BENCH_SNAP_DIR:-$OUT}
mkdir -p "$OUT" "$SNAPS"
gcc -O2 -static -o "$OUT/snapmem" bench/src/snapmem.c || exit 2

now() { date +%s.%N; }

printf '%-8s %-6s %10s %8s %12s %8s %10s\n' size mode write GB/s bytes ratio restore
for mib in ${BENCH_SNAP_SIZES:-100 1024}; do
    "$HEXVM" -Z --log "$OUT/stats" "$OUT/snapmem" "$mib" >"$OUT/full.out" || exit 1
    total=$(awk '/guest instructions/ { print $3 }' "$OUT/stats")
    at=$((total - 500000))
    for mode in plain zstd; do
        opt=()
        [ $mode = plain ] && opt=(--snapshot-plain)
        snap=$SNAPS/m$mib.$mode.snap
        "$HEXVM" "${opt[@]}" --snapshot-at "$at" "$snap" --snapshot-stop "$OUT/snapmem" "$mib" \
            >/dev/null 2>"$OUT/take.err" || { cat "$OUT/take.err"; exit 1; }
        read -r bytes secs < <(sed -n 's/.*instructions, \([0-9]*\) bytes in \([0-9.]*\) s.*/\1 \2/p' "$OUT/take.err")
        start=$(now)
        "$HEXVM" restore "$snap" >"$OUT/restored.out" || exit 1
        rsecs=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
        cmp -s "$OUT/restored.out" "$OUT/full.out" || { echo "restored output differs"; exit 1; }
        awk -v m="${mib}MiB" -v mode=$mode -v s="$secs" -v b="$bytes" -v mib="$mib" -v r="$rsecs" \
            'BEGIN { printf "%-8s %-6s %9.3fs %8.2f %12d %8.4f %9.3fs\n", m, mode, s,
                     (s > 0 ? b / s / 1e9 : 0), b, b / (mib * 1048576), r }' 
        rm -f "$snap"
    done
done
