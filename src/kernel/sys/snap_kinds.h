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

/* epoll instances: their interest lists, entry by entry. */
struct epoll_entry_image {
	int fd;
	const struct file *file; /* the description it watches */
	uint32_t events;
	uint64_t data;
	int disabled;
	int edge;		/* an edge-triggered entry has an edge to report */
	uint64_t queued;	/* its place in the ready list: 1, 2 ... (0: not on it) */
	uint16_t last_revents;	/* readiness last seen (files with no other edges) */
};
/* How many entries f has, or -1 when f is no epoll instance. */
int epoll_entries(const struct file *f);
void epoll_entry_image(const struct file *f, int k, struct epoll_entry_image *out);
/* An empty instance; then its entries, in order. NULL / -1 when out of memory. */
struct file *epoll_restore(struct vm *vm, int flags);
int epoll_restore_entry(struct file *f, const struct epoll_entry_image *e);

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
