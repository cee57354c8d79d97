# real-run: /bin/sh @CASE@
# shellcheck shell=sh
# real-needs: /bin/tar /bin/gzip /usr/bin/sha256sum /usr/bin/diff
#
# tar czf and tar + gzip -n with fixed times and owners, so the archives have the same
# bytes on every run; their sha256 is printed and they stay as produced files. Then both
# are extracted and compared with the tree.
set -e
mkdir -p tree/a/b tree/empty tree/c
printf 'hello\n' >tree/a/hello.txt
printf 'deep\n' >tree/a/b/deep.txt
i=0
while [ $i -lt 300 ]; do echo "line $i of a compressible file"; i=$((i + 1)); done >tree/c/big.txt
printf '\000\001\002binary\377' >tree/c/bin.dat
chmod 600 tree/a/b/deep.txt
chmod 755 tree/c
ln -s ../a/hello.txt tree/c/link
ln tree/a/hello.txt tree/a/hard.txt
opts='--mtime=@0 --owner=0 --group=0 --numeric-owner --sort=name'
# shellcheck disable=SC2086  # $opts is split on purpose
tar czf tree.tgz $opts tree
# shellcheck disable=SC2086
tar cf tree.tar $opts tree
gzip -n -9 -k tree.tar
sha256sum tree.tgz tree.tar tree.tar.gz
tar tvzf tree.tgz
gzip -l tree.tar.gz
mkdir x1 x2
tar xzf tree.tgz -C x1
gzip -dc tree.tar.gz | tar xf - -C x2
diff -r tree x1/tree && echo "x1 same"
diff -r tree x2/tree && echo "x2 same"
gzip -t tree.tgz && echo "tgz ok"
rm tree.tar
