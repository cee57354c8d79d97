#!/usr/bin/env bash
# stage0 suite: the stage0-posix bootstrap (hex0 seed -> hex1 -> hex2 -> M0 -> cc -> M2-Planet
# -> mescc-tools -> kaem, M2-Mesoplanet, the mescc-tools-extra utilities), run entirely
# under hexvm, for x86 and AMD64. Hundreds of guest processes, each started by the guest's
# own fork/clone + execve + waitpid; every later stage is built by the one before, so a
# single wrong flag, byte or file operation anywhere shows up as a wrong final binary.
#
#   stage0.x86     $HEXVM ./bootstrap-seeds/POSIX/x86/kaem-optional-seed
#   stage0.amd64   $HEXVM ./bootstrap-seeds/POSIX/AMD64/kaem-optional-seed
#   stage0.ARCH.overlay  the same with --overlay --export DIR: the tree must stay
#                  byte-identical and DIR must hold the artifacts that pass the answers
#   stage0.ARCH.snapshot  the bootstrap stopped by --snapshot-at STAGE0_SNAP_AT (default
#                  150M instructions: cc_ARCH compiling M2-Planet, which the snapshot's
#                  process list must show), the tree then copied elsewhere and the first
#                  copy removed, and the machine restored over the new copy (--root pointing
#                  to a directory that holds it at the first copy's path); answers as above
#   stage0.ARCH.snapshot.overlay  the same under --overlay, restored with --overlay --export
#
# Each case works on its own copy of the tree, tests/out/stage0/ARCH/tree (cp -a of
# $STAGE0_POSIX, with ARCH/bin and ARCH/artifact emptied first so that nothing left over
# from an earlier build can stand in for what hexvm should produce). The bootstrap runs
# from the copy's root with stdin from /dev/null, a minimal environment (env -i) and a time
# limit; stdout and stderr go to tests/out/stage0/ARCH/hexvm.out and hexvm.err. Then
# `sha256sum -c ARCH.answers` runs natively in the copy. PASS needs hexvm's exit status 0
# and every line of the answers file OK (the PASS line is followed by e.g. "19/19 OK").
#
# The tree is not part of hexvm: assemble it once (tests/README.md, "The stage0-posix
# tree") and point STAGE0_POSIX at it. Without it both cases SKIP.
#
# Usage: tests/stage0/run.sh [NAME-GLOB...]   e.g.  tests/stage0/run.sh stage0.amd64
# Environment: HEXVM, HEXVM_JOBS (1: the two arches one after the other), STAGE0_POSIX
# (the tree), STAGE0_TIMEOUT (seconds per bootstrap under hexvm, default 1200),
# STAGE0_SNAP_AT (the snapshot cases' point).

source "$(dirname "$0")/../lib.sh"
suite_init stage0
TIMEOUT=${STAGE0_TIMEOUT:-1200}
SNAP_AT=${STAGE0_SNAP_AT:-150000000}
ARCHES="x86 amd64"

# seed_arch ARCH: the directory name stage0-posix uses for ARCH (under bootstrap-seeds/POSIX/
# and at the top of the tree).
seed_arch() {
    case $1 in
    x86) echo x86 ;;
    amd64) echo AMD64 ;;
    esac
}

# clean_outputs TREE ARCH: empties TREE/ARCH/bin and TREE/ARCH/artifact, keeping the
# placeholder files the stage0-posix repositories ship there. The bootstrap writes only
# into these two directories.
clean_outputs() {
    local d
    for d in "$1/$(seed_arch "$2")/bin" "$1/$(seed_arch "$2")/artifact"; do
        [ -d "$d" ] || continue
        find "$d" -mindepth 1 ! -name placeholder ! -name README -exec rm -rf {} +
    done
}

# check_answers DIR ANSWERS REPORT: natively `sha256sum -c ANSWERS` (a path) in DIR, output
# to REPORT. Sets ANSWERS_OK and ANSWERS_ALL (line counts); true when every line is OK.
check_answers() {
    local dir=$1 answers=$2 report=$3
    (cd "$dir" && sha256sum -c "$answers") >"$report" 2>&1
    ANSWERS_ALL=$(grep -c . "$answers")
    ANSWERS_OK=$(grep -c ': OK$' "$report")
    [ "$ANSWERS_ALL" -gt 0 ] && [ "$ANSWERS_OK" -eq "$ANSWERS_ALL" ]
}

# fresh_tree NAME ARCH TREE: a copy of $STAGE0_POSIX at TREE with ARCH's outputs emptied;
# false (NAME failed) when it cannot be made or is no stage0-posix tree.
fresh_tree() {
    local name=$1 arch=$2 tree=$3
    mkdir -p "$(dirname "$tree")"
    if ! cp -a "$STAGE0_POSIX/." "$tree" 2>"$tree.copy.err"; then
        result_fail "$name" "cannot copy $STAGE0_POSIX" "$tree.copy.err"
        return 1
    fi
    if [ ! -f "$tree/$(seed_of "$arch")" ] || [ ! -f "$tree/$arch.answers" ]; then
        result_fail "$name" "STAGE0_POSIX has no $(seed_of "$arch") or $arch.answers (not a stage0-posix tree with its submodules?)"
        return 1
    fi
    clean_outputs "$tree" "$arch"
}

