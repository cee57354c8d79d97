# Functions: arguments, return status, local (dynamic scope), recursion, redefinition,
# functions in pipelines and subshells, $@ / $* / $# handling.
greet() { echo "hello $1 ($# args)"; }
greet world extra
greet
ret() { return "$1"; }
ret 0; echo "ret 0 -> $?"
ret 3; echo "ret 3 -> $?"
ret 255; echo "ret 255 -> $?"
noret() { false; }
noret; echo "implicit status -> $?"
echo "== local and dynamic scope"
x=global
show() { echo "show sees x=$x"; }
outer() { local x=outer-local; show; inner; echo "outer after inner: x=$x"; }
inner() { x=changed-by-inner; local y=iy; }
outer
echo "global x=$x y=[${y-unset}]"
counter() { local n; n=$(( ${n:-0} + 1 )); echo "n=$n"; }
counter; counter
setglobal() { G=set-in-function; }
setglobal; echo "G=$G"
echo "== recursion"
fact() {
    if [ "$1" -le 1 ]; then echo 1; return; fi
    echo $(( $1 * $(fact $(($1 - 1))) ))
}
fact 10
fib() {
    local n=$1 a b
    [ "$n" -lt 2 ] && { echo "$n"; return; }
    a=$(fib $((n - 1)))
    b=$(fib $((n - 2)))
    echo $((a + b))
}
fib 10
depth() { [ "$1" -ge 200 ] && { echo "depth $1"; return; }; depth $(($1 + 1)); }
depth 0
echo "== arguments"
args() {
    echo "count=$#"
    for a in "$@"; do printf '[%s]' "$a"; done; echo
    printf '<%s>' "$*"; echo
    shift 2 2>/dev/null && echo "after shift 2: $*"
}
args 'a b' c '' d
set -- outer1 outer2
args inner
echo "script args kept: $*"
IFS=-; joined() { echo "$*"; }; joined x y z; unset IFS
echo "== redefine, unset, and use in pipelines"
f() { echo first; }
f
f() { echo second; }
f
unset -f f
f 2>/dev/null || echo "f gone ($?)"
upper() { tr a-z A-Z; }
printf 'abc\ndef\n' | upper | sed 's/^/> /'
gen() { seq 1 3; }
gen | while read -r v; do echo "item $v"; done
( fsub() { echo "defined in subshell"; }; fsub )
type fsub >/dev/null 2>&1 || echo "fsub not visible outside"
echo "== function output captured, and with redirections attached"
r=$(greet captured); echo "r=$r"
logit() { echo "log: $*"; } >> log.txt
logit one; logit two
cat log.txt
