/* Pipes between processes: EOF only when the last writer (including a child's inherited
 * copy) is gone; EPIPE with SIGPIPE ignored, handled, or fatal (a child dies of it);
 * capacity with O_NONBLOCK (65536 by default) and partial / all-or-nothing writes; a
 * PIPE_BUF-sized write is never interleaved; 1 MiB through a pipe to a child that reads
 * in odd-sized chunks; reads return what is available; pipe2 flags, FIONREAD; poll and
 * select readiness including POLLHUP and POLLERR; dup/dup2/dup3 sharing the file status
 * flags and offset but not FD_CLOEXEC. Writes are kept page-aligned where Linux's
 * page-granular pipe buffers would otherwise show through.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc_util.h"

static void show(const char *what, ssize_t r)
{
    if (r < 0)
        printf("%s = -1 %s\n", what, errname(errno));
    else
        printf("%s = %zd\n", what, r);
}

static void test_eof(void)
{
    printf("== EOF needs every writer closed\n");
    int p[2], go[2];
    xpipe2(p, 0);
    xpipe2(go, 0);
    pid_t pid = xfork();
    if (pid == 0) { /* holds p[1] until told to write and exit */
        close(p[0]);
        close(go[1]);
        char c;
        if (read(go[0], &c, 1) == 1)
            xwrite(p[1], "from child", 10);
        _exit(0);
    }
    close(p[1]);
    close(go[0]);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    char buf[32];
    errno = 0;
    show("read while the child still holds a write end", read(p[0], buf, sizeof buf));
    xwrite(go[1], "g", 1);
    close(go[1]);
    wait_status(pid);
    ssize_t n = read(p[0], buf, sizeof buf);
    printf("read after the child wrote and exited = %zd \"%.*s\"\n", n, (int)(n > 0 ? n : 0), buf);
    show("read again (EOF)", read(p[0], buf, sizeof buf));
    close(p[0]);
}

static volatile sig_atomic_t pipe_hits;
static void on_sigpipe(int sig)
{
    (void)sig;
    pipe_hits++;
}

static void test_epipe(void)
{
    printf("== writing with no reader\n");
    int p[2];
    xpipe2(p, 0);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    errno = 0;
    show("write, SIGPIPE ignored", write(p[1], "x", 1));
    signal(SIGPIPE, on_sigpipe);
    errno = 0;
    show("write, SIGPIPE handled", write(p[1], "x", 1));
    printf("handler ran %d time(s)\n", (int)pipe_hits);
    close(p[1]);
    signal(SIGPIPE, SIG_DFL);
    xpipe2(p, 0);
    pid_t pid = xfork();
    if (pid == 0) {
        close(p[0]);
        /* Writes succeed until the parent has closed its read end (or block when the pipe
         * is full); then the next one raises SIGPIPE. */
        for (;;)
            if (write(p[1], "x", 1) < 0)
                _exit(errno == EPIPE ? 50 : 51);
    }
    close(p[0]);
    close(p[1]);
    int st = wait_status(pid);
    printf("child writing to a reader-less pipe: %s\n",
           WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE ? "killed by SIGPIPE" : "not killed by SIGPIPE");
}

