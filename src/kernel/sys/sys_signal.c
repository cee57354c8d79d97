/* Signal calls: actions, masks, the alternate stack, kill, sigreturn. */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/process.h"
#include "kernel/task/signal.h"
#include "kernel/task/task.h"
#include "kernel/task/timer.h"
#include "mem/uaccess.h"

#define LINUX_SI_USER  0
#define LINUX_SI_TKILL (-6)
#define MINSIGSTKSZ_L  2048
#define SS_ONSTACK_L   1
#define SS_DISABLE_L   2

static int valid_signal(int64_t sig) { return sig >= 1 && sig <= NSIG_LINUX; }

/* struct sigaction as the kernel takes it: handler, flags, restorer, mask,
 * with longs and pointers of the guest's width. */
int64_t sys_rt_sigaction(struct task *t, const uint64_t *a)
{
	int sig = (int)a[0], is64 = sys_is64(t);
	unsigned w = is64 ? 8 : 4, size = 3 * w + 8;
	uint8_t raw[32];
	if (!valid_signal(sig) || a[3] != 8)
		return -EINVAL;
	struct k_sigaction *sa = &t->proc->sigactions[sig];
	struct k_sigaction old = *sa;
	if (a[1]) {
		if (sig == SIGKILL || sig == SIGSTOP)
			return -EINVAL;
		if (copy_from_user(t->proc->mm, raw, a[1], size))
			return -EFAULT;
		sa->handler = get_long(raw, 0, is64);
		sa->flags = get_long(raw, w, is64);
		sa->restorer = get_long(raw, 2 * w, is64);
		sa->mask = get64(raw, 3 * w) & ~SIG_UNBLOCKABLE;
		/* POSIX: an action that ignores the signal discards what is
		 * pending, blocked or not */
		if (signal_ignored(t->proc, sig))
			signal_discard(t, sig);
		else if (old.handler == 1)
			ptimers_unignore(t->proc, sig);
	}
	if (a[2]) {
		memset(raw, 0, sizeof raw);
		put_long(raw, 0, old.handler, is64);
		put_long(raw, w, old.flags, is64);
		put_long(raw, 2 * w, old.restorer, is64);
		put64(raw, 3 * w, old.mask);
		if (copy_to_user(t->proc->mm, a[2], raw, size))
			return -EFAULT;
	}
	return 0;
}

int64_t sys_rt_sigprocmask(struct task *t, const uint64_t *a)
{
	uint8_t raw[8];
	uint64_t old = t->sigmask;
	if (a[3] != 8)
		return -EINVAL;
	if (a[1]) {
		if (copy_from_user(t->proc->mm, raw, a[1], 8))
			return -EFAULT;
		uint64_t set = get64(raw, 0);
		switch ((int)a[0]) {
		case SIG_BLOCK: t->sigmask |= set; break;
		case SIG_UNBLOCK: t->sigmask &= ~set; break;
		case SIG_SETMASK: t->sigmask = set; break;
		default: return -EINVAL;
		}
		t->sigmask &= ~SIG_UNBLOCKABLE;
		if (task_pending(t) & ~t->sigmask)
			t->cpu.exit_req = 1;
	}
	if (a[2]) {
		put64(raw, 0, old);
		if (copy_to_user(t->proc->mm, a[2], raw, 8))
			return -EFAULT;
	}
	return 0;
}

int64_t sys_sigaltstack(struct task *t, const uint64_t *a)
{
	int is64 = sys_is64(t);
	unsigned size = is64 ? 24 : 12;
	uint8_t raw[24];
	uint64_t sp = t->cpu.r[R_SP];
	int on = t->altstack_size && sp - t->altstack_sp <= t->altstack_size;
	if (a[1]) {
		memset(raw, 0, sizeof raw);
		put_long(raw, 0, t->altstack_sp, is64);
		put32(raw, is64 ? 8 : 4, t->altstack_size ? (on ? SS_ONSTACK_L : 0) : SS_DISABLE_L);
		put_long(raw, is64 ? 16 : 8, t->altstack_size, is64);
		if (copy_to_user(t->proc->mm, a[1], raw, size))
			return -EFAULT;
	}
	if (a[0]) {
		if (copy_from_user(t->proc->mm, raw, a[0], size))
			return -EFAULT;
		uint64_t ss_sp = get_long(raw, 0, is64),
			 ss_size = get_long(raw, is64 ? 16 : 8, is64);
		int flags = (int)get32(raw, is64 ? 8 : 4);
		if (on)
			return -EPERM;
		if (flags & ~(SS_DISABLE_L | (int)0x80000000u /* SS_AUTODISARM */))
			return -EINVAL;
		if (flags & SS_DISABLE_L) {
			t->altstack_sp = t->altstack_size = 0;
		} else {
			if (ss_size < MINSIGSTKSZ_L)
				return -ENOMEM;
			t->altstack_sp = ss_sp;
			t->altstack_size = ss_size;
		}
	}
	return 0;
}

/* Linux's rule: root may signal anyone; others need their real or
 * effective uid to be the target's real or saved uid (SIGCONT within a
 * session is always allowed). */
static int may_signal(const struct process *from, const struct process *to, int sig)
{
	if (from->uid == 0 || (sig == SIGCONT && from->sid == to->sid))
		return 1;
	return from->ruid == to->ruid || from->ruid == to->suid || from->uid == to->ruid ||
	       from->uid == to->suid;
}

