/* A socket's status flags as the guest sets them: F_SETFL and FIONBIO turn
 * O_NONBLOCK on and off, a description passed in SCM_RIGHTS shows the
 * sender's flags (one open file), and a socket made blocking again blocks
 * only its caller: a parent waiting in accept, recv and send on blocking
 * sockets lets its child run to connect, send and drain.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scm_util.h"

#define SOCK_PATH "sock_flags.sock"

static const char *nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? "error" : fl & O_NONBLOCK ? "non-blocking" : "blocking";
}

static void flags_by_calls(void)
{
    int sv[2], on = 1, off = 0;
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    printf("new socket: %s\n", nonblock(sv[0]));
    fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
    printf("after F_SETFL O_NONBLOCK: %s\n", nonblock(sv[0]));
    char c;
    printf("recv with nothing queued: %s\n", recv(sv[0], &c, 1, 0) < 0 ? "fails" : "succeeds");
    fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) & ~O_NONBLOCK);
    printf("after F_SETFL 0: %s\n", nonblock(sv[0]));
    ioctl(sv[0], FIONBIO, &on);
    printf("after FIONBIO 1: %s\n", nonblock(sv[0]));
    ioctl(sv[0], FIONBIO, &off);
    printf("after FIONBIO 0: %s\n", nonblock(sv[0]));

    int via[2], other[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, via);
    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, other);
    if (scm_send_fd(via[0], sv[1]))
        perror("sendmsg");
    if (scm_send_fd(via[0], other[0]))
        perror("sendmsg");
    int got_blocking = scm_recv_fd(via[1]), got_nonblocking = scm_recv_fd(via[1]);
    printf("received blocking socket: %s\n", nonblock(got_blocking));
    printf("received non-blocking socket: %s\n", nonblock(got_nonblocking));
    fcntl(got_blocking, F_SETFL, O_NONBLOCK);
    printf("the sender's description after the receiver's F_SETFL: %s\n", nonblock(sv[1]));
    close(got_blocking);
    close(got_nonblocking);
    for (int k = 0; k < 2; k++) {
        close(sv[k]);
        close(via[k]);
        close(other[k]);
    }
}

static long busy(long n)
{
    volatile long h = 0;
    for (long i = 0; i < n; i++)
        h += i ^ (h >> 3);
    return h;
}

/* The child connects, sends and reads only after a stretch of work, so the
 * parent is waiting in each call by then. */
static void blocking_waits(void)
{
    unlink(SOCK_PATH);
    int l = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strcpy(a.sun_path, SOCK_PATH);
    if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 1)) {
        perror("bind/listen");
        exit(1);
    }
    fcntl(l, F_SETFL, 0);
    pid_t pid = fork();
    if (pid == 0) {
        busy(2000000);
        int s = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(s, (struct sockaddr *)&a, sizeof a))
            _exit(2);
        busy(2000000);
        if (write(s, "hello", 5) != 5)
            _exit(3);
        busy(2000000);
        char buf[4096];
        long total = 0, n;
        while ((n = read(s, buf, sizeof buf)) > 0)
            total += n;
        printf("child drained %ld bytes\n", total);
        _exit(0);
    }
    int c = accept(l, NULL, NULL);
    printf("accepted: %s, %s\n", c >= 0 ? "yes" : "no", nonblock(c));
    char buf[8] = {0};
    printf("recv: %zd %s\n", recv(c, buf, 5, 0), buf);
    static char big[1 << 20];
    long sent = 0, n;
    while (sent < (long)sizeof big && (n = send(c, big + sent, sizeof big - sent, 0)) > 0)
        sent += n;
    printf("sent %ld bytes\n", sent);
    close(c);
    int status;
    waitpid(pid, &status, 0);
    printf("child exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    close(l);
    unlink(SOCK_PATH);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    flags_by_calls();
    blocking_waits();
    return 0;
}
