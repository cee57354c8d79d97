# Text tools: wc, head, tail, tr, cut, paste, nl, rev, tac, tee, grep, od, printf.
printf 'alpha beta\ngamma\n\ndelta epsilon zeta\nlast line no newline' > t.txt
echo "== wc"
wc < t.txt
wc -l < t.txt; wc -w < t.txt; wc -c < t.txt
wc -l t.txt
printf '' | wc -l
echo "== head and tail"
seq 1 30 > n.txt
head -n 3 n.txt | tr '\n' ' '; echo
head -n -27 n.txt | tr '\n' ' '; echo
tail -n 2 n.txt | tr '\n' ' '; echo
tail -n +28 n.txt | tr '\n' ' '; echo
head -c 10 n.txt | od -c | head -n 1
tail -c 5 n.txt | od -c | head -n 1
head -n 2 t.txt n.txt
tail -n 1 t.txt; echo "<eof>"
echo "== tr"
echo 'Hello, World!' | tr a-z A-Z
echo 'Hello, World!' | tr -d 'lo'
echo 'aaabbbcccaaa' | tr -s a
echo 'hello world' | tr -c 'a-z\n' '_'
echo 'tab	and spaces' | tr '\t ' '_-'
echo 'abc' | tr 'abc' '\101\102\n'
printf 'a\nb\nc\n' | tr '\n' ','; echo
echo "== cut"
echo 'one:two:three:four' | cut -d: -f2
echo 'one:two:three:four' | cut -d: -f1,3-
echo 'one:two:three:four' | cut -d: -f-2
echo 'abcdefghij' | cut -c3-5
echo 'abcdefghij' | cut -c1,10
printf 'a b\nno-delim\n' | cut -d' ' -f2
printf 'a b\nno-delim\n' | cut -s -d' ' -f2
echo "== paste, nl, rev, tac"
seq 1 4 > p1; printf 'a\nb\nc\n' > p2
paste p1 p2
paste -d, p1 p2
paste -s -d+ p1
nl t.txt
printf 'abc\nhello world\n' | rev
seq 1 5 | tac | tr '\n' ' '; echo
echo "== grep"
grep -n a t.txt
grep -c '' t.txt
grep -v a t.txt | grep -c .
grep -i ALPHA t.txt
grep -w 'eta' t.txt; echo "grep -w no match -> $?"
grep -E 'alp|del' t.txt
grep -o 'e[a-z]*' t.txt
grep -l gamma t.txt n.txt
grep -q nothing-here t.txt; echo "grep -q -> $?"
grep -e zeta -e gamma t.txt
grep -x 'gamma' t.txt
grep missing no-such-file 2>/dev/null; echo "grep missing file -> $?"
echo "== tee"
echo teed | tee t1 t2 > /dev/null
cat t1 t2
echo appended | tee -a t1 > /dev/null; cat t1
echo "== od"
printf 'AB\001\377' | od -An -tx1
printf 'AB\001\377' | od -An -c
printf '\001\002\003\004' | od -An -tu4
echo "== basename, dirname"
basename /a/b/c.txt; basename /a/b/c.txt .txt; basename /; dirname /a/b/c.txt; dirname c.txt