/* info to a process (thread == NULL) or to one of its threads. */
static int64_t send_info(struct task *from, struct process *to, struct task *thread,
			 const struct siginfo_k *info)
{
	int sig = info->signo;
	if (!valid_signal(sig) && sig != 0)
		return -EINVAL;
	if (!may_signal(from->proc, to, sig))
		return -EPERM;
	if (sig == 0 || !to->task)
		return 0; /* a zombie exists, and takes nothing */
	return thread ? signal_send(thread, info) : signal_send_process(to, info);
}

static int64_t send_to(struct task *from, struct process *to, struct task *thread, int sig,
		       int code)
{
	struct siginfo_k info = {.signo = sig, .code = code, .pid = from->proc->pid,
				 .uid = (int)from->proc->ruid, .trapno = -1};
	return send_info(from, to, thread, &info);
}

/* A group (or, for kill(-1), everyone but the caller): success when at
 * least one process could be signalled. */
static int64_t kill_group(struct task *t, int pgid, int sig, int all)
{
	int found = 0, sent = 0;
	int64_t rc = -EPERM;
	for (struct process *p = t->vm->procs; p; p = p->next) {
		if (all ? p == t->proc : p->pgid != pgid)
			continue;
		found = 1;
		if (send_to(t, p, NULL, sig, LINUX_SI_USER) == 0)
			sent = 1;
	}
	if (all) /* kill(-1) reaches the caller too, last */
		return send_to(t, t->proc, NULL, sig, LINUX_SI_USER);
	return !found ? -ESRCH : sent ? 0 : rc;
}

int64_t sys_kill(struct task *t, const uint64_t *a)
{
	int pid = (int)a[0], sig = (int)a[1];
	if (!valid_signal(sig) && sig != 0)
		return -EINVAL;
	if (pid > 0) {
		struct process *p = process_find(t->vm, pid);
		return p ? send_to(t, p, NULL, sig, LINUX_SI_USER) : -ESRCH;
	}
	if (pid == -1)
		return kill_group(t, 0, sig, 1);
	return kill_group(t, pid ? -pid : t->proc->pgid, sig, 0);
}

int64_t sys_tgkill(struct task *t, const uint64_t *a)
{
	if ((int)a[0] <= 0 || (int)a[1] <= 0)
		return -EINVAL;
	struct task *target = task_find(t->vm, (int)a[1]);
	if (!target || target->proc->pid != (int)a[0])
		return -ESRCH;
	return send_to(t, target->proc, target, (int)a[2], LINUX_SI_TKILL);
}

int64_t sys_tkill(struct task *t, const uint64_t *a)
{
	if ((int)a[0] <= 0)
		return -EINVAL;
	struct task *target = task_find(t->vm, (int)a[0]);
	if (!target)
		return -ESRCH;
	return send_to(t, target->proc, target, (int)a[1], LINUX_SI_TKILL);
}

/* The siginfo sigqueue and its kind pass: the caller's own to anyone, but
 * only a process signalling itself may claim a kernel's or kill's codes
 * (si_code 0 or more, SI_TKILL). */
static int64_t queued_info(struct task *t, int sig, uint64_t uinfo, int self,
			   struct siginfo_k *info)
{
	uint8_t raw[128];
	if (copy_from_user(t->proc->mm, raw, uinfo, sizeof raw))
		return -EFAULT;
	*info = (struct siginfo_k){.trapno = -1};
	signal_get_siginfo(raw, info, sys_is64(t));
	info->signo = sig;
	if ((info->code >= 0 || info->code == LINUX_SI_TKILL) && !self)
		return -EPERM;
	return 0;
}

int64_t sys_rt_sigqueueinfo(struct task *t, const uint64_t *a)
{
	int pid = (int)a[0];
	struct siginfo_k info;
	int64_t rc = queued_info(t, (int)a[1], a[2], pid == t->proc->pid, &info);
	if (rc)
		return rc;
	struct process *p = pid > 0 ? process_find(t->vm, pid) : NULL;
	return p ? send_info(t, p, NULL, &info) : -ESRCH;
}

int64_t sys_rt_tgsigqueueinfo(struct task *t, const uint64_t *a)
{
	int tgid = (int)a[0], tid = (int)a[1];
	struct siginfo_k info;
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	int64_t rc = queued_info(t, (int)a[2], a[3], tid == t->tid, &info);
	if (rc)
		return rc;
	struct task *target = task_find(t->vm, tid);
	if (!target || target->proc->pid != tgid)
		return -ESRCH;
	return send_info(t, target->proc, target, &info);
}

static int64_t bad_frame(struct task *t)
{
	struct siginfo_k segv = {.signo = SIGSEGV, .code = SI_KERNEL, .trapno = 13};
	signal_force(t, &segv);
	return SYSCALL_REGS_SET;
}

int64_t sys_rt_sigreturn(struct task *t, const uint64_t *a)
{
	if (signal_return(t, 1))
		return bad_frame(t);
	t->cpu.exit_req = 1; /* the restored mask may unblock something pending */
	return SYSCALL_REGS_SET;
}

int64_t sys_sigreturn(struct task *t, const uint64_t *a)
{
	if (signal_return(t, 0))
		return bad_frame(t);
	t->cpu.exit_req = 1;
	return SYSCALL_REGS_SET;
}
