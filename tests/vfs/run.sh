#!/usr/bin/env bash
# VFS suite.
# vfs.root.escape: confinement under --root. escape.c runs as / of a small tree that holds
# symlinks pointing out of it (absolute, relative, through .., a loop, a dangling one);
# natively it runs under chroot(8) (the oracle, which needs root), in hexvm under
# --root. stdout must match, and so must the tree afterwards (the program makes a
# directory through a link that points "above" the root: it must land inside).
# vfs.overlay.export: --overlay keeps the host tree as it was while the guest changes
# it in every way (overlay_changes.sh, run by busybox sh: edits, appends, deletions of
# files and directories, renames, new directories and symlinks, chmod, a truncation);
# --export DIR then holds the changes, so that DIR applied over a copy of the tree
# (deletions included) gives what the same script makes of a copy natively.
# vfs.splice.SETUP: splice_stdio.c splices, tees and vmsplices the descriptors it is given:
# stdin and stdout host pipes (pipes), stdin /dev/null and stdout a file (nullfile), a pipe
# and a file (pipefile); natively, under hexvm (host files) and under --overlay --export
# (files in hexvm's memory against host pipes). stdout and the files left must match the
# native run's: under --overlay the host directory stays empty and the export holds them.
# vfs.overlay.splice.NAME: tests/guest/NAME.c (splice, splice_proc, sendfile_kinds) under --overlay
# --export, where the files it splices are memfs files: the same comparison.
# vfs.overlay.map.NAME: tests/guest/NAME.c (mmap_shared_file, mmap_private_file) the same
# way: under --overlay the files they map MAP_SHARED and MAP_PRIVATE are memfs files.

source "$(dirname "$0")/../lib.sh"
suite_init vfs
SRC=$TESTS_DIR/vfs/escape.c

make_tree() { # DIR
    local d=$1
    rm -rf "$d"
    mkdir -p "$d/etc" "$d/dir"
    cp "$OUT/escape" "$d/escape"
    echo inside >"$d/inside.txt"
    echo marker >"$d/etc/marker.txt"
    ln -s /etc "$d/abs"
    ln -s ../../../.. "$d/up"
    ln -s /loop2 "$d/loop1"
    ln -s /loop1 "$d/loop2"
    ln -s ../../.. "$d/dir/back"
    ln -s /no/such "$d/dangling"
}

listing() { # DIR: what the tree holds, without times
    (cd "$1" && find . -printf '%y %m %p %l\n' | sort)
}

escape_case() {
    local name=vfs.root.escape dir=$OUT/root.escape
    if [ "$(id -u)" != 0 ] || ! command -v chroot >/dev/null; then
        result_skip "$name" "the native oracle needs chroot(8) as root"
        return
    fi
    mkdir -p "$dir"
    make_tree "$dir/native"
    make_tree "$dir/hexvm"
    chroot "$dir/native" /escape >"$dir/native.out" 2>&1 </dev/null
    echo "status $?" >>"$dir/native.out"
    "$HEXVM" --root "$dir/hexvm" /escape >"$dir/hexvm.out" 2>&1 </dev/null
    echo "status $?" >>"$dir/hexvm.out"
    listing "$dir/native" >"$dir/native.tree"
    listing "$dir/hexvm" >"$dir/hexvm.tree"
    if diff "$dir/native.out" "$dir/hexvm.out" >"$dir/diff" &&
        diff "$dir/native.tree" "$dir/hexvm.tree" >>"$dir/diff"; then
        result_pass "$name"
    else
        result_fail "$name" "differs from the native run under chroot" "$dir/diff"
    fi
}

overlay_tree() { # DIR
    rm -rf "$1"
    mkdir -p "$1/keep" "$1/gone-dir/sub" "$1/replaced-parent"
    echo original >"$1/keep/edited.txt"
    echo start >"$1/keep/appended.txt"
    echo secret >"$1/keep/private.txt"
    echo full >"$1/keep/truncated.txt"
    echo bye >"$1/gone.txt"
    echo bye >"$1/gone-dir/sub/file.txt"
    echo move me >"$1/moved-from.txt"
}

overlay_case() {
    local name=vfs.overlay.export dir=$OUT/overlay busybox=${BUSYBOX:-/bin/busybox} abs
    if ! [ -x "$busybox" ]; then
        result_skip "$name" "$busybox not installed (busybox-static)"
        return
    fi
    mkdir -p "$dir"
    overlay_tree "$dir/native"
    overlay_tree "$dir/guest"
    (cd "$dir/native" && "$busybox" sh "$TESTS_DIR/vfs/overlay_changes.sh") >"$dir/native.out" 2>&1
    listing "$dir/guest" >"$dir/guest.before"
    rm -rf "$dir/export"
    abs=$(cd "$dir/guest" && pwd)
    mkdir -p "$dir/export$(dirname "$abs")"
    cp -a "$dir/guest" "$dir/export$abs"
    (cd "$dir/guest" && "$HEXVM" --overlay --export "$dir/export" "$busybox" sh \
        "$TESTS_DIR/vfs/overlay_changes.sh") >"$dir/hexvm.out" 2>&1
    listing "$dir/guest" >"$dir/guest.after"
    {
        diff "$dir/native.out" "$dir/hexvm.out" | sed 's/^/output: /'
        diff "$dir/guest.before" "$dir/guest.after" | sed 's/^/host tree changed: /'
        diff -r --no-dereference "$dir/native" "$dir/export$abs" | sed 's/^/export: /'
        diff <(listing "$dir/native") <(listing "$dir/export$abs") | sed 's/^/export modes: /'
    } >"$dir/diff"
    if [ -s "$dir/diff" ]; then
        result_fail "$name" "the overlay changed the host, or the export differs" "$dir/diff"
    else
        result_pass "$name"
    fi
}

