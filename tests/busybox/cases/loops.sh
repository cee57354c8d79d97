# for / while / until / case, break and continue (with levels), loop exit statuses.
for w in alpha "beta gamma" delta; do printf '[%s]' "$w"; done; echo
set -- p1 "p 2" p3
for a; do printf '(%s)' "$a"; done; echo
for a in "$@"; do printf '<%s>' "$a"; done; echo
for a in $*; do printf '{%s}' "$a"; done; echo
for f in nomatch-*.none; do echo "unmatched glob stays: $f"; done
touch g1.c g2.c g3.h
for f in g*.c; do echo "glob: $f"; done
echo "== while and until"
i=0
while [ $i -lt 5 ]; do i=$((i + 1)); done; echo "while i=$i"
until [ $i -le 0 ]; do i=$((i - 2)); done; echo "until i=$i"
while false; do :; done; echo "while false -> $?"
echo "== break and continue"
for i in 1 2 3 4 5 6 7 8 9; do
    [ $i -eq 2 ] && continue
    [ $i -eq 6 ] && break
    printf '%s ' $i
done; echo
for i in 1 2 3; do
    for j in a b c; do
        [ $j = b ] && continue 2
        [ $i = 3 ] && break 2
        printf '%s%s ' $i $j
    done
done; echo
n=0
while :; do
    n=$((n + 1))
    until false; do
        [ $n -ge 4 ] && break 2
        break
    done
done; echo "n=$n"
echo "== case"
for v in apple Banana cherry 42 -x "" "a b" x.tar.gz '*'; do
    case $v in
    [aA]*) r=starts-with-a ;;
    [[:upper:]]*) r=upper ;;
    *[0-9]) r=number ;;
    -*) r=option ;;
    "") r=empty ;;
    *" "*) r=space ;;
    *.tar.gz | *.tgz) r=tarball ;;
    \*) r=star ;;
    *) r=other ;;
    esac
    echo "'$v' $r"
done
case x in y) echo no ;; esac; echo "no match -> $?"
echo "== loop status is the last command's"
for i in 1 2; do (exit $i); done; echo "for -> $?"
for i in; do :; done; echo "empty for -> $?"
echo "== nested loops build a table"
for r in 1 2 3 4; do
    line=
    for c in 1 2 3 4; do line="$line $((r * c))"; done
    echo "$line"
done
