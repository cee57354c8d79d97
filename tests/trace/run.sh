#!/usr/bin/env bash
# Trace suite: hexvm's observability output checked line by line, for x64 (gcc -static)
# and m32 (gcc -m32 -static) builds of the programs here.
#   trace.strace.F         -s of calls.c: the lines of calls.expected, in order
#   trace.strace.native.F  the same lines (but those marked !) in native `strace -f` output:
#                          the expectations are strace's own format (SKIP without strace)
#   trace.strace.log       -s --log FILE: the trace in FILE, nothing on stderr
#   trace.stats.F          -Z of calls.c: counts of processes, threads, calls and errors
#   trace.stats.fault      -Z of a crash: the fault and the fatal signal by name
#   trace.insn.F           --trace of tiny{64,32}.S: exactly tiny*.expected
#   trace.insn.hexvm.F     the same with --trace-disasm hexvm (hexvm's own printer)
#   trace.insn.from        --trace-from 13: the last three lines only
#   trace.insn.pid         --trace-pid 3 (no such process): nothing
#   trace.fault.KIND.F     crash.c's null write, ud2 and AVX instruction: the fault report's
#                          summary, address, bytes, disassembly, registers, last branch, map
#   trace.fault.log        --log FILE: the summary alone on stderr, the report in FILE

source "$(dirname "$0")/../lib.sh"
suite_init trace
SRC=$TESTS_DIR/trace

build() { # NAME FLAVOR CC-ARGS...: $OUT/NAME.FLAVOR
    local name=$1 flavor=$2
    shift 2
    gcc "$@" -o "$OUT/$name.$flavor" >"$OUT/$name.$flavor.log" 2>&1
}

flags() { [ "$1" = m32 ] && echo -m32; }
bits() { [ "$1" = m32 ] && echo 32 || echo 64; }
sel() { name_selected "$@"; }

# in_order EXPECTED ACTUAL: every line of EXPECTED occurs in ACTUAL, in this order;
# prints the first one that does not. @N@ in an expected line stands for any
# integer (values that differ from run to run: CPU times, free memory).
in_order() {
    awk 'function pattern(line,   parts, n, k, re) {
             n = split(line, parts, /@N@/)
             re = ""
             for (k = 1; k <= n; k++) {
                 gsub(/[][\\.^$*+?(){}|\/]/, "\\\\&", parts[k])
                 re = re (k > 1 ? "-?[0-9]+" : "") parts[k]
             }
             return "^" re "$"
         }
         function matches(line, want) {
             return index(want, "@N@") ? line ~ pattern(want) : line == want
         }
         BEGIN { k = n = 0 }
         NR == FNR { want[n++] = $0; next }
         k < n && matches($0, want[k]) { k++ }
         END { if (k < n) { print "missing: " want[k]; exit 1 } }' "$1" "$2"
}

# expected_lines FLAVOR [native]: calls.expected's lines for this build; with
# `native`, without hexvm's pid prefixes and without the lines marked !.
expected_lines() {
    local uid
    uid=$(id -u)
    awk -v f="$1" -v native="${2:-}" -v uid="$uid" '
        /^#/ || NF == 0 { next }
        { tag = $1; line = substr($0, length(tag) + 2) }
        tag ~ /!$/ && native { next }
        { sub(/!$/, "", tag) }
        tag != "*" && tag != f { next }
        { gsub(/@UID@/, uid, line) }
        native { sub(/^\[[0-9]+\] /, "", line) }
        { print line }' "$SRC/calls.expected"
}

fail_with() { # NAME REASON FILE...: the reason, then the files as details
    local name=$1 reason=$2 detail=$OUT/$1.detail
    shift 2
    cat "$@" >"$detail" 2>/dev/null
    result_fail "$name" "$reason" "$detail"
}

