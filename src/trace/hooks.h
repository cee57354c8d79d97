/* Every call the rest of hexvm makes into the observability code (-s, -Z,
 * --trace, fault reports), in one place. Each is made only when its option
 * is on, except obs_signal and obs_killed, which cost nothing when
 * vm->obs is NULL and a fault report is always written. */
#ifndef HEXVM_TRACE_HOOKS_H
#define HEXVM_TRACE_HOOKS_H

#include <stdint.h>

#include "kernel/vm.h"

struct syscall_desc;

/* cli/main.c: before the first process starts, and at the very end. */
int obs_create(struct vm *vm);
void obs_destroy(struct vm *vm);

/* kernel/sys/dispatch.c, with -s: a call entered (its arguments read now),
 * and finished with `ret` (the kernel's own code: -ERESTARTSYS and the
 * like are written as such). */
void strace_enter(struct task *t, int abi, uint64_t nr, const uint64_t *a);
void strace_exit(struct task *t, int64_t ret);

/* kernel/sys/dispatch.c, with -Z: runs the handler, timed; and the call's
 * end (errors, memory high-water mark). */
int64_t stats_timed_call(struct task *t, int abi, uint64_t nr, const struct syscall_desc *d,
			 const uint64_t *a);
void stats_syscall_done(struct task *t, int abi, uint64_t nr, int64_t ret);

/* kernel/task/signal.c: a signal taken by a task (counted, and written by
 * -s), and a task killed by one (`fault`: raised by an instruction): the
 * fault report and -s's last line. */
void obs_signal(struct task *t, const struct siginfo_k *info);
void obs_killed(struct task *t, const struct siginfo_k *info, int fault);

/* kernel/task/sched.c, with --trace: runs the task as cpu_run would, one
 * instruction at a time and written out while it is traced. */
void itrace_run(struct task *t);

#endif
