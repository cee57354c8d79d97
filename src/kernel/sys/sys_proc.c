/* Process identity and limits, exit, uname and personality, TLS set-up
 * (arch_prctl and set_thread_area). */
#include <errno.h>
#include <string.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/process.h"
#include "kernel/task/task.h"
#include "kernel/vfs/file.h"
#include "mem/mm.h"
#include "mem/uaccess.h"

#define ARCH_SET_GS	0x1001
#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003
#define ARCH_GET_GS	0x1004

#define L_PER_MASK	0xff
#define L_PER_LINUX32	0x0008

/* Neither returns: the registers are left as they are. */
int64_t sys_exit(struct task *t, const uint64_t *a)
{
	task_exit_thread(t, (int)a[0]);
	return SYSCALL_REGS_SET;
}

int64_t sys_exit_group(struct task *t, const uint64_t *a)
{
	task_exit(t, ((int)a[0] & 0xff) << 8);
	return SYSCALL_REGS_SET;
}

int64_t sys_getpid(struct task *t, const uint64_t *a) { return t->proc->pid; }
int64_t sys_getppid(struct task *t, const uint64_t *a) { return t->proc->ppid; }
int64_t sys_gettid(struct task *t, const uint64_t *a) { return t->tid; }
int64_t sys_getpgrp(struct task *t, const uint64_t *a) { return t->proc->pgid; }
/* The process a pid argument names: 0 is the caller. */
static struct process *named(struct task *t, int pid)
{
	return pid == 0 ? t->proc : process_find(t->vm, pid);
}

int64_t sys_getsid(struct task *t, const uint64_t *a)
{
	struct process *p = named(t, (int)a[0]);
	return p ? p->sid : -ESRCH;
}

int64_t sys_getpgid(struct task *t, const uint64_t *a)
{
	struct process *p = named(t, (int)a[0]);
	return p ? p->pgid : -ESRCH;
}

int64_t sys_setsid(struct task *t, const uint64_t *a)
{
	struct process *me = t->proc;
	for (struct process *p = t->vm->procs; p; p = p->next)
		if (p->pgid == me->pid)
			return -EPERM; /* it leads a group already */
	me->sid = me->pgid = me->pid;
	return me->sid;
}

/* A process may move itself or a child that has not exec'd into a group of
 * its own session. */
int64_t sys_setpgid(struct task *t, const uint64_t *a)
{
	struct process *me = t->proc, *p = named(t, (int)a[0]);
	int pgid = (int)a[1];
	if (pgid < 0)
		return -EINVAL;
	if (!p || (p != me && p->ppid != me->pid))
		return -ESRCH;
	if (p != me && p->did_exec)
		return -EACCES;
	if (p->sid != me->sid)
		return -EPERM;
	if (p->sid == p->pid)
		return -EPERM; /* a session leader stays where it is */
	if (pgid == 0)
		pgid = p->pid;
	if (pgid != p->pid) {
		const struct process *q = t->vm->procs;
		while (q && !(q->pgid == pgid && q->sid == me->sid))
			q = q->next;
		if (!q)
			return -EPERM;
	}
	p->pgid = pgid;
	return 0;
}

/* Linux as a 64-bit kernel shows itself to 32-bit processes too, unless
 * the personality is PER_LINUX32 (linux32, setarch i686). */
int64_t sys_uname(struct task *t, const uint64_t *a)
{
	const char *fields[6] = {"Linux",  "hexvm",  "6.1.0-hexvm", "#1 SMP PREEMPT_DYNAMIC hexvm",
				 "x86_64", "(none)"};
	char buf[6 * 65];
	if ((t->proc->personality & L_PER_MASK) == L_PER_LINUX32)
		fields[4] = "i686";
	memset(buf, 0, sizeof buf);
	for (int k = 0; k < 6; k++)
		strncpy(buf + 65 * k, fields[k], 64);
	return copy_to_user(t->proc->mm, a[0], buf, sizeof buf);
}

/* Any value is taken and kept (fork and execve keep it too); 0xffffffff
 * only asks. */