# splice_run DIR WHO SETUP PROG: one run of PROG in DIR/WHO.SETUP (WHO: native, hexvm,
# overlay; SETUP: pipes, pipefile, else stdin /dev/null and stdout a file); stdout to
# DIR/WHO.SETUP.out, the export under DIR/WHO.SETUP.export.
splice_run() {
    local dir=$1 who=$2 setup=$3 prog=$4 run=()
    local work=$dir/$who.$setup
    rm -rf "$work" "$work.export"
    mkdir -p "$work"
    case $who in
    hexvm) run=("$HEXVM") ;;
    overlay) run=("$HEXVM" --overlay --export "$work.export") ;;
    esac
    (
        cd "$work" || exit 1
        case $setup in
        pipes) cat "$dir/data" | timeout 60 "${run[@]}" "$prog" | cat >"$work.out" ;;
        pipefile) cat "$dir/data" | timeout 60 "${run[@]}" "$prog" >"$work.out" ;;
        *) timeout 60 "${run[@]}" "$prog" </dev/null >"$work.out" ;;
        esac
        echo "status $?" >>"$work.out"
    ) 2>"$work.err"
}

# splice_compare NAME DIR SETUP: hexvm's and the overlay's runs against the native one.
splice_compare() {
    local name=$1 dir=$2 setup=$3 abs
    abs=$(cd "$dir/overlay.$setup" && pwd)
    {
        diff "$dir/native.$setup.out" "$dir/hexvm.$setup.out" | sed 's/^/hexvm output: /'
        diff "$dir/native.$setup.out" "$dir/overlay.$setup.out" | sed 's/^/overlay output: /'
        diff -r "$dir/native.$setup" "$dir/hexvm.$setup" | sed 's/^/hexvm files: /'
        [ -z "$(ls -A "$dir/overlay.$setup")" ] || echo "the host directory changed under --overlay"
        diff -r "$dir/native.$setup" "$dir/overlay.$setup.export$abs" | sed 's/^/export: /'
    } >"$dir/$setup.diff"
    if [ -s "$dir/$setup.diff" ]; then
        result_fail "$name" "differs from the native run" "$dir/$setup.diff"
    else
        result_pass "$name"
    fi
}

splice_cases() {
    local dir=$OUT/splice setup prog who
    mkdir -p "$dir"
    seq 1 1000 | head -c 3000 >"$dir/data" # one write: all of it in the pipe at once
    if ! gcc -O2 -static -Wall -Wextra -Werror -o "$dir/splice_stdio" \
        "$TESTS_DIR/vfs/splice_stdio.c" >"$dir/build.log" 2>&1; then
        result_fail vfs.splice.pipes "splice_stdio.c does not build" "$dir/build.log"
        return
    fi
    for setup in pipes nullfile pipefile; do
        for who in native hexvm overlay; do
            splice_run "$dir" $who $setup "$dir/splice_stdio"
        done
        splice_compare vfs.splice.$setup "$dir" $setup
    done
    for prog in splice splice_proc sendfile_kinds; do
        overlay_guest "$dir" vfs.overlay.splice.$prog $prog
    done
}

# overlay_guest DIR NAME PROG: tests/guest/PROG.c natively, under hexvm and under --overlay.
overlay_guest() {
    local dir=$1 name=$2 prog=$3 who
    gcc -O2 -static -pthread -Wall -Wextra -Werror -o "$dir/$prog" "$TESTS_DIR/guest/$prog.c" \
        >"$dir/$prog.log" 2>&1 || {
        result_fail "$name" "$prog.c does not build" "$dir/$prog.log"
        return
    }
    for who in native hexvm overlay; do
        splice_run "$dir" $who $prog "$dir/$prog"
    done
    splice_compare "$name" "$dir" $prog
}

# The mappings of files in hexvm's memory (memfs files under --overlay): shared ones
# are the file's pages in every process, private ones follow the file until written.
map_cases() {
    local dir=$OUT/map prog
    mkdir -p "$dir"
    for prog in mmap_shared_file mmap_private_file; do
        overlay_guest "$dir" vfs.overlay.map.$prog $prog
    done
}

overlay_case
splice_cases
map_cases

printf 'int main(void) { return 0; }\n' >"$OUT/probe.c"
if ! gcc -static -o "$OUT/probe" "$OUT/probe.c" >/dev/null 2>&1; then
    result_skip vfs.root.escape "gcc cannot build a static program here"
elif ! gcc -O2 -static -Wall -Wextra -Werror -o "$OUT/escape" "$SRC" >"$OUT/build.log" 2>&1; then
    result_fail vfs.root.escape "escape.c does not build" "$OUT/build.log"
else
    escape_case
fi
suite_report
