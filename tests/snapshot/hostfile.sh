# Reads a host file through a descriptor held open across the snapshot (the restore must
# find the same file), between two stretches of work. Shell builtins only: the restored
# machine's root is a directory holding nothing but this one.
exec 3<data.txt
read first <&3
i=0; while [ $i -lt 3000 ]; do i=$((i + 1)); done
echo "first: $first"
s=0
while read line <&3; do s=$((s + line)); done
echo "sum of the rest: $s"
