/* poll, ppoll, select, pselect6: readiness of kernel files (pipes) comes
 * from their poll op, of host descriptors from one host poll. A caller with
 * nothing ready parks until any kernel object changes, one of its host
 * descriptors becomes ready, or its deadline passes; then it looks again. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/pollset.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/sched.h"
#include "kernel/task/signal.h"
#include "kernel/task/timer.h"
#include "kernel/vfs/file.h"
#include "mem/uaccess.h"

#define POLL_ALWAYS (POLLERR | POLLHUP | POLLNVAL)
#define NSEC	    1000000000ll

short poll_file_revents(struct file *f)
{
	short r = f->ops->poll ? f->ops->poll(f) : (short)(POLLIN | POLLOUT);
	if (r & POLLIN)
		r |= POLLRDNORM;
	if (r & POLLOUT)
		r |= POLLWRNORM;
	return r;
}

/* A kernel file with a host side (an epoll instance) is ready as its poll
 * op says; a task waiting for it parks on that side too. */
static void park_on_host(struct poll_set *s, struct file *f, int *where)
{
	int fd = f->ops->wait_host_fd ? f->ops->wait_host_fd(f) : -1;
	if (fd < 0)
		return;
	s->host[s->n_host] = (struct pollfd){fd, POLLIN, 0};
	where[s->n_host++] = -1;
}

int poll_now(struct task *t, struct poll_set *s)
{
	int *where = malloc(sizeof *where * (size_t)(s->n ? s->n : 1)), ready = 0;
	if (!where)
		return -ENOMEM;
	s->n_host = 0;
	for (int k = 0; k < s->n; k++) {
		struct pollfd *e = &s->e[k];
		struct file *f = e->fd >= 0 ? fd_lookup(t->proc->fds, e->fd) : NULL;
		e->revents = 0;
		if (e->fd < 0)
			continue;
		if (!f)
			e->revents = POLLNVAL;
		else if (f->ops)
			{
			e->revents = poll_file_revents(f) & (e->events | POLL_ALWAYS);
			park_on_host(s, f, where);
		}
		else if (!f->host_may_block)
			e->revents = e->events & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
		else {
			s->host[s->n_host] = (struct pollfd){f->host_fd, e->events, 0};
			where[s->n_host++] = k;
		}
	}
	if (s->n_host && poll(s->host, (nfds_t)s->n_host, 0) > 0)
		for (int h = 0; h < s->n_host; h++)
			if (where[h] >= 0)
				s->e[where[h]].revents = s->host[h].revents;
	free(where);
	for (int k = 0; k < s->n; k++)
		ready += s->e[k].revents != 0;
	return ready;
}

int64_t poll_or_park(struct task *t, struct poll_set *s, int64_t deadline, int nowait)
{
	int ready = poll_now(t, s);
	if (ready || nowait)
		return ready;
	if (deadline && vm_monotonic_ns(t->vm, &t->cpu) >= deadline)
		return 0;
	return sched_park_poll(t, s->host, s->n_host, deadline, -KERN_ERESTARTNOHAND);
}

int64_t poll_deadline(struct task *t, int64_t timeout_ns, int *nowait)
{
	*nowait = timeout_ns == 0;
	if (t->resuming)
		return t->park.deadline;
	if (timeout_ns < 0)
		return 0;
	int64_t now = vm_monotonic_ns(t->vm, &t->cpu);
	return timeout_ns > INT64_MAX - now ? INT64_MAX : now + timeout_ns;
}

/* The mask of ppoll and pselect6 holds while waiting; a resumed call has
 * it in place already. */
static int64_t set_wait_mask(struct task *t, uint64_t umask, uint64_t size)
{
	return !umask || t->resuming ? 0 : sys_wait_mask(t, umask, size);
}

/* poll and select, as Linux: with nothing ready, a signal the caller's
 * mask lets through interrupts the call even when it was not to wait. */
static int64_t unless_signalled(struct task *t, int64_t ready)
{
	return ready == 0 && (task_pending(t) & ~t->sigmask) ? -KERN_ERESTARTNOHAND : ready;
}

