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

/* ITIMER_REAL */
void timer_set(struct process *p, int64_t now, int64_t value_ns, int64_t interval_ns);
int64_t timer_remaining(const struct process *p, int64_t now);
/* Sends the signals of timers that have expired. */
void timers_fire(struct task *t);
/* t took a SIGALRM: a periodic ITIMER_REAL that fired starts again. */
void timer_alarm_taken(struct task *t);
/* ITIMER_VIRTUAL (0) and ITIMER_PROF (1) on the process's CPU time
 * (itimer_cpu.c), which is all user time in hexvm: the two count alike.
 * Setting one gives back what it had (value left, interval), as Linux
 * does, and a value is rounded up by a tick; 0 disarms, keeping the
 * interval. */
void itimer_cpu_set(struct process *p, int which, uint64_t value_ns, uint64_t interval_ns,
		    uint64_t *old_value, uint64_t *old_interval);
void itimer_cpu_get(const struct process *p, int which, uint64_t *value, uint64_t *interval);
/* The scheduler's side: instructions t may run before one of its process's
 * comes due (UINT64_MAX: none), and after its slice, the signals of those
 * that came due. */
uint64_t itimer_cpu_budget(const struct task *t);
void itimer_cpu_fire(struct task *t);
/* timerfds (sys_timerfd.c): the earliest armed expiry (0: none), and a wake
 * for the tasks waiting on those that expired. */
int64_t timerfd_next_expiry(const struct vm *vm);
void timerfd_wake_expired(struct vm *vm);

/* POSIX timers (sys_ptimer.c): the earliest armed expiry of any process (0:
 * none); firing the due ones; a process's all going (exit, execve). */
int64_t ptimers_next_expiry(const struct vm *vm);
void ptimers_fire(struct vm *vm, int64_t now);
void ptimers_delete_all(struct vm *vm, struct process *p);
/* A timer's signal was taken by t (info: its siginfo): whether it is to
 * be delivered (not when its timer was set again or deleted since it was
 * sent); a periodic timer starts again, info getting its overrun. */
int ptimer_signal_taken(struct task *t, struct siginfo_k *info);
/* A timer's queued signal went unread (ignoring: its action ignores it). */
void ptimer_signal_discarded(struct process *p, int id, int ignoring);
/* sig's action stopped ignoring it: the periodic timers' signals that
 * waited for that are queued again. */
void ptimers_unignore(struct process *p, int sig);
/* After a restore: each timer's count, and whether its signal is queued. */
void ptimers_restored(struct vm *vm, struct process *p);
/* Those on CPU clocks (kernel/task/cpuclock.h): instructions t may run
 * before one that t's running advances comes due (UINT64_MAX: none), and
 * firing those that came due once it ran. */
uint64_t ptimers_cpu_budget(const struct vm *vm, const struct task *t);
void ptimers_cpu_fire(struct vm *vm, struct task *t);

#endif
