# ( ) runs in a child: its variables, cd, traps and exit stay there; { } does not.
x=outer
( x=inner; echo "in ( ): $x" )
echo "after ( ): $x"
{ x=group; echo "in { }: $x"; }
echo "after { }: $x"
mkdir -p d/e
( cd d/e && echo "subshell cd ok" && touch made-in-e )
ls d/e
ls | tr '\n' ' '; echo
( exit 42 ); echo "( exit 42 ) -> $?"
{ false; }; echo "{ false; } -> $?"
( ( ( echo deep; exit 5 ); echo "inner status $?"; exit 6 ) ); echo "nested -> $?"
echo "== output of groups is one stream"
{ echo one; echo two; } > grp.txt
( echo three; echo four ) >> grp.txt
cat grp.txt
{ echo to-stderr >&2; echo to-stdout; } 2>/dev/null
( echo sub-err >&2 ) 2>&1 | tr a-z A-Z
echo "== variables exported into subshells and children"
export EXP=exported
NOEXP=plain
( echo "subshell sees: $EXP $NOEXP" )
sh -c 'echo "child sees: [$EXP] [$NOEXP]"'
VAR_FOR_ONE=once sh -c 'echo "prefix assignment: $VAR_FOR_ONE"'
echo "after prefix assignment: [${VAR_FOR_ONE-unset}]"
echo "== exit inside { } ends the script; inside ( ) only the child"
( exit 1 ) || echo "subshell failed as expected"
{ echo last; exit 9; }
echo never
