# sort (-n -r -u -k -t -s -c -o), uniq (-c -d -u -i), on generated and literal data.
cat > data.txt <<'EOF_'
banana 3 yellow
apple 12 red
cherry 7 red
apple 2 green
date 12 brown
Banana 30 yellow
elder 7 purple
apple 2 green
EOF_
echo "== plain, -r, -u"
sort data.txt
sort -r data.txt | head -n 3
sort -u data.txt | wc -l
echo "== -k"
sort -k2,2n data.txt
sort -k2,2nr -k1,1 data.txt
sort -k3,3 -k1,1r data.txt
sort -s -k3,3 data.txt
echo "== -t and -n on mixed numbers"
printf '10:b\n9:a\n-3:c\n100:d\n0:e\n1.5:f\n-20:g\n' | sort -t: -k1,1n
printf '10\n9\n100\n1e3\n 5\n+4\n' | sort -n
printf 'x10\nx9\nx100\n' | sort
echo "== -f and -b"
printf 'b\nA\na\nB\n' | sort -f | tr '\n' ' '; echo
printf '  b\na\n c\n' | sort -b | tr '\n' '|'; echo
echo "== -c and -o"
sort -c data.txt 2>/dev/null; echo "unsorted check -> $?"
sort data.txt | sort -c; echo "sorted check -> $?"
sort -o sorted.txt -k1,1 -u data.txt
cat sorted.txt
echo "== uniq"
cut -d' ' -f1 data.txt | sort | uniq -c
cut -d' ' -f3 data.txt | sort | uniq -d
cut -d' ' -f3 data.txt | sort | uniq -u
cut -d' ' -f1 data.txt | sort -f | uniq -ic
printf 'a\na\nb\na\na\n' | uniq -c
echo "== big numeric sort"
seq 1 3000 | awk '{ print ($1 * 7919) % 3001 }' > shuffled.txt
sort -n shuffled.txt | md5sum
sort -rn shuffled.txt | head -n 3
sort shuffled.txt | head -n 3
sort -n shuffled.txt | uniq -c | sort -rn | head -n 2
