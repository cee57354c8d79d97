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

#include "scm_util.h"

/* Sends a socket made with `type`, F_SETFL'd to setfl (-1: left), closed or
 * not, and shows the flags it comes back with. */
static void travel(const char *what, int via[2], int domain, int type, int setfl, int keep)
{
    int s = socket(domain, type, 0);
    if (setfl >= 0)
        fcntl(s, F_SETFL, setfl);
    int before = fcntl(s, F_GETFL);
    if (scm_send_fd(via[0], s))
        printf("%s: send failed\n", what);
    if (!keep)
        close(s);
    int r = scm_recv_fd(via[1]);
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
