/* Threads: tasks sharing a process (memory, descriptors, dispositions). */
#ifndef HEXVM_KERNEL_TASK_THREAD_H
#define HEXVM_KERNEL_TASK_THREAD_H

#include "kernel/vm.h"

/* What a thread leaves behind when it ends while its memory lives on:
 * CLONE_CHILD_CLEARTID's word zeroed and woken, the robust futexes it held
 * marked FUTEX_OWNER_DIED and one waiter of each woken. */
void thread_release(struct task *t);

#endif
