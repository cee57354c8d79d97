#!/usr/bin/env bash
# ABI suite: the system call numbers in src/kernel/sys/syscalls.tbl must be the
# host kernel headers' numbers for the same names (<asm/unistd_64.h> for x86-64,
# <asm/unistd_32.h> for i386). One test per ABI; a row whose number disagrees, or
# whose name the header does not know (but for NEWER_THAN_HEADERS), fails it. Skipped (by name) when the
# headers are not installed.

source "$(dirname "$0")/../lib.sh"
suite_init abi
TABLE=$ROOT/src/kernel/sys/syscalls.tbl
# Calls newer than the headers a fresh Debian installs (linux-libc-dev 6.1): each
# may be missing from them, but its number must not be another call's there.
# fchmodat2 is 452 in both ABIs since Linux 6.6.
NEWER_THAN_HEADERS="fchmodat2"

# header_for ABI: the first header that exists for it
header_for() {
    local h
    for h in /usr/include/x86_64-linux-gnu/asm/unistd_$1.h /usr/include/asm/unistd_$1.h; do
        [ -f "$h" ] && { echo "$h"; return; }
    done
}

# check_abi NAME COLUMN BITS: compare column COLUMN (2 = x86-64, 3 = i386) with the header
check_abi() {
    local name=$1 col=$2 bits=$3 header details=$OUT/$1.details
    header=$(header_for "$bits")
    if [ -z "$header" ]; then
        result_skip "$name" "asm/unistd_$bits.h not installed"
        return
    fi
    : >"$details"
    local rows=0
    while read -r sysname nr; do
        rows=$((rows + 1))
        want=$(awk -v n="__NR_$sysname" '$1 == "#define" && $2 == n { print $3 }' "$header")
        if [ -z "$want" ] && [[ " $NEWER_THAN_HEADERS " == *" $sysname "* ]]; then
            if awk -v n="$nr" '$1 == "#define" && $2 ~ /^__NR_/ && $3 == n { found = 1 } END { exit !found }' "$header"; then
                echo "$sysname: $nr is another call's number in $header" >>"$details"
            fi
        elif [ -z "$want" ]; then
            echo "$sysname: not in $header" >>"$details"
        elif [ "$want" != "$nr" ]; then
            echo "$sysname: table says $nr, $header says $want" >>"$details"
        fi
    done < <(sed -n 's/^SYSCALL(\([a-z0-9_]*\), *\(-\?[0-9]*\), *\(-\?[0-9]*\),.*/\1 \2 \3/p' "$TABLE" |
             awk -v c="$col" '$c >= 0 { print $1, $c }')
    if [ "$rows" -lt 50 ]; then
        echo "only $rows rows read from $TABLE" >>"$details"
    fi
    if [ -s "$details" ]; then
        result_fail "$name" "numbers differ from the kernel headers" "$details"
    else
        result_pass "$name"
    fi
}

check_abi abi.syscalls.x86_64 2 64
check_abi abi.syscalls.i386 3 32
suite_report
