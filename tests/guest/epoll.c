/* epoll over pipes, an eventfd and a socketpair: readiness, EPOLLONESHOT, MOD and DEL,
 * a timeout with nothing ready, a wake from another process; eventfd counting and
 * its semaphore mode. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int wait_ids(int ep, int timeout, uint64_t *ids)
{
    struct epoll_event ev[8];
    int n = epoll_wait(ep, ev, 8, timeout);
    for (int k = 0; k < n; k++)
        ids[k] = ev[k].data.u64 * 100 + (ev[k].events & EPOLLIN ? 1 : 0) + (ev[k].events & EPOLLOUT ? 2 : 0) +
                 (ev[k].events & EPOLLHUP ? 4 : 0);
    /* order of the ready list is the kernel's: sort */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
            uint64_t x = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = x;
        }
    return n;
}

static void show(const char *what, int n, const uint64_t *ids)
{
    printf("%s: %d", what, n);
    for (int k = 0; k < n; k++)
        printf(" %llu", (unsigned long long)ids[k]);
    printf("\n");
}

int main(void)
{
    int p[2], sv[2];
    uint64_t ids[8];
    if (pipe(p) || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
        return 1;
    int efd = eventfd(0, 0), ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event e = {.events = EPOLLIN, .data.u64 = 1};
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e);
    e.data.u64 = 2;
    epoll_ctl(ep, EPOLL_CTL_ADD, efd, &e);
    e = (struct epoll_event){.events = EPOLLIN | EPOLLONESHOT, .data.u64 = 3};
    epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &e);
    printf("add twice: %s\n", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e) < 0 && errno == EEXIST ? "EEXIST" : "?");
    show("nothing ready (10 ms)", wait_ids(ep, 10, ids), ids);
    if (write(p[1], "x", 1) != 1 || write(sv[0], "y", 1) != 1)
        return 1;
    uint64_t one = 5;
    if (write(efd, &one, 8) != 8)
        return 1;
    show("three ready", wait_ids(ep, -1, ids), ids);
    show("oneshot gone, level-triggered stay", wait_ids(ep, 0, ids), ids);
    uint64_t v;
    ssize_t n = read(efd, &v, 8);
    printf("eventfd reads %zd bytes: %llu\n", n, (unsigned long long)v);
    e = (struct epoll_event){.events = EPOLLOUT, .data.u64 = 1};
    epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e);
    show("after MOD to EPOLLOUT on a read end", wait_ids(ep, 0, ids), ids);
    epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL);
    show("after DEL", wait_ids(ep, 0, ids), ids);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        uint64_t two = 2;
        _exit(write(efd, &two, 8) == 8 ? 0 : 1);
    }
    show("woken by a child's eventfd write", wait_ids(ep, -1, ids), ids);
    waitpid(pid, NULL, 0);
    int sem = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    int got = 0;
    while (read(sem, &v, 8) == 8)
        got++;
    printf("semaphore reads: %d, then %s\n", got, errno == EAGAIN ? "EAGAIN" : "?");
    return 0;
}
