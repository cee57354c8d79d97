# A multi-process guest for the snapshot suite (run by busybox sh): a pipeline of four
# processes with data in flight in the pipes, a subshell, and a file in the working
# directory written in pieces.
i=0
while [ $i -lt 400 ]; do echo "line $i $((i * i % 977))"; i=$((i + 1)); done |
    sort -t' ' -k3,3n -k2,2n | awk '{ s += $3; if (NR % 50 == 0) print NR, $2, s }' | cat -n
(for w in alpha beta gamma delta; do echo "$w $(echo $w | md5sum)"; done) >words.txt
seq 1 3000 | md5sum
wc -l <words.txt
sort -r words.txt | head -2
exit 7
