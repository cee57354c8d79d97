# Changes of every kind to a small tree, run by busybox sh in the tree: natively on one
# copy, under hexvm --overlay --export on another (which must stay as it was).
echo changed >keep/edited.txt
echo appended >>keep/appended.txt
rm gone.txt
rm -r gone-dir
mv moved-from.txt moved-to.txt
mkdir -p new/deeper
echo fresh >new/deeper/file.txt
ln -s ../keep/edited.txt new/link
chmod 600 keep/private.txt
mkdir replaced
echo inside >replaced/now-a-dir.txt
: >keep/truncated.txt
ls -R | sort | sed -n '1,200p' >/dev/null
echo done
