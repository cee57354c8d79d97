/* What snapshots need from the kernel objects the system call files keep
 * private: timerfds, signalfds and POSIX timers, as plain values. */
#ifndef HEXVM_KERNEL_SYS_SNAP_KINDS_H
#define HEXVM_KERNEL_SYS_SNAP_KINDS_H

#include <stdint.h>

struct file;
struct process;
struct vm;

#define TIMERFD_WORDS 5 /* clock, next, interval, expirations, ino */
/* 0 with the words when f is a timerfd, else -1. */
int timerfd_state(const struct file *f, int64_t w[TIMERFD_WORDS]);
/* A timerfd with that state and open flags; NULL when out of memory. */
struct file *timerfd_restore(struct vm *vm, const int64_t w[TIMERFD_WORDS], int flags);

#define SIGNALFD_WORDS 2 /* mask, ino */
int signalfd_state(const struct file *f, uint64_t w[SIGNALFD_WORDS]);
struct file *signalfd_restore(struct vm *vm, const uint64_t w[SIGNALFD_WORDS], int flags);

struct ptimer_image {
	int id, clock, notify, signo, tid, overrun;
	uint64_t value;
	int64_t next, interval;
};
/* A process's timers in list order, at most max of them; how many it has. */
int ptimers_image(const struct process *p, struct ptimer_image *out, int max);
/* Appends timers in that order; 0, or -1 when out of memory. */
int ptimers_restore(struct process *p, const struct ptimer_image *in, int n);

#endif
