#!/usr/bin/env bash
# Network suite: a guest TCP server answers a host client. server.c listens on loopback,
# writes its port to a file and answers one line in upper case; the client is the host's
# bash (/dev/tcp). Run natively (the oracle) and under hexvm: the client's output and
# the server's exit status must match.
#   net.tcp.host_client

source "$(dirname "$0")/../lib.sh"
suite_init net
SRC=$TESTS_DIR/net/server.c
TIMEOUT=${NET_TIMEOUT:-30}

# serve DIR RUNNER...: the server in DIR under RUNNER (nothing: native), one host client;
# writes DIR/client.out and DIR/status.
serve() {
    local dir=$1 pid port k
    shift
    rm -rf "$dir"
    mkdir -p "$dir"
    (cd "$dir" && exec timeout "$TIMEOUT" "$@" "$OUT/server" </dev/null >server.out 2>server.err) &
    pid=$!
    for ((k = 0; k < 10 * TIMEOUT; k++)); do
        [ -s "$dir/port" ] && break
        sleep 0.1
    done
    port=$(cat "$dir/port" 2>/dev/null)
    if [ -n "$port" ] && exec 3<>"/dev/tcp/127.0.0.1/$port"; then
        printf 'hello from the host\n' >&3
        timeout "$TIMEOUT" cat <&3 >"$dir/client.out"
        exec 3<&-
    else
        echo "no server to connect to" >"$dir/client.out"
    fi
    wait "$pid"
    echo "status $?" >"$dir/status"
}

tcp_case() {
    local name=net.tcp.host_client dir=$OUT/tcp
    serve "$dir/native"
    serve "$dir/hexvm" "$HEXVM"
    if cat "$dir/native/client.out" "$dir/native/status" >"$dir/native.all" &&
        cat "$dir/hexvm/client.out" "$dir/hexvm/status" >"$dir/hexvm.all" &&
        diff "$dir/native.all" "$dir/hexvm.all" >"$dir/diff"; then
        result_pass "$name"
    else
        tail -n 3 "$dir/hexvm/server.err" >>"$dir/diff"
        result_fail "$name" "differs from the native run" "$dir/diff"
    fi
}

printf 'int main(void) { return 0; }\n' >"$OUT/probe.c"
if ! gcc -static -o "$OUT/probe" "$OUT/probe.c" >/dev/null 2>&1; then
    result_skip net.tcp.host_client "gcc cannot build a static program here"
elif ! gcc -O2 -static -Wall -Wextra -Werror -o "$OUT/server" "$SRC" >"$OUT/build.log" 2>&1; then
    result_fail net.tcp.host_client "server.c does not build" "$OUT/build.log"
else
    tcp_case
fi
suite_report
