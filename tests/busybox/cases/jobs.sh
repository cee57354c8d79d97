# Background jobs (&), wait with and without pids and their exit statuses, and signals
# sent with kill to a background job (synchronised through fifos, never through timing).
# Jobs write to their own files; the script prints them after wait, in a fixed order.
( echo "job a" > a.txt; exit 3 ) &
pa=$!
( echo "job b" > b.txt; exit 0 ) &
pb=$!
sh -c 'echo "job c" > c.txt; exit 250' &
pc=$!
wait $pc; echo "wait c -> $?"
wait $pa; echo "wait a -> $?"
wait $pb; echo "wait b -> $?"
cat a.txt b.txt c.txt
echo "== wait with no operands waits for all, status 0"
for i in 1 2 3 4 5 6 7 8; do ( seq 1 $((i * 1000)) | md5sum > sum.$i; exit $i ) & done
wait; echo "wait all -> $?"
cat sum.1 sum.8
ls sum.* | wc -l
echo "== a background pipeline"
seq 1 50000 | sort -rn | head -n 3 > pipe-bg.txt &
wait $!; echo "pipeline job -> $?"
cat pipe-bg.txt
echo "== kill a background job"
sleep 1000 &
ps=$!
kill -TERM $ps
wait $ps; echo "killed sleep -> $?"
sleep 1000 &
ps=$!
kill -KILL $ps
wait $ps; echo "SIGKILLed sleep -> $?"
echo "== a job with a trap, told when it is ready through a fifo"
mkfifo ready
(
    trap 'echo "job got USR1" > trap.txt; exit 42' USR1
    echo ready > ready
    while :; do sleep 1; done
) &
pj=$!
read -r line < ready
echo "job says: $line"
kill -USR1 $pj
wait $pj; echo "trapped job -> $?"
cat trap.txt
echo "== a job that ignores TERM survives it"
(
    trap '' TERM
    echo ready > ready
    read -r go < ready
    echo "still alive after TERM" > alive.txt
    exit 5
) &
pj=$!
read -r line < ready
kill -TERM $pj
echo go > ready
wait $pj; echo "TERM-ignoring job -> $?"
cat alive.txt
rm ready
echo "== wait for a pid that is not a child"
wait 999999999 2>/dev/null; echo "wait bogus -> $?"
echo "== \$! is set and jobs are distinct"
true & p1=$!; true & p2=$!; wait
[ "$p1" != "$p2" ] && [ "$p1" -gt 0 ] && echo "distinct pids"