strace_case() { # FLAVOR
    local f=$1 name=trace.strace.$1 dir=$OUT/strace.$1
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && TZ=UTC "$HEXVM" -s "$OUT/calls.$f" >stdout 2>trace </dev/null)
    local rc=$?
    expected_lines "$f" >"$dir/expected"
    if [ $rc != 0 ]; then
        fail_with "$name" "exit status $rc" "$dir/trace"
    elif ! printf 'abcd\n0123456789012345678901234567890123456789\n' | cmp -s - "$dir/stdout"; then
        fail_with "$name" "the program's stdout changed" "$dir/stdout"
    elif ! in_order "$dir/expected" "$dir/trace" >"$dir/why"; then
        fail_with "$name" "trace lines differ (log: tests/out/trace/strace.$f/trace)" "$dir/why"
    else
        result_pass "$name"
    fi
}

strace_native_case() { # FLAVOR
    local f=$1 name=trace.strace.native.$1 dir=$OUT/native.$1
    rm -rf "$dir" && mkdir -p "$dir"
    if ! command -v strace >/dev/null; then
        result_skip "$name" "no strace here"
        return
    fi
    if ! (cd "$dir" && TZ=UTC strace -f -o raw "$OUT/calls.$f" >/dev/null 2>&1 </dev/null) ||
        ! grep -q 'exited with 0' "$dir/raw"; then
        result_skip "$name" "strace cannot trace here (ptrace not permitted?)"
        return
    fi
    # strace -f: "PID line", results aligned with spaces before " = "
    sed -E 's/^[0-9]+ +//; s/\) +(= )/) \1/' "$dir/raw" >"$dir/trace"
    expected_lines "$f" native >"$dir/expected"
    if in_order "$dir/expected" "$dir/trace" >"$dir/why"; then
        result_pass "$name"
    else
        fail_with "$name" "native strace writes these lines otherwise" "$dir/why"
    fi
}

strace_log_case() {
    local name=trace.strace.log dir=$OUT/strace.log
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && "$HEXVM" -s --log trace "$OUT/calls.x64" >/dev/null 2>stderr </dev/null)
    if [ -s "$dir/stderr" ]; then
        fail_with "$name" "stderr not empty" "$dir/stderr"
    elif ! grep -qxF '[2] umask(022) = 022' "$dir/trace"; then
        fail_with "$name" "no trace in the log file" "$dir/trace"
    else
        result_pass "$name"
    fi
}

# need FILE REGEX...: each extended regex matches a line of FILE; prints the first that does not
need() {
    local file=$1 re
    shift
    for re in "$@"; do
        grep -qE -- "$re" "$file" || { echo "no line matching: $re"; return 1; }
    done
}

stats_case() { # FLAVOR
    local f=$1 name=trace.stats.$1 dir=$OUT/stats.$1
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && "$HEXVM" -Z "$OUT/calls.$f" >/dev/null 2>stats </dev/null)
    if need "$dir/stats" '^hexvm statistics$' '^  wall time +[0-9]+\.[0-9]{3} s$' \
        '^  guest instructions +[1-9][0-9]+ \([0-9.]+ million a second\)$' \
        '^  processes created +2$' '^  threads created +1 ' \
        '^  peak guest memory +[1-9][0-9.]* MiB mapped' \
        '^  blocks translated +[1-9][0-9]* \([1-9][0-9]* instructions decoded\)$' \
        '^  block lookups +[1-9][0-9]* .*: [0-9.]+% found decoded' \
        '^  faults +0$' '^  signals taken +SIGUSR2 1$' '^  signal handlers run +1$' \
        '^    openat +5 +1 +[0-9.]+  \(' '^    access +2 +1 ' '^    mkdir +1 +0 ' \
        '^    rmdir +1 +0 ' '^    unlink +4 +0 ' '^    kill +2 +0 ' '^    exit_group +2 +0 ' \
        '^    (wait4|waitpid) +1 +0 ' >"$dir/why"; then
        result_pass "$name"
    else
        fail_with "$name" "statistics incomplete" "$dir/why" "$dir/stats"
    fi
}

stats_fault_case() {
    local name=trace.stats.fault dir=$OUT/stats.fault
    rm -rf "$dir" && mkdir -p "$dir"
    "$HEXVM" -Z "$OUT/crash.x64" null >/dev/null 2>"$dir/stats" </dev/null
    if need "$dir/stats" '^  faults +1, SIGSEGV 1$' '^  signals taken +SIGSEGV 1 \(1 fatal\)$' \
        '^  processes created +1$' >"$dir/why"; then
        result_pass "$name"
    else
        fail_with "$name" "fault statistics wrong" "$dir/why" "$dir/stats"
    fi
}

