#!/usr/bin/env bash
# Snapshot suite: the machine written to a file at some point, restored in a fresh hexvm,
# must finish exactly as the uninterrupted run does (stdout, exit status, files).
#
#   snapshot.pipeline          busybox sh running pipeline.sh (several processes, pipes with
#                              bytes in flight, a file written): snapshots at 50 instruction
#                              counts spread over the run, each restored
#   snapshot.threads.x64/.m32  tests/guest/threads.c (pthreads, futexes): 50 points each
#   snapshot.kinds             kinds.c: a pipe holding bytes, an eventfd, a timerfd, a
#                              signalfd, a POSIX timer, an epoll instance, edge-triggered,
#                              oneshot and nested epoll entries with edges pending and
#                              taken, shared memory a child writes: 50 points
#   snapshot.splice            splice.c: children parked in splice (pipe to pipe, file into a
#                              full pipe), tee and vmsplice while the parent works: 50 points
#   snapshot.rtqueue           rtqueue.c: real-time signal instances queued (process- and
#                              thread-directed, up to RLIMIT_SIGPENDING) and two periodic
#                              timers' signals, one ignored and waiting with its timer, while
#                              two threads work: 50 points
#   snapshot.cow               tests/guest/proc_cow.c (pages fork left shared between
#                              parents and children, copied when saved): 50 points
#   snapshot.locks.x64/.m32    tests/guest/locks_wait.c (POSIX, OFD and flock locks held and
#                              waited for by forked processes): 50 points each
#   snapshot.locks.moved       locks_wait.x64 restored from a copy on another filesystem (the
#                              locked file's identity there is another): 10 points
#   snapshot.mapshared         tests/guest/mmap_shared_file.c (a host file mapped MAP_SHARED,
#                              written by two processes in turns): 50 points
#   snapshot.mapshared.files   the same restored from a copy of its directory (--root); a
#                              changed mapped file is refused with one line and status 65
#                              (and accepted with --allow-changed-files); a snapshot while
#                              the mapped file is unlinked is refused and the run goes on
#   snapshot.mapprivate        tests/guest/mmap_private_file.c slow (a host file mapped
#                              MAP_PRIVATE while the file changes under it, grown, moved,
#                              truncated, forked): 50 points
#   snapshot.mapshared.overlay the same under --overlay, where the mapped file is a memfs file
#                              (its mappings and descriptors share one host object again)
#   snapshot.shm               tests/guest/shm_posix.c (/dev/shm: shm_open, shared and
#                              private mappings, named and process-shared semaphores waited
#                              on across fork, a mapping outliving shm_unlink): 50 points
#   snapshot.listdir.hostfs    listdir.c: a directory of 400 host files changed, then listed
#                              two entries a call (getdents64): 50 points, mid-listing
#   snapshot.listdir.overlay   the same under --overlay (the changes in the upper layer: the
#                              merged listing): 50 points
#   snapshot.listdir.proc      /proc listed while processes end: 50 points
#   snapshot.listdir.dev       /dev listed: 20 points
#   snapshot.listdir.moved.*   hostfs and --overlay listings restored from a copy on another
#                              filesystem (/dev/shm ...), which lists in its own order: the
#                              names (sorted at the end) neither twice nor missing: 20 points
#   snapshot.fifo              tests/guest/fifo_wait.c (FIFO opens waiting for their other
#                              side, which opens later): 50 points
#   snapshot.fifo.moved        the same restored from a copy on another filesystem, where the
#                              FIFO is another inode: 10 points
#   snapshot.overlay           pipeline.sh under --overlay: restore with --overlay --export;
#                              the exported tree equals the uninterrupted run's
#   snapshot.stream            `hexvm --snapshot-at N --snapshot-stop - ... | hexvm restore -`
#   snapshot.signal            --snapshot-on USR1 while running; the restored run's output is
#                              the rest of the uninterrupted one
#   snapshot.exit              --snapshot-on-exit: restoring gives the exit status
#   snapshot.plain             --snapshot-plain (uncompressed) restores too
#   snapshot.hostfile          a host file open across the snapshot: restored from a copy of
#                              the directory (and of busybox) elsewhere; a changed file is
#                              refused (and accepted with --allow-changed-files)
#   snapshot.mapped            pages of a program's file kept by reference: the snapshot is
#                              smaller than with --snapshot-copy-mapped; a changed or missing
#                              program is refused (even with --allow-changed-files), the
#                              --snapshot-copy-mapped one restores without it; a dynamic
#                              program (ld.so and libc mapped) restored at 10 points
#   snapshot.same              pipeline.sh's snapshot written (zstd) on one core and on all
#                              of them: the same bytes
#   snapshot.engines           threads.c saved under the translator and restored under the
#                              interpreter, and the other way round, at 10 points each way;
#                              both engines count the same instructions for the whole run
#   snapshot.sockpair          sockpair.c: stream, datagram and seqpacket socketpairs with
#                              bytes queued both ways, a half shut down, a peer closed with
#                              bytes unread, a pipe end in flight, credentials, options,
#                              children blocked in recv and send: 50 points
#   snapshot.listen            listen.c: a path and an abstract listener with connections
#                              waiting to be accepted, the parent blocked in accept, a
#                              datagram socket bound to a path with messages from named
#                              and unnamed senders and datagram sockets connected to it,
#                              the listener closed and unlinked while accepted
#                              connections go on, names printed as the guest bound
#                              them: 50 points
#   snapshot.listen.moved      listen.c restored from a copy on another filesystem (--root),
#                              where the listener's file is a stale copy: 10 points
#   snapshot.python            host python3 running mp.py (multiprocessing.Pipe and
#                              socket.socketpair between a forked worker and its parent):
#                              20 points
#   snapshot.sockets.goon      sockpair.c and listen.c with a snapshot taken (not stopped) at
#                              10 points each: the run goes on exactly as without it (the
#                              queues were read without changing them)
#   snapshot.inflight          inflight.c: a pipe end in flight in an SCM_RIGHTS message
#                              over a socketpair, received after the restore: 50 points
#   snapshot.refused           what a snapshot cannot hold refuses it in one line and the
#                              run goes on unchanged: a TCP socket; a socket connected to a
#                              host program (python3); with --snapshot-drop-sockets, a pipe
#                              end in flight to that program; a connection waiting to be
#                              accepted with bytes its client sent
#   snapshot.bad.*             truncated file, a flipped byte in every section's header and
#                              stored bytes (of a plain and of a compressed snapshot), wrong
#                              version, wrong magic: one line, exit status 65, nothing made
#
# Snapshots are taken at scheduler turns (the first at or after N instructions), so the
# points are counts of the whole machine. Needs busybox (Debian busybox-static) and python3.