static void test_capacity(void)
{
    printf("== capacity and O_NONBLOCK writes\n");
    int p[2];
    xpipe2(p, O_NONBLOCK);
    static char buf[1 << 17];
    memset(buf, 'c', sizeof buf);
    long total = 0;
    ssize_t n;
    while ((n = write(p[1], buf, 1)) == 1)
        total++;
    printf("1-byte writes until %s: %ld bytes\n", errname(errno), total);
    int avail = -1;
    ioctl(p[0], FIONREAD, &avail);
    printf("FIONREAD on the full pipe = %d\n", avail);
    n = read(p[0], buf, 4096);
    show("read one page", n);
    show("write 4096 into the freed page", write(p[1], buf, 4096));
    errno = 0;
    show("write 1 more", write(p[1], buf, 1));
    close(p[0]);
    close(p[1]);

    /* Each row: writes in turn into a fresh O_NONBLOCK pipe. */
    static const struct {
        const char *what;
        size_t n;
    } rows[][4] = {
        {{"write 14 pages", 14 * 4096},
         {"write 10000 with 2 pages free (partial)", 10000},
         {"write 1 when full", 1}},
        {{"write 15 pages", 15 * 4096}, {"write 4096 + 100 (PIPE_BUF < n, one page free)", 4196}},
        {{"write 15 pages + 3996", 15 * 4096 + 3996},
         {"write 200 (<= PIPE_BUF) with 100 free: all or nothing", 200},
         {"write 100 with 100 free", 100},
         {"write 1 when full", 1}},
        {{"write 65536 at once into an empty pipe", 65536},
         {"write 70000 at once into a full pipe", 70000}},
        {{"write 100000 at once into an empty pipe", 100000}},
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        xpipe2(p, O_NONBLOCK);
        for (size_t i = 0; i < 4 && rows[r][i].what; i++)
            show(rows[r][i].what, write(p[1], buf, rows[r][i].n));
        close(p[0]);
        close(p[1]);
    }
}

static void test_atomic(void)
{
    printf("== PIPE_BUF writes are atomic\n");
    enum { WRITERS = 4, EACH = 64, REC = PIPE_BUF };
    int p[2];
    xpipe2(p, 0);
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = xfork();
        if (pids[w] == 0) {
            close(p[0]);
            char rec[REC];
            memset(rec, 'A' + w, sizeof rec);
            for (int i = 0; i < EACH; i++)
                xwrite(p[1], rec, sizeof rec);
            _exit(0);
        }
    }
    close(p[1]);
    static char all[WRITERS * EACH * REC + 1];
    size_t got = 0;
    ssize_t n;
    while ((n = read(p[0], all + got, sizeof all - got)) > 0)
        got += (size_t)n;
    close(p[0]);
    int intact = 1, count[WRITERS] = {0};
    for (size_t r = 0; r + REC <= got; r += REC) {
        for (size_t i = 1; i < REC; i++)
            intact &= all[r + i] == all[r];
        if (all[r] >= 'A' && all[r] < 'A' + WRITERS)
            count[all[r] - 'A']++;
    }
    for (int w = 0; w < WRITERS; w++)
        wait_status(pids[w]);
    printf("PIPE_BUF = %d, bytes = %zu, every record intact: %s, records per writer:", PIPE_BUF,
           got, yes(intact));
    for (int w = 0; w < WRITERS; w++)
        printf(" %d", count[w]);
    printf("\n");
}

static void test_bulk(void)
{
    printf("== 1 MiB to a child reading in 1000-byte chunks\n");
    enum { SIZE = 1 << 20 };
    int p[2], back[2];
    xpipe2(p, 0);
    xpipe2(back, 0);
    pid_t pid = xfork();
    if (pid == 0) {
        close(p[1]);
        close(back[0]);
        char chunk[1000];
        uint32_t sum = 0, total = 0, reads = 0, over = 0;
        ssize_t n;
        while ((n = read(p[0], chunk, sizeof chunk)) > 0) {
            for (ssize_t i = 0; i < n; i++)
                sum = sum * 31 + (unsigned char)chunk[i];
            total += (uint32_t)n;
            reads++;
            over |= n > 1000;
        }
        uint32_t res[3] = {sum, total, reads >= SIZE / 1000 && !over};
        xwrite(back[1], res, sizeof res);
        _exit(0);
    }
    close(p[0]);
    close(back[1]);
    static unsigned char data[SIZE];
    uint32_t sum = 0;
    for (uint32_t i = 0; i < SIZE; i++) {
        data[i] = (unsigned char)(i * 7 + (i >> 9));
        sum = sum * 31 + data[i];
    }
    show("one blocking write of 1 MiB", write(p[1], data, SIZE));
    close(p[1]);
    uint32_t res[3] = {0, 0, 0};
    if (read(back[0], res, sizeof res) != sizeof res)
        printf("no report from the child\n");
    close(back[0]);
    wait_status(pid);
    printf("child got %u bytes, checksum matches: %s, chunks <= 1000: %s\n", res[1],
           yes(res[0] == sum), yes(res[2]));
}