# seed_of ARCH: the seed that starts ARCH's bootstrap, relative to the tree.
seed_of() { echo "./bootstrap-seeds/POSIX/$(seed_arch "$1")/kaem-optional-seed"; }

# run_in TREE LOG HEXVM-ARGS...: hexvm from TREE's root with stdin /dev/null, a minimal
# environment and the time limit; stdout and stderr to LOG.out and LOG.err. Its status.
run_in() {
    local tree=$1 log=$2
    shift 2
    (cd "$tree" && exec env -i PATH=/usr/bin:/bin HOME=/nonexistent LANG=C LC_ALL=C \
        timeout -k 10 "$TIMEOUT" "$HEXVM" "$@") </dev/null >"$log.out" 2>"$log.err"
}

# bootstrap_case NAME ARCH: one bootstrap under hexvm in a fresh copy of the tree, then the
# native answers check. Files stay in tests/out/stage0/ARCH/ (removed on the next run).
bootstrap_case() {
    local name=$1 arch=$2 dir=$OUT/$2 rc start secs
    rm -rf "$dir"
    fresh_tree "$name" "$arch" "$dir/tree" || return
    start=$(date +%s)
    run_in "$dir/tree" "$dir/hexvm" "$(seed_of "$arch")"
    rc=$?
    secs=$(($(date +%s) - start))
    check_answers "$dir/tree" "$dir/tree/$arch.answers" "$dir/answers.txt"
    local answers_ok=$?
    if [ "$rc" -eq 0 ] && [ "$answers_ok" -eq 0 ]; then
        result_pass "$name"
        echo "    $ANSWERS_OK/$ANSWERS_ALL OK, $secs s under hexvm" >>"$(result_file "$name")"
        return
    fi
    local why detail=$dir/detail
    case $rc in
    0) why="hexvm exited 0" ;;
    124) why="timed out after ${TIMEOUT}s (STAGE0_TIMEOUT)" ;;
    137) why="killed by SIGKILL (still running ${TIMEOUT}s + 10s after the start, or OOM)" ;;
    *) why="hexvm exited with status $rc" ;;
    esac
    why+=", $ANSWERS_OK/$ANSWERS_ALL answers OK"
    {
        tail -n 3 "$dir/hexvm.err" | sed 's/^/stderr: /'
        tail -n 2 "$dir/hexvm.out" | sed 's/^/stdout: /'
        grep -m1 -v ': OK$' "$dir/answers.txt" | sed 's/^/answers: /'
        echo "(all in ${dir#"$ROOT"/}/: hexvm.out, hexvm.err, answers.txt)"
    } >"$detail"
    result_fail "$name" "$why" "$detail"
}

# fingerprint TREE: every path under TREE with its type, mode, size, mtime and (for files)
# contents hash, sorted: equal fingerprints mean nothing in the tree changed.
fingerprint() {
    (cd "$1" && find . -printf '%y %m %s %T@ %p\n' | sort &&
        find . -type f -print0 | sort -z | xargs -0 sha256sum)
}

# overlay_case NAME ARCH: the same bootstrap under `hexvm --overlay --export DIR` on a copy
# that must stay byte-identical (every write goes to the overlay); the artifacts must then
# be in DIR, at the tree's path, and pass the answers there.
overlay_case() {
    local name=$1 arch=$2 dir=$OUT/$2.overlay rc start secs
    rm -rf "$dir"
    fresh_tree "$name" "$arch" "$dir/tree" || return
    fingerprint "$dir/tree" >"$dir/before.txt"
    start=$(date +%s)
    run_in "$dir/tree" "$dir/hexvm" --overlay --export "$dir/export" "$(seed_of "$arch")"
    rc=$?
    secs=$(($(date +%s) - start))
    fingerprint "$dir/tree" >"$dir/after.txt"
    local exported=$dir/export$(cd "$dir/tree" && pwd) answers_ok=1
    cp "$dir/tree/$arch.answers" "$dir/answers.list"
    if [ -d "$exported" ]; then
        check_answers "$exported" "$dir/answers.list" "$dir/answers.txt" && answers_ok=0
    else
        ANSWERS_OK=0 ANSWERS_ALL=$(grep -c . "$dir/answers.list")
        echo "nothing exported at $exported" >"$dir/answers.txt"
    fi
    if [ "$rc" -eq 0 ] && [ "$answers_ok" -eq 0 ] && cmp -s "$dir/before.txt" "$dir/after.txt"; then
        result_pass "$name"
        echo "    $ANSWERS_OK/$ANSWERS_ALL OK in the export, tree unchanged, $secs s under hexvm" \
            >>"$(result_file "$name")"
        return
    fi
    {
        cmp -s "$dir/before.txt" "$dir/after.txt" ||
            diff "$dir/before.txt" "$dir/after.txt" | head -n 3 | sed 's/^/tree changed: /'
        tail -n 3 "$dir/hexvm.err" | sed 's/^/stderr: /'
        grep -m1 -v ': OK$' "$dir/answers.txt" | sed 's/^/answers: /'
    } >"$dir/detail"
    result_fail "$name" "hexvm exited $rc, $ANSWERS_OK/$ANSWERS_ALL answers OK in the export" "$dir/detail"
}