source "$(dirname "$0")/../lib.sh"
suite_init snapshot
DIR=$TESTS_DIR/snapshot
BUSYBOX=$(command -v busybox || true)
POINTS=${SNAPSHOT_POINTS:-50}

# total_insns OUTDIR CMD...: runs CMD under hexvm -Z; prints the machine's instruction count.
total_insns() {
    local out=$1
    shift
    (cd "$out/work" && "$HEXVM" -Z --log "$out/stats" "$@" >"$out/full.out" 2>"$out/full.err" </dev/null)
    echo $? >"$out/full.status"
    awk '/guest instructions/ { print $3 }' "$out/stats"
}

# fresh_work OUTDIR: an empty working directory for one run, in which $WORK_SETUP (a
# function, when set) puts what the case's program expects.
fresh_work() {
    rm -rf "$1/work"
    mkdir -p "$1/work"
    [ -z "${WORK_SETUP:-}" ] || "$WORK_SETUP" "$1/work"
}

# big_dir WORKDIR: a directory of 400 files for listdir.c.
big_dir() {
    mkdir "$1/big"
    (cd "$1/big" && for i in $(seq -f %03g 0 399); do echo "$i" >"entry-$i"; done)
}

# other_fs_dir: a directory on another kind of filesystem than $OUT, where a host lists
# a directory in another order, or nothing.
other_fs_dir() {
    local here d
    here=$(stat -f -c %T "$OUT")
    for d in /dev/shm /run/user/$(id -u) /tmp /var/tmp; do
        if [ -d "$d" ] && [ -w "$d" ] && [ "$(stat -f -c %T "$d")" != "$here" ]; then
            echo "$d"
            return
        fi
    done
}

# copy_programs ROOT CMD...: the files CMD names by absolute path (the program) copied to
# the same paths under ROOT, where a restore whose / is ROOT finds the text pages the
# snapshot refers to.
copy_programs() {
    local root=$1 arg
    shift
    for arg in "$@"; do
        if [ "${arg#/}" != "$arg" ] && [ -f "$arg" ]; then
            mkdir -p "$root$(dirname "$arg")"
            cp "$arg" "$root$arg"
        fi
    done
}

# moved_points_case NAME POINTS CMD...: like points_case, but each snapshot is restored
# from a copy of the working directory on another filesystem (--root), whose host
# lists directories in its own order: CMD must print what does not depend on it.
moved_points_case() {
    local name=$1 out=$OUT/$1 points=$2 other total k n
    shift 2
    other=$(other_fs_dir)
    if [ -z "$other" ]; then
        result_skip "$name" "no writable directory on another kind of filesystem than $OUT"
        return
    fi
    local moved
    moved=$(mktemp -d "$other/hexvm-snapshot.XXXXXX")
    mkdir -p "$out"
    fresh_work "$out"
    total=$(total_insns "$out" "$@")
    rm -rf "$out/full.work"
    cp -a "$out/work" "$out/full.work"
    : >"$out/failures"
    for ((k = 1; k <= points; k++)); do
        n=$((total * k / (points + 1)))
        fresh_work "$out"
        (cd "$out/work" && "$HEXVM" --snapshot-at "$n" "$out/s.snap" --snapshot-stop "$@" \
            >"$out/p1.out" 2>"$out/p1.err" </dev/null)
        rm -rf "${moved:?}/root"
        mkdir -p "$moved/root$out"
        cp -r "$out/work" "$moved/root$out/work"
        copy_programs "$moved/root" "$@"
        (cd "$moved/root$out/work" && "$HEXVM" --root "$moved/root" restore "$out/s.snap" \
            >"$out/p2.out" 2>"$out/p2.err" </dev/null)
        local rc=$?
        if [ $rc -ne "$(cat "$out/full.status")" ]; then
            echo "point $n: restored run exited $rc: $(head -c 200 "$out/p2.err")"
        elif ! cat "$out/p1.out" "$out/p2.out" | cmp -s - "$out/full.out"; then
            echo "point $n: stdout differs from the uninterrupted run"
        elif ! diff -r "$moved/root$out/work" "$out/full.work" >/dev/null; then
            echo "point $n: the files left differ"
        fi >>"$out/failures"
    done
    rm -rf "$moved"
    report_splits "$name" "$out" "$points" "points restored on $(stat -f -c %T "$other")" "$total"
}

# split_run OUTDIR N SAVE RESTORE CMD...: snapshot at N and stop under engine SAVE,
# restore under engine RESTORE ("default": no --engine option); stdout of both halves
# concatenated to OUTDIR/split.out, statuses and the working directory's files compared.
split_run() {
    local out=$1 n=$2 save=$3 restore=$4 at=$2
    shift 4
    [ "$save" = default ] && [ "$restore" = default ] || at="$n ($save, then $restore)"
    fresh_work "$out"
    # shellcheck disable=SC2046 # engine_option is one option and its word, or nothing
    (cd "$out/work" && "$HEXVM" $(engine_option "$save") --snapshot-at "$n" "$out/s.snap" \
        --snapshot-stop "$@" >"$out/p1.out" 2>"$out/p1.err" </dev/null)
    local rc1=$?
    # shellcheck disable=SC2046
    (cd "$out/work" && "$HEXVM" $(engine_option "$restore") restore "$out/s.snap" \
        >"$out/p2.out" 2>"$out/p2.err" </dev/null)
    local rc2=$?
    cat "$out/p1.out" "$out/p2.out" >"$out/split.out"
    if [ $rc1 -ne 0 ]; then
        echo "point $at: the first half exited $rc1: $(head -c 200 "$out/p1.err")"
    elif [ $rc2 -ne "$(cat "$out/full.status")" ]; then
        echo "point $at: restored run exited $rc2, uninterrupted $(cat "$out/full.status"): $(head -c 200 "$out/p2.err")"
    elif ! cmp -s "$out/split.out" "$out/full.out"; then
        echo "point $at: stdout differs from the uninterrupted run"
    elif ! diff -r "$out/work" "$out/full.work" >/dev/null; then
        echo "point $at: the files left differ"
    fi
    rm -f "$out/s.snap"
}

