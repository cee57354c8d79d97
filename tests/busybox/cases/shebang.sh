# Scripts run through `#!`: the kernel (or hexvm) starts the interpreter named on the
# first line, which here is the applet symlink .../bin/sh (or .../bin/awk) in the PATH
# directory the suite made (not `command -v sh`: this busybox may answer just "sh").
# Also: an optional argument on the #! line, a script without #! (the shell runs it
# itself), exec of a script, a script found through PATH, a script as the interpreter of
# another script, and a missing interpreter.
bindir=${PATH%%:*}
sh_path=$bindir/sh
awk_path=$bindir/awk
[ -x "$sh_path" ] && [ -x "$awk_path" ] && echo "sh and awk found in the PATH directory"
cat > args.sh <<EOF_
#!$sh_path
echo "\$0 got \$# args:"
for a in "\$@"; do echo "  [\$a]"; done
exit 3
EOF_
chmod +x args.sh
./args.sh one "two words" '' "three"
echo "status $?"
echo "== optional argument on the #! line"
printf '#!%s -e\necho "before false"\nfalse\necho "not reached"\n' "$sh_path" > dash-e.sh
chmod 755 dash-e.sh
./dash-e.sh; echo "status $?"
printf '#!%s -f\n{ print NR ": " $0 }\nEND { print "awk script, " NR " lines" }\n' "$awk_path" > prog.awk
chmod 755 prog.awk
printf 'x\ny\n' | ./prog.awk
./prog.awk prog.awk | tail -n 1
echo "== no #! line: the shell runs it"
printf 'echo "no shebang, args: $*"\nexit 4\n' > plain.sh
chmod 755 plain.sh
./plain.sh a b; echo "status $?"
echo "== exec replaces the shell"
sh -c 'exec ./args.sh from-exec; echo "not reached"'; echo "status $?"
( exec ./args.sh in-subshell ); echo "status $?"
echo "== found through PATH"
mkdir bin
printf '#!%s\necho "found via PATH: ${0##*/} $1"\n' "$sh_path" > bin/mycmd
chmod 755 bin/mycmd
PATH=$PWD/bin:$PATH mycmd arg
PATH=$PWD/bin:$PATH; mycmd again; echo "command -v: $(command -v mycmd | sed 's|.*/bin/|.../bin/|')"
echo "== a script as the interpreter of another script"
printf '#!%s\necho "interp.sh runs: ${0##*/} with $# args"\nfor a; do echo "  <${a##*/}>"; done\n' \
    "$sh_path" > interp.sh
chmod 755 interp.sh
printf '#!%s/interp.sh opt\necho "not run as shell code"\n' "$PWD" > uses-interp.sh
chmod 755 uses-interp.sh
./uses-interp.sh last-arg; echo "status $?"
echo "== a missing interpreter, a non-executable script"
printf '#!/nonexistent/interpreter\necho never\n' > bad.sh
chmod 755 bad.sh
./bad.sh 2>/dev/null; echo "missing interpreter -> $?"
printf '#!%s\necho never\n' "$sh_path" > noexec.sh
./noexec.sh 2>/dev/null; echo "not executable -> $?"
sh noexec.sh
echo "== a script writing into files"
printf '#!%s\nfor i in 1 2 3; do echo "line $i"; done > written.txt\nchmod 600 written.txt\n' \
    "$sh_path" > writer.sh
chmod 700 writer.sh
./writer.sh && cat written.txt
# uses-interp.sh names this run's scratch directory: not part of the comparison
rm uses-interp.sh
