# Here-documents: unquoted (expanded), quoted (literal), <<- (tabs stripped), into loops,
# functions and fds, nested in $( ), and one bigger than a pipe buffer.
name=world
n=3
cat <<EOF_
hello $name
sum $((n + 4)) and $(echo command) and `echo backtick`
escaped \$name and \\ and \`
EOF_
echo "== quoted delimiter"
cat <<'EOF_'
hello $name $((n + 4)) $(echo no) `echo no` \n \\
EOF_
cat <<"EOF_"
double-quoted delimiter: $name
EOF_
cat <<E\OF_
partly quoted: $name
EOF_
echo "== <<- strips leading tabs"
cat <<-EOF_
	tab-indented $name
		two tabs
	  tab then spaces
	EOF_
echo "== into a loop and a function"
while read -r k v; do
    echo "$k -> $v"
done <<EOF_
alpha 1
beta 2
EOF_
f() { sed 's/^/f: /'; }
f <<EOF_
from heredoc $n
EOF_
echo "== two heredocs, on fds 0 and 3"
while read -r a && read -r b <&3; do echo "$a|$b"; done <<EOF_ 3<<EOF3
left1
left2
EOF_
right1
right2
EOF3
echo "== inside command substitution"
x=$(cat <<EOF_
inner $name
EOF_
)
echo "x=$x"
echo "== empty heredoc and trailing-space lines"
cat <<EOF_
EOF_
cat <<EOF_ | od -c | head -n 2
a  
EOF_
echo "== big heredoc (larger than a pipe buffer)"
big=$(seq 1 20000 | tr '\n' ' ')
cat <<EOF_ | wc -c
$big
EOF_
cat <<EOF_ | md5sum
$big
$big
EOF_
