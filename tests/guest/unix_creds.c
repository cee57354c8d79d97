/* Credentials of guest processes on AF_UNIX sockets, in guest pids and ids:
 * SO_PEERCRED of a socketpair, a listener, a client (the listener's) and an
 * accepted socket (its client's, another process); SCM_CREDENTIALS attached
 * because the receiver set SO_PASSCRED, and given by the sender (its own
 * pid; another's: EPERM unless privileged, as root a pid that does not
 * exist: ESRCH; an id it lacks); by path and abstract names.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define SOCK_PATH "unix_creds.sock"

/* Who a credential names, as seen from the parent. */
static void show(const char *what, const struct ucred *c, pid_t child)
{
    const char *who = c->pid == getpid() ? "parent" : c->pid == child ? "child" : "other";
    printf("%s: pid %s uid %s gid %s\n", what, c->pid ? who : "0",
           c->uid == getuid() ? "own" : "other", c->gid == getgid() ? "own" : "other");
}

static void peercred(const char *what, int fd, pid_t child)
{
    struct ucred c;
    socklen_t len = sizeof c;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c, &len))
        printf("%s: errno %d\n", what, errno);
    else
        show(what, &c, child);
}

static int send_creds(int fd, const struct ucred *c)
{
    char space[CMSG_SPACE(sizeof *c)], tag = 'c';
    struct iovec iov = {&tag, 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    memset(space, 0, sizeof space);
    if (c) {
        m.msg_control = space;
        m.msg_controllen = sizeof space;
        struct cmsghdr *h = CMSG_FIRSTHDR(&m);
        h->cmsg_level = SOL_SOCKET;
        h->cmsg_type = SCM_CREDENTIALS;
        h->cmsg_len = CMSG_LEN(sizeof *c);
        memcpy(CMSG_DATA(h), c, sizeof *c);
    }
    return sendmsg(fd, &m, 0) == 1 ? 0 : -errno;
}

static void recv_creds(const char *what, int fd, pid_t child)
{
    char space[CMSG_SPACE(sizeof(struct ucred))], tag;
    struct iovec iov = {&tag, 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = space,
                       .msg_controllen = sizeof space};
    if (recvmsg(fd, &m, 0) != 1) {
        printf("%s: errno %d\n", what, errno);
        return;
    }
    struct cmsghdr *h = CMSG_FIRSTHDR(&m);
    if (!h || h->cmsg_type != SCM_CREDENTIALS) {
        printf("%s: no credentials\n", what);
        return;
    }
    struct ucred c;
    memcpy(&c, CMSG_DATA(h), sizeof c);
    show(what, &c, child);
}

/* The child sends with credentials of several kinds; the parent reads. */
static void passed(void)
{
    int sv[2], one = 1;
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    peercred("socketpair", sv[0], 0);
    setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
    pid_t parent = getpid(), child = fork();
    if (child == 0) {
        struct ucred own = {getpid(), getuid(), getgid()};
        struct ucred parents = {parent, getuid(), getgid()};
        struct ucred nobody = {getpid(), getuid() ? getuid() + 1 : 0, getgid()};
        struct ucred missing = {0x3fffff00, getuid(), getgid()};
        send_creds(sv[1], NULL);
        printf("own pid: %d\n", send_creds(sv[1], &own));
        int rc = send_creds(sv[1], &parents);
        printf("parent's pid: %s\n", getuid() == 0 ? (rc == 0 ? "privileged, sent" : "refused")
                                      : rc == -EPERM ? "EPERM" : "other");
        rc = send_creds(sv[1], &nobody);
        printf("another uid: %s\n", getuid() == 0 ? (rc == 0 ? "privileged, sent" : "refused")
                                   : rc == -EPERM ? "EPERM" : "other");
        rc = send_creds(sv[1], &missing);
        printf("a pid that does not exist: %s\n", rc == -ESRCH ? "ESRCH"
                                                  : rc == -EPERM ? "EPERM" : "other");
        fflush(stdout);
        _exit(0);
    }
    waitpid(child, NULL, 0);
    recv_creds("attached", sv[0], child);
    recv_creds("own given", sv[0], child);
    if (getuid() == 0) {
        recv_creds("parent's given", sv[0], child);
        recv_creds("uid given", sv[0], child);
    }
    close(sv[0]), close(sv[1]);
}

static void connected(void)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    socklen_t len = offsetof(struct sockaddr_un, sun_path) + sizeof SOCK_PATH;
    strcpy(a.sun_path, SOCK_PATH);
    int srv = socket(AF_UNIX, SOCK_STREAM, 0), one = 1;
    if (bind(srv, (struct sockaddr *)&a, len) || listen(srv, 2))
        printf("listen: errno %d\n", errno);
    peercred("listener", srv, 0);
    pid_t child = fork();
    if (child == 0) {
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *)&a, len))
            _exit(1);
        struct ucred pc;
        socklen_t pl = sizeof pc;
        getsockopt(c, SOL_SOCKET, SO_PEERCRED, &pc, &pl);
        printf("client's peer: %s\n", pc.pid == getppid() ? "parent" : "other");
        fflush(stdout);
        char x;
        read(c, &x, 1); /* sent before SO_PASSCRED, its credentials would be none */
        send_creds(c, NULL);
        read(c, &x, 1);
        _exit(0);
    }
    int acc = accept(srv, NULL, NULL);
    setsockopt(acc, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
    write(acc, "g", 1);
    recv_creds("stream attached", acc, child); /* (after the child's line) */
    peercred("accepted", acc, child);
    write(acc, "x", 1);
    waitpid(child, NULL, 0);
    peercred("accepted, client gone", acc, child);
    close(acc), close(srv);
    unlink(SOCK_PATH);
}

