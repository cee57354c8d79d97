/* epoll (level-triggered; EPOLLET is taken as level-triggered, which can
 * only report more often, and EPOLLONESHOT disables an entry once reported)
 * and eventfd. An epoll instance keeps its interest list; a wait polls the
 * listed descriptors as poll(2) does and parks the same way. An entry does
 * not keep its file open: one whose descriptor no longer names the same
 * file is dropped, as Linux drops entries of closed files. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/pollset.h"
#include "kernel/sys/snap_kinds.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/signal.h"
#include "kernel/vfs/eventfd.h"
#include "kernel/vfs/file.h"
#include "mem/uaccess.h"

#define L_EPOLL_CLOEXEC 02000000
#define L_EPOLL_CTL_ADD 1
#define L_EPOLL_CTL_DEL 2
#define L_EPOLL_CTL_MOD 3
#define L_EPOLLONESHOT	(1u << 30)
#define EVENT_SIZE	12 /* struct epoll_event is packed: events, then data */
#define MAX_EVENTS	4096

struct epoll_entry {
	int fd;
	const struct file *file;
	uint32_t events;
	uint64_t data;
	int disabled; /* a oneshot entry that reported */
};

struct epoll {
	struct epoll_entry *e;
	int n, cap;
};

static void ep_release(struct file *f)
{
	struct epoll *ep = f->priv;
	free(ep->e);
	free(ep);
}

static const struct file_ops epoll_ops = {.name = "epoll", .release = ep_release};

static int64_t new_epoll(struct task *t, int flags)
{
	if (flags & ~L_EPOLL_CLOEXEC)
		return -EINVAL;
	struct epoll *ep = calloc(1, sizeof *ep);
	struct file *f = ep ? file_new(&epoll_ops, ep, O_RDWR, "anon_inode:[eventpoll]") : NULL;
	if (!f) {
		free(ep);
		return -ENOMEM;
	}
	return fd_alloc_new(t->proc->fds, f, flags & L_EPOLL_CLOEXEC);
}

int64_t sys_epoll_create(struct task *t, const uint64_t *a)
{
	return (int)a[0] <= 0 ? -EINVAL : new_epoll(t, 0);
}
int64_t sys_epoll_create1(struct task *t, const uint64_t *a) { return new_epoll(t, (int)a[0]); }

static struct epoll *epoll_of(struct task *t, int fd)
{
	struct file *f = fd_lookup(t->proc->fds, fd);
	return f && f->ops == &epoll_ops ? f->priv : NULL;
}

static struct epoll_entry *find(struct epoll *ep, int fd, const struct file *file)
{
	for (int k = 0; k < ep->n; k++)
		if (ep->e[k].fd == fd && ep->e[k].file == file)
			return &ep->e[k];
	return NULL;
}

int64_t sys_epoll_ctl(struct task *t, const uint64_t *a)
{
	struct epoll *ep = epoll_of(t, (int)a[0]);
	struct file *target = fd_lookup(t->proc->fds, (int)a[2]);
	int op = (int)a[1];
	uint8_t raw[EVENT_SIZE];
	if (!fd_lookup(t->proc->fds, (int)a[0]) || !target)
		return -EBADF;
	if (!ep || (int)a[0] == (int)a[2] || target->ops == &epoll_ops)
		return -EINVAL; /* (nesting epoll instances is not provided) */
	if (op != L_EPOLL_CTL_DEL && copy_from_user(t->proc->mm, raw, a[3], EVENT_SIZE))
		return -EFAULT;
	struct epoll_entry *e = find(ep, (int)a[2], target);
	switch (op) {
	case L_EPOLL_CTL_ADD:
		if (e)
			return -EEXIST;
		if (ep->n == ep->cap) {
			int cap = ep->cap ? 2 * ep->cap : 8;
			struct epoll_entry *grown = realloc(ep->e, sizeof *grown * (size_t)cap);
			if (!grown)
				return -ENOMEM;
			ep->e = grown;
			ep->cap = cap;
		}
		e = &ep->e[ep->n++];
		*e = (struct epoll_entry){(int)a[2], target, get32(raw, 0), get64(raw, 4), 0};
		return 0;
	case L_EPOLL_CTL_MOD:
		if (!e)
			return -ENOENT;
		e->events = get32(raw, 0);
		e->data = get64(raw, 4);
		e->disabled = 0;
		return 0;
	case L_EPOLL_CTL_DEL:
		if (!e)
			return -ENOENT;
		*e = ep->e[--ep->n];
		return 0;
	default: return -EINVAL;
	}
}

