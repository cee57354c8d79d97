/* What a forked child shares with its parent and what it does not. Shared: open file
 * descriptions (one offset for reads and writes, O_APPEND and other F_SETFL flags).
 * Copied: the descriptor table (FD_CLOEXEC, close, new opens), the umask and the current
 * directory. Parent and child take turns through two pipes, so every interleaving is
 * fixed; the child sends its observations back through a pipe and the parent prints
 * them. The files stay in the working directory for the harness to compare.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc_util.h"

/* Turn-taking between parent and child. */
static int to_child[2], to_parent[2];
static pid_t child;

static void start_child(void)
{
    xpipe(to_child);
    xpipe(to_parent);
    child = xfork();
}

static void give_turn(void)
{
    xwrite(child ? to_child[1] : to_parent[1], "t", 1);
}

static void await_turn(void)
{
    char c;
    if (read(child ? to_parent[0] : to_child[0], &c, 1) != 1) {
        fprintf(stderr, "turn lost\n");
        _exit(97);
    }
}

/* Three bytes from fd into d (which holds 4), or "?" when they do not come. */
static void read3(int fd, char *d)
{
    if (read(fd, d, 3) != 3)
        d[0] = '?';
}

/* The parent's turn in test_shared_offset: read three digits into d, let the child act,
 * then write text; returns the offset the child left behind. */
static long parent_turn(int rd, char *d, int fd, const char *text)
{
    read3(rd, d);
    give_turn();
    await_turn();
    long off = (long)lseek(fd, 0, SEEK_CUR);
    xwrite(fd, text, strlen(text));
    return off;
}

/* The child ends by sending its report; the parent receives it and reaps the child. */
static void child_done(const void *report, size_t n)
{
    xwrite(to_parent[1], report, n);
    _exit(0);
}

static void finish_child(void *report, size_t n)
{
    if (read(to_parent[0], report, n) != (ssize_t)n)
        printf("no report from the child\n");
    if (!exited_with(wait_status(child), 0))
        printf("child failed\n");
    close(to_child[0]);
    close(to_child[1]);
    close(to_parent[0]);
    close(to_parent[1]);
}

static void show_file(const char *name)
{
    char buf[256] = {0};
    int fd = open(name, O_RDONLY);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    printf("%s (%zd bytes): \"", name, n);
    for (ssize_t i = 0; i < n; i++)
        printf(buf[i] == '\n' ? "\\n" : "%c", buf[i]);
    printf("\"\n");
}

