# awk: fields and NF/NR/FS/OFS, BEGIN/END, printf formats, associative arrays (iteration
# order is unspecified: sorted), functions, string builtins, getline, -v, command pipes (which run
# the host's /bin/sh: Debian's dynamically linked dash).
cat > sales.txt <<'EOF_'
north widget 3 2.50
south gadget 10 1.25
north gadget 1 1.25
east widget 7 2.50
south widget 2 2.50
west doohickey 4 10.00
north doohickey 2 10.00
EOF_
echo "== fields"
awk '{ print $2, $1 }' sales.txt | head -n 3
awk '{ print NR": "NF" fields, last="$NF }' sales.txt | head -n 2
awk '$3 > 3' sales.txt
awk '$1 == "north" { n++ } END { print n " north lines" }' sales.txt
awk -F' ' 'BEGIN { OFS="|" } { $1 = toupper($1); print }' sales.txt | head -n 2
printf 'a:b:c\nd::f\n' | awk -F: '{ print NF, $2 "." }'
printf 'k1=v1;k2=v2\n' | awk -F'[=;]' '{ for (i = 1; i <= NF; i++) printf "%d:%s ", i, $i; print "" }'
echo "== BEGIN/END and printf"
awk 'BEGIN { printf "%-8s|%8s|%08.3f|%x|%o|%e|%c|%5.2s|\n", "left", "right", 3.14159, 255, 8, 12345.678, 65, "abcdef" }'
awk 'BEGIN { printf "%d %i %s %5d%% %+d\n", 42.9, -7.2, 1e6, 17, 5 }'
awk 'BEGIN { x = 1; for (i = 0; i < 62; i++) x *= 2; printf "%.0f %d %d\n", x, x / 1024, -x }'
awk 'BEGIN { print 1/3; OFMT="%.2f"; print 1/3; print 10/2; CONVFMT="%.3f"; s = 1/7 ""; print s }'
awk 'END { print NR " lines" }' sales.txt
echo "== associative arrays"
awk '{ total[$1] += $3 * $4 } END { for (r in total) printf "%s %.2f\n", r, total[r] }' sales.txt | sort
awk '{ count[$2]++ } END { for (p in count) print count[p], p }' sales.txt | sort -k2
awk '{ seen[$1 SUBSEP $2] = 1 } END { n = 0; for (k in seen) n++; print n " pairs" }' sales.txt
awk 'BEGIN { a["x"] = 1; a["y"] = 2; delete a["x"]; print ("x" in a), ("y" in a), length(a) }'
awk 'BEGIN { n = split("c,a,b", parts, ","); print n, parts[1], parts[3] }'
echo "== functions and string builtins"
awk 'function fact(n) { return n <= 1 ? 1 : n * fact(n - 1) } BEGIN { print fact(10), fact(20) }'
awk 'function swap(arr, i, j,   t) { t = arr[i]; arr[i] = arr[j]; arr[j] = t }
     BEGIN { a[1] = "one"; a[2] = "two"; swap(a, 1, 2); print a[1], a[2] }'
awk 'BEGIN { s = "Hello, World"; print length(s), substr(s, 8), substr(s, 1, 5), index(s, "World"), toupper(s), tolower(s) }'
awk 'BEGIN { s = "aXbXc"; n = gsub(/X/, "-", s); print n, s; t = "foo"; sub(/o/, "0", t); print t }'
awk 'BEGIN { if (match("abc123def", /[0-9]+/)) print RSTART, RLENGTH }'
awk 'BEGIN { print sprintf("%05d", 42), int(-3.7), int(3.7), 7 % 3, -7 % 3, 1e3 + 0, "3x" + 1 }'
echo "== -v, getline, pipes and next"
awk -v factor=3 '{ print $3 * factor }' sales.txt | tr '\n' ' '; echo
awk 'NR % 2 { next } { print NR }' sales.txt | tr '\n' ' '; echo
awk 'BEGIN { while ((getline line < "sales.txt") > 0) n++; print n " read by getline" }'
awk 'BEGIN { "echo from-a-command" | getline x; print x }'
awk '{ print $2 | "sort -u" }' sales.txt
awk '{ print $1 > ("region-" $1 ".txt") }' sales.txt
cat region-north.txt | wc -l
ls region-* | tr '\n' ' '; echo
echo "== numbers from a big pipe"
seq 1 100000 | awk '{ s += $1; if ($1 % 9999 == 0) c++ } END { print s, c, NR }'
awk 'BEGIN { exit 3 } END { print "END still runs" }'; echo "awk exit -> $?"
