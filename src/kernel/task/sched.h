/* The scheduler: every guest task of the machine runs on the one host
 * thread, in turn, for a quantum of instructions. A system call that has to
 * wait parks its task (sched_park*) and returns -KERN_EPARK; the task is
 * tried again once what it waits for may have happened. Turns are decided
 * by instruction counts only, so a run repeats exactly. */
#ifndef HEXVM_KERNEL_TASK_SCHED_H
#define HEXVM_KERNEL_TASK_SCHED_H

#include <stdint.h>

#include "kernel/vm.h"

/* Internal return code of a call that parked its task (never seen by guests). */
#define KERN_EPARK 1000

/* Instructions a task runs before the next runnable one gets its turn. */
#define SCHED_QUANTUM 400000

/* Adds a new task at the end of the turn order. */
void sched_add(struct vm *vm, struct task *t);
/* Parks the calling task until sched_wake(obj); `intr` is what a signal
 * makes of the call (-KERN_ERESTARTSYS, -EINTR ...; 0: signals wait). */
int64_t sched_park(struct task *t, const void *obj, int64_t intr);
/* Parks it until the monotonic clock reaches deadline_ns (or obj wakes it). */
int64_t sched_park_until(struct task *t, const void *obj, int64_t deadline_ns, int64_t intr);
/* Parks it until host descriptor fd is ready for events. */
int64_t sched_park_host(struct task *t, int fd, short events, int64_t intr);
struct pollfd;
/* What poll and select park on: any wake of any object, a ready host fd
 * among `host`, or the deadline (0: none). */
#define SCHED_ANY(vm) ((const void *)(vm))
int64_t sched_park_poll(struct task *t, const struct pollfd *host, int n, int64_t deadline_ns,
			int64_t intr);
/* Makes every task parked on obj (or on anything) try again. */
void sched_wake(struct vm *vm, const void *obj);
/* Wakes at most max tasks parked on obj; how many it woke. */
int sched_wake_some(struct vm *vm, const void *obj, int max);
/* Moves at most max tasks parked on `from` (not yet woken) to `to`. */
int sched_requeue(struct vm *vm, const void *from, const void *to, int max);
/* A signal was queued for t: a parked call looks again (and an interruptible one
 * ends when the signal is deliverable). */
void sched_signal(struct task *t);

/* Runs the machine until every guest process has ended. */
void sched_run(struct vm *vm);

#endif
