#!/usr/bin/env bash
# Fuzz suite: hexvm executes random machine code (tests/fuzz/random_code.c) and must
# never crash itself, whatever the guest does.
#
# SAFETY: random code makes random system calls, which hexvm passes to the host. So the
# guest runs only under hexvm, never natively, and only inside a sandbox: new PID,
# network, IPC and UTS namespaces (kill(-1) or kill(0) reach nothing outside) and, when
# we are root, as user nobody with no privileges. Without a sandbox the test is SKIPped
# (HEXVM_FUZZ_UNSANDBOXED=1 overrides, at your own risk).
#
# HEXVM_FUZZ_ATTEMPTS (default 1000000) attempts in all, split evenly between the x64 and
# m32 builds, run in chunks of HEXVM_FUZZ_CHUNK (default 50000) attempts per hexvm
# process. When random code ends the process early (an exit call, a fatal signal, a
# blocked SIGALRM and a loop, ...), the next chunk starts at the following attempt; those
# endings are counted. hexvm is run by tests/fuzz/supervise.c, which reports precisely
# whether it exited or was killed by a signal, and kills a process whose attempt counter
# has not moved for HEXVM_FUZZ_STALL seconds (default 3; the guest's own 5 ms SIGALRM
# timer normally ends an endless loop long before, if hexvm delivers it) or that runs
# longer than HEXVM_FUZZ_CHUNK_TIMEOUT (600 s).
#
# A host crash of hexvm, which fails the test, is: hexvm killed by a signal, or hexvm
# exiting with status >= 128 without printing a "hexvm:" line (a guest killed by signal N
# makes hexvm print one line and exit 128+N). Test names: fuzz.random_code.FLAVOR.
#
# Usage: tests/fuzz/run.sh [NAME-GLOB...]

source "$(dirname "$0")/../lib.sh"
suite_init fuzz
TOTAL=${HEXVM_FUZZ_ATTEMPTS:-1000000}
CHUNK=${HEXVM_FUZZ_CHUNK:-50000}
CHUNK_TIMEOUT=${HEXVM_FUZZ_CHUNK_TIMEOUT:-600}
STALL=${HEXVM_FUZZ_STALL:-3}
FLAVORS="x64 m32"
OUTCOMES=(landed SIGSEGV SIGILL SIGFPE SIGTRAP SIGBUS timeout other)

flavor_cc() {
    case $1 in
    x64) echo "gcc -O2 -static" ;;
    m32) echo "gcc -O2 -m32 -static" ;;
    esac
}

# pick_sandbox: sets SANDBOX (a command prefix) or SANDBOX_MISSING (a reason).
pick_sandbox() {
    SANDBOX=() SANDBOX_MISSING=""
    local ns=(unshare --pid --fork --kill-child --mount-proc --net --ipc --uts)
    if [ "$(id -u)" = 0 ] && "${ns[@]}" true 2>/dev/null && command -v setpriv >/dev/null; then
        SANDBOX=("${ns[@]}" setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs --)
        SANDBOX_USER=65534
    elif unshare --user --map-root-user "${ns[@]:1}" true 2>/dev/null; then
        SANDBOX=(unshare --user --map-root-user "${ns[@]:1}")
        SANDBOX_USER=""
    elif [ "${HEXVM_FUZZ_UNSANDBOXED:-}" = 1 ]; then
        SANDBOX=(setsid)
        SANDBOX_USER=""
    else
        SANDBOX_MISSING="no PID-namespace sandbox available (unshare failed)"
    fi
}

# state_word FILE I: the I-th 64-bit word of the guest's state file.
state_word() {
    od -An -t u8 -j $((8 * $2)) -N 8 "$1" 2>/dev/null | tr -d ' '
}

