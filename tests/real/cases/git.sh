# real-run: /bin/sh @CASE@
# shellcheck shell=sh
# real-needs: /usr/bin/git
#
# A repository made from scratch: init, local identity, add, two commits with fixed
# author and committer dates (so the hashes are the same on every run), a branch, log,
# status, cat-file, diff. .git/index records inode numbers and times: it is removed at the
# end (after `ls-files -s` printed its content).
set -e
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_DATE='1700000000 +0000' \
    GIT_COMMITTER_DATE='1700000000 +0000'
git init -q -b main repo
cd repo
git config user.name 'Hex Tester'
git config user.email 'hex@example.org'
mkdir -p src docs
printf 'int main(void) { return 0; }\n' >src/main.c
printf '# hexvm\n\nA test.\n' >README.md
printf 'notes\n' >docs/notes.txt
printf '#!/bin/sh\necho run\n' >run.sh
chmod 755 run.sh
git add .
git commit -q -m 'first commit'
printf 'more notes\n' >>docs/notes.txt
git rm -q README.md
printf 'new\n' >new.txt
git add -A
GIT_COMMITTER_DATE='1700003600 +0000' git commit -q -m 'second commit'
git checkout -q -b topic
printf 'topic\n' >topic.txt
git add topic.txt
git commit -q -m 'on topic'
git checkout -q main
printf 'untracked\n' >untracked.txt
printf 'changed\n' >>new.txt
git log --format='%H %s' --all
git log --format='%an <%ae> %ad %cd' --date=iso-strict -1
git status --porcelain
git cat-file -p 'HEAD^{tree}'
git cat-file -p HEAD
git diff --stat HEAD~1 HEAD
git diff
git ls-files -s
git rev-list --count HEAD
git branch --list
git show --format=%s --name-status topic
git fsck --no-progress 2>&1
rm -f .git/index
