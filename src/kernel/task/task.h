/* Processes and tasks (threads), their life and death. */
#ifndef HEXVM_KERNEL_TASK_TASK_H
#define HEXVM_KERNEL_TASK_TASK_H

#include "kernel/vm.h"

struct process *process_create(struct vm *vm);
void process_destroy(struct process *p);

/* Runs the task until its process ends. */
void task_run(struct task *t);

/* Ends the task's process with a wait status (exit code << 8, or a signal
 * number with 0x80 for a core dump). */
void task_exit(struct task *t, int wait_status);

/* No guest thread can ever run again: report and end the machine. */
void task_deadlock(struct task *t, const char *what);

#endif
