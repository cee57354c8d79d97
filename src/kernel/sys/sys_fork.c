/* New processes and threads: fork, vfork and clone. The child is a copy of
 * the caller that returns 0 from the call; a vfork parent waits until the
 * child execs or ends; a CLONE_THREAD child is a new task of the caller's
 * process, on its memory, descriptors and dispositions. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debug/gdb.h"
#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/process.h"
#include "kernel/task/sched.h"
#include "kernel/vfs/file.h"
#include "mem/mm.h"
#include "mem/uaccess.h"

#define CLONE_VM	     0x00000100u
#define CLONE_FS	     0x00000200u
#define CLONE_FILES	     0x00000400u
#define CLONE_SIGHAND	     0x00000800u
#define CLONE_PIDFD	     0x00001000u
#define CLONE_PTRACE	     0x00002000u
#define CLONE_VFORK	     0x00004000u
#define CLONE_PARENT	     0x00008000u
#define CLONE_THREAD	     0x00010000u
#define CLONE_SYSVSEM	     0x00040000u
#define CLONE_SETTLS	     0x00080000u
#define CLONE_PARENT_SETTID  0x00100000u
#define CLONE_CHILD_CLEARTID 0x00200000u
#define CLONE_DETACHED	     0x00400000u
#define CLONE_UNTRACED	     0x00800000u
#define CLONE_CHILD_SETTID   0x01000000u
#define CSIGNAL		     0x000000ffu
#define LINUX_SIGCHLD	     17
#define CLONE_SUPPORTED                                                                            \
	(CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_PTRACE | CLONE_VFORK |  \
	 CLONE_PARENT | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |         \
	 CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_UNTRACED | CLONE_CHILD_SETTID)

struct clone_req {
	uint64_t flags, newsp, ptid, ctid, tls;
};

/* The child inherits identity, limits, dispositions, mask and working
 * directory; not pending signals, timers, or an alternate stack's use. */
static void inherit(struct process *child, const struct process *parent, const struct task *pt,
		    uint64_t flags)
{
	struct task *ct = child->task;
	child->ppid = (flags & CLONE_PARENT) ? parent->ppid : parent->pid;
	child->pgid = parent->pgid;
	child->sid = parent->sid;
	child->uid = parent->uid;
	child->gid = parent->gid;
	child->ruid = parent->ruid;
	child->suid = parent->suid;
	child->rgid = parent->rgid;
	child->sgid = parent->sgid;
	child->ngroups = parent->ngroups;
	memcpy(child->groups, parent->groups, sizeof child->groups);
	memcpy(child->rlimits, parent->rlimits, sizeof child->rlimits);
	memcpy(child->sigactions, parent->sigactions, sizeof child->sigactions);
	child->mode64 = parent->mode64;
	child->umask = parent->umask;
	child->exe = parent->exe ? strdup(parent->exe) : NULL;
	child->exit_signal = (int)(flags & CSIGNAL);
	ct->cpu = pt->cpu;
	ct->cpu.task = ct;
	ct->cpu.exit_req = 0;
	ct->cpu.r[R_AX] = 0;
	ct->sigmask = pt->sigmask;
	ct->altstack_sp = pt->altstack_sp;
	ct->altstack_size = pt->altstack_size;
	memcpy(ct->comm, pt->comm, sizeof ct->comm);
}

static int give_resources(struct process *child, struct process *parent, uint64_t flags)
{
	child->cwd = strdup(parent->cwd ? parent->cwd : "/");
	child->root = strdup(parent->root ? parent->root : "/");
	if (flags & CLONE_FILES) {
		child->fds = parent->fds;
		child->fds->refs++;
	} else {
		child->fds = fdtable_clone(parent->fds);
	}
	child->mm = (flags & CLONE_VM) ? mm_get(parent->mm) : mm_clone(parent->mm);
	return child->fds && child->mm && child->cwd && child->root ? 0 : -ENOMEM;
}

static int set_child_tls(struct task *ct, uint64_t tls)
{
	if (ct->proc->mode64) {
		if (tls >= (1ull << 47))
			return -EPERM;
		ct->cpu.seg_base[SEG_FS] = tls;
		return 0;
	}
	uint64_t arg[6] = {tls};
	return (int)sys_set_thread_area(ct, arg);
}

static int put_tid(struct mm *mm, uint64_t addr, int tid)
{
	uint8_t raw[4];
	put32(raw, 0, (uint32_t)tid);
	return copy_to_user(mm, addr, raw, 4);
}

/* The new thread's stack, TLS and the tid words the caller asked for. */
static int thread_setup(struct task *t, struct task *nt, const struct clone_req *r)
{
	uint64_t flags = r->flags;
	int rc = 0;
	if (r->newsp)
		nt->cpu.r[R_SP] = r->newsp;
	if (flags & CLONE_SETTLS)
		rc = set_child_tls(nt, r->tls);
	if (!rc && (flags & CLONE_CHILD_SETTID))
		rc = put_tid(t->proc->mm, r->ctid, nt->tid);
	if (!rc && (flags & CLONE_PARENT_SETTID))
		rc = put_tid(t->proc->mm, r->ptid, nt->tid);
	if (flags & CLONE_CHILD_CLEARTID)
		nt->clear_child_tid = r->ctid;
	return rc;
}

