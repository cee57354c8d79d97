/* timerfd: a one-shot and a periodic timer read blocking, through poll and epoll,
 * disarming, gettime of a disarmed timer, and a non-blocking read with nothing due. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

static void arm(int fd, long first_ms, long every_ms)
{
    struct itimerspec its = {{every_ms / 1000, every_ms % 1000 * 1000000}, {first_ms / 1000, first_ms % 1000 * 1000000}};
    timerfd_settime(fd, 0, &its, NULL);
}

int main(void)
{
    uint64_t n = 0;
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    arm(fd, 20, 0);
    ssize_t r = read(fd, &n, 8);
    printf("one-shot: read %zd, expirations %llu\n", r, (unsigned long long)n);
    int nb = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    printf("non-blocking with nothing due: %s\n", read(nb, &n, 8) < 0 && errno == EAGAIN ? "EAGAIN" : "?");
    arm(fd, 10, 10);
    struct pollfd p = {fd, POLLIN, 0};
    int ready = poll(&p, 1, -1);
    printf("periodic: poll says %d ready, revents has POLLIN: %s\n", ready, p.revents & POLLIN ? "yes" : "no");
    r = read(fd, &n, 8);
    printf("read %zd, at least one expiration: %s\n", r, n >= 1 ? "yes" : "no");
    int ep = epoll_create1(0);
    struct epoll_event e = {.events = EPOLLIN, .data.u64 = 7}, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
    int got = epoll_wait(ep, &out, 1, -1);
    printf("epoll: %d event, data %llu\n", got, (unsigned long long)out.data.u64);
    arm(fd, 0, 0);
    struct itimerspec cur;
    timerfd_gettime(fd, &cur);
    printf("disarmed: value %lld.%09ld, interval %lld\n", (long long)cur.it_value.tv_sec, cur.it_value.tv_nsec,
           (long long)cur.it_interval.tv_sec);
    printf("poll on a disarmed timer (0 ms): %d\n", poll(&p, 1, 0));
    return 0;
}
