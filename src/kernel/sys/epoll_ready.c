/* What an epoll instance has to report: the readiness of each watched file
 * (kernel files through their poll op, host descriptors through one host
 * poll), for edge-triggered entries whether an edge came, and the order of
 * the ready list (epoll.h). */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>

#include "host/hostep.h"
#include "kernel/sys/epoll.h"
#include "kernel/sys/pollset.h"
#include "kernel/vfs/file.h"
#include "kernel/vm.h"

#define TAKE_BATCH 64

static struct epoll_entry *by_tag(struct epoll *ep, uint64_t tag)
{
	for (int k = 0; k < ep->n; k++)
		if (ep->e[k]->tag == tag)
			return ep->e[k];
	return NULL;
}

/* An entry woken at `stamp` joins the ready list, unless it is on it. */
static void queue(struct epoll_entry *e, uint64_t stamp)
{
	e->edge = 1;
	if (!e->queued)
		e->queued = stamp;
}

/* The edges the host epoll saw since the last look go to their entries. */
static void take_host_edges(struct epoll *ep)
{
	uint64_t tags[TAKE_BATCH];
	int n;
	if (!ep->n_host)
		return;
	do {
		n = hostep_take(ep->host_ep, tags, TAKE_BATCH);
		for (int k = 0; k < n; k++) {
			struct epoll_entry *e = by_tag(ep, tags[k]);
			if (e && !e->disabled) /* (a disabled entry ignores wake-ups) */
				queue(e, ++ep->vm->wake_clock);
		}
	} while (n == TAKE_BATCH);
}

uint16_t epoll_entry_level(const struct epoll_entry *e)
{
	uint16_t want = (uint16_t)(e->events | POLLERR | POLLHUP);
	if (e->file->ops)
		return (uint16_t)poll_file_revents(e->file) & want;
	struct pollfd p = {e->file->host_fd, (short)want, 0};
	return poll(&p, 1, 0) > 0 ? (uint16_t)p.revents & want : 0;
}

/* rev[k]: the bits of entry k's events (with POLLERR and POLLHUP) that hold
 * now; 0 for a disabled entry. */
static int levels(struct epoll *ep, uint16_t *rev)
{
	struct pollfd *host = calloc((size_t)ep->n + 1, sizeof *host);
	int *where = calloc((size_t)ep->n + 1, sizeof *where), n_host = 0;
	if (!host || !where) {
		free(host);
		free(where);
		return -ENOMEM;
	}
	for (int k = 0; k < ep->n; k++) {
		struct epoll_entry *e = ep->e[k];
		rev[k] = 0;
		if (e->disabled)
			continue;
		if (e->file->ops)
			rev[k] = epoll_entry_level(e);
		else {
			host[n_host] = (struct pollfd){e->file->host_fd,
						       (short)(e->events | POLLERR | POLLHUP), 0};
			where[n_host++] = k;
		}
	}
	if (n_host && poll(host, (nfds_t)n_host, 0) > 0)
		for (int h = 0; h < n_host; h++)
			rev[where[h]] = (uint16_t)host[h].revents &
					(uint16_t)(ep->e[where[h]]->events | POLLERR | POLLHUP);
	free(host);
	free(where);
	return 0;
}

/* Queues an entry whose file was woken since it was last looked at. */
static void note_edge(struct epoll *ep, struct epoll_entry *e, uint16_t rev)
{
	const struct file *f = e->file;
	int has_source = e->host_fd >= 0;
	if (f->ops && f->ops->wake_seq) {
		uint64_t seq = f->ops->wake_seq((struct file *)f, e->events);
		if (e->seq_known && seq != e->seq)
			queue(e, seq);
		e->seq = seq;
		e->seq_known = 1;
		has_source = 1;
	}
	if (!has_source && (rev & ~e->last_revents))
		queue(e, ++ep->vm->wake_clock);
	e->last_revents = rev;
}

