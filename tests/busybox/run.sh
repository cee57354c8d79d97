#!/usr/bin/env bash
# Busybox suite: shell scripts run by Debian's static busybox (package busybox-static),
# natively (the oracle) and under hexvm, and the runs must agree.
#
# Every tests/busybox/cases/NAME.sh is one test, busybox.NAME, run as
#     $BUSYBOX sh CASES/NAME.sh                 natively, twice
#     $HEXVM $BUSYBOX sh CASES/NAME.sh          under hexvm
# Each run: a fresh empty scratch directory as working directory, stdin from /dev/null,
# umask 022, core dumps off, environment replaced (env -i) by PATH=$OUT/bin, HOME, LANG,
# LC_ALL and TZ, and a time limit (a hang is a FAIL). $OUT/bin (tests/out/busybox/bin)
# holds one symlink to $BUSYBOX per applet in APPLETS below, and nothing else, so `sort`,
# `sed`, a `#!.../bin/sh` line etc. reach busybox whether or not this busybox prefers its
# own applets; a case that needs another applet must add it to APPLETS.
#
# Compared: stdout byte for byte; the exit status (death by signal N is 128+N); the files
# left in the scratch directory (diff -r --no-dereference), and a listing of their types,
# modes, link counts and symlink targets (no times, owners or sizes of directories).
# Stderr is kept for diagnosis, not compared. The two native runs must agree with each
# other too; when they do not, the case itself is at fault ("test defect").
#
# Writing a case: print only what two native runs in different scratch directories
# print alike — never pids, times, random names, absolute paths ($PWD, $0), owners,
# `ls -l` lines or directory-order output (sort what find prints); leave no fifo
# behind, and no archive that records times (tar, gzip): remove it or compare it.
#
# Usage: tests/busybox/run.sh [NAME-GLOB...]   e.g.  tests/busybox/run.sh 'busybox.tr*' sed
# Environment: HEXVM, HEXVM_JOBS, BUSYBOX (default /bin/busybox), BUSYBOX_TIMEOUT
# (seconds per run, default 120).

source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../compare.sh"
suite_init busybox
CASES=$TESTS_DIR/busybox/cases
BUSYBOX=${BUSYBOX:-/bin/busybox}
# shellcheck disable=SC2034  # read by compare.sh
TIMEOUT=${BUSYBOX_TIMEOUT:-120}
BIN=$OUT/bin
# shellcheck disable=SC2034  # read by compare.sh
RUN_PATH=$BIN

APPLETS="sh [ awk basename cat chmod cmp cp cut diff dirname echo env expr false find
 grep gunzip gzip head kill ln ls md5sum mkdir mkfifo mv nl od paste printf readlink rev
 rm rmdir sed seq sha1sum sha256sum sleep sort stat tac tail tar tee test touch tr true
 uniq wc xargs yes"

# busybox_missing: prints why the static busybox cannot be used here (nothing when it can).
busybox_missing() {
    local how
    if [ ! -f "$BUSYBOX" ] || [ ! -x "$BUSYBOX" ]; then
        echo "$BUSYBOX not found (apt-get install busybox-static)"
        return
    fi
    if command -v file >/dev/null 2>&1; then
        how=$(file -L "$BUSYBOX" 2>&1)
        case $how in *"statically linked"* | *"static-pie linked"*) ;;
        *) echo "$BUSYBOX is not statically linked (according to file)"; return ;;
        esac
    elif command -v ldd >/dev/null 2>&1; then
        how=$(ldd "$BUSYBOX" 2>&1)
        case $how in *"not a dynamic executable"* | *"statically linked"*) ;;
        *) echo "$BUSYBOX is not statically linked (ldd lists libraries)"; return ;;
        esac
    else
        echo "neither file nor ldd installed: cannot tell whether $BUSYBOX is static"
        return
    fi
    local list a missing=""
    list=" $("$BUSYBOX" --list 2>/dev/null | tr '\n' ' ') "
    for a in $APPLETS; do
        case $list in *" $a "*) ;; *) missing="$missing $a" ;; esac
    done
    [ -z "$missing" ] || echo "$BUSYBOX lacks applets:$missing"
}

# make_bin: $BIN holds exactly one symlink to $BUSYBOX per applet (under a lock: another
# run of this suite may be doing the same).
make_bin() {
    local lockfd a f
    mkdir -p "$BIN"
    exec {lockfd}>"$OUT/bin.lock"
    flock "$lockfd"
    for f in "$BIN"/* "$BIN"/.[!.]*; do
        [ -e "$f" ] || [ -L "$f" ] || continue
        case " $APPLETS " in *[[:space:]]"${f##*/}"[[:space:]]*) ;; *) rm -rf "$f" ;; esac
    done
    for a in $APPLETS; do
        [ "$(readlink "$BIN/$a")" = "$BUSYBOX" ] || ln -sfn "$BUSYBOX" "$BIN/$a"
    done
    exec {lockfd}>&-
}

# run_one DIR CMD...: run CMD with cwd DIR/cwd (fresh); record stdout, stderr, the exit
# status and the listing of the files left in DIR.
run_one() {
    local dir=$1
    shift
    rm -rf "$dir"
    mkdir -p "$dir/cwd"
    sandbox_run "$dir/cwd" /nonexistent "$dir/stdout" "$dir/stderr" "$@"
    echo $? >"$dir/status"
    list_files "$dir"
}

# differences A B: prints the reasons runs A and B differ, one per line, and leaves the
# differences in B/stdout.diff and B/files.diff (paths shown relative: A/..., B/...).
differences() {
    status_difference "$1" "$2"
    stdout_difference "$1" "$2"
    files_difference "$1" "$2"
}

# one_case NAME SCRIPT: run SCRIPT natively twice and under hexvm; one PASS or FAIL.
# A failing case's runs stay in $OUT/NAME/{native,native2,hexvm}.
one_case() { compare_case "$1" "$BUSYBOX" sh "$2"; }

missing=$(busybox_missing)
[ -n "$missing" ] || make_bin
# shellcheck disable=SC2045  # case names have no blanks; ls for C-locale order
for script in $(LC_ALL=C ls "$CASES"/*.sh 2>/dev/null); do
    base=$(basename "$script" .sh)
    name=busybox.$base
    name_selected "$name" "$@" || name_selected "$base" "$@" || continue
    if [ -n "$missing" ]; then
        result_skip "$name" "$missing"
    else
        run_limited one_case "$name" "$script"
    fi
done
suite_report
