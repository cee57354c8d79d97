/* epoll beyond level-triggering: EPOLLET on a pipe (both ends), an eventfd and a
 * socketpair with partial reads, EPOLLRDHUP, EPOLLONESHOT re-armed by MOD,
 * EPOLLEXCLUSIVE's and EPOLLWAKEUP's rules, EPERM for a directory, nested epoll
 * (readiness, poll and select on an instance, edges through it, ELOOP, the depth
 * limit, a wake through a nested host socket) and epoll_pwait2. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef EPOLLEXCLUSIVE
#define EPOLLEXCLUSIVE (1u << 28)
#endif
#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif

/* The events of one wait as letters per entry: "1:IH 2:O" (data:bits), by data, or
 * in the kernel's order (its ready list's) with waitorder. */
static void show(const char *what, int ep, int max, int timeout, int sorted)
{
    struct epoll_event ev[8];
    int n = epoll_wait(ep, ev, max, timeout);
    for (int i = 1; sorted && i < n; i++)
        for (int j = i; j > 0 && ev[j - 1].data.u64 > ev[j].data.u64; j--) {
            struct epoll_event x = ev[j];
            ev[j] = ev[j - 1];
            ev[j - 1] = x;
        }
    printf("%s: %d", what, n);
    if (n < 0)
        printf(" (%s)", strerror(errno));
    for (int k = 0; k < n; k++) {
        uint32_t e = ev[k].events;
        printf(" %llu:%s%s%s%s%s", (unsigned long long)ev[k].data.u64, e & EPOLLIN ? "I" : "",
               e & EPOLLOUT ? "O" : "", e & EPOLLRDHUP ? "R" : "", e & EPOLLHUP ? "H" : "",
               e & EPOLLERR ? "E" : "");
    }
    printf("\n");
}

static void waitshow(const char *what, int ep, int max, int timeout) { show(what, ep, max, timeout, 1); }
static void waitorder(const char *what, int ep, int max, int timeout) { show(what, ep, max, timeout, 0); }

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event e = {.events = events, .data.u64 = data};
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

static int mod(int ep, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event e = {.events = events, .data.u64 = data};
    return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
}

static const char *res(int rc) { return rc == 0 ? "ok" : strerror(errno); }

static void drain(int fd, size_t n)
{
    char buf[4096];
    while (n) {
        ssize_t got = read(fd, buf, n < sizeof buf ? n : sizeof buf);
        if (got <= 0)
            return;
        n -= (size_t)got;
    }
}

static void pipe_edges(void)
{
    int p[2], ep = epoll_create1(0), lt = epoll_create1(0);
    if (pipe(p))
        return;
    fcntl(p[0], F_SETFL, O_NONBLOCK); /* (drain stops at the end) */
    add(ep, p[0], EPOLLIN | EPOLLET, 1);
    add(lt, p[0], EPOLLIN, 1);
    waitshow("pipe et empty", ep, 8, 0);
    if (write(p[1], "0123456789", 10) != 10)
        return;
    waitshow("pipe et written", ep, 8, 0);
    waitshow("pipe et again", ep, 8, 0);
    drain(p[0], 3);
    waitshow("pipe et partial read", ep, 8, 0);
    waitshow("pipe lt partial read", lt, 8, 0);
    if (write(p[1], "x", 1) != 1)
        return;
    waitshow("pipe et more written", ep, 8, 0);
    drain(p[0], 8);
    if (write(p[1], "y", 1) != 1)
        return;
    drain(p[0], 1);
    waitshow("pipe et written then read", ep, 8, 0);
    waitshow("pipe lt empty", lt, 8, 0);

    /* the write end: ready at ADD, then again when a read makes room in a full pipe */
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    add(ep, p[1], EPOLLOUT | EPOLLET, 2);
    waitshow("pipe et writable at add", ep, 8, 0);
    char block[4096] = {0};
    while (write(p[1], block, sizeof block) > 0)
        ;
    waitshow("pipe et full", ep, 8, 0);
    drain(p[0], 4096);
    waitshow("pipe et room again", ep, 8, 0);
    drain(p[0], 4096);
    waitshow("pipe et more room", ep, 8, 0);
    drain(p[0], 65536);
    close(p[1]);
    waitshow("pipe et writer closed", ep, 8, 0);
    close(p[0]);
    close(ep);
    close(lt);
}

