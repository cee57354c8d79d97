#!/usr/bin/env bash
# Unit suite: every tests/unit/*.c is a program of its own (test unit.NAME), built with
# the project's flags, plus ASan and UBSan where they work, against the sources its
# directive lines name (paths from the repository root, globs allowed; any number of
# lines, each with the marker):
#     /* unit-sources: src/kernel/vfs/file.c src/kernel/vfs/fs/memfs*.c
#      * unit-sources: src/kernel/clock.c */
# It runs with a scratch directory as argv[1] and exits non-zero when a check failed;
# under a FAIL come the lines it printed, but for "ok ..." ones (the custom is one line
# per check: "ok WHAT" or "FAIL WHAT: ..."). Build products, logs and a failing case's
# scratch directory stay in tests/out/unit/.

source "$(dirname "$0")/../lib.sh"
suite_init unit
cd "$ROOT" || exit 2
CC=${CC:-cc}
FLAGS=(-std=c11 -O2 -g -frounding-math -D_GNU_SOURCE -Isrc -Ibuild/gen -Wall -Wextra
    -Wno-unused-parameter -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror -pthread)
TIMEOUT=120

# The sanitizers catch leaks and use-after-free, but not every host can run them.
SAN=()
probe=$OUT/sanitizer_probe
if printf 'int main(void) { return 0; }\n' |
    $CC -x c -fsanitize=address,undefined -o "$probe" - >/dev/null 2>&1 && "$probe"; then
    SAN=(-fsanitize=address,undefined -fno-sanitize-recover=all)
fi

run_case() { # SOURCE
    local src=$1 name bin log dir sources rc
    name=$(basename "$src" .c)
    bin=$OUT/$name log=$OUT/$name.log dir=$OUT/$name.tmp
    sources=$(sed -n 's|.*unit-sources:\(.*\)|\1|p' "$src" | sed 's|\*/.*||')
    # shellcheck disable=SC2086 # the list is words and globs
    if ! $CC "${FLAGS[@]}" "${SAN[@]}" -o "$bin" "$src" $sources -lm >"$log" 2>&1; then
        result_fail "unit.$name" "does not build" "$log"
        return
    fi
    rm -rf "$dir" && mkdir -p "$dir"
    timeout "$TIMEOUT" "$bin" "$dir" >"$log" 2>&1
    rc=$?
    if [ "$rc" = 0 ]; then
        result_pass "unit.$name"
        rm -rf "$dir"
        return
    fi
    grep -v '^ok ' "$log" >"$log.fail"
    result_fail "unit.$name" "exit status $rc (log: tests/out/unit/$name.log)" "$log.fail"
}

for src in tests/unit/*.c; do
    name=unit.$(basename "$src" .c)
    name_selected "$name" "$@" || continue
    run_limited run_case "$src"
done
suite_report
