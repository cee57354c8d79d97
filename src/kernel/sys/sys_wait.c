/* Waiting for children: wait4, waitpid and waitid, with Linux's status
 * words (exit code << 8; signal | 0x80 for a core; stop sig << 8 | 0x7f;
 * 0xffff for a continue). A zombie waited for is reaped. */
#include <errno.h>
#include <string.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/process.h"
#include "kernel/task/sched.h"
#include "kernel/task/timer.h"
#include "mem/uaccess.h"

#define WNOHANG_L     0x00000001
#define WUNTRACED_L   0x00000002 /* WSTOPPED for waitid */
#define WEXITED_L     0x00000004
#define WCONTINUED_L  0x00000008
#define WNOWAIT_L     0x01000000
#define WNOTHREAD_L   0x20000000
#define WALL_L	      0x40000000
#define WCLONE_L      0x80000000u
#define P_ALL	      0
#define P_PID	      1
#define P_PGID	      2
#define CLD_EXITED_L    1
#define CLD_KILLED_L    2
#define CLD_DUMPED_L    3
#define CLD_STOPPED_L   5
#define CLD_CONTINUED_L 6
#define SIGCHLD_L     17

/* Which children a wait names: one pid, a process group, or any. */
struct wait_spec {
	int pid;  /* > 0: this child */
	int pgid; /* > 0: children in this group */
	int options;
};

struct wait_result {
	int pid, status, uid;
};

static int matches(const struct process *c, const struct process *me, const struct wait_spec *w)
{
	if (c->ppid != me->pid)
		return 0;
	if (w->pid > 0)
		return c->pid == w->pid;
	if (w->pgid > 0)
		return c->pgid == w->pgid;
	return 1;
}

/* The status a child has to report under these options, or -1. */
static int reportable(struct process *c, int options)
{
	if (c->state == PROC_ZOMBIE)
		return (options & WEXITED_L) ? c->wait_status : -1;
	if ((c->report & 0xff) == 0x7f && (options & WUNTRACED_L))
		return c->report;
	if (c->report == 0xffff && (options & WCONTINUED_L))
		return c->report;
	return -1;
}

/* 1 with *res when a child had something to report, 0 when matching
 * children exist but have nothing yet, -ECHILD when none exist. */
static int find_report(struct task *t, const struct wait_spec *w, struct wait_result *res)
{
	struct process *me = t->proc, *c, *next;
	int any = 0;
	for (c = t->vm->procs; c; c = next) {
		next = c->next;
		if (!matches(c, me, w))
			continue;
		any = 1;
		int st = reportable(c, w->options);
		if (st < 0)
			continue;
		*res = (struct wait_result){c->pid, st, (int)c->uid};
		if (w->options & WNOWAIT_L)
			return 1;
		if (c->state == PROC_ZOMBIE)
			process_reap(t->vm, c);
		else
			c->report = 0;
		return 1;
	}
	return any ? 0 : -ECHILD;
}

static int64_t wait_common(struct task *t, const struct wait_spec *w, struct wait_result *res)
{
	int rc = find_report(t, w, res);
	if (rc)
		return rc;
	if (w->options & WNOHANG_L)
		return 0;
	return sched_park(t, t->proc, -KERN_ERESTARTSYS);
}

static struct wait_spec spec_from_pid(struct task *t, int pid, int options)
{
	struct wait_spec w = {0, 0, options};
	if (pid > 0)
		w.pid = pid;
	else if (pid == 0)
		w.pgid = t->proc->pgid;
	else if (pid < -1)
		w.pgid = -pid;
	return w;
}

static int64_t put_rusage_zero(struct task *t, uint64_t addr)
{
	uint8_t raw[144];
	memset(raw, 0, sizeof raw);
	return addr ? copy_to_user(t->proc->mm, addr, raw, sys_is64(t) ? 144 : 72) : 0;
}

int64_t sys_wait4(struct task *t, const uint64_t *a)
{
	int options = (int)a[2];
	if (options & ~(WNOHANG_L | WUNTRACED_L | WCONTINUED_L | WNOTHREAD_L | WALL_L | (int)WCLONE_L))
		return -EINVAL;
	struct wait_spec w = spec_from_pid(t, (int)a[0], options | WEXITED_L);
	struct wait_result res;
	int64_t rc = wait_common(t, &w, &res);
	if (rc <= 0)
		return rc;
	uint8_t raw[4];
	put32(raw, 0, (uint32_t)res.status);
	if (a[1] && copy_to_user(t->proc->mm, a[1], raw, 4))
		return -EFAULT;
	if (put_rusage_zero(t, a[3]))
		return -EFAULT;
	return res.pid;
}

int64_t sys_waitpid(struct task *t, const uint64_t *a)
{
	uint64_t b[4] = {a[0], a[1], a[2], 0};
	return sys_wait4(t, b);
}

/* siginfo for waitid: SIGCHLD, the kind of event, pid, uid, status. */
static int64_t put_child_info(struct task *t, uint64_t addr, const struct wait_result *r)
{
	uint8_t raw[128];
	unsigned u = sys_is64(t) ? 16 : 12;
	memset(raw, 0, sizeof raw);
	if (r) {
		int st = r->status, code, value;
		if (st == 0xffff)
			code = CLD_CONTINUED_L, value = 18; /* SIGCONT */
		else if ((st & 0xff) == 0x7f)
			code = CLD_STOPPED_L, value = (st >> 8) & 0xff;
		else if (st & 0x7f)
			code = (st & 0x80) ? CLD_DUMPED_L : CLD_KILLED_L, value = st & 0x7f;
		else
			code = CLD_EXITED_L, value = (st >> 8) & 0xff;
		put32(raw, 0, SIGCHLD_L);
		put32(raw, 8, (uint32_t)code);
		put32(raw, u, (uint32_t)r->pid);
		put32(raw, u + 4, (uint32_t)r->uid);
		put32(raw, u + 8, (uint32_t)value);
	}
	return addr ? copy_to_user(t->proc->mm, addr, raw, sizeof raw) : 0;
}

int64_t sys_waitid(struct task *t, const uint64_t *a)
{
	int idtype = (int)a[0], id = (int)a[1], options = (int)a[3];
	if (options & ~(WNOHANG_L | WUNTRACED_L | WEXITED_L | WCONTINUED_L | WNOWAIT_L |
			WNOTHREAD_L | WALL_L | (int)WCLONE_L))
		return -EINVAL;
	if (!(options & (WEXITED_L | WUNTRACED_L | WCONTINUED_L)))
		return -EINVAL;
	struct wait_spec w = {0, 0, options};
	if (idtype == P_PID)
		w.pid = id > 0 ? id : -1;
	else if (idtype == P_PGID)
		w.pgid = id > 0 ? id : t->proc->pgid;
	else if (idtype != P_ALL)
		return -EINVAL;
	if (w.pid < 0)
		return -EINVAL;
	struct wait_result res;
	int64_t rc = wait_common(t, &w, &res);
	if (rc < 0)
		return rc;
	if (put_child_info(t, a[2], rc ? &res : NULL) || put_rusage_zero(t, a[4]))
		return -EFAULT;
	return 0;
}