static void eventfd_edges(void)
{
    int efd = eventfd(0, EFD_NONBLOCK), ep = epoll_create1(0);
    uint64_t one = 1, v;
    add(ep, efd, EPOLLIN | EPOLLET, 7);
    waitshow("eventfd et zero", ep, 8, 0);
    if (write(efd, &one, 8) != 8)
        return;
    waitshow("eventfd et written", ep, 8, 0);
    waitshow("eventfd et again", ep, 8, 0);
    if (write(efd, &one, 8) != 8)
        return;
    waitshow("eventfd et written again", ep, 8, 0);
    if (read(efd, &v, 8) != 8)
        return;
    waitshow("eventfd et read", ep, 8, 0);
    mod(ep, efd, EPOLLOUT | EPOLLET, 8);
    waitshow("eventfd et out at mod", ep, 8, 0);
    waitshow("eventfd et out again", ep, 8, 0);
    if (write(efd, &one, 8) != 8 || read(efd, &v, 8) != 8)
        return;
    waitshow("eventfd et out after a read", ep, 8, 0);
    close(efd);
    close(ep);
}

static void socket_edges(void)
{
    int sv[2], ep = epoll_create1(0);
    char buf[8];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
        return;
    add(ep, sv[1], EPOLLIN | EPOLLRDHUP | EPOLLET, 3);
    waitshow("socket et empty", ep, 8, 0);
    if (write(sv[0], "abc", 3) != 3)
        return;
    waitshow("socket et written", ep, 8, 0);
    waitshow("socket et again", ep, 8, 0);
    if (read(sv[1], buf, 1) != 1)
        return;
    waitshow("socket et partial read", ep, 8, 0);
    if (write(sv[0], "d", 1) != 1)
        return;
    waitshow("socket et more written", ep, 8, 0);
    shutdown(sv[0], SHUT_WR);
    waitshow("socket et peer shut down", ep, 8, 0);
    waitshow("socket et after rdhup", ep, 8, 0);
    close(sv[0]);
    close(sv[1]);
    close(ep);
}

/* Two ready edge-triggered entries and room for one event: the other waits. */
static void edges_beyond_max(void)
{
    int a[2], b[2], ep = epoll_create1(0);
    if (pipe(a) || pipe(b))
        return;
    add(ep, a[0], EPOLLIN | EPOLLET, 10);
    add(ep, b[0], EPOLLIN | EPOLLET, 11);
    if (write(a[1], "a", 1) != 1 || write(b[1], "b", 1) != 1)
        return;
    waitshow("max 1, first", ep, 1, 0);
    waitshow("max 1, second", ep, 1, 0);
    waitshow("max 1, none left", ep, 1, 0);
    close(a[0]), close(a[1]), close(b[0]), close(b[1]), close(ep);
}

/* The ready list's order: files by when they became ready, a reported
 * level-triggered file queued again at the end. */
static void ready_order(void)
{
    int a[2], b[2], c[2], ep = epoll_create1(0), et = epoll_create1(0);
    if (pipe(a) || pipe(b) || pipe(c))
        return;
    add(ep, a[0], EPOLLIN, 1);
    add(ep, b[0], EPOLLIN, 2);
    add(ep, c[0], EPOLLIN, 3);
    add(et, a[0], EPOLLIN | EPOLLET, 1);
    add(et, b[0], EPOLLIN | EPOLLET, 2);
    add(et, c[0], EPOLLIN | EPOLLET, 3);
    if (write(c[1], "c", 1) != 1 || write(a[1], "a", 1) != 1 || write(b[1], "b", 1) != 1)
        return;
    waitorder("order c a b", ep, 8, 0);
    waitorder("et order c a b", et, 8, 0);
    waitorder("level, one at a time", ep, 1, 0);
    waitorder("level, one at a time", ep, 1, 0);
    waitorder("level, one at a time", ep, 1, 0);
    waitorder("level, one at a time", ep, 1, 0);
    if (write(b[1], "b", 1) != 1 || write(a[1], "a", 1) != 1)
        return;
    waitorder("et order b a", et, 8, 0);
    close(a[0]), close(a[1]), close(b[0]), close(b[1]), close(c[0]), close(c[1]);
    close(ep), close(et);
}

