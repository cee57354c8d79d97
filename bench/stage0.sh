#!/usr/bin/env bash
# bench/stage0.sh — the stage0-posix bootstrap as a whole-system benchmark. See
# bench/README.md ("stage0-posix bootstrap").
#
# For each architecture (x86, then AMD64) it runs the full bootstrap
#     ./bootstrap-seeds/POSIX/<x86|AMD64>/kaem-optional-seed
# natively, under hexvm and (where it can follow the guest's execve, see qemu_note)
# under qemu-user, one after the other, each in a fresh copy of the tree under
# bench/out/stage0/ARCH.RUNNER/tree. A run counts only when it exits 0 and
# `sha256sum -c ARCH.answers` (run natively in its copy) says OK for every line;
# otherwise the row says FAIL or WRONG with the reason instead of a time.
#
# Environment:
#   STAGE0_POSIX=dir          the assembled stage0-posix tree (required; without it the
#                             script prints why and exits 0)
#   HEXVM=path                emulator to measure (default ./hexvm)
#   BENCH_STAGE0_ARCHES="..." subset of: x86 amd64 (default both)
#   BENCH_STAGE0_TIMEOUT=s    kill limit per bootstrap under an emulator (default 1200;
#                             the native runs get NATIVE_LIMIT, 3600 s)
#   BENCH_QEMU=0              skip qemu even when it could run
set -u

cd "$(dirname "$0")/.." || exit 2
ROOT=$PWD
OUT=$ROOT/bench/out/stage0

HEXVM=${HEXVM:-./hexvm}
case $HEXVM in /*) ;; *) HEXVM=$ROOT/${HEXVM#./} ;; esac
ARCHES=${BENCH_STAGE0_ARCHES:-x86 amd64}
TIMEOUT=${BENCH_STAGE0_TIMEOUT:-1200}
NATIVE_LIMIT=3600

if [ -z "${STAGE0_POSIX:-}" ] || [ ! -d "${STAGE0_POSIX:-}" ]; then
    echo "stage0 bench: skipped — STAGE0_POSIX is not set to a stage0-posix tree"
    echo "  (how to assemble one: tests/README.md, \"The stage0-posix tree\")"
    exit 0
fi
STAGE0_POSIX=$(cd "$STAGE0_POSIX" && pwd)

seed_arch() {
    case $1 in
    x86) echo x86 ;;
    amd64) echo AMD64 ;;
    *) return 1 ;;
    esac
}

qemu_name() {
    case $1 in
    x86) echo qemu-i386 ;;
    amd64) echo qemu-x86_64 ;;
    esac
}

# qemu_note ARCH: prints why qemu-user cannot be measured on ARCH (nothing when it can).
# qemu-user runs only the process it was started with: the guest's execve goes straight
# to the host kernel, so every child of the bootstrap (all but the first kaem) would run
# natively and the time would mean nothing. Only a binfmt_misc entry that hands ARCH's
# ELF files to qemu makes the children go through it too.
qemu_note() {
    local q e
    [ "${BENCH_QEMU:-1}" = 0 ] && { echo "skipped (BENCH_QEMU=0)"; return; }
    q=$(qemu_name "$1")
    command -v "$q" >/dev/null || { echo "$q is not installed"; return; }
    for e in /proc/sys/fs/binfmt_misc/*; do
        [ -f "$e" ] || continue
        case ${e##*/} in register | status) continue ;; esac
        if grep -qx enabled "$e" && grep -q "^interpreter .*/$q\(-static\)\?\$" "$e"; then
            return 0
        fi
    done
    echo "$q does not follow the guest's execve and no binfmt_misc entry routes $1 ELF files to it, so all but the first process would run natively"
}

# clean_outputs TREE ARCH: the bootstrap writes only into ARCH/bin and ARCH/artifact;
# empty them (keeping the shipped placeholder files) so a copy of a used tree starts clean.
clean_outputs() {
    local d
    for d in "$1/$(seed_arch "$2")/bin" "$1/$(seed_arch "$2")/artifact"; do
        [ -d "$d" ] || continue
        find "$d" -mindepth 1 ! -name placeholder ! -name README -exec rm -rf {} +
    done
}