static void poll_both(const char *what, int r, int w)
{
    struct pollfd f[2] = {{r, POLLIN | POLLOUT, 0}, {w, POLLIN | POLLOUT, 0}};
    int n = poll(f, 2, 0);
    printf("%-34s poll=%d", what, n);
    for (int i = 0; i < 2; i++) {
        short e = f[i].revents;
        printf(" %s:%s%s%s%s%s", i ? "write-end" : "read-end", e & POLLIN ? " IN" : "",
               e & POLLOUT ? " OUT" : "", e & POLLHUP ? " HUP" : "", e & POLLERR ? " ERR" : "",
               e & POLLNVAL ? " NVAL" : "");
        if (!e)
            printf(" -");
    }
    fd_set rs, ws;
    FD_ZERO(&rs);
    FD_ZERO(&ws);
    int maxfd = -1;
    for (int i = 0; i < 2; i++) {
        int fd = i ? w : r;
        if (fd < 0 || fcntl(fd, F_GETFD) < 0)
            continue;
        FD_SET(fd, &rs);
        FD_SET(fd, &ws);
        maxfd = fd > maxfd ? fd : maxfd;
    }
    struct timeval tv = {0, 0};
    n = select(maxfd + 1, &rs, &ws, NULL, &tv);
    printf(" | select=%d read-end:%s%s write-end:%s%s\n", n, r >= 0 && FD_ISSET(r, &rs) ? "r" : "",
           r >= 0 && FD_ISSET(r, &ws) ? "w" : "", w >= 0 && FD_ISSET(w, &rs) ? "r" : "",
           w >= 0 && FD_ISSET(w, &ws) ? "w" : "");
}

