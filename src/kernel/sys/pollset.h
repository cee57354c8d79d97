/* Readiness of a set of guest descriptors, shared by poll/select and epoll. */
#ifndef HEXVM_KERNEL_SYS_POLLSET_H
#define HEXVM_KERNEL_SYS_POLLSET_H

#include <poll.h>
#include <stdint.h>

struct task;

struct poll_set {
	struct pollfd *e; /* guest descriptors, their events and the result */
	int n;
	struct pollfd *host; /* the host descriptors among them, to wait on */
	int n_host;
};

struct file;
/* The poll bits that hold for a kernel (ops) file now, with POLLRDNORM and
 * POLLWRNORM beside POLLIN and POLLOUT. */
short poll_file_revents(struct file *f);
/* Fills in revents; the number of entries with any. */
int poll_now(struct task *t, struct poll_set *s);
/* The ready count, or parks the task (any kernel object's change, a host
 * descriptor of the set, or deadline_ns, 0: none) unless nowait. */
int64_t poll_or_park(struct task *t, struct poll_set *s, int64_t deadline, int nowait);
/* The deadline of a timeout in ns (< 0: none; 0 sets *nowait); a resumed
 * call keeps its own. */
int64_t poll_deadline(struct task *t, int64_t timeout_ns, int *nowait);

#endif
