#!/usr/bin/env bash
# gdb suite: the real gdb drives hexvm's remote stub. The guests are this directory's C
# files, built as x64 (gcc -g -O0 -static) and m32 (the same with -m32). A case starts
# `hexvm --gdb unix:SOCKET GUEST` and `gdb -batch -nx` with a command script, both under
# a time limit, then looks for exact values in gdb's output (and the guest's output and
# hexvm's exit status, which show what gdb's changes did). Test names: gdb.CASE.FLAVOR.
# No gdb: every case SKIPs.

source "$(dirname "$0")/../lib.sh"
suite_init gdb
SRC=$TESTS_DIR/gdb
TIMEOUT=${GDB_TEST_TIMEOUT:-60}
FLAVORS=(x64 m32)
CASES=(break step registers memory watch access threads signals interrupt fork follow_fork
    execfile monitor tcp bad_packets raw_resume)

# The line of the "line:NAME" marker in a guest source.
line_of() { grep -n "line:$2 " "$SRC/$1" | cut -d: -f1; }

build() {
    local flavor=$1 name=$2 flags=(-g -O0 -static -pthread -Wall -Wextra -Werror)
    [ "$flavor" = m32 ] && flags+=(-m32)
    gcc "${flags[@]}" -o "$OUT/$flavor/bin/$name" "$SRC/$name.c" >>"$OUT/$flavor/build.log" 2>&1
}

wait_for_socket() {
    for ((k = 0; k < 200; k++)); do
        [ -S "$1" ] && return 0
        sleep 0.05
    done
    return 1
}

# hexvm_start DIR GUEST [HEXVM OPTIONS]: hexvm waits for gdb on DIR/sock.
hexvm_start() {
    local dir=$1 guest=$2
    shift 2
    rm -f "$dir/sock"
    (
        timeout "$TIMEOUT" "$HEXVM" --gdb "unix:$dir/sock" "$@" "$guest" \
            </dev/null >"$dir/guest.out" 2>"$dir/hexvm.err"
        echo $? >"$dir/hexvm.status"
    ) &
    HEXVM_JOB=$!
    wait_for_socket "$dir/sock"
}

gdb_cmd() {
    timeout "$TIMEOUT" gdb -batch -nx -iex 'set debuginfod enabled off' -iex 'set width 0' "$@"
}

# gdb arguments running the commands of DIR/cmds, each on its own (unlike a script, a
# command that fails does not end the rest).
commands_of() {
    local line
    CMDS=()
    while IFS= read -r line; do CMDS+=(-ex "$line"); done <"$1/cmds"
}

# session DIR GUEST [HEXVM OPTIONS]: runs DIR/cmds in gdb against hexvm; gdb's output
# goes to DIR/gdb.out.
session() {
    local dir=$1 guest=$2
    hexvm_start "$@"
    commands_of "$dir"
    gdb_cmd -ex "target remote $dir/sock" "${CMDS[@]}" "$guest" </dev/null >"$dir/gdb.out" 2>&1
    wait "$HEXVM_JOB"
}

# check NAME DIR STATUS PATTERN...: every pattern is in gdb's output ("out:TEXT": in the
# guest's output; "!TEXT": nowhere in gdb's output) and hexvm exited with STATUS.
check() {
    local name=$1 dir=$2 status=$3 p bad=0 file text
    shift 3
    : >"$dir/detail"
    for p in "$@"; do
        file=$dir/gdb.out text=$p
        case $p in
        out:*) file=$dir/guest.out text=${p#out:} ;;
        !*) text=${p#!} ;;
        esac
        if [[ $p == !* ]] && grep -qF -- "$text" "$file"; then
            echo "unexpected: $text" >>"$dir/detail"
            bad=1
        elif [[ $p != !* ]] && ! grep -qF -- "$text" "$file"; then
            echo "missing: $text" >>"$dir/detail"
            bad=1
        fi
    done
    if [ "$(cat "$dir/hexvm.status" 2>/dev/null)" != "$status" ]; then
        echo "hexvm exit status $(cat "$dir/hexvm.status" 2>/dev/null), expected $status" >>"$dir/detail"
        bad=1
    fi
    if [ $bad = 0 ]; then
        result_pass "$name"
    else
        tail -n 4 "$dir/gdb.out" | sed 's/^/gdb: /' >>"$dir/detail"
        tail -n 2 "$dir/hexvm.err" | sed 's/^/hexvm: /' >>"$dir/detail"
        result_fail "$name" "gdb's session differs from what was expected" "$dir/detail"
    fi
}

