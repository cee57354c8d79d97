#!/usr/bin/env bash
# Loader suite: program shapes beyond the plain static executable, each run natively
# (the oracle) and under hexvm with stdout and exit status compared.
#   loader.pie.FLAVOR      a static-PIE program (ET_DYN without PT_INTERP), placed by hexvm
#   loader.script.CASE     #! scripts, with Linux's argument rules: the interpreter, the
#                          optional argument (everything after the first blank, as one
#                          word), the script path, then the caller's arguments
#   loader.badinterp       a #! line naming a missing interpreter: status 126, one line
# argv[0] is not compared (the native kernel and hexvm may spell the path differently).

source "$(dirname "$0")/../lib.sh"
suite_init loader
SRC=$TESTS_DIR/loader/argv_echo.c

compare() { # NAME CMD...: native vs hexvm
    local name=$1 dir=$OUT/$1
    shift
    mkdir -p "$dir"
    "$@" >"$dir/native.out" 2>"$dir/native.err" </dev/null
    echo "status $?" >>"$dir/native.out"
    "$HEXVM" "$@" >"$dir/hexvm.out" 2>"$dir/hexvm.err" </dev/null
    echo "status $?" >>"$dir/hexvm.out"
    if diff "$dir/native.out" "$dir/hexvm.out" >"$dir/diff"; then
        result_pass "$name"
    else
        result_fail "$name" "differs from the native run" "$dir/diff"
    fi
}

pie_case() { # FLAVOR CC...
    local flavor=$1 bin=$OUT/pie.$1
    shift
    if ! "$@" -O2 -static-pie -o "$bin" "$SRC" >"$OUT/pie.$flavor.log" 2>&1; then
        result_skip "loader.pie.$flavor" "cannot build a static PIE here ($*)"
        return
    fi
    compare "loader.pie.$flavor" "$bin" a b
}

pie_case x64 gcc
pie_case m32 gcc -m32

ECHO=$OUT/argv_echo
if gcc -O2 -static -o "$ECHO" "$SRC" >"$OUT/echo.log" 2>&1; then
    script() { # NAME LINE: a script whose first line is LINE
        printf '%s\necho never reached\n' "$2" >"$OUT/$1.sh"
        chmod +x "$OUT/$1.sh"
    }
    script plain "#!$ECHO"
    script onearg "#!$ECHO  one  two three  "
    script tabs "#!	$ECHO	-x"
    compare loader.script.plain "$OUT/plain.sh" p q
    compare loader.script.onearg "$OUT/onearg.sh" p
    compare loader.script.tabs "$OUT/tabs.sh"
    script missing "#!$OUT/no-such-interpreter"
    "$HEXVM" "$OUT/missing.sh" >"$OUT/missing.out" 2>"$OUT/missing.err" </dev/null
    rc=$?
    if [ "$rc" = 126 ] && [ "$(wc -l <"$OUT/missing.err")" = 1 ] &&
        grep -q "bad interpreter" "$OUT/missing.err" && [ ! -s "$OUT/missing.out" ]; then
        result_pass loader.badinterp
    else
        echo "status $rc" >>"$OUT/missing.err"
        result_fail loader.badinterp "want status 126 and one 'bad interpreter' line" "$OUT/missing.err"
    fi
else
    result_skip loader.script "cannot build a static program here"
fi
suite_report