# report_splits NAME OUT COUNT WHAT TOTAL: the case's result from the lines split_run
# left in OUT/failures, COUNT runs of WHAT in all.
report_splits() {
    local name=$1 out=$2 count=$3 what=$4 total=$5
    if [ -s "$out/failures" ]; then
        result_fail "$name" "$(grep -c . "$out/failures") of $count $what differ" "$out/failures"
    else
        result_pass "$name"
        echo "    $count/$count $what identical ($total instructions)" >>"$(result_file "$name")"
    fi
}

engine_option() { [ "$1" = default ] || echo "--engine $1"; }

# points_case NAME CMD...: POINTS snapshots spread over the run, each restored.
points_case() {
    local name=$1 out=$OUT/$1
    shift
    mkdir -p "$out"
    fresh_work "$out"
    local total
    total=$(total_insns "$out" "$@")
    rm -rf "$out/full.work"
    cp -a "$out/work" "$out/full.work"
    if [ -z "$total" ] || [ "$total" -lt 1000000 ]; then
        result_fail "$name" "the uninterrupted run did not report its instruction count" "$out/full.err"
        return
    fi
    : >"$out/failures"
    local k
    for ((k = 1; k <= POINTS; k++)); do
        split_run "$out" $((total * k / (POINTS + 1))) default default "$@" >>"$out/failures"
    done
    report_splits "$name" "$out" "$POINTS" points "$total"
}

overlay_case() {
    local name=snapshot.overlay out=$OUT/overlay total
    mkdir -p "$out"
    fresh_work "$out"
    local abs
    (cd "$out/work" && "$HEXVM" -Z --log "$out/stats" --overlay --export "$out/full.export" \
        "$BUSYBOX" sh "$DIR/pipeline.sh" >"$out/full.out" 2>&1 </dev/null)
    echo $? >"$out/full.status"
    total=$(awk '/guest instructions/ { print $3 }' "$out/stats")
    (cd "$out/work" && "$HEXVM" --overlay --snapshot-at $((total / 2)) "$out/s.snap" \
        --snapshot-stop "$BUSYBOX" sh "$DIR/pipeline.sh" >"$out/p1.out" 2>"$out/p1.err" </dev/null)
    (cd "$out/work" && "$HEXVM" --overlay --export "$out/split.export" restore "$out/s.snap" \
        >"$out/p2.out" 2>"$out/p2.err" </dev/null)
    local rc2=$?
    {
        [ -z "$(ls -A "$out/work")" ] || echo "the host directory changed under --overlay"
        [ "$rc2" = "$(cat "$out/full.status")" ] || echo "restored run exited $rc2"
        cat "$out/p1.out" "$out/p2.out" | cmp -s - "$out/full.out" || echo "stdout differs"
        diff -r "$out/full.export" "$out/split.export" | head -5
    } >"$out/diff"
    if [ -s "$out/diff" ]; then
        result_fail "$name" "the restored overlay machine differs" "$out/diff"
    else
        result_pass "$name"
    fi
}

stream_case() {
    local name=snapshot.stream out=$OUT/stream total
    mkdir -p "$out"
    fresh_work "$out"
    total=$(total_insns "$out" "$BUSYBOX" sh "$DIR/pipeline.sh")
    fresh_work "$out"
    (cd "$out/work" && "$HEXVM" --snapshot-at $((total / 3)) - --snapshot-stop "$BUSYBOX" sh \
        "$DIR/pipeline.sh" </dev/null 2>"$out/p1.err" | "$HEXVM" restore - >"$out/stream.out" \
        2>"$out/p2.err")
    local rc=$?
    if [ "$rc" = "$(cat "$out/full.status")" ] && cmp -s "$out/stream.out" "$out/full.out"; then
        result_pass "$name"
    else
        echo "status $rc; stderr: $(cat "$out/p1.err" "$out/p2.err")" >"$out/diff"
        diff "$out/full.out" "$out/stream.out" >>"$out/diff"
        result_fail "$name" "a machine moved through a pipe does not finish the same" "$out/diff"
    fi
}

signal_case() {
    local name=snapshot.signal out=$OUT/signal
    mkdir -p "$out"
    fresh_work "$out"
    rm -f "$out/s.snap" "$out/run.out" # the wait below is for this run's first line
    (cd "$out/work" && exec "$HEXVM" --snapshot-on USR1 "$out/s.snap" "$OUT/spin.x64" \
        >"$out/run.out" 2>"$out/run.err" </dev/null) &
    local pid=$! k
    for ((k = 0; k < 50; k++)); do
        [ -s "$out/run.out" ] && break
        sleep 0.1
    done
    kill -USR1 $pid 2>/dev/null
    wait $pid
    local rc1=$?
    (cd "$out/work" && "$HEXVM" restore "$out/s.snap" >"$out/p2.out" 2>"$out/p2.err" </dev/null)
    local rc2=$?
    local nfull nrest
    nfull=$(wc -c <"$out/run.out")
    nrest=$(wc -c <"$out/p2.out")
    if [ $rc1 = 3 ] && [ $rc2 = 3 ] && [ "$nrest" -gt 0 ] && [ "$nrest" -lt "$nfull" ] &&
        tail -c "$nrest" "$out/run.out" | cmp -s - "$out/p2.out"; then
        result_pass "$name"
    else
        echo "statuses $rc1 $rc2, output $nfull and $nrest bytes; $(cat "$out/run.err" "$out/p2.err")" >"$out/diff"
        result_fail "$name" "the snapshot taken on SIGUSR1 does not continue the run" "$out/diff"
    fi
}