/* Drops entries whose descriptor was closed (or now names another file). */
static void prune(struct task *t, struct epoll *ep)
{
	for (int k = 0; k < ep->n;)
		if (fd_lookup(t->proc->fds, ep->e[k].fd) != ep->e[k].file)
			ep->e[k] = ep->e[--ep->n];
		else
			k++;
}

static int64_t report(struct task *t, struct epoll *ep, const struct poll_set *s,
		      const int *index, uint64_t uevents, int max)
{
	int out = 0;
	uint8_t raw[EVENT_SIZE];
	for (int k = 0; k < s->n && out < max; k++) {
		if (!s->e[k].revents)
			continue;
		struct epoll_entry *e = &ep->e[index[k]];
		put32(raw, 0, (uint16_t)s->e[k].revents);
		put64(raw, 4, e->data);
		if (copy_to_user(t->proc->mm, uevents + (uint64_t)out * EVENT_SIZE, raw, EVENT_SIZE))
			return -EFAULT;
		if (e->events & L_EPOLLONESHOT)
			e->disabled = 1;
		out++;
	}
	return out;
}

static int64_t do_epoll_wait(struct task *t, int epfd, uint64_t uevents, int max, int64_t timeout_ns)
{
	struct epoll *ep = epoll_of(t, epfd);
	if (!fd_lookup(t->proc->fds, epfd))
		return -EBADF;
	if (!ep || max <= 0 || max > MAX_EVENTS)
		return -EINVAL;
	prune(t, ep);
	int nowait, *index = calloc((size_t)ep->n + 1, sizeof *index);
	int64_t deadline = poll_deadline(t, timeout_ns, &nowait);
	struct poll_set s = {calloc((size_t)ep->n + 1, sizeof(struct pollfd)), 0,
			     calloc((size_t)ep->n + 1, sizeof(struct pollfd)), 0};
	int64_t rc = index && s.e && s.host ? 0 : -ENOMEM;
	for (int k = 0; !rc && k < ep->n; k++)
		if (!ep->e[k].disabled) {
			index[s.n] = k;
			s.e[s.n++] = (struct pollfd){ep->e[k].fd, (short)(ep->e[k].events & 0xffff), 0};
		}
	if (!rc)
		rc = poll_or_park(t, &s, deadline, nowait);
	if (rc > 0)
		rc = report(t, ep, &s, index, uevents, max);
	free(index);
	free(s.e);
	free(s.host);
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

int epoll_entries(const struct file *f)
{
	return f->ops == &epoll_ops ? ((const struct epoll *)f->priv)->n : -1;
}

void epoll_entry_image(const struct file *f, int k, struct epoll_entry_image *out)
{
	const struct epoll_entry *e = &((const struct epoll *)f->priv)->e[k];
	*out = (struct epoll_entry_image){e->fd, e->file, e->events, e->data, e->disabled};
}

struct file *epoll_restore(int flags)
{
	struct epoll *ep = calloc(1, sizeof *ep);
	struct file *f = ep ? file_new(&epoll_ops, ep, flags, "anon_inode:[eventpoll]") : NULL;
	if (!f)
		free(ep);
	return f;
}

int epoll_restore_entry(struct file *f, const struct epoll_entry_image *img)
{
	struct epoll *ep = f->priv;
	if (ep->n == ep->cap) {
		int cap = ep->cap ? ep->cap * 2 : 8;
		struct epoll_entry *e = realloc(ep->e, (size_t)cap * sizeof *e);
		if (!e)
			return -1;
		ep->e = e;
		ep->cap = cap;
	}
	ep->e[ep->n++] = (struct epoll_entry){img->fd, img->file, img->events, img->data,
					      img->disabled};
	return 0;
}
