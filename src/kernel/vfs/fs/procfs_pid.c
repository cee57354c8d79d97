/* procfs: the files of one process, in Linux's formats. A zombie has no
 * task, address space or descriptors left: its files show what remains. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/task/sigqueue.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/fs/procfs_gen.h"
#include "kernel/vfs/path.h"
#include "kernel/vm.h"
#include "mem/mm.h"
#include "mem/uaccess.h"

#define RLIMIT_RSS_L	    5
#define AREA_MAX	    (16u << 20) /* bound on argument and environment copies */

static int is_text_of(const struct process *p, const struct vma *v)
{
	return v->name && p->exe && !strcmp(v->name, p->exe);
}

void proc_mem_use(const struct process *p, struct mem_use *u)
{
	memset(u, 0, sizeof *u);
	for (const struct vma *v = p->mm ? p->mm->vmas : NULL; v; v = v->next) {
		uint64_t len = v->end - v->start;
		u->size += len;
		if (!v->prot) /* reserved address space, never backed */
			continue;
		u->rss += len;
		if (!(v->flags & VMA_ANON))
			u->file += len;
		if (v->flags & VMA_STACK)
			u->stack += len;
		else if ((v->prot & GPROT_EXEC) && is_text_of(p, v))
			u->text += len;
		else if ((v->prot & GPROT_EXEC) && !(v->flags & VMA_ANON))
			u->lib += len;
		else if ((v->prot & GPROT_WRITE) && !(v->flags & VMA_SHARED))
			u->data += len;
	}
}

static char state_of(const struct process *p)
{
	if (p->state == PROC_ZOMBIE || !p->task)
		return 'Z';
	switch (p->task->state) {
	case TASK_PARKED: return 'S';
	case TASK_STOPPED: return 'T';
	default: return 'R';
	}
}

static const char *state_name(char state)
{
	switch (state) {
	case 'S': return "S (sleeping)";
	case 'T': return "T (stopped)";
	case 'Z': return "Z (zombie)";
	default: return "R (running)";
	}
}

/* The thread a file is about: the one named under task/, else the leader. */
static const struct task *subject(const struct proc_ctx *c)
{
	return c->thread ? c->thread : c->p->task;
}

/* The pid in a file's Pid field: the thread's own id under task/. */
static int subject_id(const struct proc_ctx *c) { return c->thread ? c->thread->tid : c->p->pid; }

/* A zombie's task is gone with its name: the executable's name stands in. */
static void comm_of(const struct proc_ctx *c, char comm[16])
{
	const struct process *p = c->p;
	const char *base = p->exe ? strrchr(p->exe, '/') : NULL;
	if (subject(c))
		snprintf(comm, 16, "%.15s", subject(c)->comm);
	else
		snprintf(comm, 16, "%.15s", base ? base + 1 : p->exe ? p->exe : "");
}

struct sigmasks {
	uint64_t pending, blocked, ignored, caught;
};

/* Pending and blocked are the thread's own; the actions, the process's. */
static void sigmasks_of(const struct proc_ctx *c, struct sigmasks *m)
{
	const struct task *t = subject(c);
	memset(m, 0, sizeof *m);
	if (t) {
		m->pending = t->pending.set;
		m->blocked = t->sigmask;
	}
	for (int sig = 1; sig <= NSIG_LINUX; sig++) {
		uint64_t h = c->p->sigactions[sig].handler, bit = 1ull << (sig - 1);
		if (h == 1)
			m->ignored |= bit;
		else if (h > 1)
			m->caught |= bit;
	}
}

/* The span of the executable's code, Linux's start_code and end_code. */
static void code_span(const struct process *p, uint64_t *start, uint64_t *end)
{
	*start = *end = 0;
	for (const struct vma *v = p->mm ? p->mm->vmas : NULL; v; v = v->next)
		if ((v->prot & GPROT_EXEC) && is_text_of(p, v)) {
			*start = *start ? *start : v->start;
			*end = v->end;
		}
}