exit_case() {
    local name=snapshot.exit out=$OUT/exit
    mkdir -p "$out"
    fresh_work "$out"
    (cd "$out/work" && "$HEXVM" --snapshot-on-exit "$out/s.snap" "$BUSYBOX" sh -c 'exit 5' \
        >/dev/null 2>"$out/p1.err" </dev/null)
    local rc1=$?
    "$HEXVM" restore "$out/s.snap" >"$out/p2.out" 2>"$out/p2.err" </dev/null
    local rc2=$?
    if [ $rc1 = 5 ] && [ $rc2 = 5 ] && [ ! -s "$out/p2.out" ]; then
        result_pass "$name"
    else
        echo "statuses $rc1 and $rc2: $(cat "$out/p1.err" "$out/p2.err")" >"$out/diff"
        result_fail "$name" "a machine saved at its end does not end the same" "$out/diff"
    fi
}

# goon_run OUT POINTS CMD...: a snapshot at each of POINTS instruction counts, the run
# going on after it, must leave stdout and the exit status as without it; a line in
# OUT/failures for each that does not.
goon_run() {
    local out=$1 points=$2 total k n
    shift 2
    mkdir -p "$out"
    fresh_work "$out"
    total=$(total_insns "$out" "$@")
    : >"$out/failures"
    for ((k = 1; k <= points; k++)); do
        n=$((total * k / (points + 1)))
        fresh_work "$out"
        rm -f "$out/s.snap"
        (cd "$out/work" && "$HEXVM" --snapshot-at "$n" "$out/s.snap" "$@" >"$out/go.out" \
            2>"$out/go.err" </dev/null)
        local rc=$?
        if [ ! -s "$out/s.snap" ]; then
            echo "point $n: no snapshot: $(head -c 200 "$out/go.err")"
        elif [ $rc != "$(cat "$out/full.status")" ] || ! cmp -s "$out/go.out" "$out/full.out"; then
            echo "point $n: the run that took the snapshot went on differently (status $rc)"
        fi >>"$out/failures"
    done
}

# goon_cases: the socket programs, each run going on after its snapshot.
goon_cases() {
    local name=snapshot.sockets.goon out=$OUT/sockets.goon
    mkdir -p "$out"
    goon_run "$out/pair" 10 "$OUT/sockpair.x64"
    goon_run "$out/listen" 10 "$OUT/listen.x64" "hexvm-snapshot-goon-$$"
    cat "$out/pair/failures" "$out/listen/failures" >"$out/failures"
    if [ -s "$out/failures" ]; then
        result_fail "$name" "a snapshot of sockets changed the running machine" "$out/failures"
    else
        result_pass "$name"
    fi
}

# refused_run OUT LABEL OPTION PATTERN ARGS...: inflight.x64 ARGS with a snapshot asked for
# halfway (with OPTION, when not empty): no snapshot, one line on stderr matching PATTERN,
# status 0, and stdout as without the snapshot; a line in OUT/diff otherwise.
refused_run() {
    local out=$1 label=$2 option=$3 pattern=$4 total
    shift 4
    total=$(total_insns "$out" "$OUT/inflight.x64" "$@")
    rm -f "$out/s.snap"
    # shellcheck disable=SC2086 # OPTION is one word or none
    (cd "$out/work" && "$HEXVM" $option --snapshot-at $((total / 2)) "$out/s.snap" \
        "$OUT/inflight.x64" "$@" >"$out/p1.out" 2>"$out/p1.err" </dev/null)
    local rc=$?
    if [ -z "$total" ] || [ $rc != 0 ] || [ -e "$out/s.snap" ] || ! cmp -s "$out/p1.out" "$out/full.out" ||
        [ "$(grep -c . "$out/p1.err")" != 1 ] || ! grep -q -- "$pattern" "$out/p1.err"; then
        echo "$label: status $rc, snapshot $(ls "$out/s.snap" 2>&1); $(cat "$out/p1.err")" >>"$out/diff"
    fi
}

# the host program a guest connects to: accepts, sends one byte, keeps every connection
HOST_SERVER='
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
open(sys.argv[2], "w").close()
kept = []
while True:
    c, _ = s.accept()
    c.send(b"x")
    kept.append(c)
'

refused_case() {
    local name=snapshot.refused out=$OUT/refused k
    mkdir -p "$out"
    fresh_work "$out"
    : >"$out/diff"
    refused_run "$out" tcp "" "cannot snapshot: pid [0-9]* fd 3 is a socket that cannot be restored: it is a network socket (--snapshot-drop-sockets leaves it out)" tcp
    refused_run "$out" early "" "cannot snapshot: pid [0-9]* fd 4 waits in a listener's accept queue with bytes it sent already, which only accept could read" early
    rm -f "$out/host.sock" "$out/ready"
    python3 -c "$HOST_SERVER" "$out/host.sock" "$out/ready" &
    local server=$!
    for ((k = 0; k < 100; k++)); do
        [ -e "$out/ready" ] && break
        sleep 0.1
    done
    refused_run "$out" host "" "cannot snapshot: pid [0-9]* fd 3 is a socket that cannot be restored: it is connected to a socket outside the machine (--snapshot-drop-sockets leaves it out)" host "$out/host.sock"
    refused_run "$out" "host, dropped" --snapshot-drop-sockets "cannot snapshot: 1 descriptor is in flight in messages on sockets that reach outside the machine" host "$out/host.sock"
    kill "$server" 2>/dev/null
    wait "$server" 2>/dev/null
    rm -f "$out/host.sock"
    if [ -s "$out/diff" ]; then
        result_fail "$name" "a socket reaching outside the machine did not refuse the snapshot with one line" "$out/diff"
    else
        result_pass "$name"
    fi
}

