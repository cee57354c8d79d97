# Large data through pipes and checksums: seq | md5sum, cat of generated files through
# long pipelines, yes | head (the writer dies of SIGPIPE), md5sum/sha1sum/sha256sum -c.
seq 1 200000 | md5sum
seq 1 200000 | sha256sum
seq 1 200000 | cat | cat | cat | cat | md5sum
seq 1 200000 > big.txt
wc -l < big.txt
wc -c < big.txt
cat big.txt big.txt big.txt | sha1sum
cat big.txt | tr 0-9 a-j | tr -d '\n' | wc -c
tac big.txt | head -n 2
tail -n 3 big.txt
head -c 100000 big.txt | tail -c 12 | od -c | head -n 1
echo "== yes | head: yes is killed by SIGPIPE"
yes | head -n 100000 | wc -l
yes 'some longer line of text' | head -c 1000000 | md5sum
set -o pipefail
yes | head -n 1 > /dev/null; echo "pipefail status $?"
seq 1 1000000 | head -n 1 > /dev/null; echo "seq into head -n 1: $?"
set +o pipefail
yes | sed 5q | tr y n
echo "== sums of files and -c"
printf '' > empty.bin
printf 'abc' > abc.txt
md5sum empty.bin abc.txt big.txt
sha1sum abc.txt
sha256sum empty.bin abc.txt
sha256sum big.txt abc.txt > sums.sha256
sha256sum -c sums.sha256; echo "check -> $?"
echo x >> abc.txt
sha256sum -c sums.sha256 2>/dev/null; echo "check after change -> $?"
md5sum abc.txt | md5sum -c -s; echo "md5sum -c from pipe -> $?"
rm big.txt
echo "== binary data through pipes"
awk 'BEGIN { for (i = 0; i < 256; i++) printf "%c", i }' > bytes.bin
wc -c < bytes.bin
cat bytes.bin bytes.bin | od -An -tx1 | sed -n '1p;$p'
i=0; while [ $i -lt 12 ]; do cat bytes.bin; i=$((i + 1)); done | md5sum