/* The 52 fields of Linux's /proc/PID/stat; what hexvm does not have is 0. */
void pid_stat(const struct proc_ctx *c, struct sbuf *b)
{
	const struct process *p = c->p;
	const struct mm *mm = p->mm;
	struct mem_use u;
	struct sigmasks s;
	char comm[16];
	uint64_t code, code_end;
	proc_mem_use(p, &u);
	sigmasks_of(c, &s);
	comm_of(c, comm);
	code_span(p, &code, &code_end);
	unsigned long long utime = process_cpu_ns(p) / PROC_TICK_NS;
	sbuf_printf(b, "%d (%s) %c %d %d %d 0 -1 %u 0 0 0 0 %llu 0 %llu 0 20 0 %d 0 %llu ",
		    subject_id(c), comm, state_of(p), p->ppid, p->pgid, p->sid, 0u, utime,
		    (unsigned long long)(p->child_insns / PROC_TICK_NS), p->nthreads ? p->nthreads : 1,
		    (unsigned long long)(p->start_ns / PROC_TICK_NS));
	sbuf_printf(b, "%llu %llu %llu %llu %llu 0 0 0 %llu %llu %llu %llu 0 0 0 %d ",
		    (unsigned long long)u.size, (unsigned long long)(u.rss / PAGE_SIZE_G),
		    (unsigned long long)p->rlimits[RLIMIT_RSS_L][0], (unsigned long long)code,
		    (unsigned long long)code_end, (unsigned long long)s.pending,
		    (unsigned long long)s.blocked, (unsigned long long)s.ignored,
		    (unsigned long long)s.caught, p->exit_signal);
	sbuf_printf(b, "0 0 0 0 0 0 0 0 %llu %llu %llu %llu %llu %d\n",
		    (unsigned long long)(mm ? mm->brk_start : 0),
		    (unsigned long long)(mm ? mm->arg_start : 0),
		    (unsigned long long)(mm ? mm->arg_end : 0),
		    (unsigned long long)(mm ? mm->env_start : 0),
		    (unsigned long long)(mm ? mm->env_end : 0),
		    p->state == PROC_ZOMBIE ? p->wait_status : 0);
}

void pid_statm(const struct proc_ctx *c, struct sbuf *b)
{
	struct mem_use u;
	proc_mem_use(c->p, &u);
	sbuf_printf(b, "%llu %llu %llu %llu 0 %llu 0\n", (unsigned long long)(u.size / PAGE_SIZE_G),
		    (unsigned long long)(u.rss / PAGE_SIZE_G),
		    (unsigned long long)(u.file / PAGE_SIZE_G),
		    (unsigned long long)(u.text / PAGE_SIZE_G),
		    (unsigned long long)((u.data + u.stack) / PAGE_SIZE_G));
}

static void status_memory(const struct process *p, struct sbuf *b)
{
	struct mem_use u;
	proc_mem_use(p, &u);
	const struct {
		const char *name;
		uint64_t bytes;
	} rows[] = {
		{"VmPeak:", u.size},
		{"VmSize:", u.size},
		{"VmLck:", 0},
		{"VmPin:", 0},
		{"VmHWM:", u.rss},
		{"VmRSS:", u.rss},
		{"RssAnon:", u.rss - u.file},
		{"RssFile:", u.file},
		{"RssShmem:", 0},
		{"VmData:", u.data},
		{"VmStk:", u.stack},
		{"VmExe:", u.text},
		{"VmLib:", u.lib},
		{"VmPTE:", 0},
		{"VmSwap:", 0},
	};
	for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++)
		sbuf_printf(b, "%s\t%8llu kB\n", rows[k].name,
			    (unsigned long long)rows[k].bytes >> 10);
}

void pid_status(const struct proc_ctx *c, struct sbuf *b)
{
	const struct process *p = c->p;
	struct sigmasks s;
	char comm[16];
	unsigned u = p->uid, g = p->gid, ru = p->ruid, su = p->suid, rg = p->rgid, sg = p->sgid;
	unsigned long long caps = u == 0 ? 0x1ffffffffffull : 0;
	sigmasks_of(c, &s);
	comm_of(c, comm);
	sbuf_printf(b,
		    "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
		    "PPid:\t%d\nTracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n"
		    "FDSize:\t%d\nGroups:\t\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
		    comm, p->umask, state_name(state_of(p)), p->pid, subject_id(c), p->ppid, ru, u, su,
		    u, rg, g, sg, g, p->fds ? p->fds->size : 0, p->pid, subject_id(c), p->pgid, p->sid);
	if (p->mm)
		status_memory(p, b);
	sbuf_printf(b,
		    "Threads:\t%d\nSigQ:\t%llu/%llu\nSigPnd:\t%016llx\nShdPnd:\t%016llx\n"
		    "SigBlk:\t%016llx\nSigIgn:\t%016llx\nSigCgt:\t%016llx\n"
		    "CapInh:\t0000000000000000\nCapPrm:\t%016llx\nCapEff:\t%016llx\n"
		    "CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\n"
		    "Seccomp:\t0\nCpus_allowed:\t1\nCpus_allowed_list:\t0\nMems_allowed:\t1\n"
		    "Mems_allowed_list:\t0\nvoluntary_ctxt_switches:\t0\n"
		    "nonvoluntary_ctxt_switches:\t0\n",
		    p->nthreads ? p->nthreads : 1, (unsigned long long)sigq_count(c->vm, p->ruid),
		    (unsigned long long)p->rlimits[RLIMIT_SIGPENDING_L][0],
		    (unsigned long long)s.pending, (unsigned long long)p->shared.set,
		    (unsigned long long)s.blocked,
		    (unsigned long long)s.ignored, (unsigned long long)s.caught, caps, caps);
}

