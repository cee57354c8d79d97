/* Pending sets and their queued instances (Linux's struct sigpending and
 * sigqueue), and RLIMIT_SIGPENDING's count of each user's queued signals. */
#ifndef HEXVM_KERNEL_TASK_SIGQUEUE_H
#define HEXVM_KERNEL_TASK_SIGQUEUE_H

#include <stdint.h>

#include "kernel/vm.h"

#define SIGRTMIN_L	    32 /* the first signal that queues (glibc's SIGRTMIN is 34) */
#define RLIMIT_SIGPENDING_L 11

/* How many queued signals (and POSIX timers, which hold one each) a user
 * has: Linux counts them by real uid, whoever the processes are. */
struct sigq_user {
	uint32_t uid;
	uint64_t count;
};

/* Counts one more for uid: 0, or -1 when that would pass limit, unless
 * override (what the kernel sends itself is never refused). */
int sigq_charge(struct vm *vm, uint32_t uid, uint64_t limit, int override);
void sigq_uncharge(struct vm *vm, uint32_t uid);
uint64_t sigq_count(const struct vm *vm, uint32_t uid);
/* Forgets every count (the machine ends, or a restore counts again). */
void sigq_clear_counts(struct vm *vm);

/* Appends an instance of info->signo, or puts it first; the bit is the
 * caller's to set. NULL when out of memory. */
struct sigq_entry *sigq_append(struct sigpend *s, const struct siginfo_k *info);
struct sigq_entry *sigq_push_front(struct sigpend *s, const struct siginfo_k *info);
/* The signal of s in set Linux's next_signal takes first: a synchronous
 * one (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS) before any other,
 * the lowest number first; 0 when none. */
int sigq_next(const struct sigpend *s, uint64_t set);
/* Takes sig (pending in s) out: its first instance, detached, with its
 * siginfo in *info; the bit goes when no other instance is left. A signal
 * pending without one gives NULL, and the siginfo of a kill from nobody. */
struct sigq_entry *sigq_take(struct sigpend *s, int sig, struct siginfo_k *info);
/* Takes every signal of mask out of s: their instances, detached, in order. */
struct sigq_entry *sigq_remove(struct sigpend *s, uint64_t mask);
/* Takes out the instances with si_code SI_TIMER (execve's
 * flush_itimer_signals): a signal stays pending only if it had another. */
struct sigq_entry *sigq_remove_timer_signals(struct sigpend *s);
/* Frees a detached instance, giving back what it counted. */
void sigq_release(struct vm *vm, struct sigq_entry *e);

#endif