/* Datagrams from two processes to one bound socket queue in order, each
 * with its sender's; the sender writes with write(2) too. */
static void datagrams(void)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    socklen_t len = offsetof(struct sockaddr_un, sun_path) + sizeof SOCK_PATH;
    strcpy(a.sun_path, SOCK_PATH);
    int rx = socket(AF_UNIX, SOCK_DGRAM, 0), tx = socket(AF_UNIX, SOCK_DGRAM, 0), one = 1;
    if (bind(rx, (struct sockaddr *)&a, len))
        printf("bind: errno %d\n", errno);
    setsockopt(rx, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
    sendto(tx, "p", 1, 0, (struct sockaddr *)&a, len);
    pid_t child = fork();
    if (child == 0) {
        sendto(tx, "c", 1, 0, (struct sockaddr *)&a, len);
        int own = socket(AF_UNIX, SOCK_DGRAM, 0);
        connect(own, (struct sockaddr *)&a, len);
        write(own, "w", 1);
        _exit(0);
    }
    waitpid(child, NULL, 0);
    sendto(tx, "p", 1, 0, (struct sockaddr *)&a, len);
    recv_creds("datagram 1", rx, child);
    recv_creds("datagram 2", rx, child);
    recv_creds("datagram 3 (write)", rx, child);
    recv_creds("datagram 4", rx, child);
    close(rx), close(tx);
    unlink(SOCK_PATH);
}

/* An abstract name unique to the run (abstract names are the host's, and
 * runs go on at once): from the working directory, which is. */
static socklen_t abstract_addr(struct sockaddr_un *a, const char *kind)
{
    char cwd[512];
    unsigned long h = 5381;
    for (const char *p = getcwd(cwd, sizeof cwd) ? cwd : ""; *p; p++)
        h = h * 33 + (unsigned char)*p;
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    int n = snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "unix_creds.%s.%lx", kind, h);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

/* The same through abstract names: a listener a child connects to, sends
 * on and leaves before it is accepted; a datagram socket a child sends to. */
static void abstract(void)
{
    struct sockaddr_un a, d;
    socklen_t len = abstract_addr(&a, "stream"), dlen = abstract_addr(&d, "dgram");
    int srv = socket(AF_UNIX, SOCK_STREAM, 0), rx = socket(AF_UNIX, SOCK_DGRAM, 0), one = 1;
    if (bind(srv, (struct sockaddr *)&a, len) || listen(srv, 2) ||
        bind(rx, (struct sockaddr *)&d, dlen))
        printf("abstract: errno %d\n", errno);
    setsockopt(rx, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
    pid_t child = fork();
    if (child == 0) {
        int c = socket(AF_UNIX, SOCK_STREAM, 0), tx = socket(AF_UNIX, SOCK_DGRAM, 0);
        if (connect(c, (struct sockaddr *)&a, len))
            _exit(1);
        struct ucred pc;
        socklen_t pl = sizeof pc;
        getsockopt(c, SOL_SOCKET, SO_PEERCRED, &pc, &pl);
        printf("abstract client's peer: %s\n", pc.pid == getppid() ? "parent" : "other");
        sendto(tx, "a", 1, 0, (struct sockaddr *)&d, dlen);
        send_creds(c, NULL); /* before it is accepted, and gone when read */
        _exit(0);
    }
    waitpid(child, NULL, 0);
    int acc = accept(srv, NULL, NULL);
    setsockopt(acc, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
    peercred("abstract accepted", acc, child);
    recv_creds("abstract datagram", rx, child);
    recv_creds("sent before accepted", acc, child);
    close(acc), close(srv), close(rx);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    passed();
    connected();
    datagrams();
    abstract();
    return 0;
}
