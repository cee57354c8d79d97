/* epoll instances: the interest list, the links from each watched file to
 * its entries, the host epoll that watches host descriptors, and the
 * nesting rules (see epoll.h). */
#include "kernel/sys/epoll.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "host/hostep.h"
#include "kernel/sys/snap_kinds.h"
#include "kernel/vfs/file.h"
#include "kernel/vm.h"

#define HOST_EVENT_BITS                                                                            \
	(POLLIN | POLLPRI | POLLOUT | POLLERR | POLLHUP | POLLRDNORM | POLLRDBAND | POLLWRNORM |   \
	 POLLWRBAND | L_EPOLLRDHUP)
#define LOOP (INT_MAX / 2)

static void ep_release(struct file *f);
static short ep_poll(struct file *f) { return epoll_has_ready(f->priv) ? POLLIN : 0; }
static uint64_t ep_wake_seq(struct file *f, uint32_t events) { return epoll_seq(f->priv); }
static int ep_wait_host_fd(const struct file *f)
{
	return ((const struct epoll *)f->priv)->host_ep;
}

static const struct file_ops epoll_ops = {.name = "epoll",
					  .poll = ep_poll,
					  .wake_seq = ep_wake_seq,
					  .wait_host_fd = ep_wait_host_fd,
					  .release = ep_release};

struct file *epoll_file_new(struct vm *vm, int flags)
{
	struct epoll *ep = calloc(1, sizeof *ep);
	struct file *f =
		ep ? file_new(&epoll_ops, ep, O_RDWR | flags, "anon_inode:[eventpoll]") : NULL;
	if (!f) {
		free(ep);
		return NULL;
	}
	ep->vm = vm;
	ep->self = f;
	ep->host_ep = hostep_create(); /* < 0 without one: host descriptors are polled */
	return f;
}

struct epoll *epoll_of_file(const struct file *f)
{
	return f && f->ops == &epoll_ops ? f->priv : NULL;
}

struct epoll_entry *epoll_find(struct epoll *ep, int fd, const struct file *file)
{
	for (int k = 0; k < ep->n; k++)
		if (ep->e[k]->fd == fd && ep->e[k]->file == file)
			return ep->e[k];
	return NULL;
}

/* The host descriptor that tells of the file's edges: its own, or a nested
 * instance's host epoll; -1 for a kernel file. */
static int host_side(const struct file *f)
{
	if (!f->ops)
		return f->host_fd;
	return f->ops->wait_host_fd ? f->ops->wait_host_fd(f) : -1;
}

/* A duplicate of the host side, so that two entries for one description
 * are two watches to the host, as they are to the guest. */
static int watch_on_host(struct epoll *ep, struct epoll_entry *e)
{
	int fd = host_side(e->file);
	if (fd < 0 || ep->host_ep < 0)
		return 0;
	int dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dup < 0)
		return -errno;
	int rc = hostep_add(ep->host_ep, dup, e->events & HOST_EVENT_BITS, e->tag);
	if (rc) {
		close(dup);
		return rc;
	}
	e->host_fd = dup;
	ep->n_host++;
	return 0;
}

static void unwatch_on_host(struct epoll *ep, struct epoll_entry *e)
{
	if (e->host_fd < 0)
		return;
	hostep_del(ep->host_ep, e->host_fd);
	close(e->host_fd);
	e->host_fd = -1;
	ep->n_host--;
}

void epoll_forget_seq(struct epoll *ep, const struct epoll_entry *e)
{
	uint64_t seq = epoll_entry_seq(e);
	if (seq > ep->seq_last)
		ep->seq_last = seq;
}

uint64_t epoll_entry_seq(const struct epoll_entry *e)
{
	const struct file *f = e->file;
	if (e->disabled || !f->ops || !f->ops->wake_seq)
		return 0;
	return f->ops->wake_seq((struct file *)f, e->events);
}

/* The file goes: so do its entries in every instance. */
static void unwatch_file(struct file *f)
{
	while (f->watchers)
		epoll_remove(f->watchers->ep, f->watchers);
}

/* ADD and MOD: Linux puts a file that is ready at once on the ready list
 * (one already there keeps its place), which wakes an instance watching
 * this one; wake-ups count from now on. */
static void queue_if_ready(struct epoll *ep, struct epoll_entry *e)
{
	const struct file *f = e->file;
	e->seq_known = f->ops && f->ops->wake_seq;
	e->seq = e->seq_known ? f->ops->wake_seq((struct file *)f, e->events) : 0;
	if (!epoll_entry_level(e))
		return;
	ep->seq_last = ++ep->vm->wake_clock;
	if (!e->queued)
		e->queued = ep->seq_last;
}

static int grow(struct epoll *ep)
{
	if (ep->n < ep->cap)
		return 0;
	int cap = ep->cap ? 2 * ep->cap : 8;
	struct epoll_entry **e = realloc(ep->e, sizeof *e * (size_t)cap);
	if (!e)
		return -ENOMEM;
	ep->e = e;
	ep->cap = cap;
	return 0;
}

/* must_watch: a host descriptor the host epoll refuses is an error (else
 * the entry is only polled, as where the host has no epoll). */
static int insert(struct epoll *ep, int fd, struct file *file, uint32_t events, uint64_t data,
		  int must_watch)
{
	struct epoll_entry *e = calloc(1, sizeof *e);
	if (!e || grow(ep)) {
		free(e);
		return -ENOMEM;
	}
	*e = (struct epoll_entry){.ep = ep,
				  .file = file,
				  .fd = fd,
				  .events = events,
				  .data = data,
				  .edge = 1,
				  .host_fd = -1,
				  .tag = ++ep->next_tag};
	int rc = watch_on_host(ep, e);
	if (rc && must_watch) {
		free(e);
		return rc;
	}
	e->next_watcher = file->watchers;
	file->watchers = e;
	file->unwatch = unwatch_file;
	ep->e[ep->n++] = e;
	queue_if_ready(ep, e);
	return 0;
}