# Register names differ by architecture.
ax_of() { [ "$1" = x64 ] && echo rax || echo eax; }
pc_of() { [ "$1" = x64 ] && echo rip || echo eip; }

# A software breakpoint, then a hardware one (Z1).
case_break() {
    local flavor=$1 dir=$2
    printf '%s\n' 'break add' continue bt finish 'hbreak bump' continue 'p by' delete continue \
        >"$dir/cmds"
    session "$dir" "$BIN/basic"
    check "$3" "$dir" 10 "Breakpoint 1, add (a=1, b=2) at " "basic.c:$(line_of basic.c add)" \
        " in main () at " "basic.c:$(line_of basic.c first_call)" "Value returned is \$1 = 3" \
        "Hardware assisted breakpoint 2 at " "Breakpoint 2, bump (by=3) at " "\$2 = 3" \
        "[Inferior 1 (process 2) exited with code 012]" "out:sum=3 counter=7"
}

case_step() {
    local flavor=$1 dir=$2 tab=$'\t'
    printf '%s\n' 'break main' continue next step next step 'set $before = $pc' stepi \
        'p $pc != $before' 'p $pc - $before > 0' continue >"$dir/cmds"
    session "$dir" "$BIN/basic"
    check "$3" "$dir" 10 "Breakpoint 1, main () at " "$(line_of basic.c bump_call)$tab" \
        "bump (by=3) at " "$(line_of basic.c bump)$tab" "$(line_of basic.c after_bump)$tab" \
        "main () at " "\$1 = 1" "\$2 = 1" "exited with code 012"
}

# Registers read, and written with a visible effect: add's result becomes 40.
case_registers() {
    local flavor=$1 dir=$2 ax pc
    ax=$(ax_of "$flavor") pc=$(pc_of "$flavor")
    printf '%s\n' 'break add' continue "info registers $pc" 'p/x $fctrl' 'p $mxcsr' 'p a' 'p b' \
        finish "p \$$ax" "set var \$$ax = 40" "p \$$ax" 'p $xmm1.v4_int32[0] == 0 || 1' continue \
        >"$dir/cmds"
    session "$dir" "$BIN/basic"
    check "$3" "$dir" 84 "<add+" "= 0x37f" "[ IM DM ZM OM UM PM ]" "\$3 = 1" "\$4 = 2" \
        "\$6 = 3" "\$7 = 40" "out:sum=40 counter=44" "exited with code 0124"
}

case_memory() {
    local flavor=$1 dir=$2
    printf '%s\n' 'break bump' continue 'x/4xb bytes' 'p message' 'p counter' \
        'set var bytes[0] = 0x11' "set var message[0] = 'j'" 'x/s message' 'p/x bytes[0]' \
        'x/2xb 0' delete continue >"$dir/cmds"
    session "$dir" "$BIN/basic"
    check "$3" "$dir" 10 $'0xde\t0xad\t0xbe\t0xef' '$1 = "hello gdb' "\$2 = 0" '"jello gdb"' \
        "\$3 = 0x11" "Cannot access memory at address 0x0" "out:bytes0=0x11 message=jello gdb"
}

# A write watchpoint stops after the writing instruction, on bump's closing line; a
# read watchpoint where counter is read next.
case_watch() {
    local flavor=$1 dir=$2 tab=$'\t'
    printf '%s\n' 'break main' continue 'watch counter' continue 'delete 2' 'rwatch counter' \
        continue continue delete continue >"$dir/cmds"
    session "$dir" "$BIN/basic"
    check "$3" "$dir" 10 "Hardware watchpoint 2: counter" "Old value = 0" "New value = 3" \
        "bump (by=3) at " "$(line_of basic.c after_bump)$tab} /* line:after_bump */" \
        "Hardware read watchpoint 3: counter" "Value = 3" " in bump (by=4) at " \
        "$(line_of basic.c bump)$tab" "Value = 7" "exited with code 012"
}

