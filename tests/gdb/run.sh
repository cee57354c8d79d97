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
    execfile monitor tcp bad_packets raw_resume catch_syscall syscall_args catch_group
    syscall_step syscall_hold siginfo root_files remote_files sharedlib catch_fork
    catch_exec catch_vfork vfork_child attach attach_running)

# The line of the "line:NAME" marker in a guest source.
line_of() { grep -n "line:$2 " "$SRC/$1" | cut -d: -f1; }

build() {
    local flavor=$1 name=$2 flags=(-g -O0 -static -pthread -Wall -Wextra -Werror)
    [ "$flavor" = m32 ] && flags+=(-m32)
    gcc "${flags[@]}" -o "$OUT/$flavor/bin/$name" "$SRC/$name.c" >>"$OUT/$flavor/build.log" 2>&1
}

# A dynamically linked build of a guest (BIN/NAME.dyn), where the host can link one.
build_dynamic() {
    local flavor=$1 name=$2 flags=(-g -O0 -Wall -Wextra -Werror)
    [ "$flavor" = m32 ] && flags+=(-m32)
    gcc "${flags[@]}" -o "$OUT/$flavor/bin/$name.dyn" "$SRC/$name.c" >>"$OUT/$flavor/build.log" 2>&1
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
# guest's output; "err:TEXT": in hexvm's stderr; "!TEXT": nowhere in gdb's output) and
# hexvm exited with STATUS.
check() {
    local name=$1 dir=$2 status=$3 p bad=0 file text
    shift 3
    : >"$dir/detail"
    for p in "$@"; do
        file=$dir/gdb.out text=$p
        case $p in
        out:*) file=$dir/guest.out text=${p#out:} ;;
        err:*) file=$dir/hexvm.err text=${p#err:} ;;
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

# raw_send DATA: sends one packet on fd 3 (no acknowledgements).
raw_send() {
    local sum
    sum=$(printf '%s' "$1" | od -An -tu1 -v | awk '{ for (i = 1; i <= NF; i++) s += $i }
        END { print s % 256 }')
    printf '$%s#%02x' "$1" "$sum" >&3
}

# raw_packet DATA: sends one packet and prints (the start of) the packet and the reply.
raw_packet() {
    local reply
    raw_send "$1"
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
            'qThreadExtraInfo,zz' 'vRun;00' "M1000,2000:$(printf '%020000d' 0)" \
            'vFile:open:zz,0,0' 'vFile:open:2f,1000000,0' 'vFile:open:2f6e6f6e65,0,0' \
            'vFile:pread:9,10,0' 'vFile:pread:zz' 'vFile:close:1f' 'vFile:fstat:-1' \
            'vFile:setfs:7fff' 'vFile:readlink:2f' 'vFile:unlink:2f' 'vFile:bogus:0' \
            'QCatchSyscalls:2' 'QCatchSyscalls:1;zz' 'qXfer:siginfo:write::200:x' \
            'qXfer:osdata:read:bogus:0,10' 'vAttach;zz' 'vAttach;2' 'vAttach;7fff' 'D;zz' \
            'vKill;7fff' 'Hgp2.zz' 'Hgp7fff.0' 'qAttached:zz' '?'; do
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
        "vFile:open:zz,0,0 -> F-1,16" "vFile:open:2f,1000000,0 -> F-1,16" \
        "vFile:open:2f6e6f6e65,0,0 -> F-1,2" "vFile:pread:9,10,0 -> F-1,9" \
        "vFile:pread:zz -> F-1,9" "vFile:close:1f -> F-1,9" "vFile:fstat:-1 -> F-1,9" \
        "vFile:setfs:7fff -> F-1,16" "vFile:readlink:2f -> F-1,16" "vFile:unlink:2f -> F-1,10" \
        "vFile:bogus:0 -> " "QCatchSyscalls:2 -> E16" "QCatchSyscalls:1;zz -> E16" \
        "qXfer:siginfo:write::200:x -> E00" "qXfer:osdata:read:bogus:0,10 -> E00" \
        "vAttach;zz -> E01" "vAttach;2 -> E01" "vAttach;7fff -> E01" "D;zz -> E03" \
        "vKill;7fff -> E03" "Hgp2.zz -> E03" "Hgp7fff.0 -> E03" "qAttached:zz -> E03" \
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

# Argument registers by architecture: the first and third system call arguments.
arg1_of() { [ "$1" = x64 ] && echo rdi || echo ebx; }
arg3_of() { [ "$1" = x64 ] && echo rdx || echo edx; }
# System call numbers (arch/x86/entry/syscalls): write, exit_group.
nr_write() { [ "$1" = x64 ] && echo 1 || echo 4; }
nr_exit_group() { [ "$1" = x64 ] && echo 231 || echo 252; }

# `catch syscall write`: stops before the call with its arguments in their registers,
# rax -ENOSYS and orig_rax the number (as Linux shows a tracer), then at its return with
# the result. A snapshot written at the entry stop, restored, runs the call.
case_catch_syscall() {
    local flavor=$1 dir=$2 ax
    ax=$(ax_of "$flavor")
    printf '%s\n' 'break main' continue 'catch syscall write' continue "p \$$(arg1_of "$flavor")" \
        "p \$$(arg3_of "$flavor")" "p \$orig_$ax" "p \$$ax" "monitor snapshot $dir/at_write.snap" \
        continue "p \$$ax" delete continue >"$dir/cmds"
    session "$dir" "$BIN/syscalls"
    "$HEXVM" restore "$dir/at_write.snap" >"$dir/restored.out" 2>"$dir/restored.err" </dev/null
    local rc=$?
    if [ $rc != 5 ] || [ "$(cat "$dir/restored.out")" != hello ]; then
        echo "the machine restored at the entry stop exited $rc," \
            "wrote '$(cat "$dir/restored.out")'" >>"$dir/gdb.out"
    fi
    check "$3" "$dir" 5 "!the machine restored at the entry stop" \
        "Catchpoint 2 (syscall 'write' [$(nr_write "$flavor")])" \
        "Catchpoint 2 (call to syscall write), " "\$1 = 1" "\$2 = 6" \
        "\$3 = $(nr_write "$flavor")" "\$4 = -38" "Catchpoint 2 (returned from syscall write), " \
        "\$5 = 6" "exited with code 05" "out:hello"
}

# gdb changes a caught call's argument at its entry (the count: 3 of the 6 bytes are
# written, and the guest sees the short count), and the guest's exit status shows it.
case_syscall_args() {
    local flavor=$1 dir=$2 ax
    ax=$(ax_of "$flavor")
    printf '%s\n' 'catch syscall write' continue "set var \$$(arg3_of "$flavor") = 3" continue \
        "p \$$ax" delete continue >"$dir/cmds"
    session "$dir" "$BIN/syscalls"
    check "$3" "$dir" 1 "Catchpoint 1 (call to syscall write), " \
        "Catchpoint 1 (returned from syscall write), " "\$1 = 3" "exited with code 01"
    if [ "$(cat "$dir/guest.out")" != hel ]; then
        echo "the guest wrote '$(cat "$dir/guest.out")', not 'hel'" >>"$dir/detail"
        result_fail "$3" "the changed argument did not reach the call" "$dir/detail"
    fi
}

# `catch syscall group:process` from main: the next such call is exit_group(5).
case_catch_group() {
    local flavor=$1 dir=$2
    printf '%s\n' 'break main' continue 'catch syscall group:process' continue \
        "p \$$(arg1_of "$flavor")" "p \$orig_$(ax_of "$flavor")" continue >"$dir/cmds"
    session "$dir" "$BIN/syscalls"
    check "$3" "$dir" 5 "Catchpoint 2 (syscalls '" "'exit_group' [$(nr_exit_group "$flavor")]" \
        "Catchpoint 2 (call to syscall exit_group), " "\$1 = 5" \
        "\$2 = $(nr_exit_group "$flavor")" "exited with code 05" "out:hello"
}

# stepi at a caught call's entry runs the call and stops at its return, at the same pc
# (as a single step over a system call does under Linux); stepi there runs the next
# instruction.
case_syscall_step() {
    local flavor=$1 dir=$2
    printf '%s\n' 'catch syscall write' continue 'set $at_entry = $pc' stepi 'p $pc == $at_entry' \
        'set $at_return = $pc' stepi 'p $pc != $at_return' delete continue >"$dir/cmds"
    session "$dir" "$BIN/syscalls"
    check "$3" "$dir" 5 "Catchpoint 1 (call to syscall write), " \
        "Catchpoint 1 (returned from syscall write), " "\$1 = 1" "\$2 = 1" \
        "exited with code 05" "out:hello"
}

# Over a raw socket: a thread gdb keeps stopped at a caught call's entry does not run the
# call (nothing is written; it stands at the system call instruction again, its number
# back in rax); once resumed, the call runs without a second entry stop and its return
# is reported.
case_syscall_hold() {
    local flavor=$1 dir=$2 ack nr pc_reg ax_reg
    nr=$(nr_write "$flavor")
    pc_reg=$([ "$flavor" = x64 ] && echo 10 || echo 8)
    ax_reg=0
    hexvm_start_tcp "$dir" "$BIN/syscalls"
    if [ -n "$PORT" ] && exec 3<>"/dev/tcp/127.0.0.1/$PORT"; then
        printf '$QStartNoAckMode#b0' >&3
        IFS= read -r -d '#' -t 10 ack <&3 && read -r -n 2 -t 10 _ <&3
        printf '+' >&3
        for p in "QCatchSyscalls:1;$nr" 'vCont;c' "p$pc_reg"; do
            raw_packet "$p"
        done >"$dir/gdb.out" 2>&1
        # resume only a thread that does not exist: the machine stands still until the
        # interrupt, which comes right behind the packet
        raw_send 'vCont;c:7fff'
        printf '\003' >&3
        IFS= read -r -d '#' -t 10 ack <&3 && read -r -n 2 -t 10 _ <&3
        printf 'interrupt -> %s\n' "${ack#\$}" >>"$dir/gdb.out"
        for p in "p$pc_reg" "p$ax_reg" 'vCont;c' "p$ax_reg" 'vCont;c'; do
            raw_packet "$p"
        done >>"$dir/gdb.out" 2>&1
        exec 3<&-
    fi
    wait "$HEXVM_JOB"
    local entry_pc back_pc
    entry_pc=$(sed -n '3s/^p[0-9a-f]* -> //p' "$dir/gdb.out")
    back_pc=$(sed -n '5s/^p[0-9a-f]* -> //p' "$dir/gdb.out")
    local expected
    expected=$(printf '%x' $((0x$(le_hex "$back_pc") + 2)))
    if [ -z "$entry_pc" ] || [ "$(le_hex "$entry_pc")" != "$expected" ]; then
        echo "rip at the entry $entry_pc, held back at $back_pc: not 2 bytes before it" >>"$dir/gdb.out"
    fi
    [ "$(cat "$dir/guest.out")" = hello ] || echo "the call did not run exactly once" >>"$dir/gdb.out"
    check "$3" "$dir" 5 "QCatchSyscalls:1;$nr -> OK" \
        "vCont;c -> T05syscall_entry:$nr;thread:2;" "interrupt -> T02thread:2;" \
        "p0 -> $(le_bytes "$flavor" "$nr")" "vCont;c -> T05syscall_return:$nr;thread:2;" \
        "p0 -> $(le_bytes "$flavor" 6)" "vCont;c -> W05" "!not 2 bytes before" \
        "!did not run exactly once"
}

# A little-endian register value as raw_packet prints it (8 or 4 bytes), and back.
le_bytes() {
    local v
    v=$(printf '%016x' "$2" | sed 's/../& /g' | awk '{ for (i = NF; i > 0; i--) printf "%s", $i }')
    [ "$1" = m32 ] && v=${v:0:8}
    printf '%s' "$v"
}
le_hex() {
    printf '%s' "$1" | sed 's/../& /g' | awk '{ for (i = NF; i > 0; i--) printf "%s", $i }' |
        sed 's/^0*//'
}

# $_siginfo: a raised SIGUSR1 (si_code SI_TKILL, from process 2), then the SIGSEGV at
# address 16; gdb rewrites si_addr and the guest dies of the fault gdb described.
case_siginfo() {
    local flavor=$1 dir=$2
    printf '%s\n' continue 'p $_siginfo.si_signo' 'p $_siginfo.si_code' \
        'p $_siginfo._sifields._kill.si_pid' 'signal 0' continue 'p $_siginfo.si_signo' \
        'p $_siginfo.si_code' 'p $_siginfo._sifields._sigfault.si_addr' \
        'set var $_siginfo._sifields._sigfault.si_addr = (void *) 0x1234' \
        'p $_siginfo._sifields._sigfault.si_addr' continue >"$dir/cmds"
    session "$dir" "$BIN/signals"
    check "$3" "$dir" 139 "Program received signal SIGUSR1, User defined signal 1." \
        "\$1 = 10" "\$2 = -6" "\$3 = 2" "Program received signal SIGSEGV, Segmentation fault." \
        "\$4 = 11" "\$5 = 1" "\$6 = (void *) 0x10" "\$7 = (void *) 0x1234" \
        "Program terminated with signal SIGSEGV, Segmentation fault." "out:hits=1" \
        "err:killed by SIGSEGV (address not mapped, address 0x1234)"
}

# gdb given no file, the guest under --root: gdb reads the program the guest runs as
# /bin/prog (which the host does not have) through the stub, and `info proc` reads the
# guest's own /proc.
case_root_files() {
    local flavor=$1 dir=$2
    mkdir -p "$dir/root/bin"
    cp "$BIN/basic" "$dir/root/bin/prog"
    hexvm_start "$dir" /bin/prog --root "$dir/root"
    gdb_cmd -ex "target remote $dir/sock" -ex 'info proc' -ex 'break add' -ex continue \
        -ex continue </dev/null >"$dir/gdb.out" 2>&1
    wait "$HEXVM_JOB"
    check "$3" "$dir" 10 "Reading /bin/prog from remote target..." \
        "Reading symbols from target:/bin/prog..." "process 2" "cmdline = '/bin/prog'" \
        "exe = '/bin/prog'" "Breakpoint 1, add (a=1, b=2) at " "exited with code 012"
}

# gdb's `remote put`, `get` and `delete` (vFile open, pwrite, pread, unlink) on the
# guest's files under --overlay: the file comes back as it went, goes away when deleted,
# and the host's directory never sees it.
case_remote_files() {
    local flavor=$1 dir=$2
    mkdir -p "$dir/root/bin" "$dir/root/tmp"
    cp "$BIN/basic" "$dir/root/bin/prog"
    head -c 50000 "$BIN/basic" >"$dir/payload"
    hexvm_start "$dir" /bin/prog --root "$dir/root" --overlay
    gdb_cmd -ex "target remote $dir/sock" -ex "remote put $dir/payload /tmp/put" \
        -ex "remote get /tmp/put $dir/got" -ex 'remote delete /tmp/put' \
        -ex "remote get /tmp/put $dir/got2" -ex 'remote delete /tmp' -ex continue \
        </dev/null >"$dir/gdb.out" 2>&1
    wait "$HEXVM_JOB"
    cmp -s "$dir/payload" "$dir/got" || echo "remote get gave other bytes than remote put" >>"$dir/gdb.out"
    [ -e "$dir/root/tmp/put" ] && echo "the host's directory got the file" >>"$dir/gdb.out"
    check "$3" "$dir" 10 "Remote I/O error: No such file or directory" \
        "Remote I/O error: Is a directory" "!remote get gave other bytes" \
        "!the host's directory got the file" "exited with code 012"
}

# A dynamically linked guest, gdb given no file: the program, the dynamic linker and
# libc are read through the stub (target: sysroot); the libraries are the ones a native
# ldd names.
case_sharedlib() {
    local flavor=$1 dir=$2 libc interp
    if [ ! -x "$BIN/basic.dyn" ]; then
        result_skip "$3" "gcc cannot link a dynamic $flavor program here"
        return
    fi
    libc=$(ldd "$BIN/basic.dyn" | awk '$1 ~ /^libc\.so/ { print $3 }')
    interp=$(ldd "$BIN/basic.dyn" | awk '$1 ~ /^\/.*ld-linux/ { print $1 }')
    hexvm_start "$dir" "$BIN/basic.dyn"
    gdb_cmd -ex "target remote $dir/sock" -ex 'break add' -ex continue \
        -ex 'info sharedlibrary' -ex continue </dev/null >"$dir/gdb.out" 2>&1
    wait "$HEXVM_JOB"
    check "$3" "$dir" 10 "Reading $BIN/basic.dyn from remote target..." \
        "Reading $interp from remote target..." "Reading $libc from remote target..." \
        "Breakpoint 1, add (a=1, b=2) at " "target:$interp" "target:$libc" \
        "exited with code 012" "out:sum=3 counter=7"
    if ! grep -q "Yes.*target:$libc" "$dir/gdb.out"; then
        echo "libc's symbols were not read" >>"$dir/detail"
        result_fail "$3" "info sharedlibrary: no symbols for $libc" "$dir/detail"
    fi
}

# `catch fork` with gdb following the child and keeping the parent: both are inferiors
# (pids 2 and 3), each stops at its own breakpoint, each exit is reported.
case_catch_fork() {
    local flavor=$1 dir=$2
    printf '%s\n' 'catch fork' 'set follow-fork-mode child' 'set detach-on-fork off' \
        'break in_child' 'break in_parent' continue continue 'info inferiors' continue \
        'inferior 1' continue continue >"$dir/cmds"
    session "$dir" "$BIN/fork"
    check "$3" "$dir" 43 "Catchpoint 1 (forked process 3), " "[New inferior 2 (process 3)]" \
        "in_child (v=21) at " "  1    process 2 " "* 2    process 3 " \
        "[Inferior 2 (process 3) exited with code 052]" "in_parent (v=42) at " \
        "[Inferior 1 (process 2) exited with code 053]" "out:child status 42"
}

# `catch exec`: the new image is reported with its path, gdb reads it through the stub
# and stops in it at a breakpoint.
case_catch_exec() {
    local flavor=$1 dir=$2
    printf '%s\n' 'catch exec' continue 'break after_exec' continue continue >"$dir/cmds"
    session "$dir" "$BIN/exec"
    check "$3" "$dir" 7 "process 2 is executing new program: $BIN/exec" \
        "Catchpoint 1 (exec'd $BIN/exec), " "Breakpoint 2, after_exec (arg=" '"again")' \
        "exited with code 07" "out:after exec: again"
}

# `catch vfork` following the parent: the child is let go, and the parent stops at its
# breakpoint once the child has exec'd and exited.
case_catch_vfork() {
    local flavor=$1 dir=$2
    printf '%s\n' 'catch vfork' 'break in_parent' continue continue continue >"$dir/cmds"
    session "$dir" "$BIN/vfork"
    check "$3" "$dir" 10 "Catchpoint 1 (vforked process 3), " \
        "[Detaching after vfork from child process 3]" "Breakpoint 2, in_parent (v=9) at " \
        "[Inferior 1 (process 2) exited with code 012]" "out:child status 9"
}

# Following a vfork child: gdb lets the parent go once the child execs, and follows the
# child into its new image to its end.
case_vfork_child() {
    local flavor=$1 dir=$2
    printf '%s\n' 'set follow-fork-mode child' continue >"$dir/cmds"
    session "$dir" "$BIN/vfork"
    check "$3" "$dir" 10 "[Attaching after Thread 2.2 vfork to child Thread 3.3]" \
        "[Detaching vfork parent process 2 after child exec]" \
        "process 3 is executing new program: $BIN/vfork" \
        "[Inferior 2 (process 3) exited with code 011]" "out:child status 9"
}

# extended-remote: with the parent stopped after its fork, gdb attaches to the child (a
# second inferior, its program read through the stub), lets it out of its loop by
# writing its memory and detaches it; the parent then sees the child's status.
case_attach() {
    local flavor=$1 dir=$2
    hexvm_start "$dir" "$BIN/attach"
    gdb_cmd -ex "target extended-remote $dir/sock" -ex 'break parent_forked' -ex continue \
        -ex add-inferior -ex 'inferior 2' -ex 'attach 3' -ex 'info inferiors' \
        -ex 'set var go = 1' -ex detach -ex 'inferior 1' -ex continue </dev/null \
        >"$dir/gdb.out" 2>&1
    wait "$HEXVM_JOB"
    check "$3" "$dir" 43 "Breakpoint 1, parent_forked (pid=3) at " "  1    process 2 " \
        "* 2    process 3 " "[Inferior 2 (process 3) detached]" \
        "[Inferior 1 (process 2) exited with code 053]" "out:child status 42"
}

# extended-remote: gdb detaches the only debugged process and stays connected while the
# machine runs; `info os processes` lists the guest's processes, gdb attaches to the
# running one again and kills it.
case_attach_running() {
    local flavor=$1 dir=$2
    hexvm_start "$dir" "$BIN/spin"
    gdb_cmd -ex "target extended-remote $dir/sock" -ex detach -ex 'info os processes' \
        -ex 'attach 2' -ex 'info inferiors' -ex kill </dev/null >"$dir/gdb.out" 2>&1
    wait "$HEXVM_JOB"
    check "$3" "$dir" 137 "[Inferior 1 (process 2) detached]" "$BIN/spin " \
        "* 1    process 2 " "[Inferior 1 (process 2) killed]" "err:killed by SIGKILL"
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
        for guest in basic threads signals spin fork syscalls exec vfork attach; do
            build "$flavor" "$guest" || ok=0
        done
        [ $ok = 1 ] && touch "$OUT/$flavor/built"
        build_dynamic "$flavor" basic
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