plain_case() {
    local name=snapshot.plain out=$OUT/plain total
    mkdir -p "$out"
    fresh_work "$out"
    total=$(total_insns "$out" "$OUT/threads.x64")
    fresh_work "$out"
    (cd "$out/work" && "$HEXVM" --snapshot-plain --snapshot-at $((total / 2)) "$out/s.snap" \
        --snapshot-stop "$OUT/threads.x64" >"$out/p1.out" 2>"$out/p1.err" </dev/null)
    (cd "$out/work" && "$HEXVM" restore "$out/s.snap" >"$out/p2.out" 2>"$out/p2.err" </dev/null)
    local rc=$?
    if "$HEXVM" snapshot info "$out/s.snap" | grep -q uncompressed &&
        [ "$rc" = "$(cat "$out/full.status")" ] &&
        cat "$out/p1.out" "$out/p2.out" | cmp -s - "$out/full.out"; then
        result_pass "$name"
    else
        echo "status $rc; $(cat "$out/p1.err" "$out/p2.err")" >"$out/diff"
        result_fail "$name" "an uncompressed snapshot does not restore the same" "$out/diff"
    fi
}

engines_case() {
    local name=snapshot.engines out=$OUT/engines total total_interp k n
    mkdir -p "$out"
    fresh_work "$out"
    total_interp=$(total_insns "$out" --engine interp "$OUT/threads.x64")
    fresh_work "$out"
    total=$(total_insns "$out" --engine jit "$OUT/threads.x64")
    rm -rf "$out/full.work"
    cp -a "$out/work" "$out/full.work"
    if [ -z "$total" ] || [ "$total" != "$total_interp" ]; then
        echo "instructions: jit ${total:-none}, interp ${total_interp:-none}" >"$out/failures"
        result_fail "$name" "the engines count different instructions" "$out/failures"
        return
    fi
    : >"$out/failures"
    for ((k = 1; k <= 10; k++)); do
        n=$((total * k / 11))
        split_run "$out" "$n" jit interp "$OUT/threads.x64" >>"$out/failures"
        split_run "$out" "$n" interp jit "$OUT/threads.x64" >>"$out/failures"
    done
    report_splits "$name" "$out" 20 "moves between engines" "$total"
}

# The restores of a snapshot whose host file changed since (OUT/changed.*: refused in
# one line, status 65, nothing run; OUT/allowed.*: --allow-changed-files runs it): what
# went wrong, on stdout. MESSAGE is the refusal expected.
changed_file_checks() { # OUT RC_CHANGED RC_ALLOWED MESSAGE
    local out=$1 rc_changed=$2 rc_allowed=$3 message=$4
    [ "$rc_changed" = 65 ] && [ "$(wc -l <"$out/changed.err")" = 1 ] &&
        grep -q "$message" "$out/changed.err" ||
        echo "a changed host file was not refused in one line (status $rc_changed): $(cat "$out/changed.err")"
    [ ! -s "$out/changed.out" ] || echo "the refused restore ran the guest"
    [ "$rc_allowed" = 0 ] && [ -s "$out/allowed.out" ] ||
        echo "--allow-changed-files did not restore (status $rc_allowed): $(cat "$out/allowed.err")"
}

hostfile_case() {
    local name=snapshot.hostfile out=$OUT/hostfile total
    mkdir -p "$out"
    fresh_work "$out"
    seq 1 5000 >"$out/work/data.txt"
    cp "$DIR/hostfile.sh" "$out/work/"
    total=$(total_insns "$out" "$BUSYBOX" sh hostfile.sh)
    (cd "$out/work" && "$HEXVM" --snapshot-at $((total / 2)) "$out/s.snap" --snapshot-stop \
        "$BUSYBOX" sh hostfile.sh >"$out/p1.out" 2>"$out/p1.err" </dev/null)
    # the same files elsewhere: the restored machine's / is the copy, which holds busybox
    # too (the pages of its text are kept by reference to it)
    rm -rf "$out/moved"
    mkdir -p "$out/moved$out" "$out/moved$(dirname "$BUSYBOX")"
    cp -r "$out/work" "$out/moved$out/work"
    cp "$BUSYBOX" "$out/moved$BUSYBOX"
    (cd "$out/moved$out/work" && "$HEXVM" --root "$out/moved" restore "$out/s.snap" \
        >"$out/p2.out" 2>"$out/p2.err" </dev/null)
    local rc=$?
    echo 99999 >>"$out/moved$out/work/data.txt"
    (cd "$out/moved$out/work" && "$HEXVM" --root "$out/moved" restore "$out/s.snap" \
        >"$out/changed.out" 2>"$out/changed.err" </dev/null)
    local rc_changed=$?
    (cd "$out/moved$out/work" && "$HEXVM" --root "$out/moved" --allow-changed-files restore \
        "$out/s.snap" >"$out/allowed.out" 2>"$out/allowed.err" </dev/null)
    local rc_allowed=$?
    {
        [ "$rc" = "$(cat "$out/full.status")" ] || echo "restored run exited $rc: $(cat "$out/p2.err")"
        cat "$out/p1.out" "$out/p2.out" | cmp -s - "$out/full.out" || echo "stdout differs"
        changed_file_checks "$out" "$rc_changed" "$rc_allowed" \
            'data.txt: the host file changed since the snapshot'
    } >"$out/diff"
    if [ -s "$out/diff" ]; then
        result_fail "$name" "host files across a snapshot" "$out/diff"
    else
        result_pass "$name"
    fi
}