# An access watchpoint stops at reads and at writes.
case_access() {
    local flavor=$1 dir=$2 tab=$'\t'
    printf '%s\n' 'break main' continue 'awatch counter' continue continue continue delete \
        continue >"$dir/cmds"
    session "$dir" "$BIN/basic"
    check "$3" "$dir" 10 "Hardware access (read/write) watchpoint 2: counter" "Value = 0" \
        "Old value = 0" "New value = 3" "$(line_of basic.c after_bump)$tab" "Value = 3" \
        " in bump (by=4) at " "exited with code 012"
}

case_threads() {
    local flavor=$1 dir=$2
    printf '%s\n' 'break all_ready' continue 'info threads' 'thread 2' 'p $_thread' continue \
        >"$dir/cmds"
    session "$dir" "$BIN/threads"
    check "$3" "$dir" 3 "hit Breakpoint 1, all_ready () at " '"worker1"' '"worker2"' \
        "* 1    Thread " "  3    Thread " '"threads"' "[Switching to thread 2 (Thread " \
        "exited with code 03" "out:sum=3"
}

# gdb stops at each signal; `signal 0` discards the second SIGUSR1 (the handler ran
# once); continuing after the SIGSEGV delivers it.
case_signals() {
    local flavor=$1 dir=$2
    printf '%s\n' continue continue 'p hits' 'signal 0' continue >"$dir/cmds"
    session "$dir" "$BIN/signals"
    check "$3" "$dir" 139 "Program received signal SIGUSR1, User defined signal 1." "\$1 = 1" \
        "Program received signal SIGSEGV, Segmentation fault." \
        "signals.c:$(line_of signals.c segv)" \
        "Program terminated with signal SIGSEGV, Segmentation fault." "out:hits=1"
}

# Ctrl-C: gdb gets SIGINT while the guest runs and interrupts it.
case_interrupt() {
    local flavor=$1 dir=$2 gdb_job
    printf '%s\n' continue 'p spins > 0' kill >"$dir/cmds"
    hexvm_start "$dir" "$BIN/spin"
    commands_of "$dir"
    # gdb itself must get the SIGINT, once: no shell in between, and timeout passing it
    # on only to gdb, not again to its process group
    timeout --foreground "$TIMEOUT" gdb -batch -nx -iex 'set debuginfod enabled off' \
        -ex "target remote $dir/sock" "${CMDS[@]}" "$BIN/spin" </dev/null >"$dir/gdb.out" 2>&1 &
    gdb_job=$!
    for ((k = 0; k < 100; k++)); do
        grep -q "in _start" "$dir/gdb.out" 2>/dev/null && break
        sleep 0.05
    done
    sleep 0.5
    kill -INT "$gdb_job"
    wait "$gdb_job"
    wait "$HEXVM_JOB"
    check "$3" "$dir" 137 "Program received signal SIGINT, Interrupt." "\$1 = 1" \
        "[Inferior 1 (process 2) killed]"
}

case_fork() {
    local flavor=$1 dir=$2
    printf '%s\n' 'break in_child' 'break in_parent' continue continue >"$dir/cmds"
    session "$dir" "$BIN/fork"
    check "$3" "$dir" 43 "Breakpoint 2, in_parent (v=42)" "!in_child (v=21)" \
        "exited with code 053" "out:child status 42"
}

case_follow_fork() {
    local flavor=$1 dir=$2
    printf '%s\n' 'break in_child' 'break in_parent' continue 'info threads' continue continue \
        >"$dir/cmds"
    session "$dir" "$BIN/fork" --gdb-follow-fork
    check "$3" "$dir" 43 "received signal SIGTRAP" "Breakpoint 1, in_child (v=21)" \
        "!in_parent (v=" "exited with code 052" "out:child status 42"
}

# gdb is given no file: it finds the program through qXfer:exec-file and the auxv.
case_execfile() {
    local flavor=$1 dir=$2
    hexvm_start "$dir" "$BIN/basic"
    gdb_cmd -ex "target remote $dir/sock" -ex 'info auxv' -ex 'break add' -ex continue \
        -ex continue </dev/null >"$dir/gdb.out" 2>&1
    wait "$HEXVM_JOB"
    check "$3" "$dir" 10 "AT_ENTRY" "AT_PHDR" "Breakpoint 1, add (a=1, b=2) at " \
        "exited with code 012"
}

