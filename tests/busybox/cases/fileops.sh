# File operations: mkdir -p, cp (-r, -a), mv (rename, into dirs, over files),
# rm (-r, -f), ln -s / ln, readlink (-f), touch, chmod (octal and symbolic), rmdir, stat,
# test -e/-f/-d/-L/-x; the files left behind are compared by the suite too.
mkdir -p a/b/c
echo one > a/one.txt
echo two > a/b/two.txt
echo three > a/b/c/three.txt
chmod 751 a/b
chmod 640 a/one.txt
ln -s one.txt a/link-one
ln -s ../one.txt a/b/up-link
show() { find "$@" | sort | while read -r f; do
    if [ -L "$f" ]; then echo "$(stat -c %A "$f") $f -> $(readlink "$f")"
    else echo "$(stat -c '%A' "$f") $f"; fi
done; }
show a
echo "== cp -r"
cp -r a copy-r
show copy-r
echo "== cp -a keeps links and modes"
cp -a a copy-a
show copy-a
echo "== cp of a file, into a dir, over a file"
cp a/one.txt single.txt
mkdir dest
cp a/one.txt a/b/two.txt dest/
echo old > over.txt
cp a/b/two.txt over.txt
cat single.txt dest/one.txt dest/two.txt over.txt
stat -c '%a %n' single.txt dest/one.txt
echo "== mv"
mv single.txt renamed.txt
mv renamed.txt dest/
mv copy-r moved-dir
echo other > other.txt
mv -f other.txt over.txt
cat over.txt
[ -e single.txt ] || echo "single.txt gone"
[ -d copy-r ] || echo "copy-r gone"
show dest moved-dir | head -n 6
echo "== ln -s, ln, readlink"
ln -s a/b/c/three.txt rel-link
ln -s nowhere dangling
ln -s a dir-link
ln a/b/two.txt hard.txt
for l in rel-link dangling dir-link; do readlink "$l"; done
readlink -f dir-link/b/up-link | sed 's|.*/\([^/]*/[^/]*\)$|.../\1|'
cat rel-link dir-link/b/two.txt
stat -c '%h %n' hard.txt a/b/two.txt
[ -L dangling ] && [ ! -e dangling ] && echo "dangling is a link to nothing"
[ -L dir-link ] && [ -d dir-link ] && echo "dir-link is a link to a dir"
ln -sf a/one.txt rel-link; readlink rel-link
ln -s a/one.txt rel-link 2>/dev/null || echo "ln -s over an existing link fails"
echo "== chmod"
touch m1 m2 m3
chmod 4755 m1; chmod u=rw,g=r,o= m2; chmod a+x,go-r m3
chmod -R go-rwx moved-dir
stat -c '%a %A %n' m1 m2 m3 moved-dir moved-dir/b
[ -x m3 ] && echo "m3 executable"
echo "== rm"
rm -r moved-dir
rm -f does-not-exist; echo "rm -f missing -> $?"
rm does-not-exist 2>/dev/null; echo "rm missing -> $?"
rm a/b 2>/dev/null; echo "rm dir without -r -> $?"
mkdir empty-dir full-dir; touch full-dir/x
rmdir empty-dir; echo "rmdir empty -> $?"
rmdir full-dir 2>/dev/null; echo "rmdir full -> $?"
rm -rf full-dir copy-a/b
echo "== the final tree"
show . | grep -v '^d.* \.$'