int64_t sys_personality(struct task *t, const uint64_t *a)
{
	uint32_t old = t->proc->personality;
	if ((uint32_t)a[0] != 0xffffffffu)
		t->proc->personality = (uint32_t)a[0];
	return (int64_t)old;
}

int64_t sys_set_tid_address(struct task *t, const uint64_t *a)
{
	t->clear_child_tid = a[0];
	return t->tid;
}

int64_t sys_set_robust_list(struct task *t, const uint64_t *a)
{
	if (a[1] != (sys_is64(t) ? 24u : 12u))
		return -EINVAL;
	t->robust_list = a[0];
	t->robust_len = a[1];
	return 0;
}

int64_t sys_get_robust_list(struct task *t, const uint64_t *a)
{
	uint8_t head[8], len[8];
	int is64 = sys_is64(t);
	if ((int)a[0] != 0 && (int)a[0] != t->tid)
		return -ESRCH;
	put_long(head, 0, t->robust_list, is64);
	put_long(len, 0, t->robust_len, is64);
	if (copy_to_user(t->proc->mm, a[1], head, is64 ? 8 : 4) ||
	    copy_to_user(t->proc->mm, a[2], len, is64 ? 8 : 4))
		return -EFAULT;
	return 0;
}

static int64_t rlimit_get(struct task *t, int resource, uint64_t *cur, uint64_t *max)
{
	if (resource < 0 || resource >= RLIMIT_COUNT)
		return -EINVAL;
	*cur = t->proc->rlimits[resource][0];
	*max = t->proc->rlimits[resource][1];
	return 0;
}

#define RLIMIT_NOFILE_L 7

/* Linux's checks of a new limit: soft within hard, a hard one raised only
 * with CAP_SYS_RESOURCE (euid 0 here), RLIMIT_NOFILE within nr_open. */
static int64_t check_rlimit(const struct task *t, int resource, uint64_t ncur, uint64_t nmax,
			    uint64_t max)
{
	if (ncur > nmax)
		return -EINVAL;
	if (resource == RLIMIT_NOFILE_L && nmax > FDTABLE_MAX)
		return -EPERM;
	return nmax > max && t->proc->uid != 0 ? -EPERM : 0;
}

static void set_rlimit(struct process *p, int resource, uint64_t cur, uint64_t max)
{
	p->rlimits[resource][0] = cur;
	p->rlimits[resource][1] = max;
	if (resource == RLIMIT_NOFILE_L)
		fdtable_set_limit(p->fds, cur);
}

int64_t sys_prlimit64(struct task *t, const uint64_t *a)
{
	uint8_t raw[16];
	uint64_t cur, max;
	int resource = (int)a[1];
	if ((int)a[0] != 0 && (int)a[0] != t->proc->pid)
		return -ESRCH;
	int64_t rc = rlimit_get(t, resource, &cur, &max);
	if (rc)
		return rc;
	if (a[3]) {
		put64(raw, 0, cur);
		put64(raw, 8, max);
		if (copy_to_user(t->proc->mm, a[3], raw, 16))
			return -EFAULT;
	}
	if (a[2]) {
		if (copy_from_user(t->proc->mm, raw, a[2], 16))
			return -EFAULT;
		rc = check_rlimit(t, resource, get64(raw, 0), get64(raw, 8), max);
		if (rc)
			return rc;
		set_rlimit(t->proc, resource, get64(raw, 0), get64(raw, 8));
	}
	return 0;
}

/* getrlimit: longs; i386's ugetrlimit reports infinity as 0xffffffff. */
int64_t sys_getrlimit(struct task *t, const uint64_t *a)
{
	uint8_t raw[16];
	uint64_t cur, max;
	int is64 = sys_is64(t);
	int64_t rc = rlimit_get(t, (int)a[0], &cur, &max);
	if (rc)
		return rc;
	if (!is64) {
		cur = cur > 0xffffffffu ? 0xffffffffu : cur;
		max = max > 0xffffffffu ? 0xffffffffu : max;
	}
	put_long(raw, 0, cur, is64);
	put_long(raw, is64 ? 8 : 4, max, is64);
	return copy_to_user(t->proc->mm, a[1], raw, is64 ? 16 : 8);
}