# mapped_case: a copy of busybox runs pipeline.sh; its text is restored from the copy.
mapped_case() {
    local name=snapshot.mapped out=$OUT/mapped total at rc
    mkdir -p "$out"
    fresh_work "$out"
    mkdir -p "$out/bin"
    cp "$BUSYBOX" "$out/bin/busybox" # busybox runs the applet its file is named after
    total=$(total_insns "$out" "$out/bin/busybox" sh "$DIR/pipeline.sh")
    at=$((total / 2))
    fresh_work "$out"
    (cd "$out/work" && "$HEXVM" --snapshot-plain --snapshot-at $at "$out/ref.snap" \
        --snapshot-stop "$out/bin/busybox" sh "$DIR/pipeline.sh" >"$out/p1.out" 2>"$out/p1.err" </dev/null)
    (cd "$out/work" && "$HEXVM" --snapshot-plain --snapshot-copy-mapped --snapshot-at $at \
        "$out/copy.snap" --snapshot-stop "$out/bin/busybox" sh "$DIR/pipeline.sh" >/dev/null 2>&1 </dev/null)
    local size_ref size_copy text
    size_ref=$(wc -c <"$out/ref.snap")
    size_copy=$(wc -c <"$out/copy.snap")
    text=$(size -A "$out/bin/busybox" | awk '$1 == ".text" { print $2 }')
    {
        "$HEXVM" snapshot info "$out/ref.snap" | grep -q 'by reference to host files: [1-9]' ||
            echo "no page kept by reference"
        [ "$((size_copy - size_ref))" -ge "${text:-1}" ] ||
            echo "by reference $size_ref bytes, by content $size_copy: not one text's size less"
        fresh_work "$out"
        (cd "$out/work" && "$HEXVM" restore "$out/ref.snap" >"$out/p2.out" 2>"$out/p2.err" </dev/null)
        rc=$?
        [ $rc = "$(cat "$out/full.status")" ] && cat "$out/p1.out" "$out/p2.out" |
            cmp -s - "$out/full.out" || echo "restored by reference: status $rc, or stdout differs"
        printf x >>"$out/bin/busybox"
        (cd "$out/work" && "$HEXVM" --allow-changed-files restore "$out/ref.snap" \
            >"$out/changed.out" 2>"$out/changed.err" </dev/null)
        rc=$?
        [ $rc = 65 ] && [ "$(wc -l <"$out/changed.err")" = 1 ] && [ ! -s "$out/changed.out" ] &&
            grep -q "$out/bin/busybox: the host file changed since the snapshot" "$out/changed.err" ||
            echo "a changed program was not refused (status $rc): $(cat "$out/changed.err")"
        rm "$out/bin/busybox"
        (cd "$out/work" && "$HEXVM" restore "$out/ref.snap" >"$out/gone.out" 2>"$out/gone.err" </dev/null)
        rc=$?
        [ $rc = 65 ] && grep -q "$out/bin/busybox: .*cannot be opened" "$out/gone.err" ||
            echo "a missing program was not refused (status $rc): $(cat "$out/gone.err")"
        fresh_work "$out"
        (cd "$out/work" && "$HEXVM" restore "$out/copy.snap" >"$out/p2.out" 2>"$out/p2.err" </dev/null)
        rc=$?
        [ $rc = "$(cat "$out/full.status")" ] && cat "$out/p1.out" "$out/p2.out" |
            cmp -s - "$out/full.out" || echo "--snapshot-copy-mapped did not restore without the program"
    } >"$out/diff"
    : >"$out/failures"
    if gcc -O2 -pthread -o "$out/threads.dyn" "$TESTS_DIR/guest/threads.c" >"$out/build" 2>&1; then
        fresh_work "$out"
        total=$(total_insns "$out" "$out/threads.dyn")
        rm -rf "$out/full.work"
        cp -a "$out/work" "$out/full.work"
        local k
        for ((k = 1; k <= 10; k++)); do
            split_run "$out" $((total * k / 11)) default default "$out/threads.dyn" >>"$out/failures"
        done
    else
        echo "the dynamic program does not build: $(head -c 200 "$out/build")" >"$out/failures"
    fi
    cat "$out/failures" >>"$out/diff"
    if [ -s "$out/diff" ]; then
        result_fail "$name" "pages kept by reference to host files" "$out/diff"
    else
        result_pass "$name"
    fi
}

# same_case: the same snapshot (zstd) written on one core and on all of them, byte for byte.
same_case() {
    local name=snapshot.same out=$OUT/same total cpus
    mkdir -p "$out"
    if ! command -v taskset >/dev/null; then
        result_skip "$name" "needs taskset (util-linux)"
        return
    fi
    fresh_work "$out"
    total=$(total_insns "$out" "$BUSYBOX" sh "$DIR/pipeline.sh")
    cpus=$(taskset -pc $$ | sed 's/.*: //')
    : >"$out/err"
    for set in 0 "$cpus"; do # the same paths for both: the snapshot holds stderr's
        fresh_work "$out"
        (cd "$out/work" && taskset -c "$set" "$HEXVM" --snapshot-at $((total / 2)) \
            "$out/s.snap" --snapshot-stop "$BUSYBOX" sh "$DIR/pipeline.sh" \
            >/dev/null 2>>"$out/err" </dev/null)
        mv "$out/s.snap" "$out/cpus$set.snap"
    done
    if [ -s "$out/cpus0.snap" ] && cmp -s "$out/cpus0.snap" "$out/cpus$cpus.snap"; then
        result_pass "$name"
    else
        cp "$out/err" "$out/diff"
        result_fail "$name" "one core and cores $cpus wrote different snapshots" "$out/diff"
    fi
}