/* The process's memory in [start, end), or nothing when it is not there. */
static void copy_area(struct mm *mm, uint64_t start, uint64_t end, struct sbuf *b)
{
	if (!mm || end <= start || end - start > AREA_MAX)
		return;
	size_t n = (size_t)(end - start);
	char *tmp = malloc(n);
	if (tmp && copy_from_user(mm, tmp, start, n) == 0)
		sbuf_add(b, tmp, n);
	free(tmp);
}

/* A program that wrote over the NUL ending its arguments (setproctitle)
 * shows the one string it wrote there, which may run on into the
 * environment: Linux's rule. */
void pid_cmdline(const struct proc_ctx *c, struct sbuf *b)
{
	struct mm *mm = c->p->mm;
	char last = 0;
	if (!mm || mm->arg_end <= mm->arg_start)
		return;
	if (copy_from_user(mm, &last, mm->arg_end - 1, 1) || !last) {
		copy_area(mm, mm->arg_start, mm->arg_end, b);
		return;
	}
	int runs_on = mm->env_start == mm->arg_end && mm->env_end > mm->env_start;
	copy_area(mm, mm->arg_start, runs_on ? mm->env_end : mm->arg_end, b);
	if (b->data) {
		size_t len = strnlen(b->data, b->len);
		b->len = len < b->len ? len + 1 : len;
	}
}

void pid_environ(const struct proc_ctx *c, struct sbuf *b)
{
	struct mm *mm = c->p->mm;
	if (mm)
		copy_area(mm, mm->env_start, mm->env_end, b);
}

void pid_comm(const struct proc_ctx *c, struct sbuf *b)
{
	char comm[16];
	comm_of(c, comm);
	sbuf_printf(b, "%s\n", comm);
}

static const char *vma_name(const struct vma *v)
{
	if (v->name)
		return v->name;
	return v->flags & VMA_HEAP ? "[heap]" : v->flags & VMA_STACK ? "[stack]" : NULL;
}

/* Whether b continues a's mapping: Linux would have merged the two. */
static int continues(const struct vma *a, const struct vma *b)
{
	/* a program's segment is one line, its pages mapped from the file or not */
	if (a->end != b->start || a->prot != b->prot || ((a->flags ^ b->flags) & ~VMA_HOSTFILE))
		return 0;
	if (!a->name || !b->name)
		return a->name == b->name;
	return !strcmp(a->name, b->name) &&
	       ((a->flags & VMA_ANON) || b->offset == a->offset + (a->end - a->start));
}

/* Names start at column 73, as a 64-bit Linux pads them. */
static void map_line(const struct proc_ctx *c, const struct vma *v, uint64_t end, struct sbuf *b)
{
	char head[96];
	const char *name = vma_name(v);
	snprintf(head, sizeof head, "%08llx-%08llx %c%c%c%c %08llx 00:00 0",
		 (unsigned long long)v->start, (unsigned long long)end,
		 v->prot & GPROT_READ ? 'r' : '-', v->prot & GPROT_WRITE ? 'w' : '-',
		 v->prot & GPROT_EXEC ? 'x' : '-', v->flags & VMA_SHARED ? 's' : 'p',
		 (unsigned long long)(v->flags & VMA_ANON ? 0 : v->offset));
	if (name)
		sbuf_printf(b, "%-72s %s\n", head, path_visible(c->t, name));
	else
		sbuf_printf(b, "%s\n", head);
}

void pid_maps(const struct proc_ctx *c, struct sbuf *b)
{
	const struct vma *v = c->p->mm ? c->p->mm->vmas : NULL, *last;
	for (; v; v = last->next) {
		for (last = v; last->next && continues(last, last->next);)
			last = last->next;
		map_line(c, v, last->end, b);
	}
}

/* The position of a host file is the host descriptor's own. */
void pid_fdinfo(const struct proc_ctx *c, struct sbuf *b)
{
	const struct fdtable *fds = c->p->fds;
	struct file *f = fds ? fds->files[c->fd] : NULL;
	struct stat st;
	uint64_t pos = 0, ino = 0;
	if (!f)
		return;
	if (f->host_fd >= 0) {
		off_t at = lseek(f->host_fd, 0, SEEK_CUR);
		pos = at > 0 ? (uint64_t)at : 0;
		ino = fstat(f->host_fd, &st) == 0 ? (uint64_t)st.st_ino : 0;
	} else {
		pos = f->pos;
		ino = f->ops && f->ops->stat && f->ops->stat(f, &st) == 0 ? st.st_ino : 0;
	}
	int flags = f->flags & ~(LINUX_O_CREAT | LINUX_O_EXCL | LINUX_O_NOCTTY | LINUX_O_TRUNC);
	flags |= fds->cloexec[c->fd] ? LINUX_O_CLOEXEC : 0;
	sbuf_printf(b, "pos:\t%llu\nflags:\t0%o\nino:\t%llu\n", (unsigned long long)pos, flags,
		    (unsigned long long)ino);
}