# `monitor snapshot FILE` at a breakpoint: restoring FILE finishes the program from there
# (its output is the end of the debugged run's, its status the same).
case_monitor() {
    local flavor=$1 dir=$2
    printf '%s\n' 'break add' continue 'monitor help' 'monitor stats' 'monitor bogus' \
        "monitor snapshot $dir/at_add.snap" continue >"$dir/cmds"
    session "$dir" "$BIN/basic"
    "$HEXVM" restore "$dir/at_add.snap" >"$dir/restored.out" 2>"$dir/restored.err" </dev/null
    local rc=$? n
    n=$(wc -c <"$dir/restored.out")
    if [ $rc != 10 ] || [ "$n" = 0 ] || ! tail -c "$n" "$dir/guest.out" | cmp -s - "$dir/restored.out"; then
        echo "the machine restored from monitor snapshot exited $rc: $(head -c 200 "$dir/restored.err")" >"$dir/gdb.out.extra"
        cat "$dir/gdb.out.extra" >>"$dir/gdb.out"
    fi
    check "$3" "$dir" 10 "monitor stats" "guest instructions" "processes            1 live" \
        "unknown monitor command 'bogus'" "snapshot written to $dir/at_add.snap" \
        "!the machine restored from monitor snapshot" "exited with code 012"
}

# hexvm_start_tcp DIR GUEST: hexvm waits for gdb on a free port (--gdb 0), which it
# names on stderr; sets PORT.
hexvm_start_tcp() {
    local dir=$1 guest=$2
    PORT=
    (
        timeout "$TIMEOUT" "$HEXVM" --gdb 0 "$guest" </dev/null >"$dir/guest.out" 2>"$dir/hexvm.err"
        echo $? >"$dir/hexvm.status"
    ) &
    HEXVM_JOB=$!
    for ((k = 0; k < 200; k++)); do
        PORT=$(sed -n 's/^hexvm: waiting for gdb on 127.0.0.1:\([0-9]*\)$/\1/p' "$dir/hexvm.err" 2>/dev/null)
        [ -n "$PORT" ] && break
        sleep 0.05
    done
}

# Over TCP; after the detach the guest runs to its end by itself.
case_tcp() {
    local flavor=$1 dir=$2
    hexvm_start_tcp "$dir" "$BIN/basic"
    gdb_cmd -ex "target remote 127.0.0.1:$PORT" -ex 'break add' -ex continue -ex detach \
        "$BIN/basic" </dev/null >"$dir/gdb.out" 2>&1
    wait "$HEXVM_JOB"
    check "$3" "$dir" 10 "Breakpoint 1, add (a=1, b=2) at " \
        "[Inferior 1 (process 2) detached]" "out:sum=3 counter=7"
}