# the host file behind a MAP_SHARED mapping, across a snapshot
mapshared_files_case() {
    local name=snapshot.mapshared.files out=$OUT/mapshared_files total prog=$OUT/mmap_shared_file.x64
    mkdir -p "$out"
    fresh_work "$out"
    total=$(total_insns "$out" "$prog")
    fresh_work "$out"
    (cd "$out/work" && "$HEXVM" --snapshot-at $((total / 2)) "$out/s.snap" --snapshot-stop \
        "$prog" >"$out/p1.out" 2>"$out/p1.err" </dev/null)
    rm -rf "$out/moved"
    mkdir -p "$out/moved$out"
    cp -r "$out/work" "$out/moved$out/work"
    copy_programs "$out/moved" "$prog"
    (cd "$out/moved$out/work" && "$HEXVM" --root "$out/moved" restore "$out/s.snap" \
        >"$out/p2.out" 2>"$out/p2.err" </dev/null)
    local rc=$?
    printf 'X' | dd of="$out/work/shared.dat" bs=1 seek=100 conv=notrunc 2>/dev/null
    (cd "$out/work" && "$HEXVM" restore "$out/s.snap" >"$out/changed.out" 2>"$out/changed.err" </dev/null)
    local rc_changed=$?
    (cd "$out/work" && "$HEXVM" --allow-changed-files restore "$out/s.snap" >"$out/allowed.out" \
        2>"$out/allowed.err" </dev/null)
    local rc_allowed=$?
    fresh_work "$out"
    (cd "$out/work" && "$HEXVM" --snapshot-at $((total / 2)) "$out/u.snap" "$prog" unlink \
        >"$out/u.out" 2>"$out/u.err" </dev/null)
    local rc_unlinked=$?
    {
        [ "$rc" = "$(cat "$out/full.status")" ] || echo "restored run exited $rc: $(cat "$out/p2.err")"
        cat "$out/p1.out" "$out/p2.out" | cmp -s - "$out/full.out" || echo "stdout differs after a move"
        changed_file_checks "$out" "$rc_changed" "$rc_allowed" \
            'shared.dat: the host file behind a MAP_SHARED mapping changed since the snapshot'
        [ "$rc_unlinked" = 0 ] && [ ! -e "$out/u.snap" ] && [ "$(grep -c . "$out/u.err")" = 1 ] &&
            grep -q 'shared.dat behind the MAP_SHARED mapping at .* was removed or replaced' "$out/u.err" &&
            cmp -s "$out/u.out" "$out/full.out" ||
            echo "an unlinked mapped file did not refuse the snapshot in one line (status $rc_unlinked): $(cat "$out/u.err")"
    } >"$out/diff"
    if [ -s "$out/diff" ]; then
        result_fail "$name" "shared-mapped host files across a snapshot" "$out/diff"
    else
        result_pass "$name"
    fi
}

# bad_case NAME FILE REASON-PATTERN: restoring FILE fails with one line matching the
# pattern, status 65, no guest output, and the working directory left as it was.
bad_case() {
    local name=$1 file=$2 pattern=$3 out=$OUT/bad
    mkdir -p "$out/work"
    local before
    before=$(find "$out/work" "$(dirname "$file")" -printf '%p %s %T@\n' | sort)
    (cd "$out/work" && "$HEXVM" restore "$file" >"$out/$name.out" 2>"$out/$name.err" </dev/null)
    local rc=$?
    local after
    after=$(find "$out/work" "$(dirname "$file")" -printf '%p %s %T@\n' | sort)
    if [ $rc = 65 ] && [ "$(wc -l <"$out/$name.err")" = 1 ] && grep -q -- "$pattern" "$out/$name.err" &&
        [ ! -s "$out/$name.out" ] && [ "$before" = "$after" ]; then
        result_pass "$name"
    else
        {
            echo "status $rc; stderr: $(head -c 300 "$out/$name.err")"
            [ -s "$out/$name.out" ] && echo "the guest printed: $(head -c 100 "$out/$name.out")"
            diff <(echo "$before") <(echo "$after") | sed 's/^/files: /'
        } >"$out/$name.diff"
        result_fail "$name" "bad snapshot not refused in one line with status 65" "$out/$name.diff"
    fi
}

bad_cases() {
    local out=$OUT/bad total
    rm -rf "$out"
    mkdir -p "$out/work" "$out/files"
    fresh_work "$out"
    total=$(total_insns "$out" "$BUSYBOX" sh "$DIR/pipeline.sh")
    (cd "$out/work" && "$HEXVM" --snapshot-plain --snapshot-at $((total / 2)) "$out/good.snap" \
        --snapshot-stop "$BUSYBOX" sh "$DIR/pipeline.sh" >/dev/null 2>&1 </dev/null)
    (cd "$out/work" && "$HEXVM" --snapshot-at $((total / 2)) "$out/good.zstd.snap" \
        --snapshot-stop "$BUSYBOX" sh "$DIR/pipeline.sh" >/dev/null 2>&1 </dev/null)
    rm -rf "$out/work"
    { python3 "$DIR/corrupt.py" "$out/good.snap" "$out/files" p &&
        python3 "$DIR/corrupt.py" "$out/good.zstd.snap" "$out/files" z; } >"$out/corrupt.list" 2>&1 || {
        result_fail snapshot.bad "cannot make the corrupt files" "$out/corrupt.list"
        return
    }
    local file pattern
    while read -r file pattern; do
        bad_case "snapshot.bad.$(basename "$file" .snap)" "$file" "$pattern"
    done <"$out/corrupt.list"
}

if [ -z "$BUSYBOX" ] || ! command -v python3 >/dev/null; then
    for n in pipeline threads.x64 threads.m32 kinds splice memfd rtqueue cow locks.x64 locks.m32 locks.moved mapshared \
        mapshared.files mapshared.overlay mapprivate shm listdir.hostfs listdir.overlay listdir.proc listdir.dev \
        listdir.moved.hostfs listdir.moved.overlay fifo fifo.moved overlay stream signal exit \
        sockpair listen listen.moved python sockets.goon inflight refused plain hostfile mapped same engines bad; do
        result_skip "snapshot.$n" "needs busybox (busybox-static) and python3"
    done
    suite_report
    exit