# run_one ARCH RUNNER [EMULATOR...]: one bootstrap in a fresh copy. Sets R_CELL (seconds,
# or FAIL / WRONG), R_OK (1 when the time counts), R_SECS, R_RSS (MB or -), R_ANSWERS
# (e.g. 19/19) and appends a note to NOTES when it did not count.
run_one() {
    local arch=$1 runner=$2 dir line kv status=missing secs=0 rss=0 total ok limit=$TIMEOUT
    shift 2
    [ "$runner" = native ] && limit=$NATIVE_LIMIT
    dir=$OUT/$arch.$runner
    R_OK=0 R_CELL=FAIL R_SECS=0 R_RSS=- R_ANSWERS=-
    rm -rf "$dir"
    mkdir -p "$dir"
    if ! cp -a "$STAGE0_POSIX/." "$dir/tree"; then
        NOTES+="    $runner FAILED: cannot copy $STAGE0_POSIX"$'\n'
        return
    fi
    clean_outputs "$dir/tree" "$arch"
    : >"$dir/run.err"
    # timeout(1) kills the whole process group, i.e. every process of the bootstrap; the
    # peak RSS measure reports is ru_maxrss through wait4, which covers the largest
    # single process of the tree (the kernel passes it up as children are reaped).
    line=$(cd "$dir/tree" && env -i PATH=/usr/bin:/bin HOME=/nonexistent LANG=C LC_ALL=C \
        "$OUT/measure" -n 1 -o "$dir/run.out" -e "$dir/run.err" -- \
        timeout -k 10 "$limit" "$@" "./bootstrap-seeds/POSIX/$(seed_arch "$arch")/kaem-optional-seed" \
        </dev/null)
    for kv in $line; do
        case $kv in
        status=*) status=${kv#status=} ;;
        median_s=*) secs=${kv#median_s=} ;;
        maxrss_kb=*) rss=${kv#maxrss_kb=} ;;
        esac
    done
    (cd "$dir/tree" && sha256sum -c "$arch.answers") >"$dir/answers.txt" 2>&1
    total=$(grep -c . "$dir/tree/$arch.answers")
    ok=$(grep -c ': OK$' "$dir/answers.txt")
    R_ANSWERS=$ok/$total
    case $status in
    ok) ;;
    exit:124 | exit:137)
        status="timeout (killed after ${limit}s"
        if [ "$runner" = native ]; then status+=")"; else status+="; BENCH_STAGE0_TIMEOUT)"; fi
        ;;
    esac
    if [ "$status" != ok ]; then
        local first
        first=$(grep -m1 . "$dir/run.err" 2>/dev/null | cut -c1-100)
        NOTES+="    $runner FAILED: $status, $R_ANSWERS answers OK${first:+ — stderr: $first}"$'\n'
        NOTES+="      (its output: ${dir#"$ROOT"/}/run.out, run.err)"$'\n'
        return
    fi
    R_RSS=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
    if [ "$ok" -ne "$total" ] || [ "$total" -eq 0 ]; then
        R_CELL=WRONG
        NOTES+="    $runner WRONG: exited 0 but only $R_ANSWERS answers OK (${dir#"$ROOT"/}/answers.txt)"$'\n'
        return
    fi
    R_OK=1 R_SECS=$secs
    R_CELL=$(awk -v s="$secs" 'BEGIN { printf "%.1f", s }')
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }

print_row() {
    printf '%-6s %9s %9s %9s %13s %11s %14s %13s %12s\n' "$@"
}

main() {
    local arch n_cell n_ok n_secs n_rss h_cell h_ok h_secs h_rss q_cell q_ok q_secs q_rss
    local hn hq note start
    start=$(date +%s)
    mkdir -p "$OUT"
    if ! cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -o "$OUT/measure" bench/measure.c; then
        echo "stage0 bench: cannot build bench/measure.c" >&2
        exit 2
    fi
    for arch in $ARCHES; do
        seed_arch "$arch" >/dev/null || { echo "stage0 bench: unknown arch '$arch' (x86 amd64)" >&2; exit 2; }
    done

    echo "stage0-posix bootstrap benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
    echo "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
    echo "tree: $STAGE0_POSIX"
    echo "one run per cell, one after the other; a time counts only with every answer OK"
    if [ -x "$HEXVM" ]; then
        echo "hexvm: $HEXVM"
    else
        echo "hexvm: $HEXVM is missing or not executable — its column reads n/a (build it with make)"
    fi
    for arch in $ARCHES; do
        note=$(qemu_note "$arch")
        echo "qemu ($arch): ${note:-$(qemu_name "$arch") — $("$(qemu_name "$arch")" --version | head -1)}"
    done
    echo
    print_row arch "native s" "hexvm s" "qemu s" "hexvm/native" "hexvm/qemu" "native RSS MB" "hexvm RSS MB" "qemu RSS MB"

    for arch in $ARCHES; do
        NOTES=
        h_cell=n/a h_ok=0 h_rss=- q_cell=n/a q_ok=0 q_rss=- hn=- hq=-
        run_one "$arch" native
        n_cell=$R_CELL n_ok=$R_OK n_secs=$R_SECS n_rss=$R_RSS
        if [ "$n_ok" = 1 ]; then
            if [ -x "$HEXVM" ]; then
                run_one "$arch" hexvm "$HEXVM"
                h_cell=$R_CELL h_ok=$R_OK h_secs=$R_SECS h_rss=$R_RSS
            fi
            if [ -z "$(qemu_note "$arch")" ]; then
                run_one "$arch" qemu "$(command -v "$(qemu_name "$arch")")"
                q_cell=$R_CELL q_ok=$R_OK q_secs=$R_SECS q_rss=$R_RSS
            fi
        else
            NOTES+="    (emulators not run: without a good native run the tree or the host is at fault)"$'\n'
        fi
        [ "$h_ok" = 1 ] && hn=$(ratio "$h_secs" "$n_secs")
        [ "$h_ok" = 1 ] && [ "$q_ok" = 1 ] && hq=$(ratio "$h_secs" "$q_secs")
        print_row "$arch" "$n_cell" "$h_cell" "$q_cell" "$hn" "$hq" "$n_rss" "$h_rss" "$q_rss"
        printf '%s' "$NOTES"
    done
    echo
    echo "total bench time: $(($(date +%s) - start)) s"
}

main "$@"
