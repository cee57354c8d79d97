# sed: s///g and its flags, addresses (numbers, $, regexes, ranges, +N), -n with p, d, q,
# =, a/i/c, y, the hold space, -e chains, { } blocks, -i in place, -E groups.
seq 1 12 > nums.txt
printf 'the cat sat on the mat\nThe Cat\nno match here\ncat cat cat\n' > text.txt
echo "== s"
sed 's/cat/dog/' text.txt
sed 's/cat/dog/g' text.txt
sed 's/cat/dog/2' text.txt
sed 's/[Cc]at/<&>/g' text.txt
sed 's|the|THE|gI' text.txt 2>/dev/null || sed 's|the|THE|g' text.txt
sed -E 's/(c)(a)(t)/\3\2\1/g' text.txt
sed 's/\(.\)\(.\)/\2\1/' text.txt
sed 's/a*/x/g' text.txt | head -n 1
echo "== addresses and -n p"
sed -n '3p' nums.txt
sed -n '$p' nums.txt
sed -n '4,6p' nums.txt | tr '\n' ' '; echo
sed -n '/^1/p' nums.txt | tr '\n' ' '; echo
sed -n '/5/,/8/p' nums.txt | tr '\n' ' '; echo
sed -n '10,$p' nums.txt | tr '\n' ' '; echo
sed -n '/3/,+2p' nums.txt | tr '\n' ' '; echo
sed '2,11d' nums.txt | tr '\n' ' '; echo
sed '/[02468]$/d' nums.txt | tr '\n' ' '; echo
sed -n '/cat/!p' text.txt
sed '3q' nums.txt | tr '\n' ' '; echo
sed -n '$=' nums.txt
sed -n '/mat/=' text.txt
echo "== a, i, c, y"
sed '2a\
appended' nums.txt | head -n 4 | tr '\n' ' '; echo
sed '1i\
inserted' nums.txt | head -n 2 | tr '\n' ' '; echo
sed '3,12c\
changed' nums.txt | tr '\n' ' '; echo
echo hello world | sed 'y/abcdefghijklmnopqrstuvwxyz/ABCDEFGHIJKLMNOPQRSTUVWXYZ/'
echo "== hold space: reverse lines, join lines"
sed -n '1!G;h;$p' nums.txt | tr '\n' ' '; echo
sed -e ':a' -e 'N' -e '$!ba' -e 's/\n/,/g' nums.txt
sed 'N;s/\n/+/' nums.txt | tr '\n' ' '; echo
echo "== -e chains and ; and {}"
sed -e 's/1/one/' -e 's/2/two/' nums.txt | head -n 3 | tr '\n' ' '; echo
sed -n '/1/{s/1/I/g;p}' nums.txt | tr '\n' ' '; echo
echo "== -i edits in place, mode kept"
cp text.txt edit.txt
chmod 640 edit.txt
sed -i 's/cat/cow/g; /no match/d' edit.txt
cat edit.txt
stat -c '%A %n' edit.txt
echo "== large input"
seq 1 100000 | sed -n 's/^\([0-9]*\)00000$/hundred thousand \1/p; /^99999$/p'
seq 1 100000 | sed 's/0/o/g' | md5sum