fi
build() { # NAME SRC FLAGS...
    local name=$1 src=$2
    shift 2
    gcc -O2 -static -Wall -Wextra -Werror "$@" -o "$OUT/$name" "$src" >"$OUT/$name.build" 2>&1
}
build threads.x64 "$TESTS_DIR/guest/threads.c" -pthread &&
    build threads.m32 "$TESTS_DIR/guest/threads.c" -m32 -pthread &&
    build spin.x64 "$DIR/spin.c" && build kinds.x64 "$DIR/kinds.c" &&
    build splice.x64 "$DIR/splice.c" &&
    build memfd.x64 "$DIR/memfd.c" &&
    build rtqueue.x64 "$DIR/rtqueue.c" -pthread &&
    build inflight.x64 "$DIR/inflight.c" &&
    build sockpair.x64 "$DIR/sockpair.c" &&
    build listen.x64 "$DIR/listen.c" &&
    build proc_cow.x64 "$TESTS_DIR/guest/proc_cow.c" &&
    build locks_wait.x64 "$TESTS_DIR/guest/locks_wait.c" &&
    build locks_wait.m32 "$TESTS_DIR/guest/locks_wait.c" -m32 &&
    build mmap_shared_file.x64 "$TESTS_DIR/guest/mmap_shared_file.c" &&
    build mmap_private_file.x64 "$TESTS_DIR/guest/mmap_private_file.c" &&
    build shm_posix.x64 "$TESTS_DIR/guest/shm_posix.c" -pthread &&
    build listdir.x64 "$DIR/listdir.c" &&
    build fifo_wait.x64 "$TESTS_DIR/guest/fifo_wait.c" || {
    result_fail snapshot.build "the guest programs do not build" "$OUT/threads.x64.build"
    suite_report
    exit
}
name_selected snapshot.pipeline "$@" && run_limited points_case snapshot.pipeline "$BUSYBOX" sh "$DIR/pipeline.sh"
name_selected snapshot.threads.x64 "$@" && run_limited points_case snapshot.threads.x64 "$OUT/threads.x64"
name_selected snapshot.threads.m32 "$@" && run_limited points_case snapshot.threads.m32 "$OUT/threads.m32"
name_selected snapshot.kinds "$@" && run_limited points_case snapshot.kinds "$OUT/kinds.x64"
name_selected snapshot.splice "$@" && run_limited points_case snapshot.splice "$OUT/splice.x64"
name_selected snapshot.memfd "$@" && run_limited points_case snapshot.memfd "$OUT/memfd.x64"
name_selected snapshot.rtqueue "$@" && run_limited points_case snapshot.rtqueue "$OUT/rtqueue.x64"
name_selected snapshot.cow "$@" && run_limited points_case snapshot.cow "$OUT/proc_cow.x64"
name_selected snapshot.locks.x64 "$@" && run_limited points_case snapshot.locks.x64 "$OUT/locks_wait.x64"
name_selected snapshot.locks.m32 "$@" && run_limited points_case snapshot.locks.m32 "$OUT/locks_wait.m32"
name_selected snapshot.locks.moved "$@" && run_limited moved_points_case snapshot.locks.moved 10 "$OUT/locks_wait.x64"
name_selected snapshot.mapshared "$@" && run_limited points_case snapshot.mapshared "$OUT/mmap_shared_file.x64"
name_selected snapshot.mapshared.files "$@" && run_limited mapshared_files_case
name_selected snapshot.mapprivate "$@" &&
    run_limited points_case snapshot.mapprivate "$OUT/mmap_private_file.x64" slow
name_selected snapshot.mapshared.overlay "$@" &&
    run_limited points_case snapshot.mapshared.overlay --overlay "$OUT/mmap_shared_file.x64"
name_selected snapshot.shm "$@" && run_limited points_case snapshot.shm "$OUT/shm_posix.x64"
name_selected snapshot.listdir.hostfs "$@" &&
    WORK_SETUP=big_dir run_limited points_case snapshot.listdir.hostfs "$OUT/listdir.x64" change big
name_selected snapshot.listdir.overlay "$@" &&
    WORK_SETUP=big_dir run_limited points_case snapshot.listdir.overlay --overlay "$OUT/listdir.x64" change big
name_selected snapshot.listdir.proc "$@" && run_limited points_case snapshot.listdir.proc "$OUT/listdir.x64" proc
name_selected snapshot.listdir.dev "$@" &&
    POINTS=20 run_limited points_case snapshot.listdir.dev "$OUT/listdir.x64" plain /dev
name_selected snapshot.listdir.moved.hostfs "$@" &&
    WORK_SETUP=big_dir run_limited moved_points_case snapshot.listdir.moved.hostfs 20 "$OUT/listdir.x64" sorted change big
name_selected snapshot.listdir.moved.overlay "$@" &&
    WORK_SETUP=big_dir run_limited moved_points_case snapshot.listdir.moved.overlay 20 --overlay "$OUT/listdir.x64" sorted change big
name_selected snapshot.fifo "$@" && run_limited points_case snapshot.fifo "$OUT/fifo_wait.x64"
name_selected snapshot.fifo.moved "$@" && run_limited moved_points_case snapshot.fifo.moved 10 "$OUT/fifo_wait.x64"
name_selected snapshot.overlay "$@" && run_limited overlay_case
name_selected snapshot.stream "$@" && run_limited stream_case
name_selected snapshot.signal "$@" && run_limited signal_case
name_selected snapshot.exit "$@" && run_limited exit_case
name_selected snapshot.sockpair "$@" && run_limited points_case snapshot.sockpair "$OUT/sockpair.x64"
name_selected snapshot.listen "$@" && run_limited points_case snapshot.listen "$OUT/listen.x64" "hexvm-snapshot-$$"
name_selected snapshot.listen.moved "$@" &&
    run_limited moved_points_case snapshot.listen.moved 10 "$OUT/listen.x64" "hexvm-snapshot-moved-$$"
name_selected snapshot.python "$@" &&
    POINTS=20 run_limited points_case snapshot.python "$(command -v python3)" -I "$DIR/mp.py"
name_selected snapshot.sockets.goon "$@" && run_limited goon_cases
name_selected snapshot.inflight "$@" && run_limited points_case snapshot.inflight "$OUT/inflight.x64"
name_selected snapshot.refused "$@" && run_limited refused_case
name_selected snapshot.plain "$@" && run_limited plain_case
name_selected snapshot.hostfile "$@" && run_limited hostfile_case
name_selected snapshot.mapped "$@" && run_limited mapped_case
name_selected snapshot.same "$@" && run_limited same_case
name_selected snapshot.engines "$@" && run_limited engines_case
name_selected 'snapshot.bad.*' "$@" && run_limited bad_cases
wait
suite_report
