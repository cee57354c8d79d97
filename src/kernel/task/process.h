/* The process table: creation, lookup, the end of a process (zombie,
 * reparenting, telling the parent) and reaping. */
#ifndef HEXVM_KERNEL_TASK_PROCESS_H
#define HEXVM_KERNEL_TASK_PROCESS_H

#include "kernel/vm.h"

/* A new process with one task, in the table but not yet scheduled; NULL
 * when out of memory. */
/* RLIMIT_NOFILE, capped at what a descriptor table can hold, and the
 * descriptor table's limit with it. */
void process_set_nofile(struct process *p, uint64_t soft, uint64_t hard);
struct process *process_create(struct vm *vm);
struct process *process_find(const struct vm *vm, int pid);
/* After its last thread ended: resources go, the parent is told, and the
 * process stays a zombie until waited for (or goes at once when nobody
 * will wait). */
void process_exit(struct vm *vm, struct process *p);
/* A zombie waited for: its CPU time goes to the parent, its entry away. */
void process_reap(struct vm *vm, struct process *p);
/* Releases the image an execve replaced, now that nothing runs it. */
void process_release_old_mm(struct process *p);
/* A stop signal's default action, and SIGCONT (or SIGKILL) ending it. */
void process_stop(struct task *t, int sig);
void process_continue(struct process *p);
/* Makes t a thread of p. */
void process_add_thread(struct process *p, struct task *t);
/* execve: the other threads go; t becomes the leader, with the pid as tid. */
void process_de_thread(struct vm *vm, struct task *t);
/* After a task ended: it goes (with every other thread on a group exit);
 * the last thread's end is the process's. */
void task_reap(struct vm *vm, struct task *t);
/* Frees every process left when the machine stops. */
void process_free_all(struct vm *vm);

#endif