# fuzz_flavor FLAVOR NAME BIN ATTEMPTS: all chunks of one build; one PASS or FAIL.
fuzz_flavor() {
    local flavor=$1 name=$2 bin=$3 attempts=$4 dir=$OUT/$1
    local state=$dir/cwd/state next=0 cur line status t0=$SECONDS restarts=0
    local ended_exit=0 ended_signal=0 ended_timeout=0 details=$dir/details early_list=""
    rm -rf "$dir/cwd"
    mkdir -p "$dir/cwd"
    [ -n "$SANDBOX_USER" ] && chown "$SANDBOX_USER" "$dir/cwd"
    : >"$details"
    : >"$dir/stderr.log"
    while [ "$next" -lt "$attempts" ]; do
        local count=$((attempts - next))
        [ "$count" -gt "$CHUNK" ] && count=$CHUNK
        line=$(cd "$dir/cwd" && "${SANDBOX[@]}" "$SUPERVISE" "$CHUNK_TIMEOUT" "$STALL" "$state" \
            "$dir/cwd/out" "$dir/cwd/err" "$HEXVM" "$bin" "$state" "$next" "$count")
        cat "$dir/cwd/err" >>"$dir/stderr.log"
        cur=$(state_word "$state" 1)
        [ -n "$cur" ] || cur=-1
        # hexvm itself died of a signal, or exited >= 128 without saying why
        status=${line#* }
        if [[ $line == signal* ]] ||
            { [[ $line == exit* ]] && [ "$status" -ge 128 ] && ! grep -q '^hexvm:' "$dir/cwd/err"; }; then
            {
                echo "hexvm $line during attempt $cur (rerun: $HEXVM $bin STATE $cur 1)"
                sed 's/^/stderr: /' "$dir/cwd/err" | head -n 5
            } >"$details"
            result_fail "$name" "host crash of hexvm ($line) at attempt $cur" "$details"
            return
        fi
        # all attempts done (random code may still have left the process unable to
        # exit cleanly: that is not an early end)
        if [ "$cur" = $((next + count)) ]; then
            next=$cur
            continue
        fi
        if ! [ "$cur" -ge "$next" ] 2>/dev/null || [ "$cur" -gt $((next + count)) ]; then
            {
                echo "chunk from $next ended with '$line', state says attempt $cur"
                sed 's/^/stderr: /' "$dir/cwd/err" | head -n 5
            } >"$details"
            result_fail "$name" "the guest did not run its attempts ($line)" "$details"
            return
        fi
        case $line in
        timeout | stalled) ended_timeout=$((ended_timeout + 1)) ;;
        exit*) if [ "$status" -ge 128 ]; then ended_signal=$((ended_signal + 1)); else ended_exit=$((ended_exit + 1)); fi ;;
        *) ended_exit=$((ended_exit + 1)) ;;
        esac
        restarts=$((restarts + 1))
        [ "$restarts" -le 10 ] && early_list="$early_list $cur:${line// /-}"
        if [ "$restarts" -gt $((100 + attempts / 100)) ]; then
            sed 's/^/stderr: /' "$dir/cwd/err" | head -n 5 >"$details"
            result_fail "$name" "more than $((100 + attempts / 100)) processes ended early (last: $line at attempt $cur)" "$details"
            return
        fi
        next=$((cur + 1))
    done
    local secs=$((SECONDS - t0)) summary="" counted=0 i v
    for i in "${!OUTCOMES[@]}"; do
        v=$(state_word "$state" $((2 + i)))
        summary="$summary ${OUTCOMES[$i]}=$v"
        counted=$((counted + v))
    done
    local early=$((ended_exit + ended_signal + ended_timeout))
    summary="$attempts attempts in ${secs}s:$summary; process ended early: exit=$ended_exit signal=$ended_signal hung=$ended_timeout"
    if [ $((counted + early)) -ne "$attempts" ]; then
        echo "$summary" >"$details"
        result_fail "$name" "outcome counts add up to $((counted + early)), not $attempts" "$details"
        return
    fi
    # The state page is out of reach of random stores (guard pages around it): a change
    # the guest noticed means an emulated store went where it should not.
    if grep -q 'changed the state page' "$dir/stderr.log"; then
        { echo "$summary"; grep 'changed the state page' "$dir/stderr.log" | head -n 5; } >"$details"
        result_fail "$name" "random code changed the fuzzer's guarded state page" "$details"
        return
    fi
    result_pass "$name"
    echo "    $summary" >>"$(result_file "$name")"
    if [ -n "$early_list" ]; then
        echo "    early ends (attempt:how):$early_list" >>"$(result_file "$name")"
    fi
    if grep -q 'no SIGALRM' "$dir/stderr.log"; then
        echo "    note: hexvm did not deliver the guest's SIGALRM; endless loops ran until the ${STALL}s watchdog" >>"$(result_file "$name")"
    fi
}

nflavors=$(echo $FLAVORS | wc -w)
per_flavor=$((TOTAL / nflavors))
pick_sandbox
SUPERVISE=$OUT/supervise
if ! ${CC:-cc} -O2 -Wall -Wextra -Werror -o "$SUPERVISE" "$TESTS_DIR/fuzz/supervise.c" >"$OUT/supervise.log" 2>&1; then
    result_fail fuzz.supervise "cannot build tests/fuzz/supervise.c" "$OUT/supervise.log"
    suite_report
    exit
fi
for flavor in $FLAVORS; do
    name=fuzz.random_code.$flavor
    name_selected "$name" "$@" || continue
    if [ -n "$SANDBOX_MISSING" ]; then
        result_skip "$name" "$SANDBOX_MISSING"
        continue
    fi
    if [ ! -x "$HEXVM" ]; then
        result_fail "$name" "no emulator at $HEXVM (the guest is never run natively)"
        continue
    fi
    mkdir -p "$OUT/$flavor"
    bin=$OUT/$flavor/random_code
    cc=$(flavor_cc "$flavor")
    if ! command -v "${cc%% *}" >/dev/null; then
        result_skip "$name" "${cc%% *} not installed"
        continue
    fi
    if ! $cc -Wall -Wextra -Werror -o "$bin" "$TESTS_DIR/fuzz/random_code.c" >"$OUT/$flavor/build.log" 2>&1; then
        if $cc -o "$OUT/$flavor/probe" -x c - <<<'int main(void){return 0;}' >/dev/null 2>&1; then
            result_fail "$name" "build failed" "$OUT/$flavor/build.log"
        else
            result_skip "$name" "'$cc' cannot build a static program here"
        fi
        continue
    fi
    run_limited fuzz_flavor "$flavor" "$name" "$bin" "$per_flavor"
done
suite_report