static void test_misc(void)
{
    printf("== reads, flags, FIONREAD\n");
    int p[2];
    xpipe2(p, 0);
    xwrite(p[1], "0123456789", 10);
    int avail = -1;
    ioctl(p[0], FIONREAD, &avail);
    printf("FIONREAD after 10 bytes = %d\n", avail);
    char buf[100];
    show("read(100) with 10 available", read(p[0], buf, sizeof buf));
    printf("pipe(): read end O_RDONLY: %s, write end O_WRONLY: %s, FD_CLOEXEC: %s\n",
           yes((fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY),
           yes((fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY), yes(fcntl(p[0], F_GETFD) & FD_CLOEXEC));
    errno = 0;
    show("write to the read end", write(p[0], "x", 1));
    show("read from the write end", read(p[1], buf, 1));
    close(p[0]);
    close(p[1]);
    xpipe2(p, O_CLOEXEC | O_NONBLOCK);
    printf("pipe2(O_CLOEXEC|O_NONBLOCK): FD_CLOEXEC %s/%s, O_NONBLOCK %s/%s\n",
           yes(fcntl(p[0], F_GETFD) & FD_CLOEXEC), yes(fcntl(p[1], F_GETFD) & FD_CLOEXEC),
           yes(fcntl(p[0], F_GETFL) & O_NONBLOCK), yes(fcntl(p[1], F_GETFL) & O_NONBLOCK));
    show("read from the empty non-blocking pipe", read(p[0], buf, 1));
    close(p[0]);
    close(p[1]);
    int q[2];
    errno = 0;
    show("pipe2 with a bad flag", pipe2(q, O_RDWR | 0x10000000));

    printf("== poll and select\n");
    xpipe2(p, 0);
    poll_both("empty:", p[0], p[1]);
    xwrite(p[1], "abc", 3);
    poll_both("3 bytes in it:", p[0], p[1]);
    close(p[1]);
    poll_both("3 bytes, writer closed:", p[0], -1);
    if (read(p[0], buf, 3) != 3)
        perror("read");
    poll_both("empty, writer closed:", p[0], -1);
    close(p[0]);
    xpipe2(p, 0);
    close(p[0]);
    poll_both("reader closed:", -1, p[1]);
    close(p[1]);
    struct pollfd f = {p[1], POLLIN, 0};
    int n = poll(&f, 1, 0);
    printf("poll on a closed fd = %d, revents is POLLNVAL: %s\n", n, yes(f.revents == POLLNVAL));
    xpipe2(p, O_NONBLOCK);
    static char page[4096]; /* whole pages: Linux counts free space in pages */
    while (write(p[1], page, sizeof page) > 0)
        ;
    poll_both("full:", p[0], p[1]);
    close(p[0]);
    close(p[1]);
}

static void test_dup(void)
{
    printf("== dup, dup2, dup3\n");
    int fd = open("dupfile.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    int d = dup(fd);
    xwrite(fd, "hello", 5);
    printf("offset through the dup after writing 5 = %ld\n", (long)lseek(d, 0, SEEK_CUR));
    lseek(d, 1, SEEK_SET);
    xwrite(fd, "E", 1);
    fcntl(fd, F_SETFL, O_APPEND);
    printf("O_APPEND set on one, seen on the dup: %s\n", yes(fcntl(d, F_GETFL) & O_APPEND));
    xwrite(d, "!", 1);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    printf("FD_CLOEXEC set on one, seen on the dup: %s\n", yes(fcntl(d, F_GETFD) & FD_CLOEXEC));
    printf("dup2(fd, fd) returns fd: %s\n", yes(dup2(fd, fd) == fd));
    show("dup2(closed fd, fd)", dup2(999, d));
    show("dup2(fd, -1)", dup2(fd, -1));
    /* dup3 through syscall(): musl's wrapper ignores unknown flags. */
    show("dup3(fd, fd, 0)", syscall(SYS_dup3, fd, fd, 0));
    int e = open("dup2target.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    printf("dup2 over an open fd returns it: %s\n", yes(dup2(fd, e) == e));
    printf("FD_CLOEXEC after dup2 from a FD_CLOEXEC fd: %s\n", yes(fcntl(e, F_GETFD) & FD_CLOEXEC));
    xwrite(e, " via dup2", 9);
    printf("dup3(fd, e, O_CLOEXEC) returns e: %s\n", yes(dup3(fd, e, O_CLOEXEC) == e));
    printf("FD_CLOEXEC after dup3(O_CLOEXEC): %s\n", yes(fcntl(e, F_GETFD) & FD_CLOEXEC));
    show("dup3 with a bad flag", syscall(SYS_dup3, fd, e, O_NONBLOCK));
    int f = fcntl(fd, F_DUPFD, 100);
    printf("F_DUPFD(100) >= 100: %s, FD_CLOEXEC: %s\n", yes(f >= 100), yes(fcntl(f, F_GETFD) & FD_CLOEXEC));
    close(e);
    int low = dup(fd);
    printf("dup returns the lowest free number: %s\n", yes(low == e));
    char text[32] = {0};
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    printf("dupfile.txt = %zd \"%s\"\n", n, text);
    close(fd);
    close(d);
    close(f);
    close(low);
    e = open("dup2target.txt", O_RDONLY);
    printf("dup2target.txt is empty (its fd was only replaced): %s\n", yes(lseek(e, 0, SEEK_END) == 0));
    close(e);

    int p[2];
    xpipe2(p, 0);
    d = dup(p[0]);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    printf("pipe: O_NONBLOCK set on one, seen on the dup: %s\n", yes(fcntl(d, F_GETFL) & O_NONBLOCK));
    char c;
    errno = 0;
    show("read through the dup", read(d, &c, 1));
    close(p[1]);
    show("read through the dup after the writer closed", read(d, &c, 1));
    close(p[0]);
    close(d);
}

int main(void)
{
    test_eof();
    test_epipe();
    test_capacity();
    test_atomic();
    test_bulk();
    test_misc();
    test_dup();
    return 0;
}
