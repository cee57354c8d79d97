/* epoll instances, as Linux keeps them: an interest list of (descriptor,
 * file) entries, level- or edge-triggered, oneshot, and nestable (an
 * instance is a file another instance, poll or select can watch).
 *
 * An entry does not hold its file: the file drops its entries when it goes
 * (file->unwatch), as Linux drops the entries of a closed description.
 * Edges: an edge-triggered entry reports a ready file again only after an
 * edge, which is an ADD or MOD, a wake-up of the kernel file's waiters
 * (file_ops.wake_seq), or, for a host descriptor, an edge the host's own
 * epoll reports (host/hostep.h: every host-backed entry is watched there,
 * through a duplicate of its descriptor, and the instance's host epoll is
 * also what a waiting task parks on). A file with neither (a signalfd; any
 * host descriptor on a host without epoll) has an edge when a readiness bit
 * it did not have comes up. Events come out in the order of Linux's ready
 * list: entries by the stamp of the wake-up that queued them (an ADD or MOD
 * of a ready file, a kernel file's wake_seq, a host edge when it is taken). */
#ifndef HEXVM_KERNEL_SYS_EPOLL_H
#define HEXVM_KERNEL_SYS_EPOLL_H

#include <stdint.h>

struct file;
struct task;
struct vm;

#define L_EPOLLIN	 0x001u
#define L_EPOLLOUT	 0x004u
#define L_EPOLLERR	 0x008u
#define L_EPOLLHUP	 0x010u
#define L_EPOLLRDHUP	 0x2000u
#define L_EPOLLEXCLUSIVE (1u << 28)
#define L_EPOLLWAKEUP	 (1u << 29)
#define L_EPOLLONESHOT	 (1u << 30)
#define L_EPOLLET	 (1u << 31)
#define EPOLL_MAX_NESTS	 4 /* Linux's: at most 5 instances in a chain */

struct epoll;

struct epoll_entry {
	struct epoll *ep; /* the instance whose list holds it */
	struct file *file;
	int fd;
	uint32_t events; /* as asked, with EPOLLERR and EPOLLHUP */
	uint64_t data;
	int disabled;	 /* a oneshot entry that reported, until EPOLL_CTL_MOD */
	int edge;	 /* an edge not yet taken */
	uint64_t queued; /* its place in the ready list: the stamp of the wake-up
			  * that put it there (vfs/wakeseq.h); 0: not on it */
	int seq_known;
	uint64_t seq;			  /* the file's wake_seq when last looked at */
	uint16_t last_revents;		  /* what held then (files without wake_seq) */
	int host_fd;			  /* the duplicate watched by the host epoll, or -1 */
	uint64_t tag;			  /* its name there */
	struct epoll_entry *next_watcher; /* the file's other entries */
};

struct epoll {
	struct vm *vm;
	struct file *self;
	struct epoll_entry **e;
	int n, cap;
	int host_ep; /* the host epoll descriptor, or -1 */
	int n_host;  /* entries it watches */
	uint64_t next_tag;
	uint64_t seq_last; /* with its entries' wake_seqs: this instance's */
};

/* A new instance's file (open flags: O_RDWR and the caller's), or NULL. */
struct file *epoll_file_new(struct vm *vm, int flags);
/* The instance behind f, or NULL when f is none. */
struct epoll *epoll_of_file(const struct file *f);

/* The entry for (fd, file), or NULL. */
struct epoll_entry *epoll_find(struct epoll *ep, int fd, const struct file *file);
/* Adds an entry (its edge pending, as Linux queues a ready file at once);
 * 0 or -errno (ENOMEM, EPERM: a host descriptor the host cannot poll). */
int epoll_insert(struct epoll *ep, int fd, struct file *file, uint32_t events, uint64_t data);
/* New events and data; re-arms a oneshot entry. 0 or -errno. */
int epoll_modify(struct epoll *ep, struct epoll_entry *e, uint32_t events, uint64_t data);
void epoll_remove(struct epoll *ep, struct epoll_entry *e);
/* Keeps the instance's wake_seq from going back when e goes or stops. */
void epoll_forget_seq(struct epoll *ep, const struct epoll_entry *e);
/* What an enabled entry gives its instance's wake_seq: its file's. */
uint64_t epoll_entry_seq(const struct epoll_entry *e);
/* Whether adding instance `to` to ep makes a loop or a chain of more than
 * five instances (ELOOP). */
int epoll_would_loop(struct epoll *ep, struct epoll *to);

/* epoll_ready.c: what is ready. */
struct epoll_event_out {
	uint32_t events;
	uint64_t data;
};
/* Takes at most max events as epoll_wait reports them, in ready-list order
 * (oneshot entries disabled, edges taken, reported level-triggered entries
 * queued again at the end); how many, or -ENOMEM. */
int epoll_take(struct epoll *ep, struct epoll_event_out *out, int max);
/* The bits of e's events (with POLLERR and POLLHUP) that hold now. */
uint16_t epoll_entry_level(const struct epoll_entry *e);
/* Whether a wait would report anything (the instance's own readiness). */
int epoll_has_ready(struct epoll *ep);
/* Host descriptors a task waiting on ep parks on, at most max; how many. */
int epoll_park_fds(struct epoll *ep, int *fds, int max);
/* The instance's wake_seq and wait_host_fd (file_ops). */
uint64_t epoll_seq(struct epoll *ep);

#endif
