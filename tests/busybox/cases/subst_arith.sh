# $( ) and backticks, nested; word splitting of their output; arithmetic $(( )).
echo "== nesting"
echo "a$(echo b$(echo c$(echo d)))e"
echo "`echo outer \`echo inner\``"
echo "$(echo "$(echo "quoted  spaces   kept")")"
echo "$(echo `echo mixed $(echo styles)`)"
x=$(printf 'trailing\n\n\n'); echo "[$x]"
x=$(printf '\n\nleading'); echo "[$x]"
echo "== splitting of unquoted substitution"
set -- $(echo "one   two
three")
echo "$# words: $*"
set -- "$(echo "one   two")"
echo "$# word: $1"
IFS=:; set -- $(echo a:b::c); IFS=' 	
'
echo "$# fields with IFS=: ($1,$2,$3,$4)"
echo "== status of a substitution"
x=$(exit 7); echo "assignment status $?"
x=$(false) || echo "false substitution failed"
echo "== arithmetic"
a=7 b=3
echo "$((a + b)) $((a - b)) $((a * b)) $((a / b)) $((a % b)) $((-a / b)) $((-a % b))"
echo "$((a << 2)) $((a >> 1)) $((a & b)) $((a | b)) $((a ^ b)) $((~a)) $((!a)) $((!0))"
echo "$((a > b)) $((a < b)) $((a == 7)) $((a != 7)) $((a >= 7 && b <= 2)) $((a || 0))"
echo "$((a > b ? a : b)) $(( (a + b) * (a - b) )) $((2 ** 10))"
echo "$((0x1f)) $((010)) $((36#z)) $((2#1011))"
i=5; : $((i += 3)); : $((i *= 2)); echo "i=$i"
j=0; : $((j++)); : $((j++)); : $((++j)); echo "j=$j"
echo "$((9223372036854775807)) $((9223372036854775807 + 1)) $((-9223372036854775807 - 1))"
echo "$((4294967295 * 4294967297)) $((1 << 63)) $((-1 >> 1))"
echo "$(( $(echo 6) * $(echo 7) ))"
s=0; for k in $(seq 1 100); do s=$((s + k * k)); done; echo "sum of squares $s"
echo "== expr"
expr 6 \* 7
expr length "hello world"
expr substr abcdef 2 3
expr 10 / 3 \> 2
expr "abc123" : '[a-z]*'
