/* The gdb remote stub: `hexvm --gdb PORT` (or unix:PATH) lets gdb debug the
 * first guest process, and the processes it forks when gdb wants them. The
 * machine runs on one host thread, so while gdb has control nothing in the
 * guest runs (all-stop). The kernel and the scheduler call the hooks below
 * only when vm->gdb is set, so a machine without a debugger pays nothing
 * for them. */
#ifndef HEXVM_DEBUG_GDB_H
#define HEXVM_DEBUG_GDB_H

#include <stddef.h>
#include <stdint.h>

struct vm;
struct task;
struct process;
struct siginfo_k;

/* `make GDB_STUB=0` leaves the stub out (debug/nostub.c stands in): the
 * kernel's hooks are then compiled away, which bench/stub_cost.sh uses to
 * show what the stub costs a machine that does not use it. */
#ifdef HEXVM_NO_GDB_STUB
#define GDB_ATTACHED(vm) 0
#else
#define GDB_ATTACHED(vm) ((vm)->gdb != NULL)
#endif

struct gdb_options {
	const char *address; /* "PORT", "HOST:PORT" or "unix:PATH" */
	int follow_fork;     /* at fork, the debugger follows the child */
};

/* Waits for gdb to connect and serves it until it lets the first process
 * start (the process stands before its first instruction). 0, or -1 with a
 * reason in msg (the machine should not run). */
int gdb_open(struct vm *vm, const struct gdb_options *opt, char *msg, size_t msgsize);
/* At the machine's end: tells a waiting gdb and frees the stub. */
void gdb_close(struct vm *vm);

/* Scheduler: once per turn (gdb's Ctrl-C, events of the last run); 1 when
 * the machine stopped for gdb meanwhile. */
int gdb_poll(struct vm *vm);
/* Scheduler: 0 when gdb keeps task t stopped. */
int gdb_may_run(struct vm *vm, const struct task *t);
/* Scheduler: nothing can run or wake up by itself; 1 when gdb is there to
 * change that (the machine waits for gdb's Ctrl-C), 0 otherwise. */
int gdb_idle(struct vm *vm);
/* Scheduler: before each run of guest code on t; may report a stop, and may
 * lower t's instruction limit to step. 0 when t must not run now. */
int gdb_before_run(struct vm *vm, struct task *t);

/* Signals: `info` is about to be delivered to t. Returns what to deliver
 * instead (info itself, or a replacement written to *other), or NULL when
 * the debugger discarded it. */
const struct siginfo_k *gdb_signal(struct task *t, const struct siginfo_k *info,
				   struct siginfo_k *other);
/* Process life: p ends with this wait status; thread t made process child
 * (fork, vfork: child->vfork_parent is t); t's process ran execve. */
void gdb_exited(struct vm *vm, struct process *p, int wait_status);
void gdb_forked(struct task *t, struct process *child);
void gdb_execed(struct task *t);

/* System calls (kernel/sys/dispatch.c). At the entry, before the arguments
 * are read: a caught call stops here, and gdb may change its number and
 * arguments. 1 when the call must not run now: gdb holds the thread (the
 * instruction runs again when it resumes) or skipped the call. At the end,
 * or when the call parked: the stops the call brings (fork, exec, a caught
 * call's return). */
int gdb_syscall_entry(struct task *t, uint64_t *nr);
enum gdb_syscall_end {
	GDB_SYSCALL_DONE,    /* completed, inside its system call instruction */
	GDB_SYSCALL_PARKED,  /* parked, inside the instruction */
	GDB_SYSCALL_RESUMED, /* a parked call completed, long after its instruction */
};
void gdb_syscall_exit(struct task *t, uint64_t nr, enum gdb_syscall_end end);

#endif
