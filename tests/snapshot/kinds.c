/* Kernel objects alive across a snapshot: a pipe holding bytes, an eventfd with a count,
 * a periodic timerfd, a signalfd with a pending signal, a POSIX timer whose signal a
 * handler counts, an epoll instance watching the pipe and the eventfd, edge-triggered
 * and oneshot entries (an edge pending, one taken, one disabled), a nested instance and
 * the order of a ready list,
 * and a shared anonymous mapping a child writes. A stretch of work keeps
 * them alive over several scheduler turns; then each is read and printed. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t ticks;

static void on_tick(int sig) { ticks += sig == SIGUSR2; }

static uint64_t work(int rounds)
{
	uint64_t h = 1469598103934665603ull;
	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < 100000; i++)
			h = (h ^ (uint64_t)(i + r)) * 1099511628211ull;
	return h;
}

static void make_timers(int *tfd, timer_t *pt)
{
	struct itimerspec every = {{0, 2000000}, {0, 2000000}};
	*tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	timerfd_settime(*tfd, 0, &every, NULL);
	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2};
	signal(SIGUSR2, on_tick);
	timer_create(CLOCK_MONOTONIC, &ev, pt);
	timer_settime(*pt, 0, &every, NULL);
}

struct edges {
	int ep, outer, inner, q[2], efd, order, x[2], y[2];
};

/* Before the work: q's edge is pending, efd's taken, a oneshot entry spent. */
static void edges_before(struct edges *e)
{
	uint64_t one = 1;
	struct epoll_event ev[4];
	e->ep = epoll_create1(0);
	e->outer = epoll_create1(0);
	e->inner = epoll_create1(0);
	pipe(e->q);
	e->efd = eventfd(0, 0);
	write(e->efd, &one, 8);
	struct epoll_event w = {.events = EPOLLIN | EPOLLET, .data.u64 = 1};
	epoll_ctl(e->ep, EPOLL_CTL_ADD, e->efd, &w);
	epoll_wait(e->ep, ev, 4, 0);
	w = (struct epoll_event){.events = EPOLLIN | EPOLLONESHOT, .data.u64 = 2};
	epoll_ctl(e->ep, EPOLL_CTL_ADD, e->q[0], &w);
	write(e->q[1], "q", 1);
	epoll_wait(e->ep, ev, 4, 0);
	w = (struct epoll_event){.events = EPOLLIN | EPOLLET, .data.u64 = 3};
	epoll_ctl(e->inner, EPOLL_CTL_ADD, e->q[0], &w);
	w.data.u64 = 4;
	epoll_ctl(e->outer, EPOLL_CTL_ADD, e->inner, &w);
	write(e->q[1], "r", 1);
	/* the ready list's order: y woke first */
	e->order = epoll_create1(0);
	pipe(e->x);
	pipe(e->y);
	w = (struct epoll_event){.events = EPOLLIN, .data.u64 = 5};
	epoll_ctl(e->order, EPOLL_CTL_ADD, e->x[0], &w);
	w.data.u64 = 6;
	epoll_ctl(e->order, EPOLL_CTL_ADD, e->y[0], &w);
	write(e->y[1], "y", 1);
	write(e->x[1], "x", 1);
}

static void edges_after(struct edges *e)
{
	struct epoll_event ev[4];
	int n = epoll_wait(e->ep, ev, 4, 0);
	printf("edges: %d (the efd's was taken, q's entry is spent)\n", n);
	n = epoll_wait(e->outer, ev, 4, 0);
	printf("outer: %d data %llu\n", n, n > 0 ? (unsigned long long)ev[0].data.u64 : 0ull);
	n = epoll_wait(e->inner, ev, 4, 0);
	printf("inner: %d data %llu\n", n, n > 0 ? (unsigned long long)ev[0].data.u64 : 0ull);
	printf("inner again: %d\n", epoll_wait(e->inner, ev, 4, 0));
	uint64_t one = 1;
	write(e->efd, &one, 8);
	n = epoll_wait(e->ep, ev, 4, 0);
	printf("efd written: %d data %llu\n", n, n > 0 ? (unsigned long long)ev[0].data.u64 : 0ull);
	n = epoll_wait(e->order, ev, 4, 0);
	printf("ready list:");
	for (int k = 0; k < n; k++)
		printf(" %llu", (unsigned long long)ev[k].data.u64);
	printf("\n");
}

int main(void)
{
	struct edges edges;
	int p[2], tfd;
	timer_t pt;
	sigset_t usr1;
	pipe(p);
	write(p[1], "in the pipe", 11);
	int efd = eventfd(5, 0);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	raise(SIGUSR1);
	int sfd = signalfd(-1, &usr1, 0);
	int ep = epoll_create1(0);
	struct epoll_event watch = {.events = EPOLLIN, .data.u64 = 11};
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &watch);
	watch.data.u64 = 22;
	epoll_ctl(ep, EPOLL_CTL_ADD, efd, &watch);
	char *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	make_timers(&tfd, &pt);
	edges_before(&edges);
	uint64_t h = work(40);
	if (fork() == 0) {
		strcpy(shared, "written by the child");
		_exit(0);
	}
	wait(NULL);
	h ^= work(41);
	struct epoll_event ready[4];
	int nready = epoll_wait(ep, ready, 4, 0);
	printf("epoll: %d ready:", nready);
	for (int k = 0; k < nready; k++)
		printf(" %llu", (unsigned long long)ready[k].data.u64);
	printf("\n");
	edges_after(&edges);
	char buf[32] = {0};
	uint64_t count = 0, expirations = 0;
	struct signalfd_siginfo si;
	read(p[0], buf, sizeof buf - 1);
	read(efd, &count, 8);
	read(tfd, &expirations, 8);
	read(sfd, &si, sizeof si);
	timer_delete(pt);
	printf("work %016llx\npipe: %s\neventfd: %llu\n", (unsigned long long)h, buf,
	       (unsigned long long)count);
	printf("timerfd expirations: %llu\n", (unsigned long long)expirations);
	printf("signalfd: signal %u\nposix timer ticks: %d\n", si.ssi_signo, (int)ticks);
	printf("shared: %s\n", shared);
	return 0;
}