static int64_t do_poll(struct task *t, uint64_t ufds, uint64_t nfds, int64_t timeout_ns)
{
	if (nfds > (uint64_t)t->proc->fds->limit)
		return -EINVAL;
	int n = (int)nfds, nowait;
	int64_t deadline = poll_deadline(t, timeout_ns, &nowait);
	struct poll_set s = {calloc((size_t)n + 1, sizeof(struct pollfd)), n,
			     calloc((size_t)n + 1, sizeof(struct pollfd)), 0};
	int64_t rc = s.e && s.host ? 0 : -ENOMEM;
	if (!rc && copy_from_user(t->proc->mm, s.e, ufds, (size_t)n * 8))
		rc = -EFAULT;
	if (!rc)
		rc = unless_signalled(t, poll_or_park(t, &s, deadline, nowait));
	if (rc >= 0 && copy_to_user(t->proc->mm, ufds, s.e, (size_t)n * 8))
		rc = -EFAULT;
	free(s.e);
	free(s.host);
	return rc;
}

int64_t sys_poll(struct task *t, const uint64_t *a)
{
	int ms = (int)a[2];
	return do_poll(t, a[0], a[1], ms < 0 ? -1 : (int64_t)ms * 1000000);
}

static int64_t do_ppoll(struct task *t, const uint64_t *a, int wide)
{
	int64_t timeout = -1;
	if (a[2] && !t->resuming) {
		int rc = sys_get_timespec(t, a[2], &timeout, wide);
		if (rc)
			return rc;
	}
	int64_t rc = set_wait_mask(t, a[3], a[4]);
	return rc ? rc : do_poll(t, a[0], a[1], timeout);
}

int64_t sys_ppoll(struct task *t, const uint64_t *a) { return do_ppoll(t, a, 1); }
int64_t sys_ppoll32(struct task *t, const uint64_t *a) { return do_ppoll(t, a, 0); }

/* fd_set: bits in guest longs, which on little-endian x86 is plain bytes;
 * each of the three `bytes` long, in one block (a byte more each, so that
 * nfds 0 allocates too). */
struct fd_sets {
	uint8_t *in, *out, *ex;
	size_t bytes;
};

static int sets_alloc(struct fd_sets *s, size_t bytes)
{
	s->bytes = bytes;
	s->in = calloc(3, bytes + 1);
	s->out = s->in ? s->in + bytes + 1 : NULL;
	s->ex = s->in ? s->out + bytes + 1 : NULL;
	return s->in ? 0 : -ENOMEM;
}

static int bit(const uint8_t *set, int fd) { return set[fd / 8] >> (fd % 8) & 1; }

static int64_t sets_to_poll(struct task *t, const struct fd_sets *in, int nfds,
			    struct poll_set *s)
{
	for (int fd = 0; fd < nfds; fd++) {
		short ev = (short)((bit(in->in, fd) ? POLLIN : 0) | (bit(in->out, fd) ? POLLOUT : 0) |
				   (bit(in->ex, fd) ? POLLPRI : 0));
		if (!ev)
			continue;
		if (!fd_lookup(t->proc->fds, fd))
			return -EBADF;
		s->e[s->n++] = (struct pollfd){fd, ev, 0};
	}
	return 0;
}

static int poll_to_sets(const struct poll_set *s, struct fd_sets *out)
{
	int count = 0;
	memset(out->in, 0, 3 * (out->bytes + 1));
	for (int k = 0; k < s->n; k++) {
		int fd = s->e[k].fd;
		short r = s->e[k].revents, ev = s->e[k].events;
		int in = (ev & POLLIN) && (r & (POLLIN | POLLHUP | POLLERR));
		int wr = (ev & POLLOUT) && (r & (POLLOUT | POLLERR));
		int ex = (ev & POLLPRI) && (r & POLLPRI);
		out->in[fd / 8] |= (uint8_t)(in << (fd % 8));
		out->out[fd / 8] |= (uint8_t)(wr << (fd % 8));
		out->ex[fd / 8] |= (uint8_t)(ex << (fd % 8));
		count += in + wr + ex;
	}
	return count;
}

