# tar round trips: create from files, directories, symlinks, a hard link, an empty dir
# and odd names; list; extract elsewhere; compare with diff -r and a mode listing.
# The archives record times and owners, so they are compared by content only and removed.
mkdir -p src/sub/deeper src/empty "src/dir with space"
seq 1 5000 > src/numbers.txt
printf 'tiny' > src/sub/tiny.txt
printf '' > src/sub/zero-length
awk 'BEGIN { for (i = 0; i < 300000; i++) printf "%c", (i * 7) % 256 }' > src/sub/deeper/binary.bin
echo "spaced" > "src/dir with space/file with space.txt"
echo "x" > src/exec.sh
chmod 755 src/exec.sh
chmod 600 src/sub/tiny.txt
chmod 700 src/sub/deeper
ln -s numbers.txt src/link-to-numbers
ln -s sub/deeper src/link-to-dir
ln -s does-not-exist src/dangling
ln src/numbers.txt src/hardlink.txt
name=$(printf 'n%.0s' $(seq 1 120))
echo long > "src/sub/$name"
listing() { # modes, types, link targets; no times, owners or sizes of directories
    ( cd "$1" && find . | sort | while read -r f; do
        if [ -L "$f" ]; then echo "l $f -> $(readlink "$f")"
        elif [ -d "$f" ]; then echo "d $(stat -c %a "$f") $f"
        else echo "f $(stat -c '%a %s %h' "$f") $f $(md5sum < "$f" | cut -c1-8)"; fi
    done )
}
listing src > src.list
cat src.list
echo "== create, list, extract"
tar -cf a.tar src
tar -tf a.tar | sort > names.txt
wc -l < names.txt
grep -c '/$' names.txt
tar -tvf a.tar > /dev/null && echo "verbose list ok"
mkdir out1
tar -xf a.tar -C out1
diff -r src out1/src && echo "diff -r: same"
listing out1/src | diff src.list - && echo "listing: same"
echo "== through a pipe, and with gzip"
mkdir out2
tar -cf - src | (cd out2 && tar -xf -)
listing out2/src | diff src.list - && echo "piped: same"
tar -czf a.tgz src
gzip -t a.tgz && echo "gzip -t ok"
mkdir out3
tar -xzf a.tgz -C out3
listing out3/src | diff src.list - && echo "gzip round trip: same"
gunzip -c a.tgz | tar -tf - | sort | diff names.txt - && echo "gunzip | tar -t: same names"
echo "== single members, -O, hard links"
tar -xOf a.tar src/sub/tiny.txt; echo
tar -xf a.tar -O src/numbers.txt | tail -n 1
echo changed > out1/src/numbers.txt
cat out1/src/hardlink.txt
rm out1/src/numbers.txt out1/src/hardlink.txt
tar -xf a.tar -C out1 src/numbers.txt src/hardlink.txt
cmp src/numbers.txt out1/src/numbers.txt && cmp src/hardlink.txt out1/src/hardlink.txt &&
    echo "members restored"
listing out1/src | diff src.list - && echo "listing after restore: same"
echo "== gzip alone"
gzip -c src/numbers.txt > n.gz
gunzip -c n.gz | md5sum
md5sum < src/numbers.txt
gzip -9 -c src/sub/deeper/binary.bin | gunzip | cmp - src/sub/deeper/binary.bin && echo "binary ok"
rm -f a.tar a.tgz n.gz
