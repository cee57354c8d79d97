/* System call entry: registers → table row → handler → result register. */
#include <errno.h>

#include "cpu/mxcsr.h"
#include "cpu/x87_resident.h"
#include "debug/gdb.h"
#include "kernel/entry.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/sched.h"
#include "kernel/task/timer.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/hostcache.h"
#include "trace/hooks.h"

/* Rows absent from an ABI (number -1) all land in the spare last slot, which
 * is never looked up; the override warnings for it are expected. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const struct syscall_desc table64[SYSCALL_NR_MAX + 1] = {
#define SYSCALL(name, nr64, nr32, handler, fmt)                                                    \
	[(nr64) < 0 ? SYSCALL_NR_MAX : (nr64)] = {#name, sys_##handler, fmt},
#include "kernel/sys/syscalls.tbl"
#undef SYSCALL
};
static const struct syscall_desc table32[SYSCALL_NR_MAX + 1] = {
#define SYSCALL(name, nr64, nr32, handler, fmt)                                                    \
	[(nr32) < 0 ? SYSCALL_NR_MAX : (nr32)] = {#name, sys_##handler, fmt},
#include "kernel/sys/syscalls.tbl"
#undef SYSCALL
};
#pragma GCC diagnostic pop

const struct syscall_desc *syscall_lookup(int abi, uint64_t nr)
{
	const struct syscall_desc *d;
	if (nr >= SYSCALL_NR_MAX)
		return NULL;
	d = abi == ABI_X86_64 ? &table64[nr] : &table32[nr];
	return d->fn ? d : NULL;
}

static void read_args(const struct cpu *c, enum syscall_abi abi, uint64_t *a)
{
	static const uint8_t regs64[6] = {R_DI, R_SI, R_DX, R_R10, R_R8, R_R9};
	static const uint8_t regs32[6] = {R_BX, R_CX, R_DX, R_SI, R_DI, R_BP};
	for (int k = 0; k < 6; k++)
		a[k] = abi == ABI_X86_64 ? c->r[regs64[k]] : (uint32_t)c->r[regs32[k]];
}

/* Calls that leave buffered host files as they are: read and write
 * settle conflicts themselves, and the rest touch no file. */
static int keeps_host_buffers(const struct syscall_desc *d)
{
	return d->fn == sys_read || d->fn == sys_write || d->fn == sys_brk ||
	       d->fn == sys_getpid || d->fn == sys_gettid || d->fn == sys_clock_gettime ||
	       d->fn == sys_rt_sigprocmask;
}

static int64_t invoke(struct task *t, enum syscall_abi abi, uint64_t nr, const uint64_t *a)
{
	struct vm *vm = t->vm;
	const struct syscall_desc *d = syscall_lookup(abi, nr);
	if (!d) {
		if (!t->resuming)
			vm->sys.unknown++;
		return -ENOSYS;
	}
	if (vm->hostcaches && !keeps_host_buffers(d))
		hostcache_sync_all(vm);
	if (vm->opt.stats)
		return stats_timed_call(t, abi, nr, d, a);
	return d->fn(t, a);
}

/* Settles the result: the trace line, restart codes, the result register. */
static void complete(struct task *t, enum syscall_abi abi, uint64_t nr, int64_t ret)
{
	struct cpu *c = &t->cpu;
	if (t->vm->opt.trace_syscalls)
		strace_exit(t, ret);
	if (t->vm->opt.stats)
		stats_syscall_done(t, abi, nr, ret);
	if (ret == -KERN_ERESTARTSYS || ret == -KERN_ERESTARTNOHAND) {
		/* what the guest sees unless signal delivery restarts the call */
		t->restart_ret = -ret;
		t->restart_nr = nr;
		ret = -EINTR;
	}
	if (t->restore_sigmask && ret != -EINTR) {
		/* a call that waited under its own mask (pselect6, ppoll,
		 * epoll_pwait) and was not interrupted puts the old one back
		 * now, before any signal it let through can be delivered */
		t->sigmask = t->saved_sigmask;
		t->restore_sigmask = 0;
	}
	if (ret == SYSCALL_REGS_SET)
		return;
	c->r[R_AX] = abi == ABI_I386 && !c->mode64 ? (uint32_t)ret : (uint64_t)ret;
}

static void park(struct task *t, enum syscall_abi abi, uint64_t nr, const uint64_t *a)
{
	t->park.abi = abi;
	t->park.nr = nr;
	for (int k = 0; k < 6; k++)
		t->park.args[k] = a[k];
}

void kernel_syscall(struct cpu *c, enum syscall_abi abi)
{
	struct task *t = c->task;
	uint64_t nr = abi == ABI_X86_64 ? c->r[R_AX] : (uint32_t)c->r[R_AX], a[6];

	mxcsr_unload(c); /* the kernel may read or write the guest's MXCSR */
	x87r_unload(c);	 /* ... and x87 state */
	if (GDB_ATTACHED(t->vm) && gdb_syscall_entry(t, &nr)) {
		mxcsr_load(c);
		return; /* the debugger holds it back, or skipped it */
	}
	read_args(c, abi, a);
	if (nr < SYSCALL_NR_MAX)
		t->vm->sys.count[abi][nr]++;
	if (t->vm->opt.trace_syscalls)
		strace_enter(t, abi, nr, a);
	t->park.progress = 0;
	int64_t ret = invoke(t, abi, nr, a);
	if (ret == -KERN_EPARK)
		park(t, abi, nr, a);
	else
		complete(t, abi, nr, ret);
	if (GDB_ATTACHED(t->vm))
		gdb_syscall_exit(t, nr, ret == -KERN_EPARK ? GDB_SYSCALL_PARKED : GDB_SYSCALL_DONE);
	timers_fire(t);
	if (task_pending(t) & ~t->sigmask)
		c->exit_req = 1; /* the call may have unblocked one: deliver it now */
	mxcsr_load(c);
}

int syscall_resume(struct task *t)
{
	struct parked_call *pc = &t->park;
	int64_t ret;
	if (pc->intr && (task_pending(t) & ~t->sigmask)) {
		ret = pc->progress && !pc->pending ? (int64_t)pc->progress : pc->intr;
		file_put(pc->pending); /* an open that never finished */
		pc->pending = NULL;
	} else {
		t->resuming = 1;
		ret = invoke(t, pc->abi, pc->nr, pc->args);
		t->resuming = 0;
		if (ret == -KERN_EPARK)
			return 0;
	}
	t->state = t->state == TASK_PARKED ? TASK_RUNNABLE : t->state;
	complete(t, pc->abi, pc->nr, ret);
	if (GDB_ATTACHED(t->vm))
		gdb_syscall_exit(t, pc->nr, GDB_SYSCALL_RESUMED);
	return 1;
}