# raw_packet DATA: sends one packet on fd 3 (no acknowledgements) and prints (the start
# of) the packet and the reply.
raw_packet() {
    local sum reply
    sum=$(printf '%s' "$1" | od -An -tu1 -v | awk '{ for (i = 1; i <= NF; i++) s += $i }
        END { print s % 256 }')
    printf '$%s#%02x' "$1" "$sum" >&3
    IFS= read -r -d '#' -t 10 reply <&3 && read -r -n 2 -t 10 _ <&3
    printf '%.32s -> %s\n' "$1" "${reply#\$}"
}

# Malformed and nonsensical packets get error replies; the stub survives them all and
# is still there to be killed.
case_bad_packets() {
    local flavor=$1 dir=$2 ack p
    hexvm_start_tcp "$dir" "$BIN/basic"
    if [ -n "$PORT" ] && exec 3<>"/dev/tcp/127.0.0.1/$PORT"; then
        printf '$QStartNoAckMode#b0' >&3
        IFS= read -r -d '#' -t 10 ack <&3 && read -r -n 2 -t 10 _ <&3
        printf '+' >&3
        for p in 'mzz,4' 'm0,4' 'm1,' 'Z9,401000,1' 'Z0,0,1' 'pfff' 'P0=12' 'X0,5:ab' 'G00' \
            'Hg999' 'Hx1' 'T999' 'vCont;x' 'vCont;C:2' 'qXfer:features:read:x.xml:0,9' \
            'qXfer:auxv:read::zz' 'QPassSignals:zz' 'qRcmd,6' 'M0,1:zz' 'Z2,1000,0' \
            'qThreadExtraInfo,zz' 'vRun;00' "M1000,2000:$(printf '%020000d' 0)" '?'; do
            raw_packet "$p"
        done >"$dir/gdb.out"
        printf '$k#6b' >&3
        exec 3<&-
    fi
    wait "$HEXVM_JOB"
    check "$3" "$dir" 137 "mzz,4 -> E16" "m0,4 -> E0e" "m1, -> E16" "Z9,401000,1 -> E16" \
        "Z0,0,1 -> E16" "pfff -> E16" "P0=12 -> E16" "X0,5:ab -> E16" "G00 -> E16" \
        "Hg999 -> E03" "Hx1 -> E03" "T999 -> E03" "vCont;x -> E16" "vCont;C:2 -> E16" \
        "qXfer:features:read:x.xml:0,9 -> E00" "qXfer:auxv:read::zz -> E00" \
        "QPassSignals:zz -> E16" "qRcmd,6 -> E16" "M0,1:zz -> E16" "Z2,1000,0 -> E16" \
        "qThreadExtraInfo,zz -> E03" "vRun;00 -> E01" "M1000,2000:000000000000000000000 -> E01" \
        "? -> T05thread:2;"
}

# Without gdb's own step-over: continuing from a breakpoint still runs its instruction
# (and the program to its end) instead of stopping there again.
case_raw_resume() {
    local flavor=$1 dir=$2 ack add
    add=$(nm "$BIN/basic" | awk '$3 == "add" { print $1 }' | sed 's/^0*//')
    hexvm_start_tcp "$dir" "$BIN/basic"
    if [ -n "$PORT" ] && exec 3<>"/dev/tcp/127.0.0.1/$PORT"; then
        printf '$QStartNoAckMode#b0' >&3
        IFS= read -r -d '#' -t 10 ack <&3 && read -r -n 2 -t 10 _ <&3
        printf '+' >&3
        for p in "Z0,$add,1" 'vCont;c' "p$([ "$flavor" = x64 ] && echo 10 || echo 8)" c; do
            raw_packet "$p"
        done >"$dir/gdb.out"
        exec 3<&-
    fi
    wait "$HEXVM_JOB"
    local pc
    pc=$(printf '%016x' "0x$add" | sed 's/../& /g' | awk '{ for (i = NF; i > 0; i--) printf "%s", $i }')
    [ "$flavor" = m32 ] && pc=${pc:0:8}
    check "$3" "$dir" 10 "Z0,$add,1 -> OK" "vCont;c -> T05swbreak:;thread:2;" "-> $pc" \
        "c -> W0a"
}

run_case() {
    local case=$1 flavor=$2 name=gdb.$1.$2 dir=$OUT/$2/$1 BIN=$OUT/$2/bin
    rm -rf "$dir"
    mkdir -p "$dir"
    "case_$case" "$flavor" "$dir" "$name"
}

if command -v gdb >/dev/null; then
    for flavor in "${FLAVORS[@]}"; do
        rm -rf "$OUT/$flavor"
        mkdir -p "$OUT/$flavor/bin"
        ok=1
        for guest in basic threads signals spin fork; do
            build "$flavor" "$guest" || ok=0
        done
        [ $ok = 1 ] && touch "$OUT/$flavor/built"
    done
fi

for flavor in "${FLAVORS[@]}"; do
    for case in "${CASES[@]}"; do
        name=gdb.$case.$flavor
        name_selected "$name" "$@" || continue
        if ! command -v gdb >/dev/null; then
            result_skip "$name" "gdb is not installed"
        elif [ ! -f "$OUT/$flavor/built" ]; then
            result_fail "$name" "the guests do not build" "$OUT/$flavor/build.log"
        else
            run_limited run_case "$case" "$flavor"
        fi
    done
done
suite_report
