/* Wake-ups of a kernel file's waiters, counted by the poll bits they carry,
 * as Linux's wait queues key them: what an edge-triggered epoll watch takes
 * for an edge. A write to a pipe wakes its readers (POLLIN) even when they
 * could read already; a close wakes everyone whatever they wait for. */
#ifndef HEXVM_KERNEL_VFS_WAKESEQ_H
#define HEXVM_KERNEL_VFS_WAKESEQ_H

#include <poll.h>
#include <stdint.h>

#define WAKE_IN_BITS  (POLLIN | POLLPRI | POLLRDNORM | POLLRDBAND)
#define WAKE_OUT_BITS (POLLOUT | POLLWRNORM | POLLWRBAND)

struct wake_seq {
	uint64_t in, out, any; /* wake-ups for readers, for writers, for all */
};

/* The wake-ups a watch for `events` has seen so far. */
static inline uint64_t wake_seq_for(const struct wake_seq *w, uint32_t events)
{
	return w->any + (events & WAKE_IN_BITS ? w->in : 0) + (events & WAKE_OUT_BITS ? w->out : 0);
}

#endif
