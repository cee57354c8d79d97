/* Signal state changes and delivery. */
#ifndef HEXVM_KERNEL_TASK_SIGNAL_H
#define HEXVM_KERNEL_TASK_SIGNAL_H

#include <stdint.h>

#include "kernel/vm.h"

struct task;
struct process;

#define SIGBIT(sig)	(1ull << ((sig)-1))
#define SIG_UNBLOCKABLE (SIGBIT(9) | SIGBIT(19)) /* SIGKILL, SIGSTOP */

/* Sends a signal to the task (tgkill, a fault's, a thread's timer) or to
 * its process (kill, SIGCHLD, timers), whose first thread not blocking it
 * takes it: 0, or -EAGAIN when a real-time signal's instance passes
 * RLIMIT_SIGPENDING (kernel/task/sigqueue.h). */
int signal_send(struct task *t, const struct siginfo_k *info);
int signal_send_process(struct process *p, const struct siginfo_k *info);
/* The SIGPIPE a write to a pipe or socket without readers earns its writer. */
void signal_send_sigpipe(struct task *t);
/* Whether p's action for sig ignores it (SIG_IGN, or a default that does). */
int signal_ignored(const struct process *p, int sig);
/* What a send does before it queues (Linux's prepare_signal): stops and
 * continues cancel each other; then whether the signal is to be queued
 * for t (not when its action ignores it and t does not block it). */
int signal_prepare(struct task *t, int sig);
/* Queues a POSIX timer's own instance, counted with its timer, for the
 * thread, or when NULL for the process p: 0, or -1 when out of memory. */
int signal_queue_timer(struct task *thread, struct process *p, const struct siginfo_k *info);
/* The queued instance of p's timer id, in p's queue or a thread's; NULL. */
struct sigq_entry *signal_find_timer(struct process *p, int id);
/* Takes the first pending signal in `set` as Linux's dequeue_signal does
 * (the task's own before its process's, a synchronous one first, else the
 * lowest number; each instance in the order sent): its number with *info,
 * or 0. */
int signal_dequeue(struct task *t, uint64_t set, struct siginfo_k *info);
/* sig's action now ignores it: every pending instance goes. */
void signal_discard(struct task *t, int sig);
/* Every instance in s, one of p's queues, goes (a thread or process ends). */
void signal_drop_all(struct vm *vm, struct process *p, struct sigpend *s);
/* execve: the timers' signals go (Linux's flush_itimer_signals). */
void signal_drop_timer_signals(struct task *t);
/* Puts a signal back first among t's own, as it was before it was taken. */
void signal_requeue(struct task *t, const struct siginfo_k *info);
/* After a restore: RLIMIT_SIGPENDING's counts, from the queues and timers. */
void signal_queues_restored(struct vm *vm);
/* A synchronous fault: delivered now, and fatal when blocked or ignored. */
void signal_force(struct task *t, const struct siginfo_k *info);
/* Delivers pending unblocked signals at a return to user mode. */
void signal_deliver_pending(struct task *t);
/* Settles a system call a signal interrupted: restarted, or EINTR. */
void signal_finish_interrupted(struct task *t, int handler_flags, int handler_runs);
/* Linux's 128-byte siginfo_t for info, in the x86-64 (is64) or i386
 * layout; and back: the fields the put writes (which union member they
 * are in follows info's kind: a fault when trapno >= 0, a timer, else a
 * sender), read from p. */
void signal_put_siginfo(uint8_t *p, const struct siginfo_k *info, int is64);
void signal_get_siginfo(const uint8_t *p, struct siginfo_k *info, int is64);
/* rt_sigreturn / sigreturn: restores the frame; 0, or -1 for a bad frame. */
int signal_return(struct task *t, int rt);

#endif
