# find with -name, -type, -path, -maxdepth/-mindepth, -exec ... \; and -exec ... +,
# -prune, -perm/-empty/-size; output sorted (directory order is the file system's).
mkdir -p tree/src/lib tree/src/bin tree/doc tree/empty "tree/with space"
for f in tree/src/lib/a.c tree/src/lib/b.c tree/src/lib/b.h tree/src/bin/main.c \
    tree/doc/README tree/doc/guide.txt "tree/with space/x y.txt" tree/top.c; do
    echo "content of $f" > "$f"
done
ln -s ../src/lib/a.c tree/doc/link-to-a.c
ln -s missing-target tree/dangling
chmod 755 tree/src/bin/main.c
echo "== -name"
find tree -name '*.c' | sort
echo "== -type f / d / l"
find tree -type f | sort
find tree -type d | sort
find tree -type l | sort
echo "== -name and -type combined, negation, -o"
find tree -type f ! -name '*.c' | sort
find tree \( -name '*.h' -o -name 'README' \) | sort
find tree -iname 'readme' | sort
echo "== -path and -prune"
find tree -path '*/src/*' -name '*.c' | sort
find tree -name src -prune -o -type f -print | sort
echo "== depth limits"
find tree -maxdepth 1 | sort
find tree -mindepth 3 -type f | sort
echo "== -exec ... \\;"
find tree -name '*.c' -type f -exec wc -l {} \; | sort
find tree -type f -name 'b.*' -exec sh -c 'echo "[$1] $(cat "$1")"' sh {} \; | sort
echo "== -exec ... +"
find tree/src -type f -exec cat {} + | sort
find tree -type f -exec sh -c 'echo "$# files"' sh {} +
echo "== -perm, -empty, -size"
find tree -type f -perm -u+x | sort
find tree -type d -empty | sort
find tree -type f -size -1k | sort
find tree -type f -size +0 | wc -l
echo "== -exec exit status filters"
find tree -type f -exec grep -q lib {} \; -print | sort
echo "== find . with relative paths"
cd tree && find . -name '*.txt' | sort && cd ..
echo "== -exec rm"
find tree -name '*.h' -exec rm {} +
find tree -name '*.h' | wc -l