/* Readiness and edges of every entry, into rev (n + 1 of them). */
static uint16_t *look(struct epoll *ep)
{
	uint16_t *rev = calloc((size_t)ep->n + 1, sizeof *rev);
	if (!rev)
		return NULL;
	take_host_edges(ep);
	if (levels(ep, rev)) {
		free(rev);
		return NULL;
	}
	for (int k = 0; k < ep->n; k++)
		if (!ep->e[k]->disabled)
			note_edge(ep, ep->e[k], rev[k]);
	return rev;
}

static int reportable(const struct epoll_entry *e, uint16_t rev)
{
	return !e->disabled && rev && (!(e->events & L_EPOLLET) || e->edge);
}

int epoll_has_ready(struct epoll *ep)
{
	uint16_t *rev = look(ep);
	int any = 0;
	for (int k = 0; rev && k < ep->n && !any; k++)
		any = reportable(ep->e[k], rev[k]);
	free(rev);
	return any;
}

/* The entries in ready-list order: by the stamp that queued them, those on
 * no list last (a level-triggered one can be ready there), as they stand. */
static int *ready_order(const struct epoll *ep)
{
	int *order = malloc(sizeof *order * (size_t)(ep->n + 1));
	for (int k = 0; order && k < ep->n; k++) {
		int j = k;
		uint64_t at = ep->e[k]->queued ? ep->e[k]->queued : UINT64_MAX;
		for (; j > 0; j--) {
			const struct epoll_entry *prev = ep->e[order[j - 1]];
			if ((prev->queued ? prev->queued : UINT64_MAX) <= at)
				break;
			order[j] = order[j - 1];
		}
		order[j] = k;
	}
	return order;
}

/* The entry reported: a oneshot one stops, an edge is taken, and a
 * level-triggered one goes to the end of the list, as on Linux. */
static void reported(struct epoll *ep, struct epoll_entry *e)
{
	e->edge = 0;
	e->queued = 0;
	if (e->events & L_EPOLLONESHOT) {
		epoll_forget_seq(ep, e);
		e->disabled = 1;
	} else if (!(e->events & L_EPOLLET))
		e->queued = ++ep->vm->wake_clock;
}

int epoll_take(struct epoll *ep, struct epoll_event_out *out, int max)
{
	uint16_t *rev = look(ep);
	int *order = ready_order(ep), count = 0;
	if (!rev || !order) {
		free(rev);
		free(order);
		return -ENOMEM;
	}
	for (int j = 0; j < ep->n && count < max; j++) {
		int k = order[j];
		struct epoll_entry *e = ep->e[k];
		if (e->disabled)
			continue;
		if (!rev[k]) {
			e->edge = 0; /* Linux drops it from the ready list likewise */
			e->queued = 0;
			continue;
		}
		if (!reportable(e, rev[k]))
			continue;
		out[count++] = (struct epoll_event_out){rev[k], e->data};
		reported(ep, e);
	}
	free(rev);
	free(order);
	return count;
}

int epoll_park_fds(struct epoll *ep, int *fds, int max)
{
	int n = 0;
	if (ep->host_ep >= 0) {
		fds[0] = ep->host_ep;
		return ep->n_host && max > 0;
	}
	for (int k = 0; k < ep->n && n < max; k++) {
		struct epoll_entry *e = ep->e[k];
		struct epoll *inner = epoll_of_file(e->file);
		if (inner)
			n += epoll_park_fds(inner, fds + n, max - n);
		else if (!e->disabled && !e->file->ops)
			fds[n++] = e->file->host_fd;
	}
	return n;
}

uint64_t epoll_seq(struct epoll *ep)
{
	uint64_t seq = ep->seq_last;
	for (int k = 0; k < ep->n; k++)
		if (epoll_entry_seq(ep->e[k]) > seq)
			seq = epoll_entry_seq(ep->e[k]);
	return seq;
}
