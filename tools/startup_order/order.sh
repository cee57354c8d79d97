#!/usr/bin/env bash
# Regenerates tools/startup_order/sections.txt: the functions (hexvm's own
# and the C library's) that hexvm enters while it starts and runs a static
# hello, in the order it first enters them. The Makefile lays them out at
# the front of hexvm's text, so that a start touches a few dozen pages of
# code instead of pages spread over its 4 MiB (see the Makefile).
#
# Run it after renaming or adding functions on the start-up path; a stale
# list only lays out less. Needs gcc, gcc-multilib, musl-tools, python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

make -s BUILD="$work/build" HEXVM_OUT="$work/hexvm" STARTUP_ORDER=0 \
    CFLAGS="-O2 -g -ffunction-sections" LDFLAGS="-Wl,-Map=$work/hexvm.map" -j"$(nproc)"
cc -O2 -std=c11 -Wall -Wextra -o "$work/first_calls" tools/startup_order/first_calls.c
nm "$work/hexvm" | awk '$2 ~ /^[tTwW]$/ { print $1 }' >"$work/addrs"

calls=()
for flavor in "gcc -O2 -static" "gcc -O2 -m32 -static" "musl-gcc -O2 -static"; do
    prog=$work/hello.${#calls[@]}
    # shellcheck disable=SC2086 # the flavor is a command with flags
    $flavor -o "$prog" bench/src/hello.c
    for engine in interp jit; do
        out=$work/calls.${#calls[@]}
        "$work/first_calls" "$work/addrs" "$out" -- "$work/hexvm" --engine "$engine" "$prog"
        calls+=("$out")
    done
done
python3 tools/startup_order/sections.py "$work/hexvm.map" "${calls[@]}" \
    >tools/startup_order/sections.txt
echo "tools/startup_order/sections.txt: $(wc -l <tools/startup_order/sections.txt) sections"