static void test_shared_offset(void)
{
    printf("== a file opened before fork: one offset\n");
    int fd = open("shared.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    int rd = open("digits.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    xwrite(rd, "0123456789", 10);
    lseek(rd, 0, SEEK_SET);
    start_child();
    struct { long off_seen; char digits[4]; } rep = {0, ""};
    if (child == 0) {
        await_turn();
        rep.off_seen = (long)lseek(fd, 0, SEEK_CUR);
        xwrite(fd, "child 1\n", 8);
        read3(rd, rep.digits);
        give_turn();
        await_turn();
        lseek(fd, 0, SEEK_SET);
        give_turn();
        child_done(&rep, sizeof rep);
    }
    xwrite(fd, "parent 1\n", 9);
    char d1[4] = "", d2[4] = "";
    long after_child = parent_turn(rd, d1, fd, "parent 2\n");
    long after_seek = parent_turn(rd, d2, fd, "P");
    finish_child(&rep, sizeof rep);
    printf("child saw the parent's offset: %ld\n", rep.off_seen);
    printf("parent saw the child's write: offset %ld\n", after_child);
    printf("parent saw the child's lseek to 0: offset %ld\n", after_seek);
    printf("reads in turn: parent \"%s\", child \"%s\", parent \"%s\"\n", d1, rep.digits, d2);
    close(fd);
    close(rd);
    show_file("shared.txt");
}

static void test_append_and_flags(void)
{
    printf("== O_APPEND and F_SETFL are shared, FD_CLOEXEC and the table are not\n");
    int ap = open("append.txt", O_CREAT | O_WRONLY | O_TRUNC | O_APPEND, 0644);
    int fl = open("flags.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    start_child();
    struct { int child_fd; int appended; } rep = {-1, 0};
    if (child == 0) {
        await_turn();
        lseek(ap, 0, SEEK_SET); /* O_APPEND writes still go to the end */
        xwrite(ap, "child\n", 6);
        fcntl(fl, F_SETFL, O_APPEND);
        fcntl(fl, F_SETFD, FD_CLOEXEC);
        rep.child_fd = open("child-only.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
        xwrite(rep.child_fd, "opened by the child\n", 20);
        close(ap); /* closes only the child's copy */
        give_turn();
        child_done(&rep, sizeof rep);
    }
    xwrite(ap, "parent\n", 7);
    xwrite(fl, "0123456789", 10);
    give_turn();
    await_turn();
    xwrite(ap, "parent again\n", 13);
    lseek(fl, 0, SEEK_SET);
    xwrite(fl, "end\n", 4);
    finish_child(&rep, sizeof rep);
    printf("O_APPEND set by the child seen by the parent: %s\n", yes(fcntl(fl, F_GETFL) & O_APPEND));
    printf("FD_CLOEXEC set by the child seen by the parent: %s\n", yes(fcntl(fl, F_GETFD) & FD_CLOEXEC));
    errno = 0;
    int r = fcntl(rep.child_fd, F_GETFD);
    printf("the child's new fd number in the parent: %s\n",
           r < 0 && errno == EBADF ? "EBADF" : "open (it was the same number before)");
    printf("the parent's copy survives the child's close: %s\n", yes(fcntl(ap, F_GETFD) >= 0));
    close(ap);
    close(fl);
    show_file("append.txt");
    show_file("flags.txt");
    show_file("child-only.txt");
}

static void test_independent(void)
{
    printf("== files opened after fork: separate offsets\n");
    start_child();
    if (child == 0) {
        int fd = open("independent.txt", O_CREAT | O_WRONLY, 0644);
        xwrite(fd, "child-data\n", 11);
        close(fd);
        give_turn();
        child_done("", 1);
    }
    await_turn();
    int fd = open("independent.txt", O_CREAT | O_WRONLY, 0644);
    printf("the parent's own open starts at offset %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    xwrite(fd, "PARENT\n", 7);
    close(fd);
    char c;
    finish_child(&c, 1);
    show_file("independent.txt");
}

static void show_mode(const char *name)
{
    struct stat st;
    if (stat(name, &st) == 0)
        printf("%s: mode %04o\n", name, (unsigned)(st.st_mode & 07777));
    else
        printf("%s: missing\n", name);
}

static void test_umask(void)
{
    printf("== umask is inherited, not shared\n");
    mode_t old = umask(027);
    start_child();
    if (child == 0) {
        mode_t seen = umask(027);
        close(open("umask-child.txt", O_CREAT | O_WRONLY, 0666));
        mkdir("umask-dir", 0777);
        umask(077);
        close(open("umask-child-077.txt", O_CREAT | O_WRONLY, 0666));
        child_done(&seen, sizeof seen);
    }
    mode_t seen = 0;
    finish_child(&seen, sizeof seen);
    printf("umask in the child: %04o\n", (unsigned)seen);
    close(open("umask-parent.txt", O_CREAT | O_WRONLY, 0666));
    printf("umask in the parent after the child changed its own: %04o\n", (unsigned)umask(old));
    show_mode("umask-child.txt");
    show_mode("umask-dir");
    show_mode("umask-child-077.txt");
    show_mode("umask-parent.txt");
}

static void test_cwd(void)
{
    printf("== the working directory is per process\n");
    mkdir("sub", 0755);
    char before[PATH_MAX], after[PATH_MAX];
    if (!getcwd(before, sizeof before))
        before[0] = 0;
    int dirfd = open(".", O_RDONLY | O_DIRECTORY);
    start_child();
    if (child == 0) {
        char cwd[PATH_MAX];
        int r[4] = {chdir("sub"), 0, 0, 0};
        r[1] = getcwd(cwd, sizeof cwd) && strlen(cwd) > 4 && strcmp(cwd + strlen(cwd) - 4, "/sub") == 0;
        close(open("made-in-sub.txt", O_CREAT | O_WRONLY, 0644));
        r[2] = fchdir(dirfd); /* back through a descriptor opened before fork */
        r[3] = getcwd(cwd, sizeof cwd) && strcmp(cwd, before) == 0;
        child_done(r, sizeof r);
    }
    int r[4] = {-1, 0, -1, 0};
    finish_child(r, sizeof r);
    printf("child: chdir(sub) = %d, getcwd ends in /sub: %s\n", r[0], yes(r[1]));
    printf("child: fchdir(inherited fd) = %d, back at the start: %s\n", r[2], yes(r[3]));
    printf("parent's cwd unchanged: %s\n", yes(getcwd(after, sizeof after) && strcmp(before, after) == 0));
    printf("sub/made-in-sub.txt exists: %s, ./made-in-sub.txt exists: %s\n",
           yes(access("sub/made-in-sub.txt", F_OK) == 0), yes(access("made-in-sub.txt", F_OK) == 0));
    close(dirfd);
}

int main(void)
{
    test_shared_offset();
    test_append_and_flags();
    test_independent();
    test_umask();
    test_cwd();
    return 0;
}