static int64_t do_select(struct task *t, int64_t nfds, const uint64_t *usets, int64_t timeout_ns)
{
	if (nfds < 0)
		return -EINVAL;
	if (nfds > t->proc->fds->size) /* Linux's cap: the table's max_fds */
		nfds = t->proc->fds->size;
	unsigned w = sys_is64(t) ? 64 : 32;
	size_t bytes = (size_t)((nfds + w - 1) / w * (w / 8));
	struct fd_sets sets;
	if (sets_alloc(&sets, bytes))
		return -ENOMEM;
	uint8_t *parts[3] = {sets.in, sets.out, sets.ex};
	int64_t rc = 0;
	for (int k = 0; k < 3; k++)
		if (usets[k] && copy_from_user(t->proc->mm, parts[k], usets[k], bytes))
			rc = -EFAULT;
	struct poll_set s = {calloc((size_t)nfds + 1, sizeof(struct pollfd)), 0,
			     calloc((size_t)nfds + 1, sizeof(struct pollfd)), 0};
	int nowait;
	int64_t deadline = poll_deadline(t, timeout_ns, &nowait);
	if (!rc)
		rc = s.e && s.host ? sets_to_poll(t, &sets, (int)nfds, &s) : -ENOMEM;
	if (!rc)
		rc = unless_signalled(t, poll_or_park(t, &s, deadline, nowait));
	if (rc >= 0) {
		rc = poll_to_sets(&s, &sets);
		for (int k = 0; k < 3; k++)
			if (usets[k] && copy_to_user(t->proc->mm, usets[k], parts[k], bytes))
				rc = -EFAULT;
	}
	free(sets.in);
	free(s.e);
	free(s.host);
	return rc;
}

/* struct timeval of guest longs; select(2) takes one, pselect6 a timespec. */
static int get_timeval(struct task *t, uint64_t addr, int64_t *ns)
{
	uint8_t raw[16];
	int is64 = sys_is64(t);
	if (copy_from_user(t->proc->mm, raw, addr, is64 ? 16 : 8))
		return -EFAULT;
	int64_t sec = (int64_t)get_long(raw, 0, is64), usec = (int64_t)get_long(raw, is64 ? 8 : 4, is64);
	if (!is64) {
		sec = (int32_t)sec;
		usec = (int32_t)usec;
	}
	if (sec < 0 || usec < 0 || usec >= 1000000)
		return -EINVAL;
	*ns = sec > INT64_MAX / NSEC - 1 ? INT64_MAX : sec * NSEC + usec * 1000;
	return 0;
}

int64_t sys_select(struct task *t, const uint64_t *a)
{
	int64_t timeout = -1;
	if (a[4] && !t->resuming) {
		int rc = get_timeval(t, a[4], &timeout);
		if (rc)
			return rc;
	}
	uint64_t sets[3] = {a[1], a[2], a[3]};
	return do_select(t, sys_sarg(t, a[0]), sets, timeout);
}

static int64_t do_pselect6(struct task *t, const uint64_t *a, int wide)
{
	int64_t timeout = -1, rc;
	if (a[4] && !t->resuming && (rc = sys_get_timespec(t, a[4], &timeout, wide)))
		return rc;
	if (a[5]) { /* { const sigset_t *ss; size_t ss_len; } of guest longs */
		uint8_t raw[16];
		int is64 = sys_is64(t);
		if (copy_from_user(t->proc->mm, raw, a[5], is64 ? 16 : 8))
			return -EFAULT;
		rc = set_wait_mask(t, get_long(raw, 0, is64), get_long(raw, is64 ? 8 : 4, is64));
		if (rc)
			return rc;
	}
	uint64_t sets[3] = {a[1], a[2], a[3]};
	return do_select(t, sys_sarg(t, a[0]), sets, timeout);
}

int64_t sys_pselect6(struct task *t, const uint64_t *a) { return do_pselect6(t, a, 1); }
int64_t sys_pselect6_32(struct task *t, const uint64_t *a) { return do_pselect6(t, a, 0); }
