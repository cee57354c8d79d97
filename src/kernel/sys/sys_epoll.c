/* epoll's system calls (the instances are in epoll_inst.c and
 * epoll_ready.c, see epoll.h) and eventfd. A wait takes what is ready, or
 * parks the task until any kernel object changes, the instance's host
 * epoll sees an edge, or the deadline passes, and then looks again. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/epoll.h"
#include "kernel/sys/pollset.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/sched.h"
#include "kernel/task/signal.h"
#include "kernel/task/timer.h"
#include "kernel/vfs/eventfd.h"
#include "kernel/vfs/file.h"
#include "mem/uaccess.h"

#define L_EPOLL_CLOEXEC 02000000
#define L_EPOLL_CTL_ADD 1
#define L_EPOLL_CTL_DEL 2
#define L_EPOLL_CTL_MOD 3
#define EVENT_SIZE	12 /* struct epoll_event is packed: events, then data */
#define MAX_EVENTS	4096
/* what may go with EPOLLEXCLUSIVE */
#define EXCLUSIVE_OK                                                                           \
	(L_EPOLLIN | L_EPOLLOUT | L_EPOLLERR | L_EPOLLHUP | L_EPOLLWAKEUP | L_EPOLLET | L_EPOLLEXCLUSIVE)

static int64_t new_epoll(struct task *t, int flags)
{
	if (flags & ~L_EPOLL_CLOEXEC)
		return -EINVAL;
	struct file *f = epoll_file_new(t->vm, 0);
	if (!f)
		return -ENOMEM;
	return fd_alloc_new(t->proc->fds, f, flags & L_EPOLL_CLOEXEC);
}

int64_t sys_epoll_create(struct task *t, const uint64_t *a)
{
	return (int)a[0] <= 0 ? -EINVAL : new_epoll(t, 0);
}
int64_t sys_epoll_create1(struct task *t, const uint64_t *a) { return new_epoll(t, (int)a[0]); }

/* Linux's file_can_poll: files on disk have no poll. */
static int can_poll(const struct file *f)
{
	if (!f->ops)
		return f->host_may_block;
	return f->ops->poll || (strcmp(f->ops->name, "memfs") && strcmp(f->ops->name, "overlay"));
}

/* The checks of epoll_ctl, in Linux's order, up to the interest list. */
static int64_t ctl_check(struct task *t, const uint64_t *a, uint32_t *events, uint64_t *data,
			 struct epoll **ep, struct file **target)
{
	int op = (int)a[1];
	int has_event = op != L_EPOLL_CTL_DEL;
	uint8_t raw[EVENT_SIZE];
	if (has_event && copy_from_user(t->proc->mm, raw, a[3], EVENT_SIZE))
		return -EFAULT;
	*events = has_event ? get32(raw, 0) : 0;
	*data = has_event ? get64(raw, 4) : 0;
	struct file *f = fd_lookup(t->proc->fds, (int)a[0]);
	*target = fd_lookup(t->proc->fds, (int)a[2]);
	if (!f || !*target)
		return -EBADF;
	if (!can_poll(*target))
		return -EPERM;
	*events &= ~L_EPOLLWAKEUP; /* (needs CAP_BLOCK_SUSPEND, which guests lack) */
	*ep = epoll_of_file(f);
	if (f == *target || !*ep)
		return -EINVAL;
	if (has_event && (*events & L_EPOLLEXCLUSIVE) &&
	    (op == L_EPOLL_CTL_MOD || (op == L_EPOLL_CTL_ADD && (epoll_of_file(*target) ||
								  (*events & ~EXCLUSIVE_OK)))))
		return -EINVAL;
	if (op == L_EPOLL_CTL_ADD && epoll_of_file(*target) &&
	    epoll_would_loop(*ep, epoll_of_file(*target)))
		return -ELOOP;
	return 0;
}

int64_t sys_epoll_ctl(struct task *t, const uint64_t *a)
{
	struct epoll *ep;
	struct file *target;
	uint32_t events;
	uint64_t data;
	int64_t rc = ctl_check(t, a, &events, &data, &ep, &target);
	if (rc)
		return rc;
	struct epoll_entry *e = epoll_find(ep, (int)a[2], target);
	switch ((int)a[1]) {
	case L_EPOLL_CTL_ADD:
		return e ? -EEXIST : epoll_insert(ep, (int)a[2], target, events | L_EPOLLERR | L_EPOLLHUP, data);
	case L_EPOLL_CTL_MOD:
		if (!e)
			return -ENOENT;
		if (e->events & L_EPOLLEXCLUSIVE)
			return -EINVAL;
		return epoll_modify(ep, e, events | L_EPOLLERR | L_EPOLLHUP, data);
	case L_EPOLL_CTL_DEL:
		if (!e)
			return -ENOENT;
		epoll_remove(ep, e);
		return 0;
	default: return -EINVAL;
	}
}