int64_t sys_setrlimit(struct task *t, const uint64_t *a)
{
	uint8_t raw[16];
	int is64 = sys_is64(t);
	uint64_t cur, max;
	int resource = (int)a[0];
	int64_t rc = rlimit_get(t, resource, &cur, &max);
	if (rc)
		return rc;
	if (copy_from_user(t->proc->mm, raw, a[1], is64 ? 16 : 8))
		return -EFAULT;
	uint64_t ncur = get_long(raw, 0, is64), nmax = get_long(raw, is64 ? 8 : 4, is64);
	if (!is64) {
		ncur = ncur == 0xffffffffu ? ~0ull : ncur;
		nmax = nmax == 0xffffffffu ? ~0ull : nmax;
	}
	rc = check_rlimit(t, resource, ncur, nmax, max);
	if (rc)
		return rc;
	set_rlimit(t->proc, resource, ncur, nmax);
	return 0;
}

int64_t sys_arch_prctl(struct task *t, const uint64_t *a)
{
	struct cpu *c = &t->cpu;
	uint8_t raw[8];
	switch ((int)a[0]) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (a[1] >= (1ull << 47))
			return -EPERM;
		c->seg_base[(int)a[0] == ARCH_SET_FS ? SEG_FS : SEG_GS] = a[1];
		return 0;
	case ARCH_GET_FS:
	case ARCH_GET_GS:
		put64(raw, 0, c->seg_base[(int)a[0] == ARCH_GET_FS ? SEG_FS : SEG_GS]);
		return copy_to_user(t->proc->mm, a[1], raw, 8);
	default: return -EINVAL;
	}
}

/* struct user_desc: entry_number, base_addr, limit, then flag bits. */
int64_t sys_set_thread_area(struct task *t, const uint64_t *a)
{
	struct cpu *c = &t->cpu;
	uint8_t raw[16];
	if (copy_from_user(t->proc->mm, raw, a[0], 16))
		return -EFAULT;
	uint32_t entry = get32(raw, 0), flags = get32(raw, 12);
	if (entry == 0xffffffffu) {
		for (entry = 0; entry < GDT_TLS_COUNT && c->tls[entry].present; entry++)
			;
		if (entry == GDT_TLS_COUNT)
			return -ESRCH;
		entry += GDT_TLS_FIRST;
		put32(raw, 0, entry);
		if (copy_to_user(t->proc->mm, a[0], raw, 4))
			return -EFAULT;
	}
	if (entry < GDT_TLS_FIRST || entry >= GDT_TLS_FIRST + GDT_TLS_COUNT)
		return -EINVAL;
	struct tls_desc *d = &c->tls[entry - GDT_TLS_FIRST];
	d->base = get32(raw, 4);
	d->limit = get32(raw, 8);
	d->seg_32bit = flags & 1;
	d->contents = (flags >> 1) & 3;
	d->read_exec_only = (flags >> 3) & 1;
	d->limit_in_pages = (flags >> 4) & 1;
	d->useable = (flags >> 6) & 1;
	d->present = !((flags >> 5) & 1) && !(d->base == 0 && d->limit == 0 && d->read_exec_only);
	for (int s = 0; s < SEG_COUNT; s++)
		if ((c->seg_sel[s] >> 3) == entry)
			c->seg_base[s] = d->base;
	return 0;
}

int64_t sys_get_thread_area(struct task *t, const uint64_t *a)
{
	struct cpu *c = &t->cpu;
	uint8_t raw[16];
	if (copy_from_user(t->proc->mm, raw, a[0], 4))
		return -EFAULT;
	uint32_t entry = get32(raw, 0);
	if (entry < GDT_TLS_FIRST || entry >= GDT_TLS_FIRST + GDT_TLS_COUNT)
		return -EINVAL;
	const struct tls_desc *d = &c->tls[entry - GDT_TLS_FIRST];
	put32(raw, 4, d->base);
	put32(raw, 8, d->limit);
	put32(raw, 12,
	      (uint32_t)(d->seg_32bit | d->contents << 1 | d->read_exec_only << 3 |
			 d->limit_in_pages << 4 | !d->present << 5 | d->useable << 6));
	return copy_to_user(t->proc->mm, a[0], raw, 16);
}
