/* Sockets between guest processes: a socketpair, an AF_UNIX path server with a
 * descriptor passed by SCM_RIGHTS, a TCP server on loopback answering a client in
 * another process, datagrams, and poll telling when a socket is readable. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scm_util.h"

static void pair(void)
{
    int sv[2];
    char buf[16] = "";
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    if (write(sv[0], "ping", 4) != 4 || read(sv[1], buf, sizeof buf) != 4)
        printf("socketpair: transfer failed\n");
    struct pollfd p = {sv[1], POLLIN, 0};
    printf("socketpair: %s, readable after the read: %d\n", buf, poll(&p, 1, 0));
    close(sv[0]);
    printf("EOF after the peer closed: %zd\n", read(sv[1], buf, sizeof buf));
    close(sv[1]);
}

static void unix_path(void)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strcpy(a.sun_path, "server.sock");
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    int b = bind(s, (struct sockaddr *)&a, sizeof a);
    printf("bind: %d, listen: %d\n", b, listen(s, 1));
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *)&a, sizeof a) < 0)
            _exit(1);
        int fd = open("shared.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (write(fd, "through the socket\n", 19) != 19)
            _exit(2);
        lseek(fd, 0, SEEK_SET);
        if (scm_send_fd(c, fd))
            printf("sendmsg failed: %s\n", strerror(errno));
        _exit(0);
    }
    int conn = accept(s, NULL, NULL);
    int fd = scm_recv_fd(conn);
    char buf[64] = "";
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    printf("received a descriptor: %s, it reads: %s", fd >= 0 ? "yes" : "no", n > 0 ? buf : "(nothing)\n");
    int st;
    waitpid(pid, &st, 0);
    printf("client status %d\n", WEXITSTATUS(st));
    unlink("server.sock");
    close(conn);
    close(s);
}

static void tcp(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    bind(s, (struct sockaddr *)&a, sizeof a);
    listen(s, 4);
    getsockname(s, (struct sockaddr *)&a, &len);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        char buf[64] = "";
        if (connect(c, (struct sockaddr *)&a, sizeof a) < 0 || write(c, "hello over tcp", 14) != 14)
            _exit(1);
        ssize_t n = read(c, buf, sizeof buf - 1);
        printf("client got: %.*s\n", (int)(n > 0 ? n : 0), buf);
        _exit(0);
    }
    int conn = accept(s, NULL, NULL);
    char buf[64];
    ssize_t n = read(conn, buf, sizeof buf);
    for (ssize_t k = 0; k < n; k++)
        buf[k] = (char)(buf[k] >= 'a' && buf[k] <= 'z' ? buf[k] - 32 : buf[k]);
    if (n > 0 && write(conn, buf, (size_t)n) != n)
        printf("server write failed\n");
    int st;
    waitpid(pid, &st, 0);
    printf("server read %zd bytes, client status %d\n", n, WEXITSTATUS(st));
    close(conn);
    close(s);
}

static void datagrams(void)
{
    int sv[2];
    char buf[32];
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    if (send(sv[0], "one", 3, 0) != 3 || send(sv[0], "two!", 4, 0) != 4)
        printf("send failed\n");
    ssize_t a = recv(sv[1], buf, sizeof buf, 0);
    ssize_t b = recv(sv[1], buf, sizeof buf, 0);
    printf("datagrams keep their bounds: %zd %zd\n", a, b);
    printf("nothing more (nonblocking): %s\n",
           recv(sv[1], buf, sizeof buf, MSG_DONTWAIT) < 0 && errno == EAGAIN ? "EAGAIN" : "data");
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    pair();
    unix_path();
    tcp();
    datagrams();
    return 0;
}
