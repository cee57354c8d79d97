#!/usr/bin/env bash
# Bad-input suite: hexvm must reject every malformed program with one precise message.
#
# mkbad.c (built here with the host compiler) writes one file per malformed-ELF class,
# plus a minimal valid ELF32 and ELF64 image, and a manifest NAME / exit status / phrase.
# For each rejected input the contract is:
#   * exit status 126 (127 for a missing file),
#   * nothing on stdout,
#   * exactly one line on stderr, of the form "hexvm: PATH: ..." containing the phrase.
# The valid images must exit with status 42 and print nothing, both natively (the oracle:
# it proves the images themselves are right) and under hexvm.
# Test names: bad_elf.NAME and bad_elf.valid.NAME.native / hexvm.
#
# Usage: tests/bad_elf/run.sh [NAME-GLOB...]; environment: HEXVM, CC (default cc).

source "$(dirname "$0")/../lib.sh"
suite_init bad_elf
FILES=$OUT/files
TIMEOUT=${HEXVM_TEST_TIMEOUT:-60}

# check_rejection NAME PATH STATUS PHRASE
check_rejection() {
    local name=$1 path=$2 want=$3 phrase=$4 dir=$OUT/run/$1 rc
    mkdir -p "$dir"
    { timeout -k 5 "$TIMEOUT" "$HEXVM" "$path" </dev/null >"$dir/stdout" 2>"$dir/stderr"; } 2>/dev/null
    rc=$?
    local reasons=() lines
    lines=$(wc -l <"$dir/stderr")
    [ "$rc" = "$want" ] || reasons+=("exit status $rc, want $want")
    [ -s "$dir/stdout" ] && reasons+=("wrote to stdout")
    if [ "$lines" != 1 ]; then
        reasons+=("$lines lines on stderr, want 1")
    elif ! grep -qF "hexvm: $path: " "$dir/stderr"; then
        reasons+=("stderr line does not start with 'hexvm: $path: '")
    elif ! grep -qF -- "$phrase" "$dir/stderr"; then
        reasons+=("stderr lacks '$phrase'")
    fi
    if [ ${#reasons[@]} -eq 0 ]; then
        result_pass "$name"
    else
        { sed 's/^/stderr: /' "$dir/stderr"; sed 's/^/stdout: /' "$dir/stdout"; } >"$dir/details"
        local IFS=';'
        result_fail "$name" "$(echo "${reasons[*]}" | sed 's/;/; /g')" "$dir/details"
    fi
}

# check_valid NAME PATH RUNNER...: the image must exit 42 silently.
check_valid() {
    local name=$1 path=$2 dir=$OUT/run/$1 rc
    shift 2
    mkdir -p "$dir"
    { timeout -k 5 "$TIMEOUT" "$@" "$path" </dev/null >"$dir/stdout" 2>"$dir/stderr"; } 2>/dev/null
    rc=$?
    if [ "$rc" = 42 ] && [ ! -s "$dir/stdout" ] && [ ! -s "$dir/stderr" ]; then
        result_pass "$name"
    else
        { sed 's/^/stderr: /' "$dir/stderr"; sed 's/^/stdout: /' "$dir/stdout"; } >"$dir/details"
        result_fail "$name" "exit status $rc (want 42, silently)" "$dir/details"
    fi
}

rm -rf "$FILES" "$OUT/run"
mkdir -p "$FILES" "$OUT/run"
if ! ${CC:-cc} -O2 -Wall -Wextra -Werror -o "$OUT/mkbad" "$TESTS_DIR/bad_elf/mkbad.c" >"$OUT/mkbad.log" 2>&1; then
    result_fail bad_elf.mkbad "cannot build the generator" "$OUT/mkbad.log"
    suite_report
    exit
fi
if ! "$OUT/mkbad" "$FILES" >"$OUT/manifest" 2>"$OUT/mkbad.log"; then
    result_fail bad_elf.mkbad "the generator failed" "$OUT/mkbad.log"
    suite_report
    exit
fi
# Cases that are not files mkbad can write.
mkdir -p "$FILES/a-directory"
printf 'missing\t127\tNo such file or directory\n' >>"$OUT/manifest"
printf 'a-directory\t126\tIs a directory\n' >>"$OUT/manifest"

while IFS=$'\t' read -r file status phrase; do
    path=$FILES/$file
    chmod +x "$path" 2>/dev/null
    if [ "$phrase" = "-" ]; then
        name_selected "bad_elf.valid.$file.native" "$@" &&
            run_limited check_valid "bad_elf.valid.$file.native" "$path"
        name_selected "bad_elf.valid.$file.hexvm" "$@" &&
            run_limited check_valid "bad_elf.valid.$file.hexvm" "$path" "$HEXVM"
    else
        name_selected "bad_elf.$file" "$@" &&
            run_limited check_rejection "bad_elf.$file" "$path" "$status" "$phrase"
    fi
done <"$OUT/manifest"
suite_report
