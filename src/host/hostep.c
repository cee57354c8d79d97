/* Host epoll (see hostep.h). Every watch is edge-triggered: an instance's
 * descriptor is readable only when something new happened, so a task can
 * park on it without spinning on a readiness it has already seen. */
#include "host/hostep.h"

#include <errno.h>

#ifdef __linux__
#include <sys/epoll.h>
#include <unistd.h>

int hostep_create(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	return ep < 0 ? -errno : ep;
}

static int ctl(int ep, int op, int fd, uint32_t events, uint64_t tag)
{
	struct epoll_event ev = {.events = events | EPOLLET, .data.u64 = tag};
	return epoll_ctl(ep, op, fd, &ev) < 0 ? -errno : 0;
}

int hostep_add(int ep, int fd, uint32_t events, uint64_t tag)
{
	return ctl(ep, EPOLL_CTL_ADD, fd, events, tag);
}

int hostep_mod(int ep, int fd, uint32_t events, uint64_t tag)
{
	return ctl(ep, EPOLL_CTL_MOD, fd, events, tag);
}

void hostep_del(int ep, int fd)
{
	struct epoll_event ev = {0};
	epoll_ctl(ep, EPOLL_CTL_DEL, fd, &ev);
}

int hostep_take(int ep, uint64_t *tags, int max)
{
	struct epoll_event ev[64];
	int got = 0;
	while (got < max) {
		int want = max - got < 64 ? max - got : 64;
		int n = epoll_wait(ep, ev, want, 0);
		for (int k = 0; k < n; k++)
			tags[got++] = ev[k].data.u64;
		if (n < want)
			break;
	}
	return got;
}

#else

int hostep_create(void) { return -ENOSYS; }
int hostep_add(int ep, int fd, uint32_t events, uint64_t tag) { return -ENOSYS; }
int hostep_mod(int ep, int fd, uint32_t events, uint64_t tag) { return -ENOSYS; }
void hostep_del(int ep, int fd) {}
int hostep_take(int ep, uint64_t *tags, int max) { return 0; }

#endif