static void oneshot(void)
{
    int p[2], ep = epoll_create1(0);
    if (pipe(p) || write(p[1], "z", 1) != 1)
        return;
    add(ep, p[0], EPOLLIN | EPOLLONESHOT, 4);
    waitshow("oneshot first", ep, 8, 0);
    waitshow("oneshot disabled", ep, 8, 0);
    printf("mod re-arms: %s\n", res(mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 5)));
    waitshow("oneshot re-armed", ep, 8, 0);
    waitshow("oneshot disabled again", ep, 8, 0);
    mod(ep, p[0], EPOLLIN | EPOLLET | EPOLLONESHOT, 6);
    waitshow("et oneshot at mod", ep, 8, 0);
    if (write(p[1], "z", 1) != 1)
        return;
    waitshow("et oneshot disabled, new data", ep, 8, 0);
    mod(ep, p[0], EPOLLIN, 7);
    waitshow("back to level", ep, 8, 0);
    waitshow("level again", ep, 8, 0);
    close(p[0]), close(p[1]), close(ep);
}

static void flag_rules(void)
{
    int p[2], q[2], ep = epoll_create1(0), other = epoll_create1(0);
    if (pipe(p) || pipe(q))
        return;
    printf("exclusive add: %s\n", res(add(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE, 1)));
    printf("exclusive mod: %s\n", res(mod(ep, p[0], EPOLLIN, 1)));
    printf("mod to exclusive: %s\n", res(mod(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE, 1)));
    printf("exclusive oneshot: %s\n", res(add(ep, q[0], EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 2)));
    printf("exclusive on epoll: %s\n", res(add(ep, other, EPOLLIN | EPOLLEXCLUSIVE, 3)));
    printf("exclusive et: %s\n", res(add(ep, q[0], EPOLLIN | EPOLLET | EPOLLEXCLUSIVE, 2)));
    printf("wakeup add: %s\n", res(add(ep, q[1], EPOLLOUT | EPOLLWAKEUP, 4)));
    if (write(p[1], "e", 1) != 1)
        return;
    waitshow("exclusive ready", ep, 8, 0);
    int dir = open("/", O_RDONLY | O_DIRECTORY);
    printf("directory: %s\n", res(add(ep, dir, EPOLLIN, 5)));
    printf("itself: %s\n", res(add(ep, ep, EPOLLIN, 6)));
    printf("not an epoll: %s\n", res(add(p[0], q[0], EPOLLIN, 7)));
    printf("bad op: %s\n", res(epoll_ctl(ep, 99, q[0], &(struct epoll_event){0})));
    printf("del missing: %s\n", res(epoll_ctl(ep, EPOLL_CTL_DEL, dir, NULL)));
    close(dir), close(p[0]), close(p[1]), close(q[0]), close(q[1]), close(ep), close(other);
}

static void nested(void)
{
    int p[2], inner = epoll_create1(0), outer = epoll_create1(0), et = epoll_create1(0);
    if (pipe(p))
        return;
    add(inner, p[0], EPOLLIN, 1);
    printf("nest: %s\n", res(add(outer, inner, EPOLLIN, 20)));
    printf("nest et: %s\n", res(add(et, inner, EPOLLIN | EPOLLET, 21)));
    printf("loop: %s\n", res(add(inner, outer, EPOLLIN, 30)));
    waitshow("outer empty", outer, 8, 0);
    struct pollfd pf = {inner, POLLIN, 0};
    printf("poll inner empty: %d\n", poll(&pf, 1, 0));
    if (write(p[1], "n", 1) != 1)
        return;
    waitshow("outer ready", outer, 8, 0);
    waitshow("outer level", outer, 8, 0);
    waitshow("et outer edge", et, 8, 0);
    waitshow("et outer no edge", et, 8, 0);
    int ready = poll(&pf, 1, 0);
    printf("poll inner: %d %#x\n", ready, (unsigned)pf.revents);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(inner, &rs);
    struct timeval tv = {0, 0};
    printf("select inner: %d\n", select(inner + 1, &rs, NULL, NULL, &tv));
    if (write(p[1], "m", 1) != 1)
        return;
    waitshow("et outer edge again", et, 8, 0);
    waitshow("inner itself", inner, 8, 0);
    drain(p[0], 2);
    waitshow("outer drained", outer, 8, 0);
    close(p[1]);
    waitshow("outer after close", outer, 8, 0);
    close(p[0]);
    close(et), close(outer), close(inner);
}

