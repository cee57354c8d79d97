/* Signal state changes and delivery. */
#ifndef HEXVM_KERNEL_TASK_SIGNAL_H
#define HEXVM_KERNEL_TASK_SIGNAL_H

#include <stdint.h>

#include "kernel/vm.h"

struct task;

#define SIGBIT(sig)	(1ull << ((sig)-1))
#define SIG_UNBLOCKABLE (SIGBIT(9) | SIGBIT(19)) /* SIGKILL, SIGSTOP */

/* Queues a signal for the task (one of each kind, as for standard signals). */
void signal_send(struct task *t, const struct siginfo_k *info);
/* Queues a process-directed signal (kill, SIGCHLD, timers): the first of
 * its threads that does not block it takes it. */
void signal_send_process(struct process *p, const struct siginfo_k *info);
/* The SIGPIPE a write to a pipe or socket without readers earns its writer. */
void signal_send_sigpipe(struct task *t);
/* Takes the lowest pending signal in `set` (the task's own first, then its
 * process's): its number with *info, or 0. */
int signal_dequeue(struct task *t, uint64_t set, struct siginfo_k *info);
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
