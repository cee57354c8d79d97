/* Interval timers and waiting, on the virtual clock. */
#ifndef HEXVM_KERNEL_TASK_TIMER_H
#define HEXVM_KERNEL_TASK_TIMER_H

#include <stdint.h>

#include "kernel/vm.h"

/* Internal return codes of calls a signal interrupts (never seen by guests):
 * RESTARTSYS restarts after a handler with SA_RESTART, RESTARTNOHAND only
 * when no handler runs; otherwise the guest gets EINTR. */
#define KERN_ERESTARTSYS    512
#define KERN_ERESTARTNOHAND 514

void timer_set(struct process *p, int64_t now, int64_t value_ns, int64_t interval_ns);
int64_t timer_remaining(const struct process *p, int64_t now);
/* Sends the signals of timers that have expired. */
void timers_fire(struct task *t);
/* timerfds (sys_timerfd.c): the earliest armed expiry (0: none), and a wake
 * for the tasks waiting on those that expired. */
int64_t timerfd_next_expiry(const struct vm *vm);
void timerfd_wake_expired(struct vm *vm);

/* POSIX timers (sys_ptimer.c): the earliest armed expiry of any process (0:
 * none); firing the due ones; a process's all going (exit, execve). */
int64_t ptimers_next_expiry(const struct vm *vm);
void ptimers_fire(struct vm *vm, int64_t now);
void ptimers_delete_all(struct process *p);
/* Those on CPU clocks (kernel/task/cpuclock.h): instructions t may run
 * before one that t's running advances comes due (UINT64_MAX: none), and
 * firing those that came due once it ran. */
uint64_t ptimers_cpu_budget(const struct vm *vm, const struct task *t);
void ptimers_cpu_fire(struct vm *vm, struct task *t);

#endif