/* A chain of instances: Linux allows five. */
static void depth(void)
{
    int e[7];
    for (int k = 0; k < 7; k++)
        e[k] = epoll_create1(0);
    for (int k = 0; k + 1 < 7; k++) {
        int rc = add(e[k + 1], e[k], EPOLLIN, (uint64_t)k);
        printf("chain of %d: %s\n", k + 2, res(rc));
    }
    printf("loop back: %s\n", res(add(e[0], e[3], EPOLLIN, 9)));
    for (int k = 0; k < 7; k++)
        close(e[k]);
}

/* A parked wait on an outer instance is woken by a socket of the inner one. */
static void nested_wake(void)
{
    int sv[2], inner = epoll_create1(0), outer = epoll_create1(0);
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
        return;
    add(inner, sv[1], EPOLLIN | EPOLLET, 1);
    add(outer, inner, EPOLLIN | EPOLLET, 2);
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        usleep(20000);
        if (write(sv[0], "w", 1) != 1)
            _exit(1);
        _exit(0);
    }
    waitshow("nested wake outer", outer, 8, -1);
    waitshow("nested wake inner", inner, 8, 0);
    waitshow("nested wake outer again", outer, 8, 0);
    int status;
    waitpid(child, &status, 0);
    printf("child: %d\n", WEXITSTATUS(status));
    close(sv[0]), close(sv[1]), close(outer), close(inner);
}

struct ts64 {
    int64_t sec, nsec;
};

static long pwait2(int ep, struct epoll_event *ev, int max, const struct ts64 *ts,
                   const sigset_t *mask)
{
    return syscall(SYS_epoll_pwait2, ep, ev, max, ts, mask, mask ? 8 : 0);
}

static int usr1_seen;
static void on_usr1(int sig) { usr1_seen = sig; }

static void pwait2_calls(void)
{
    int p[2], ep = epoll_create1(0);
    struct epoll_event ev[4];
    struct ts64 zero = {0, 0}, short_wait = {0, 30000000}, bad = {0, 2000000000};
    if (pipe(p))
        return;
    add(ep, p[0], EPOLLIN, 1);
    printf("pwait2 zero: %ld\n", pwait2(ep, ev, 4, &zero, NULL));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long n = pwait2(ep, ev, 4, &short_wait, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    printf("pwait2 30 ms: %ld, waited at least 29 ms: %s\n", n, ms >= 29 ? "yes" : "no");
    long rc = pwait2(ep, ev, 4, &bad, NULL);
    printf("pwait2 bad timespec: %ld %s\n", rc, rc < 0 ? strerror(errno) : "");
    if (write(p[1], "t", 1) != 1)
        return;
    n = pwait2(ep, ev, 4, NULL, NULL);
    printf("pwait2 no timeout: %ld data %llu\n", n, (unsigned long long)ev[0].data.u64);
    drain(p[0], 1);

    sigset_t block, none;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigemptyset(&none);
    signal(SIGUSR1, on_usr1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR1);
    struct ts64 second = {1, 0};
    rc = pwait2(ep, ev, 4, &second, &none);
    printf("pwait2 mask lets SIGUSR1 in: %ld %s, handler ran: %s\n", rc,
           rc < 0 ? strerror(errno) : "", usr1_seen == SIGUSR1 ? "yes" : "no");
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("mask restored: %s\n", sigismember(&now, SIGUSR1) ? "yes" : "no");
    close(p[0]), close(p[1]), close(ep);
}

int main(void)
{
    pipe_edges();
    eventfd_edges();
    socket_edges();
    edges_beyond_max();
    ready_order();
    oneshot();
    flag_rules();
    nested();
    depth();
    nested_wake();
    pwait2_calls();
    return 0;
}
