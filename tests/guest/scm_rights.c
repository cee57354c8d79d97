/* SCM_RIGHTS between a parent and its child over a socketpair: a pipe's write end,
 * an eventfd, /dev/zero and a regular file (the same open file: its offset is
 * shared), an epoll instance, several at once with a socket among them (order
 * kept), a control buffer with room for fewer (MSG_CTRUNC, the rest closed), and
 * a message its socket drops unread (the descriptions in it closed). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define FILE_NAME "scm_rights.tmp"

static int send_fds(int sock, const int *fds, int n, char tag)
{
    char space[CMSG_SPACE(sizeof(int) * 8)];
    struct iovec iov = {&tag, 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    memset(space, 0, sizeof space);
    if (n) {
        m.msg_control = space;
        m.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n);
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n);
    }
    return sendmsg(sock, &m, 0) == 1 ? 0 : -1;
}

/* Receives one message with room for `room` descriptors; how many came (-1:
 * error), the tag in *tag, MSG_CTRUNC in *trunc. */
static int recv_fds(int sock, int *fds, int room, char *tag, int *trunc)
{
    char space[CMSG_SPACE(sizeof(int) * 8)];
    struct iovec iov = {tag, 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = space,
                       .msg_controllen = CMSG_LEN(sizeof(int) * (size_t)room)};
    if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) != 1)
        return -1;
    *trunc = (m.msg_flags & MSG_CTRUNC) != 0;
    int n = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            memcpy(fds + n, CMSG_DATA(c), sizeof(int) * (size_t)k);
            n += k;
        }
    return n;
}

static const char *kind(int fd)
{
    struct stat st;
    if (fstat(fd, &st))
        return strerror(errno);
    return S_ISFIFO(st.st_mode) ? "fifo" : S_ISSOCK(st.st_mode) ? "socket" : S_ISREG(st.st_mode) ? "file" : "anon";
}

static void child(int sock)
{
    int fds[8], trunc;
    char tag, buf[32] = {0};
    uint64_t v = 42;
    /* a pipe's write end: write, close; the parent reads to EOF */
    int n = recv_fds(sock, fds, 8, &tag, &trunc);
    if (n != 1 || write(fds[0], "through the passed pipe", 23) != 23)
        _exit(10);
    close(fds[0]);
    /* an eventfd */
    n = recv_fds(sock, fds, 8, &tag, &trunc);
    if (n != 1 || write(fds[0], &v, 8) != 8)
        _exit(11);
    close(fds[0]);
    /* /dev/zero and a regular file: read at the offset the parent left */
    n = recv_fds(sock, fds, 8, &tag, &trunc);
    memset(buf, 'x', 4);
    if (n != 2 || read(fds[0], buf, 4) != 4 || read(fds[1], buf + 4, 5) != 5)
        _exit(12);
    printf("child read zeros: %s, from the file: %s\n", memcmp(buf, "\0\0\0\0", 4) ? "no" : "yes",
           buf + 4);
    fflush(stdout);
    close(fds[0]);
    close(fds[1]);
    send_fds(sock, NULL, 0, 'r');
    /* an epoll instance watching a pipe the parent wrote */
    n = recv_fds(sock, fds, 8, &tag, &trunc);
    struct epoll_event ev = {0};
    int ready = n == 1 ? epoll_wait(fds[0], &ev, 1, 0) : -1;
    printf("child epoll: %d ready, data %d\n", ready, (int)ev.data.u64);
    fflush(stdout);
    close(fds[0]);
    /* several at once */
    n = recv_fds(sock, fds, 8, &tag, &trunc);
    printf("child got %d at once, ctrunc %d:", n, trunc);
    for (int k = 0; k < n; k++)
        printf(" %s", kind(fds[k]));
    printf("\n");
    if (n == 4 && write(fds[2], "s", 1) == 1 && write(fds[0], "p", 1) == 1)
        printf("child wrote to the passed socket and pipe\n");
    fflush(stdout);
    for (int k = 0; k < n; k++)
        close(fds[k]);
    /* room for one of three */
    n = recv_fds(sock, fds, 1, &tag, &trunc);
    printf("child with room for one: %d, ctrunc %d, %s\n", n, trunc, n > 0 ? kind(fds[0]) : "-");
    fflush(stdout);
    if (n > 0)
        close(fds[0]);
    send_fds(sock, NULL, 0, 'd');
    _exit(0);
}

