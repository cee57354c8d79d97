/* The process table: creation, lookup, the end of a process (zombie,
 * reparenting, telling the parent) and reaping. */
#ifndef HEXVM_KERNEL_TASK_PROCESS_H
#define HEXVM_KERNEL_TASK_PROCESS_H

#include "kernel/vm.h"

/* A new process with one task, in the table but not yet scheduled; NULL
 * when out of memory. */
struct process *process_create(struct vm *vm);
struct process *process_find(const struct vm *vm, int pid);
/* After its last task ended: resources go, the parent is told, and the
 * process stays a zombie until waited for (or goes at once when nobody
 * will wait). */
void process_exit(struct vm *vm, struct process *p);
/* A zombie waited for: its CPU time goes to the parent, its entry away. */
void process_reap(struct vm *vm, struct process *p);
/* Releases the image an execve replaced, now that nothing runs it. */
void process_release_old_mm(struct process *p);
/* A stop signal's default action, and SIGCONT (or SIGKILL) ending it. */
void process_stop(struct task *t, int sig);
void process_continue(struct task *t);
/* Frees every process left when the machine stops. */
void process_free_all(struct vm *vm);

#endif
