# real-run: /bin/sh @CASE@
# shellcheck shell=sh disable=SC2012  # ls | wc -l on purpose
# real-needs: /usr/bin/seq /usr/bin/sort /usr/bin/head /usr/bin/wc /usr/bin/find
#
# dash running a coreutils pipeline, then the same lines through `sh -c`.
mkdir -p d1/d2 d3
touch f1 d1/f2 d1/d2/f3 d3/f4
seq 1 1000 | sort -rn | head -3; ls | wc -l; find . -type f | sort
/bin/sh -c 'seq 1 1000 | sort -rn | head -3; ls | wc -l; find . -type f | sort'
echo "status $?"
