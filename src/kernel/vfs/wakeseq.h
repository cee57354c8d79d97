/* Wake-ups of a kernel file's waiters, told apart by the poll bits they
 * carry, as Linux's wait queues key them: what an edge-triggered epoll watch
 * takes for an edge. A write to a pipe wakes its readers (POLLIN) even when
 * they could read already; a close wakes everyone whatever they wait for.
 * Each kind keeps the stamp of its last wake-up from the machine's clock of
 * wake-ups (vm->wake_clock), so that epoll also knows which file woke first:
 * the order of Linux's ready list. */
#ifndef HEXVM_KERNEL_VFS_WAKESEQ_H
#define HEXVM_KERNEL_VFS_WAKESEQ_H

#include <poll.h>
#include <stdint.h>

#include "kernel/vm.h"

#define WAKE_IN_BITS  (POLLIN | POLLPRI | POLLRDNORM | POLLRDBAND)
#define WAKE_OUT_BITS (POLLOUT | POLLWRNORM | POLLWRBAND)

struct wake_seq {
	uint64_t in, out, any; /* the last wake-up of readers, of writers, of all */
};

/* Stamps a wake-up (one of w's fields). */
static inline void wake_seq_stamp(struct vm *vm, uint64_t *kind) { *kind = ++vm->wake_clock; }

static inline uint64_t wake_max(uint64_t a, uint64_t b) { return a > b ? a : b; }

/* The last wake-up a watch for `events` sees (0: none yet). */
static inline uint64_t wake_seq_for(const struct wake_seq *w, uint32_t events)
{
	uint64_t last = w->any;
	if (events & WAKE_IN_BITS)
		last = wake_max(last, w->in);
	if (events & WAKE_OUT_BITS)
		last = wake_max(last, w->out);
	return last;
}

#endif