insn_case() { # NAME FLAVOR EXPECTED-FILTER HEXVM-ARGS...
    local name=$1 f=$2 filter=$3 dir=$OUT/$1
    shift 3
    rm -rf "$dir" && mkdir -p "$dir"
    "$HEXVM" "$@" "$OUT/tiny.$f" >/dev/null 2>"$dir/trace" </dev/null
    local rc=$?
    $filter <"$SRC/tiny$(bits "$f").expected" >"$dir/expected"
    if [ $rc != 6 ]; then
        fail_with "$name" "exit status $rc, want 6" "$dir/trace"
    elif ! diff "$dir/expected" "$dir/trace" >"$dir/diff"; then
        fail_with "$name" "trace differs" "$dir/diff"
    else
        result_pass "$name"
    fi
}
all_lines() { cat; }
last_three() { tail -n 3; }
no_lines() { cat >/dev/null; }

symbol() { # BINARY NAME: its address, 0x...
    printf '0x%x\n' "0x$(nm "$1" | awk -v s="$2" '$3 == s { print $1 }')"
}
plus() { printf '0x%x\n' $(($1 + $2)); }

# fault_case KIND FLAVOR: the report of crash.c's KIND
fault_case() {
    local kind=$1 f=$2 name=trace.fault.$1.$2 dir=$OUT/fault.$1.$2 bin=$OUT/crash.$2
    rm -rf "$dir" && mkdir -p "$dir"
    "$HEXVM" "$bin" "$kind" >/dev/null 2>"$dir/report" </dev/null
    local rc=$? start at reg=rbx val=0000000012345678 sig=SIGSEGV insn summary
    start=$(symbol "$bin" "crash_$kind")
    at=$(plus "$start" 5) # after mov $0x12345678, %ebx
    [ "$f" = m32 ] && reg=ebx val=12345678
    case $kind.$f in
    null.x64) insn="c7 04 25 00 00 00 00 2a 00 00 00  mov dword ptr \[0\], 0x2a"
        summary="SIGSEGV \(address not mapped, address 0\) at rip $at, bytes c7 04 25 00 00 00 00 2a" ;;
    null.m32) insn="c7 05 00 00 00 00 2a 00 00 00  mov dword ptr \[0\], 0x2a"
        summary="SIGSEGV \(address not mapped, address 0\) at rip $at, bytes c7 05 00 00 00 00 2a 00" ;;
    ud2.*) sig=SIGILL insn="0f 0b  ud2"
        summary="SIGILL \(undefined or unimplemented instruction, address $at\) at rip $at, bytes 0f 0b" ;;
    esac
    local want=$((128 + $([ $sig = SIGSEGV ] && echo 11 || echo 4)))
    if [ $rc != $want ]; then
        fail_with "$name" "exit status $rc, want $want" "$dir/report"
        return
    fi
    head -n 1 "$dir/report" >"$dir/first"
    if need "$dir/first" "^hexvm: process 2 killed by $summary" >"$dir/why" &&
        need "$dir/report" "^  process 2 \(crash\.$f\), thread 2, (x86-64|i386), after [0-9]+ instructions" \
            "^  signal \{si_signo=$sig, " "^  instruction at $at: $insn\$" "^  registers:\$" \
            "^    .*$reg $val" "^  last 16 taken branches, oldest first:\$" \
            "^  memory map:\$" "^    [0-9a-f]+-[0-9a-f]+ r-xp [0-9a-f]+ .*/crash\.$f  <- rip\$" \
            >>"$dir/why" &&
        # the newest branch, just above the map, is the jump into crash_KIND
        grep -B1 '^  memory map:$' "$dir/report" | head -n 1 >"$dir/last" &&
        need "$dir/last" "^    0x[0-9a-f]+ -> $start\$" >>"$dir/why"; then
        result_pass "$name"
    else
        fail_with "$name" "fault report incomplete" "$dir/why" "$dir/report"
    fi
}

