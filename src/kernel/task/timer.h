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
/* Lets ns of time pass: skipped on the virtual clock, waited for with
 * --realtime. */
void task_pass_time(struct task *t, int64_t ns);
/* Sets how long the task may run before a timer needs looking at. */
void task_set_budget(struct task *t);
/* Waits for the next timer (skipping virtual time to it) and fires it;
 * -1 when no timer is armed, so nothing can ever come. */
int task_wait_timer(struct task *t, int64_t deadline_ns);
/* Waits until host descriptor fd is ready for `events` (POLLIN/POLLOUT);
 * 0 when ready, -KERN_ERESTARTSYS when a timer fired first. */
int task_wait_host_fd(struct task *t, int fd, short events);

#endif
