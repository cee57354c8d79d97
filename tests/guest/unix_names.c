/* AF_UNIX path names as the guest bound them: getsockname, getpeername,
 * accept's and recvfrom's and recvmsg's sender address give the name and
 * length a socket was bound with (relative, "./"-prefixed or absolute), the
 * peer's as the peer bound it however the client reached it, an accepted
 * socket its listener's, and unbound or unnamed sockets only the family.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static char cwd[PATH_MAX];

/* A name with the working directory (which differs between runs) as $CWD,
 * also in its length. */
static void show(const char *what, const struct sockaddr_un *a, socklen_t len)
{
    size_t off = offsetof(struct sockaddr_un, sun_path), n = strlen(cwd);
    if (len > off && a->sun_path[0] && !strncmp(a->sun_path, cwd, n)) {
        printf("%s: len $CWD+%u path $CWD%s\n", what, (unsigned)(len - n), a->sun_path + n);
        return;
    }
    printf("%s: len %u", what, (unsigned)len);
    if (len > off && a->sun_path[0]) {
        printf(" path %s", a->sun_path);
    } else if (len > off) {
        printf(" abstract %.*s", (int)(len - off - 1), a->sun_path + 1);
    }
    printf("\n");
}

static socklen_t addr(struct sockaddr_un *a, const char *path)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    strcpy(a->sun_path, path);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
}

static void names(const char *what, int fd)
{
    struct sockaddr_un a;
    socklen_t len = sizeof a;
    char label[64];
    memset(&a, 0x55, sizeof a);
    snprintf(label, sizeof label, "%s sockname", what);
    if (getsockname(fd, (struct sockaddr *)&a, &len))
        printf("%s: errno %d\n", label, errno);
    else
        show(label, &a, len);
    len = sizeof a;
    snprintf(label, sizeof label, "%s peername", what);
    if (getpeername(fd, (struct sockaddr *)&a, &len))
        printf("%s: errno %d\n", label, errno);
    else
        show(label, &a, len);
}

static void stream(void)
{
    struct sockaddr_un a;
    char abs_path[PATH_MAX + 32];
    int srv = socket(AF_UNIX, SOCK_STREAM, 0), cli = socket(AF_UNIX, SOCK_STREAM, 0);
    int cli2 = socket(AF_UNIX, SOCK_STREAM, 0);
    mkdir("d", 0755);
    if (bind(srv, (struct sockaddr *)&a, addr(&a, "d/srv.sock")) || listen(srv, 4))
        printf("listen: errno %d\n", errno);
    names("listener", srv);
    /* the client binds an absolute name and reaches the server by another */
    snprintf(abs_path, sizeof abs_path, "%s/cli.sock", cwd);
    if (bind(cli, (struct sockaddr *)&a, addr(&a, abs_path)))
        printf("bind abs: errno %d\n", errno);
    snprintf(abs_path, sizeof abs_path, "%s/d/../d/srv.sock", cwd);
    if (connect(cli, (struct sockaddr *)&a, addr(&a, abs_path)))
        printf("connect: errno %d\n", errno);
    socklen_t len = sizeof a;
    int acc = accept(srv, (struct sockaddr *)&a, &len);
    show("accept from", &a, len);
    names("client", cli);
    names("accepted", acc);
    /* an unbound client */
    if (connect(cli2, (struct sockaddr *)&a, addr(&a, "./d/srv.sock")))
        printf("connect 2: errno %d\n", errno);
    len = sizeof a;
    int acc2 = accept(srv, (struct sockaddr *)&a, &len);
    show("accept 2 from", &a, len);
    names("client 2", cli2);
    names("accepted 2", acc2);
    /* the listener goes: its name stays with what it connected */
    close(srv);
    names("client 2 after", cli2);
    names("accepted 2 after", acc2);
    close(cli), close(cli2), close(acc), close(acc2);
}

static void datagram(void)
{
    struct sockaddr_un a, to;
    socklen_t tolen;
    int rx = socket(AF_UNIX, SOCK_DGRAM, 0), tx = socket(AF_UNIX, SOCK_DGRAM, 0);
    int anon = socket(AF_UNIX, SOCK_DGRAM, 0);
    char buf[8];
    if (bind(rx, (struct sockaddr *)&a, addr(&a, "./rx.sock")))
        printf("bind rx: errno %d\n", errno);
    /* a sun_path with bytes after its NUL: Linux keeps the path to the NUL */
    tolen = addr(&a, "tx.sock");
    memcpy(a.sun_path + 8, "junk", 4);
    if (bind(tx, (struct sockaddr *)&a, tolen + 5))
        printf("bind tx: errno %d\n", errno);
    names("tx", tx);
    tolen = addr(&to, "rx.sock");
    sendto(tx, "a", 1, 0, (struct sockaddr *)&to, tolen);
    sendto(anon, "b", 1, 0, (struct sockaddr *)&to, tolen);
    socklen_t len = sizeof a;
    recvfrom(rx, buf, sizeof buf, 0, (struct sockaddr *)&a, &len);
    show("recvfrom", &a, len);
    struct iovec iov = {buf, sizeof buf};
    struct msghdr m = {.msg_name = &a, .msg_namelen = sizeof a, .msg_iov = &iov, .msg_iovlen = 1};
    recvmsg(rx, &m, 0);
    show("recvmsg unbound sender", &a, m.msg_namelen);
    sendto(tx, "c", 1, 0, (struct sockaddr *)&to, tolen);
    m.msg_namelen = 5; /* too short: cut, with the whole length given */
    memset(&a, 0, sizeof a);
    recvmsg(rx, &m, 0);
    printf("recvmsg short: namelen %u bytes %.3s\n", (unsigned)m.msg_namelen, a.sun_path);
    if (connect(anon, (struct sockaddr *)&to, tolen))
        printf("connect dgram: errno %d\n", errno);
    names("connected dgram", anon);
    close(rx), close(tx), close(anon);
}

static void others(void)
{
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    names("socketpair", sv[0]);
    int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    memcpy(a.sun_path, "\0unix_names", 11);
    if (bind(s, (struct sockaddr *)&a, offsetof(struct sockaddr_un, sun_path) + 11))
        printf("bind abstract: errno %d\n", errno);
    names("abstract", s);
    close(sv[0]), close(sv[1]), close(s);
}

int main(void)
{
    if (!getcwd(cwd, sizeof cwd))
        return 1;
    stream();
    datagram();
    others();
    unlink("d/srv.sock"), rmdir("d"), unlink("cli.sock"), unlink("rx.sock"), unlink("tx.sock");
    return 0;
}