# snapshot_case NAME ARCH OVERLAY(0/1): see the header. Files in tests/out/stage0/NAME/.
snapshot_case() {
    local name=$1 arch=$2 overlay=$3 dir=$OUT/$1 rc start secs tree_a opts=()
    [ "$overlay" = 1 ] && opts=(--overlay)
    rm -rf "$dir"
    fresh_tree "$name" "$arch" "$dir/a/tree" || return
    tree_a=$(cd "$dir/a/tree" && pwd)
    start=$(date +%s)
    run_in "$tree_a" "$dir/first" "${opts[@]}" --snapshot-at "$SNAP_AT" "$dir/machine.snap" \
        --snapshot-stop "$(seed_of "$arch")"
    rc=$?
    "$HEXVM" snapshot info "$dir/machine.snap" >"$dir/info.txt" 2>&1
    if [ $rc -ne 0 ] || ! grep -q "^process .*/artifact/cc_" "$dir/info.txt"; then
        { tail -n 3 "$dir/first.err"; grep '^process' "$dir/info.txt"; } >"$dir/detail"
        result_fail "$name" "no snapshot during cc_$arch's compile of M2-Planet (status $rc)" "$dir/detail"
        return
    fi
    mkdir -p "$dir/b$(dirname "$tree_a")"
    cp -a "$tree_a" "$dir/b$tree_a" && rm -rf "$dir/a"
    fingerprint "$dir/b$tree_a" >"$dir/before.txt"
    [ "$overlay" = 1 ] && opts+=(--export "$dir/export")
    run_in "$dir/b$tree_a" "$dir/second" --root "$dir/b" "${opts[@]}" restore "$dir/machine.snap"
    rc=$?
    secs=$(($(date +%s) - start))
    local checked=$dir/b$tree_a unchanged=1
    if [ "$overlay" = 1 ]; then
        checked=$dir/export$tree_a
        fingerprint "$dir/b$tree_a" | cmp -s - "$dir/before.txt" || unchanged=0
    fi
    cp "$dir/b$tree_a/$arch.answers" "$dir/answers.list"
    check_answers "$checked" "$dir/answers.list" "$dir/answers.txt"
    if [ $rc -eq 0 ] && [ "$ANSWERS_OK" -eq "$ANSWERS_ALL" ] && [ $unchanged = 1 ]; then
        result_pass "$name"
        echo "    $ANSWERS_OK/$ANSWERS_ALL OK after a restore in another directory, $secs s in all" \
            >>"$(result_file "$name")"
        return
    fi
    {
        [ $unchanged = 1 ] || echo "the tree changed under --overlay"
        tail -n 3 "$dir/second.err" | sed 's/^/stderr: /'
        grep -m1 -v ': OK$' "$dir/answers.txt" | sed 's/^/answers: /'
    } >"$dir/detail"
    result_fail "$name" "restored hexvm exited $rc, $ANSWERS_OK/$ANSWERS_ALL answers OK" "$dir/detail"
}

# cases_for_arch ARCH: the one place that lists the cases run for ARCH.
cases_for_arch() {
    local arch=$1
    shift
    name_selected "stage0.$arch" "$@" && run_limited bootstrap_case "stage0.$arch" "$arch"
    name_selected "stage0.$arch.overlay" "$@" &&
        run_limited overlay_case "stage0.$arch.overlay" "$arch"
    name_selected "stage0.$arch.snapshot" "$@" &&
        run_limited snapshot_case "stage0.$arch.snapshot" "$arch" 0
    name_selected "stage0.$arch.snapshot.overlay" "$@" &&
        run_limited snapshot_case "stage0.$arch.snapshot.overlay" "$arch" 1
    return 0
}

if [ -z "${STAGE0_POSIX:-}" ] || [ ! -d "$STAGE0_POSIX" ]; then
    for arch in $ARCHES; do
        result_skip "stage0.$arch" "STAGE0_POSIX not set (see tests/README.md)"
        result_skip "stage0.$arch.overlay" "STAGE0_POSIX not set (see tests/README.md)"
        result_skip "stage0.$arch.snapshot" "STAGE0_POSIX not set (see tests/README.md)"
        result_skip "stage0.$arch.snapshot.overlay" "STAGE0_POSIX not set (see tests/README.md)"
    done
    suite_report
    exit
fi
STAGE0_POSIX=$(cd "$STAGE0_POSIX" && pwd)

for arch in $ARCHES; do
    cases_for_arch "$arch" "$@"
done
suite_report
