# Redirections: > >> < 2>&1 >&2, fd 3 juggling with exec, <> read-write, >| and noclobber.
echo first > out.txt
echo second >> out.txt
cat < out.txt
wc -l < out.txt
echo "== 2>&1 order matters"
{ echo OUT; echo ERR >&2; } > both.txt 2>&1
cat both.txt
{ echo OUT; echo ERR >&2; } 2>&1 > only-out.txt | sed 's/^/piped: /'
cat only-out.txt
ls no-such-file > /dev/null 2> err.txt; echo "ls status $?"
[ -s err.txt ] && echo "stderr captured"
echo "== fd 3"
exec 3> fd3.txt
echo "via 3" >&3
echo "again via 3" 1>&3
exec 3>&-
cat fd3.txt
exec 4< out.txt
read -r a <&4
read -r b <&4
exec 4<&-
echo "read from 4: $a, $b"
echo "== swap stdout and stderr through fd 3"
{ { echo to-out; echo to-err >&2; } 3>&1 1>&2 2>&3 3>&-; } 2> swapped-out.txt | sed 's/^/stdout now: /'
sed 's/^/file got: /' swapped-out.txt
echo "== dup to save and restore stdout"
exec 5>&1
exec > redirected.txt
echo "this goes to the file"
exec 1>&5 5>&-
echo "stdout restored"
cat redirected.txt
echo "== <> opens read-write without truncating"
printf 'abcdef\n' > rw.txt
exec 6<> rw.txt
printf 'XY' >&6
exec 6>&-
cat rw.txt
printf 'hello\n' > rw2.txt
{ read -r line; echo "got $line"; } <> rw2.txt
echo "== noclobber"
set -C
echo new 2>/dev/null > out.txt || echo "noclobber refused"
echo forced >| out.txt
set +C
cat out.txt
echo "== redirection on a compound command and a loop"
for i in 1 2 3; do echo "line $i"; done > loop.txt
while read -r l; do echo "<$l>"; done < loop.txt
if true; then echo in-if; fi > if.txt; cat if.txt
echo "== here-string-like via printf, and /dev/null"
cat /dev/null > empty.txt
wc -c < empty.txt
echo "== redirect to a directory fails"
mkdir adir
( echo x > adir ) 2>/dev/null; echo "status $?"