int epoll_insert(struct epoll *ep, int fd, struct file *file, uint32_t events, uint64_t data)
{
	return insert(ep, fd, file, events, data, 1);
}

int epoll_modify(struct epoll *ep, struct epoll_entry *e, uint32_t events, uint64_t data)
{
	if (e->host_fd >= 0) {
		int rc = hostep_mod(ep->host_ep, e->host_fd, events & HOST_EVENT_BITS, e->tag);
		if (rc)
			return rc;
	}
	e->events = events;
	e->data = data;
	e->disabled = 0;
	e->edge = 1;
	queue_if_ready(ep, e);
	return 0;
}

/* Out of the file's list of watchers, and off the host. */
static void unlink_entry(struct epoll *ep, struct epoll_entry *e)
{
	for (struct epoll_entry **pp = &e->file->watchers; *pp; pp = &(*pp)->next_watcher)
		if (*pp == e) {
			*pp = e->next_watcher;
			break;
		}
	unwatch_on_host(ep, e);
}

void epoll_remove(struct epoll *ep, struct epoll_entry *e)
{
	epoll_forget_seq(ep, e); /* the instance's wake_seq must not go back */
	unlink_entry(ep, e);
	int k = 0;
	while (k < ep->n && ep->e[k] != e)
		k++;
	for (; k + 1 < ep->n; k++)
		ep->e[k] = ep->e[k + 1];
	ep->n--;
	free(e);
}

static void ep_release(struct file *f)
{
	struct epoll *ep = f->priv;
	for (int k = 0; k < ep->n; k++) {
		unlink_entry(ep, ep->e[k]);
		free(ep->e[k]);
	}
	if (ep->host_ep >= 0)
		close(ep->host_ep);
	free(ep->e);
	free(ep);
}

/* The longest chain of instances below `from` (0: none), or LOOP when
 * `target` is among them or the chain is already too long. */
static int depth_below(const struct epoll *from, const struct epoll *target, int depth)
{
	int best = 0;
	if (depth > EPOLL_MAX_NESTS)
		return LOOP;
	for (int k = 0; k < from->n; k++) {
		const struct epoll *inner = epoll_of_file(from->e[k]->file);
		if (!inner)
			continue;
		int d = inner == target ? LOOP : depth_below(inner, target, depth + 1);
		if (d >= LOOP)
			return LOOP;
		best = d + 1 > best ? d + 1 : best;
	}
	return best;
}

/* The longest chain of instances that watch ep. */
static int depth_above(const struct epoll *ep, int depth)
{
	int best = 0;
	if (depth > EPOLL_MAX_NESTS)
		return LOOP;
	for (const struct epoll_entry *w = ep->self->watchers; w; w = w->next_watcher) {
		int d = depth_above(w->ep, depth + 1);
		best = d + 1 > best ? d + 1 : best;
	}
	return best;
}

int epoll_would_loop(struct epoll *ep, struct epoll *to)
{
	int below = depth_below(to, ep, 0);
	return below >= LOOP || below + 1 + depth_above(ep, 0) > EPOLL_MAX_NESTS;
}

int epoll_entries(const struct file *f)
{
	const struct epoll *ep = epoll_of_file(f);
	return ep ? ep->n : -1;
}

/* A wake-up of the entry's file that no look has noted yet (0: none). */
static uint64_t unnoted_wake(const struct epoll_entry *e)
{
	const struct file *w = e->file;
	uint64_t seq =
		w->ops && w->ops->wake_seq ? w->ops->wake_seq((struct file *)w, e->events) : 0;
	return e->seq_known && !e->disabled && seq != e->seq ? seq : 0;
}

/* Where a look now would queue the entry (0: nowhere). */
static uint64_t queue_stamp(const struct epoll_entry *e)
{
	return e->queued ? e->queued : unnoted_wake(e);
}

/* An edge the file's wake_seq shows but no look has noted yet is saved as
 * one, and the stamps as places 1, 2 ... in the ready list: a restored
 * machine's clock of wake-ups starts again. */
void epoll_entry_image(const struct file *f, int k, struct epoll_entry_image *out)
{
	const struct epoll *ep = epoll_of_file(f);
	const struct epoll_entry *e = ep->e[k];
	uint64_t at = queue_stamp(e), place = 0;
	for (int j = 0; at && j < ep->n; j++) {
		uint64_t other = queue_stamp(ep->e[j]);
		place += other && (other < at || (other == at && j <= k));
	}
	*out = (struct epoll_entry_image){e->fd,   e->file,	   e->events,
					  e->data, e->disabled,	   e->edge || unnoted_wake(e) != 0,
					  place,   e->last_revents};
}

struct file *epoll_restore(struct vm *vm, int flags)
{
	return epoll_file_new(vm, flags & ~O_ACCMODE);
}

int epoll_restore_entry(struct file *f, const struct epoll_entry_image *img)
{
	struct epoll *ep = epoll_of_file(f);
	/* (a restored terminal may be one the host cannot poll: /dev/null) */
	int rc = insert(ep, img->fd, (struct file *)img->file, img->events, img->data, 0);
	if (rc)
		return rc;
	struct epoll_entry *e = ep->e[ep->n - 1];
	e->disabled = img->disabled;
	e->edge = img->edge;
	e->queued = img->queued;
	e->seq_known = 0; /* (taken at the first look, once every file is back) */
	if (ep->vm->wake_clock < img->queued)
		ep->vm->wake_clock = img->queued; /* stamps to come are later */
	e->last_revents = img->last_revents;
	return 0;
}
