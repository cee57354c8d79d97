# trap: handlers for signals the shell sends itself (kill $$), EXIT handlers on normal
# exit, on `exit N`, on death by a signal and in subshells; trap reset and ignore.
# The script ends through its EXIT trap, which changes the exit status.
trap 'echo "USR1 caught"' USR1
kill -USR1 $$
echo "after USR1"
trap 'echo "USR2 caught"; (exit 9)' USR2
kill -USR2 $$; echo "status after the handler: $?"
count=0
trap 'count=$((count + 1))' HUP
for i in 1 2 3 4 5; do kill -HUP $$; done
echo "HUP count $count"
trap - USR1
trap '' TERM
kill -TERM $$
echo "TERM ignored"
trap - TERM
echo "== trap listing"
trap > traps.txt
sed 's/^/trap: /' traps.txt
rm traps.txt
echo "== EXIT traps in subshells"
( trap 'echo "subshell EXIT, status $?"' EXIT; echo "in subshell" )
( trap 'echo "EXIT after exit 3"' EXIT; exit 3 ); echo "-> $?"
( trap 'echo "EXIT trap changes status"; exit 8' EXIT; exit 3 ); echo "-> $?"
( trap 'echo "EXIT after false under set -e"' EXIT; set -e; false; echo never ); echo "-> $?"
( trap 'echo "TERM handler"; exit 20' TERM; sh -c 'kill -TERM $PPID'; echo "never" )
echo "-> $?"
sh -c 'trap "echo child EXIT" EXIT; trap "echo child INT; exit 7" INT; kill -INT $$; echo no'
echo "child -> $?"
sh -c 'trap "echo EXIT on default TERM" EXIT; kill -TERM $$; echo no'
echo "default TERM -> $?"
sh -c 'trap "echo child EXIT" EXIT; exec sh -c "echo exec replaced the trap"'
echo "== the script's own EXIT"
trap 'echo "script EXIT trap, status was $?"; exit 11' EXIT
echo "leaving with 6"
exit 6
