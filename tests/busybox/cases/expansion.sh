# Parameter expansion, IFS splitting, globbing, quoting, read with IFS/-r, set --, shift,
# getopts, eval, and ${#} forms; all in one shell, no children.
default_ifs=$IFS
v=hello.world.tar.gz
echo "${v#*.} | ${v##*.} | ${v%.*} | ${v%%.*} | ${#v}"
echo "${v:-unused} ${unset_v:-default} ${unset_v-dash} [${empty=}] ${empty:-colon-dash}"
echo "${unset2:=assigned} $unset2"
echo "${v:+alt} [${unset_v:+alt}]"
( : "${must_fail:?is required}" ) 2>/dev/null || echo "?: fails -> $?"
echo "${v:6:5} ${v:(-2)} ${v/o/0} ${v//o/0}"
path=/usr/local/lib/libfoo.so.1
echo "${path##*/} ${path%/*}"
echo "== quoting"
s='a  b	c'
echo $s
echo "$s"
echo '$s "x"' "\$s '\"x\"'" $'not-bash\t'
echo "back\\slash \"quote\" \`tick\` \$dollar"
echo "== IFS"
line='one:two::four'
IFS=: read -r a b c d <<EOF_
$line
EOF_
echo "[$a][$b][$c][$d]"
IFS=: ; set -- $line ; IFS=$default_ifs
echo "$# fields"
old=$IFS; IFS=','; arr="x,y,z"; for i in $arr; do printf '<%s>' "$i"; done; IFS=$old; echo
printf '  lead and trail  \n' | { read -r x; echo "[$x]"; }
printf '  lead and trail  \n' | { IFS= read -r x; echo "[$x]"; }
printf 'a b c d e\n' | { read -r first rest; echo "[$first][$rest]"; }
echo "== globbing"
mkdir g; cd g
touch a1 a2 b1 .hidden 'with space' '[x]'
echo *
echo a?
echo [ab]1
echo [!a]*
echo .*
echo "*" '*' \*
echo nomatch*
set -f; echo a*; set +f
echo *' '*
cd ..
echo "== positional parameters"
set -- one "two three" four
echo "$# $1 $3"
shift; echo "$# $1"
shift 2; echo "$# [${1-none}]"
set -- $(seq 1 12)
echo "${10} ${12} $#"
echo "== getopts"
parse() {
    OPTIND=1
    while getopts "ab:c" opt; do
        case $opt in
        a) echo "flag a" ;;
        b) echo "b=$OPTARG" ;;
        c) echo "flag c" ;;
        \?) echo "bad option" ;;
        esac
    done
    shift $((OPTIND - 1))
    echo "rest: $*"
}
parse -a -b val -c file1 file2
parse -ab inline -- -c
parse -x 2>/dev/null
echo "== eval"
cmd='echo "evaluated $((6 * 7))"'
eval "$cmd"
for i in 1 2 3; do eval "var_$i=\$((i * i))"; done
eval "echo \$var_1 \$var_2 \$var_3"
name=var_3; eval "value=\${$name}"; echo "indirect: $value"
echo "== special parameters that are stable"
set -- a b; echo "\$# = $#"
f() { return 3; }; f; echo "\$? = $?"
echo "== unset and readonly"
x=1; unset x; echo "[${x-unset}]"
readonly R=fixed
( R=changed ) 2>/dev/null || echo "readonly refused"
echo "R=$R"