static void wait_tag(int sock)
{
    int fds[8], trunc;
    char tag;
    recv_fds(sock, fds, 8, &tag, &trunc);
}

static int read_all(int fd, char *buf, size_t n)
{
    size_t got = 0;
    ssize_t r;
    while (got < n && (r = read(fd, buf + got, n - got)) > 0)
        got += (size_t)r;
    return (int)got;
}

int main(void)
{
    int sv[2], p[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || pipe(p))
        return 1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        close(p[0]);
        close(p[1]);
        child(sv[1]);
    }
    close(sv[1]);
    int sock = sv[0];
    char buf[64] = {0};

    send_fds(sock, &p[1], 1, 'p');
    close(p[1]);
    int got = read_all(p[0], buf, sizeof buf - 1);
    printf("pipe: %d bytes \"%s\", then EOF\n", got, buf);
    close(p[0]);

    int efd = eventfd(0, 0);
    uint64_t v = 0;
    send_fds(sock, &efd, 1, 'e');
    got = (int)read(efd, &v, 8);
    printf("eventfd: read %d, value %llu\n", got, (unsigned long long)v);

    int zfd = open("/dev/zero", O_RDONLY);
    int wfd = open(FILE_NAME, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (zfd < 0 || wfd < 0 || write(wfd, "0123456789abcdef", 16) != 16)
        return 2;
    close(wfd);
    int rfd = open(FILE_NAME, O_RDONLY);
    if (read(rfd, buf, 3) != 3)
        return 3;
    int two[2] = {zfd, rfd};
    send_fds(sock, two, 2, 'f');
    wait_tag(sock);
    memset(buf, 0, sizeof buf);
    long fpos = (long)lseek(rfd, 0, SEEK_CUR);
    got = read_all(rfd, buf, 20);
    printf("after the child: the file at %ld, reads on: \"%.*s\"\n", fpos, got, buf);
    close(zfd);
    close(rfd);
    unlink(FILE_NAME);

    int q[2], ep = epoll_create1(0);
    if (pipe(q))
        return 4;
    struct epoll_event e = {.events = EPOLLIN, .data.u64 = 77};
    epoll_ctl(ep, EPOLL_CTL_ADD, q[0], &e);
    if (write(q[1], "x", 1) != 1)
        return 5;
    send_fds(sock, &ep, 1, 'E');
    close(ep);

    int pair[2], r[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) || pipe(r))
        return 6;
    int efd2 = eventfd(0, 0);
    int four[4] = {r[1], efd2, pair[1], q[0]};
    send_fds(sock, four, 4, '4');
    close(r[1]);
    memset(buf, 0, sizeof buf);
    got = read_all(r[0], buf, 2);
    printf("several: pipe gave %d \"%s\"", got, buf);
    printf(", socket gave %d\n", (int)read(pair[0], buf, 1));
    close(r[0]), close(pair[0]), close(pair[1]), close(efd2), close(q[0]), close(q[1]);

    int s[2];
    if (pipe(s))
        return 7;
    int three[3] = {efd, s[1], s[1]};
    send_fds(sock, three, 3, '3');
    close(s[1]);
    wait_tag(sock);
    printf("write ends dropped with the truncated message: read gives %d\n", (int)read(s[0], buf, 1));
    close(s[0]);
    close(efd);

    /* a message nobody receives: its socket's closing closes what it held */
    int lost[2], t[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, lost) || pipe(t))
        return 8;
    send_fds(lost[0], &t[1], 1, 'l');
    close(t[1]);
    close(lost[0]);
    close(lost[1]);
    printf("unreceived message dropped: read gives %d\n", (int)read(t[0], buf, 1));

    int status;
    waitpid(pid, &status, 0);
    printf("child exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
}
