/* Shared by the process guest tests (tests/guest/proc_*.c): checked fork, pipe, read and
 * write (a failure there is a test defect, reported on stderr), errno names, yes/no, and
 * the status word of a child. */
#ifndef PROC_UTIL_H
#define PROC_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static inline const char *yes(int b)
{
    return b ? "yes" : "no";
}

/* The errno values the tests expect to see; any other one shows as "other". */
#define PROC_ERRNOS(X)                                                                          \
    X(EPERM) X(ENOENT) X(ESRCH) X(EINTR) X(EBADF) X(ECHILD) X(EAGAIN) X(EACCES) X(ENOTDIR) \
    X(EINVAL) X(EPIPE) X(ELOOP) X(ENOEXEC)

/* "OK" for 0, else the errno value's name. */
static inline const char *errname(int e)
{
#define PROC_ERRNAME(e) case e: return #e;
    switch (e) {
    case 0: return "OK";
    PROC_ERRNOS(PROC_ERRNAME)
    default: return "other";
    }
#undef PROC_ERRNAME
}

/* A call's result r as "0" (r >= 0) or "-1 NAME" (r < 0, NAME from errno). */
static inline const char *err(int r)
{
#define PROC_ERRRES(e) case e: return "-1 " #e;
    if (r >= 0)
        return "0";
    switch (errno) {
    PROC_ERRNOS(PROC_ERRRES)
    default: return "-1 other";
    }
#undef PROC_ERRRES
}

/* fork after flushing stdout (so that nothing buffered is printed twice). */
static inline pid_t xfork(void)
{
    fflush(stdout);
    pid_t p = fork();
    if (p < 0) {
        perror("fork");
        exit(99);
    }
    return p;
}

static inline void xpipe(int fds[2])
{
    if (pipe(fds) != 0) {
        perror("pipe");
        exit(98);
    }
}

static inline void xpipe2(int fds[2], int flags)
{
    if (pipe2(fds, flags) != 0) {
        perror("pipe2");
        exit(98);
    }
}

static inline void xwrite(int fd, const void *buf, size_t n)
{
    if (write(fd, buf, n) != (ssize_t)n)
        perror("write");
}

/* One byte from fd, or 0 at EOF or on an error. */
static inline char xread1(int fd)
{
    char c = 0;
    return read(fd, &c, 1) == 1 ? c : 0;
}

/* waitpid(pid, &st, 0) for one child: its status word, or -1 when it was not reaped. */
static inline int wait_status(pid_t pid)
{
    int st = 0;
    return pid > 0 && waitpid(pid, &st, 0) == pid ? st : -1;
}

/* The status word st says: exited normally with code. */
static inline int exited_with(int st, int code)
{
    return WIFEXITED(st) && WEXITSTATUS(st) == code;
}

#endif
