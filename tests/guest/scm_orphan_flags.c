/* A socket description that only an SCM_RIGHTS message holds (its sender
 * closed it before the receiver took it) comes back with the status flags
 * the guest gave it: blocking, non-blocking, O_NONBLOCK set and cleared
 * again by F_SETFL; and a socket still open in the sender, for comparison.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int send_fd(int via, int fd)
{
    char space[CMSG_SPACE(sizeof(int))], tag = 'f';
    struct iovec iov = {&tag, 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = space,
                       .msg_controllen = sizeof space};
    memset(space, 0, sizeof space);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return sendmsg(via, &m, 0) == 1 ? 0 : -1;
}

static int recv_fd(int via)
{
    char space[CMSG_SPACE(sizeof(int))], tag;
    struct iovec iov = {&tag, 1};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = space,
                       .msg_controllen = sizeof space};
    int fd = -1;
    if (recvmsg(via, &m, 0) != 1 || !CMSG_FIRSTHDR(&m))
        return -1;
    memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof fd);
    return fd;
}

/* Sends a socket made with `type`, F_SETFL'd to setfl (-1: left), closed or
 * not, and shows the flags it comes back with. */
static void travel(const char *what, int via[2], int domain, int type, int setfl, int keep)
{
    int s = socket(domain, type, 0);
    if (setfl >= 0)
        fcntl(s, F_SETFL, setfl);
    int before = fcntl(s, F_GETFL);
    if (send_fd(via[0], s))
        printf("%s: send failed\n", what);
    if (!keep)
        close(s);
    int r = recv_fd(via[1]);
    int after = r < 0 ? -1 : fcntl(r, F_GETFL);
    printf("%s: before %#o after %#o\n", what, before, after);
    close(r);
    if (keep)
        close(s);
}

int main(void)
{
    int via[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, via))
        return 1;
    travel("unix stream, blocking", via, AF_UNIX, SOCK_STREAM, -1, 0);
    travel("unix dgram, SOCK_NONBLOCK", via, AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, -1, 0);
    travel("unix stream, O_NONBLOCK set", via, AF_UNIX, SOCK_STREAM, O_NONBLOCK, 0);
    travel("unix stream, O_NONBLOCK cleared", via, AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, 0);
    travel("tcp, blocking", via, AF_INET, SOCK_STREAM, -1, 0);
    travel("unix stream, kept open", via, AF_UNIX, SOCK_STREAM, -1, 1);
    return 0;
}
