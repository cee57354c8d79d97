# xargs: -n, -I, -0, -r, quoting, exit statuses, and the commands it runs.
seq 1 10 | xargs echo
seq 1 10 | xargs -n 3 echo
seq 1 10 | xargs -n 4 sh -c 'echo "$# args: $*"' sh
printf 'a b\nc\n  d   e  \n' | xargs -n 1 echo item
printf '"quoted words" single\\ escaped '\''sq arg'\''\n' | xargs -n 1 echo arg:
printf 'one\0two words\0three\0' | xargs -0 -n 1 echo zero:
echo "== -I"
printf 'x\ny\nz\n' | xargs -I{} echo "<{}> and {} again"
echo "== files made by xargs"
seq 1 5 | sed 's/^/file/' | xargs touch
ls file* | xargs -n 2 echo
ls file* | xargs rm
ls | wc -l
echo "== nothing to do, and -r"
printf '' | xargs echo "empty input runs once:"
printf '' | xargs -r echo "never printed"
echo "== exit statuses"
echo a | xargs false; echo "command fails -> $?"
echo a | xargs sh -c 'exit 255'; echo "command exits 255 -> $?"
echo a | xargs no-such-command-xyz 2>/dev/null; echo "missing command -> $?"
echo "== many arguments"
seq 1 20000 | xargs echo | wc -w
seq 1 20000 | xargs -n 1000 echo | wc -l
seq 1 20000 | xargs -n 7 echo | tail -n 1