static int64_t report(struct task *t, uint64_t uevents, const struct epoll_event_out *ev, int n)
{
	uint8_t raw[EVENT_SIZE];
	for (int k = 0; k < n; k++) {
		put32(raw, 0, ev[k].events);
		put64(raw, 4, ev[k].data);
		if (copy_to_user(t->proc->mm, uevents + (uint64_t)k * EVENT_SIZE, raw, EVENT_SIZE))
			return -EFAULT;
	}
	return n;
}

static int64_t park(struct task *t, struct epoll *ep, int64_t deadline)
{
	int fds[PARK_HOST_FDS];
	struct pollfd host[PARK_HOST_FDS];
	int n = epoll_park_fds(ep, fds, PARK_HOST_FDS);
	for (int k = 0; k < n; k++)
		host[k] = (struct pollfd){fds[k], POLLIN, 0};
	return sched_park_poll(t, host, n, deadline, -KERN_ERESTARTNOHAND);
}

static int64_t do_epoll_wait(struct task *t, int epfd, uint64_t uevents, int max, int64_t timeout_ns)
{
	struct file *f = fd_lookup(t->proc->fds, epfd);
	struct epoll *ep = epoll_of_file(f);
	if (!f)
		return -EBADF;
	if (!ep || max <= 0 || max > MAX_EVENTS)
		return -EINVAL;
	if (!user_ptr(t->proc->mm, uevents, (size_t)max * EVENT_SIZE, GPROT_WRITE))
		return -EFAULT; /* before anything is taken, which could not be put back */
	int nowait;
	int64_t deadline = poll_deadline(t, timeout_ns, &nowait);
	struct epoll_event_out *ev = calloc((size_t)max, sizeof *ev);
	int64_t rc = ev ? epoll_take(ep, ev, max) : -ENOMEM;
	if (rc > 0)
		rc = report(t, uevents, ev, (int)rc);
	else if (!rc && !nowait && !(deadline && vm_monotonic_ns(t->vm, &t->cpu) >= deadline))
		rc = park(t, ep, deadline);
	free(ev);
	return rc;
}

int64_t sys_epoll_wait(struct task *t, const uint64_t *a)
{
	int ms = (int)a[3];
	return do_epoll_wait(t, (int)a[0], a[1], (int)a[2], ms < 0 ? -1 : (int64_t)ms * 1000000);
}

/* epoll_pwait: the mask holds while waiting, as for ppoll. */
int64_t sys_epoll_pwait(struct task *t, const uint64_t *a)
{
	int64_t rc = a[4] && !t->resuming ? sys_wait_mask(t, a[4], a[5]) : 0;
	return rc ? rc : sys_epoll_wait(t, a);
}

/* epoll_pwait2: a struct timespec of 64-bit fields for both ABIs (NULL:
 * no timeout), on the machine's monotonic clock. */
int64_t sys_epoll_pwait2(struct task *t, const uint64_t *a)
{
	int64_t timeout = -1, rc = 0;
	if (a[3] && !t->resuming)
		rc = sys_get_timespec(t, a[3], &timeout, 1);
	if (!rc && a[4] && !t->resuming)
		rc = sys_wait_mask(t, a[4], a[5]);
	return rc ? rc : do_epoll_wait(t, (int)a[0], a[1], (int)a[2], timeout);
}

static int64_t new_eventfd(struct task *t, uint64_t initial, int flags)
{
	if (flags & ~(1 | O_NONBLOCK | L_EPOLL_CLOEXEC))
		return -EINVAL;
	struct file *f = eventfd_create(t->vm, (uint32_t)initial, flags & 1, flags & O_NONBLOCK);
	if (!f)
		return -ENOMEM;
	return fd_alloc_new(t->proc->fds, f, flags & L_EPOLL_CLOEXEC);
}

int64_t sys_eventfd(struct task *t, const uint64_t *a) { return new_eventfd(t, a[0], 0); }
int64_t sys_eventfd2(struct task *t, const uint64_t *a) { return new_eventfd(t, a[0], (int)a[1]); }

