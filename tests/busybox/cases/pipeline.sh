# Multi-stage pipelines, their exit status, `!`, pipefail, and read loops fed by pipes.
echo "== stages"
printf '%s\n' pear apple fig apple kiwi fig apple | sort | uniq -c | sort -rn | head -n 2
seq 1 20 | grep 1 | tr '\n' ' ' | sed 's/ $//'
echo
seq 1 1000 | awk '{ s += $1 } END { print s }' | cat | cat | cat
echo "== status is the last stage's"
false | true; echo "false|true -> $?"
true | false; echo "true|false -> $?"
true | (exit 7); echo "true|(exit 7) -> $?"
! true | false; echo "! ...false -> $?"
! true; echo "! true -> $?"
echo "== pipefail"
set -o pipefail
(exit 3) | (exit 0) | true; echo "pipefail 3|0|0 -> $?"
(exit 3) | (exit 4) | true; echo "pipefail 3|4|0 -> $?"
set +o pipefail
echo "== read loops"
printf 'a 1\nb 2\nc 3\n' | while read -r name num; do
    echo "$name=$((num * 10))"
done
n=0
printf 'x\ny\nz\n' | while read -r l; do n=$((n + 1)); done
echo "n after subshell loop: $n"
seq 1 5 | {
    total=0
    while read -r v; do total=$((total + v)); done
    echo "total in group: $total"
}
printf 'no newline at end' | { read -r last; echo "read status $?: $last"; }
printf 'one\\\ntwo\n' | { read x; echo "joined: $x"; }
printf 'one\\\ntwo\n' | { read -r x; echo "raw: $x"; }
echo "== tee"
seq 3 | tee copy.txt | tail -n 1
cat copy.txt