static int64_t clone_thread(struct task *t, const struct clone_req *r)
{
	struct task *nt = calloc(1, sizeof *nt);
	if (!nt)
		return -ENOMEM;
	nt->vm = t->vm;
	nt->tid = t->vm->next_pid++;
	nt->cpu = t->cpu;
	nt->cpu.task = nt;
	nt->cpu.exit_req = 0;
	nt->cpu.r[R_AX] = 0;
	nt->sigmask = t->sigmask; /* an alternate stack is not shared */
	memcpy(nt->comm, t->comm, sizeof nt->comm);
	nt->proc = t->proc;
	int rc = thread_setup(t, nt, r);
	if (rc) {
		free(nt);
		return rc;
	}
	process_add_thread(t->proc, nt);
	sched_add(t->vm, nt);
	t->vm->threads_created++;
	return nt->tid;
}

static int64_t do_clone(struct task *t, const struct clone_req *r)
{
	struct vm *vm = t->vm;
	uint64_t flags = r->flags;
	if (flags & ~(uint64_t)CLONE_SUPPORTED)
		return -EINVAL;
	if (((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND)) ||
	    ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM)))
		return -EINVAL;
	if (flags & CLONE_THREAD)
		return clone_thread(t, r);
	if (flags & CLONE_SIGHAND)
		return -ENOSYS; /* processes sharing their dispositions: not provided */
	struct process *parent = t->proc, *child = process_create(vm);
	if (!child)
		return -ENOMEM;
	struct task *ct = child->task;
	inherit(child, parent, t, flags);
	int rc = give_resources(child, parent, flags);
	if (!rc && r->newsp)
		ct->cpu.r[R_SP] = r->newsp;
	if (!rc && (flags & CLONE_SETTLS))
		rc = set_child_tls(ct, r->tls);
	if (!rc && (flags & CLONE_CHILD_SETTID))
		rc = put_tid(child->mm, r->ctid, ct->tid);
	if (!rc && (flags & CLONE_PARENT_SETTID))
		rc = put_tid(parent->mm, r->ptid, ct->tid);
	if (rc) {
		child->state = PROC_ZOMBIE;
		process_reap(vm, child);
		return rc;
	}
	if (flags & CLONE_CHILD_CLEARTID)
		ct->clear_child_tid = r->ctid;
	sched_add(vm, ct);
	int pid = child->pid;
	if (flags & CLONE_VFORK) {
		child->vfork_parent = t;
		t->vfork_child = pid;
	}
	if (GDB_ATTACHED(vm))
		gdb_forked(t, child);
	return flags & CLONE_VFORK ? sched_park(t, child, 0) : pid;
}

/* A vfork parent resumes with the child's pid once the child has let go of
 * the shared memory (exec or exit). */
static int64_t vfork_resume(struct task *t)
{
	struct process *child = process_find(t->vm, t->vfork_child);
	if (child && child->vfork_parent == t)
		return sched_park(t, child, 0);
	return t->vfork_child;
}

int64_t sys_fork(struct task *t, const uint64_t *a)
{
	struct clone_req r = {LINUX_SIGCHLD, 0, 0, 0, 0};
	return do_clone(t, &r);
}

int64_t sys_vfork(struct task *t, const uint64_t *a)
{
	if (t->resuming)
		return vfork_resume(t);
	struct clone_req r = {CLONE_VM | CLONE_VFORK | LINUX_SIGCHLD, 0, 0, 0, 0};
	return do_clone(t, &r);
}

/* clone3: struct clone_args of 64-bit fields (flags, pidfd, child_tid,
 * parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size,
 * cgroup); the stack is given by its lowest address and size. */
int64_t sys_clone3(struct task *t, const uint64_t *a)
{
	uint8_t raw[88];
	uint64_t size = a[1];
	if (t->resuming)
		return vfork_resume(t);
	if (size < 64 || size > sizeof raw)
		return size < 64 ? -EINVAL : -E2BIG;
	if (copy_from_user(t->proc->mm, raw, a[0], (size_t)size))
		return -EFAULT;
	memset(raw + size, 0, sizeof raw - size);
	uint64_t flags = get64(raw, 0), signal = get64(raw, 32), stack = get64(raw, 40),
		 stack_size = get64(raw, 48);
	if ((flags & (CSIGNAL | CLONE_PIDFD)) || signal > 64 || get64(raw, 72) || get64(raw, 80))
		return -EINVAL; /* (pidfds, set_tid and cgroups are not provided) */
	if (!stack != !stack_size)
		return -EINVAL;
	struct clone_req r = {flags | signal, stack ? stack + stack_size : 0, get64(raw, 24),
			      get64(raw, 16), get64(raw, 56)};
	return do_clone(t, &r);
}

/* x86-64: flags, stack, parent_tid, child_tid, tls; i386 swaps the last two. */
int64_t sys_clone(struct task *t, const uint64_t *a)
{
	if (t->resuming)
		return vfork_resume(t);
	struct clone_req r = {a[0], a[1], a[2], a[3], a[4]};
	if (!sys_is64(t)) {
		r.tls = a[3];
		r.ctid = a[4];
	}
	return do_clone(t, &r);
}