# The AVX instruction hexvm lacks: capstone names it, hexvm's own printer cannot.
fault_avx_case() { # NAME HEXVM-ARGS...
    local name=$1 dir=$OUT/$1
    shift
    rm -rf "$dir" && mkdir -p "$dir"
    "$HEXVM" "$@" "$OUT/crash.x64" avx >/dev/null 2>"$dir/report" </dev/null
    local rc=$? at want
    at=$(plus "$(symbol "$OUT/crash.x64" crash_avx)" 5)
    if "$HEXVM" -v | grep -q '^capstone: linked' && [ "${1:-}" != --trace-disasm ]; then
        want="^  hexvm's decoder has no instruction here: not implemented, capstone reads it as vpaddd ymm0, ymm0, ymm1$"
    else
        want="^  hexvm's decoder has no instruction here \(undefined\)$"
    fi
    if [ $rc = 132 ] && need "$dir/report" "^  instruction at $at: c5 fd fe c1" "$want" >"$dir/why"; then
        result_pass "$name"
    else
        echo "status $rc" >>"$dir/why"
        fail_with "$name" "unimplemented instruction not reported" "$dir/why" "$dir/report"
    fi
}

fault_log_case() {
    local name=trace.fault.log dir=$OUT/fault.log
    rm -rf "$dir" && mkdir -p "$dir"
    "$HEXVM" --log "$dir/log" "$OUT/crash.x64" null >/dev/null 2>"$dir/stderr" </dev/null
    if [ "$(wc -l <"$dir/stderr")" = 1 ] && grep -q '^hexvm: process 2 killed by SIGSEGV' "$dir/stderr" &&
        need "$dir/log" '^hexvm: process 2 killed by SIGSEGV at 0x' '^  memory map:$' >"$dir/why"; then
        result_pass "$name"
    else
        fail_with "$name" "report not where --log says" "$dir/why" "$dir/stderr" "$dir/log"
    fi
}

for f in x64 m32; do
    fl=$(flags $f)
    build calls $f $fl -O2 -static -Wall -Wextra -Werror "$SRC/calls.c" -lpthread || {
        result_skip "trace.calls.$f" "cannot build calls.c ($OUT/calls.$f.log)"
        continue
    }
    build crash $f $fl -O2 -static -Wall -Wextra -Werror "$SRC/crash.c" || continue
    # fixed addresses, whatever the linker's defaults
    text=$([ $f = x64 ] && echo 0x401000 || echo 0x8049000)
    data=$([ $f = x64 ] && echo 0x402000 || echo 0x804a000)
    build tiny $f $fl -nostdlib -static -Wl,-Ttext=$text,-Tdata=$data,--build-id=none \
        "$SRC/tiny$(bits $f).S" || continue
    sel trace.strace.$f "$@" && run_limited strace_case $f
    sel trace.strace.native.$f "$@" && run_limited strace_native_case $f
    sel trace.stats.$f "$@" && run_limited stats_case $f
    sel trace.insn.$f "$@" && run_limited insn_case trace.insn.$f $f all_lines --trace
    sel trace.insn.hexvm.$f "$@" &&
        run_limited insn_case trace.insn.hexvm.$f $f all_lines --trace --trace-disasm hexvm
    for kind in null ud2; do
        sel trace.fault.$kind.$f "$@" && run_limited fault_case $kind $f
    done
done
if [ -x "$OUT/calls.x64" ] && [ -x "$OUT/tiny.x64" ] && [ -x "$OUT/crash.x64" ]; then
    name_selected trace.strace.log "$@" && run_limited strace_log_case
    name_selected trace.stats.fault "$@" && run_limited stats_fault_case
    name_selected trace.insn.from "$@" &&
        run_limited insn_case trace.insn.from x64 last_three --trace-from 13
    name_selected trace.insn.pid "$@" &&
        run_limited insn_case trace.insn.pid x64 no_lines --trace-pid 3
    name_selected trace.fault.avx "$@" && run_limited fault_avx_case trace.fault.avx
    name_selected trace.fault.avx.hexvm "$@" &&
        run_limited fault_avx_case trace.fault.avx.hexvm --trace-disasm hexvm
    name_selected trace.fault.log "$@" && run_limited fault_log_case
fi
suite_report
