/* Processes and tasks (threads), their life and death. */
#ifndef HEXVM_KERNEL_TASK_TASK_H
#define HEXVM_KERNEL_TASK_TASK_H

#include "kernel/vm.h"

/* Work due at every return to user mode: timers, signal delivery, the
 * settling of an interrupted call. */
void task_return_to_user(struct task *t);
/* What the CPU calls when the guest faults. */
void task_on_fault(struct cpu *c);

/* Ends the task's process, every thread of it, with a wait status (exit
 * code << 8, or a signal number with 0x80 for a core dump). */
void task_exit(struct task *t, int wait_status);
/* exit(2): ends this thread only; the last one's code is the process's. */
void task_exit_thread(struct task *t, int code);
/* The live task with this thread id, or NULL. */
struct task *task_find(const struct vm *vm, int tid);

#endif
