/* Processes and tasks (threads), their life and death. */
#ifndef HEXVM_KERNEL_TASK_TASK_H
#define HEXVM_KERNEL_TASK_TASK_H

#include "kernel/vm.h"

/* Work due at every return to user mode: timers, signal delivery, the
 * settling of an interrupted call. */
void task_return_to_user(struct task *t);
/* What the CPU calls when the guest faults. */
void task_on_fault(struct cpu *c);

/* Ends the task's process with a wait status (exit code << 8, or a signal
 * number with 0x80 for a core dump). */
void task_exit(struct task *t, int wait_status);

#endif
