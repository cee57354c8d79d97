/* The processes gdb debugs, and their lives: fork (gdb decides whether the
 * child is debugged too, when it asked for fork events; else the child runs
 * by itself, or --gdb-follow-fork moves the stub to it), exec and exit. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "debug/gdb_internal.h"
#include "kernel/task/process.h"
#include "kernel/task/signal.h"
#include "kernel/task/task.h"
#include "mem/mm.h"

struct gdb_inferior *gdb_inferior(const struct gdb *g, int pid)
{
	for (int k = 0; k < g->ninfs; k++)
		if (g->infs[k]->pid == pid)
			return g->infs[k];
	return NULL;
}

struct gdb_inferior *gdb_inferior_add(struct gdb *g, int pid)
{
	struct gdb_inferior *inf = calloc(1, sizeof *inf);
	struct gdb_inferior **grown = realloc(g->infs, (size_t)(g->ninfs + 1) * sizeof *grown);
	if (!inf || !grown) {
		free(inf);
		if (grown)
			g->infs = grown;
		return NULL;
	}
	g->infs = grown;
	inf->g = g;
	inf->pid = pid;
	inf->default_action = ACT_CONT;
	gdb_points_init(inf);
	g->infs[g->ninfs++] = inf;
	return inf;
}

/* No block cache may keep the inferior's breakpoint hooks once it is gone
 * (a vfork child's cache is its parent's). */
static void release_caches(struct gdb *g, const struct gdb_inferior *inf)
{
	for (struct process *p = g->vm->procs; p; p = p->next) {
		if (p->mm)
			gdb_points_release(p->mm->blocks, inf);
		if (p->old_mm)
			gdb_points_release(p->old_mm->blocks, inf);
	}
}

void gdb_inferior_remove(struct gdb *g, int pid)
{
	for (int k = 0; k < g->ninfs; k++) {
		struct gdb_inferior *inf = g->infs[k];
		if (inf->pid != pid)
			continue;
		release_caches(g, inf);
		gdb_points_clear(inf);
		gdb_threads_release(g, pid);
		free(inf);
		g->infs[k] = g->infs[--g->ninfs];
		return;
	}
}

struct process *gdb_inferior_process(const struct gdb *g, const struct gdb_inferior *inf)
{
	struct process *p = inf ? process_find(g->vm, inf->pid) : NULL;
	return p && p->state == PROC_LIVE && p->mm ? p : NULL;
}

/* The first live thread of a debugged process. */
static struct task *first_thread(struct gdb *g, const struct gdb_inferior *inf)
{
	struct process *p = gdb_inferior_process(g, inf);
	for (struct task *t = p ? p->threads : NULL; t; t = t->thread_next)
		if (t->state != TASK_DEAD)
			return t;
	return NULL;
}

struct task *gdb_regs_task(struct gdb *g)
{
	struct task *t = gdb_task(g, g->regs_tid);
	if (!t)
		t = gdb_task(g, g->stop.tid);
	for (int k = 0; !t && k < g->ninfs; k++)
		t = first_thread(g, g->infs[k]);
	return t;
}

struct process *gdb_current_process(struct gdb *g)
{
	struct task *t = gdb_regs_task(g);
	return t ? t->proc : NULL;
}

struct gdb_inferior *gdb_current_inferior(struct gdb *g)
{
	struct process *p = gdb_current_process(g);
	return p ? gdb_inferior(g, p->pid) : NULL;
}

void gdb_inferior_kill(struct gdb *g, int pid)
{
	struct process *p = process_find(g->vm, pid);
	struct siginfo_k kill_info = {.signo = SIGKILL, .code = SI_USER, .trapno = -1};
	gdb_inferior_remove(g, pid);
	if (p && p->state == PROC_LIVE)
		signal_send_process(p, &kill_info); /* it dies when it next runs */
}

void gdb_exited(struct vm *vm, struct process *p, int wait_status)
{
	struct gdb *g = vm->gdb;
	if (g->state != GDB_ATTACHED || !gdb_inferior(g, p->pid))
		return;
	struct gdb_stop s = {
		.kind = STOP_EXITED, .tid = p->pid, .pid = p->pid, .wait_status = wait_status};
	gdb_inferior_remove(g, p->pid);
	gdb_stop_machine(g, &s);
}

/* gdb is told of the fork at the parent's return from the call; until it
 * decides, the child stays stopped, holding a copy of the parent's
 * breakpoints. */
static void fork_event(struct gdb *g, struct task *t, struct process *child, int vfork)
{
	struct gdb_inferior *parent_inf = gdb_inferior(g, t->proc->pid);
	struct gdb_inferior *inf = gdb_inferior_add(g, child->pid);
	struct gdb_thread *th;
	if (!inf)
		return;
	inf->default_action = ACT_HOLD;
	if (gdb_points_copy(inf, parent_inf) || !gdb_thread(g, child->task->tid) ||
	    !(th = gdb_thread(g, t->tid))) {
		gdb_inferior_remove(g, child->pid); /* out of memory: it runs undebugged */
		return;
	}
	th->has_event = 1;
	th->event = (struct gdb_stop){
		.kind = vfork ? STOP_VFORK : STOP_FORK, .tid = t->tid, .child_pid = child->pid};
	th->in_vfork = vfork;
}

/* --gdb-follow-fork: the stub's one inferior becomes the child, reported
 * with a SIGTRAP when it first runs; the parent runs on by itself. */
static void follow_child(struct gdb *g, struct task *t, struct process *child)
{
	struct gdb_inferior *inf = gdb_inferior(g, t->proc->pid);
	if (g->skip_tid)
		gdb_end_skip(g);
	gdb_threads_release(g, -1);
	gdb_points_release(t->proc->mm->blocks, inf);
	inf->pid = child->pid;
	inf->default_action = ACT_CONT;
	g->stepping = 0;
	g->pending_tid = child->task->tid;
}

void gdb_forked(struct task *t, struct process *child)
{
	struct gdb *g = t->vm->gdb;
	int vfork = child->vfork_parent == t;
	if (!gdb_is_debugged(g, t) || !child->task)
		return;
	if (vfork ? g->vfork_events : g->fork_events)
		fork_event(g, t, child, vfork);
	else if (g->follow_fork)
		follow_child(g, t, child);
}

void gdb_execed(struct task *t)
{
	struct gdb *g = t->vm->gdb;
	struct gdb_thread *th;
	if (!gdb_is_debugged(g, t))
		return;
	g->skip_tid = 0; /* the old image's blocks are gone with it */
	gdb_points_clear(gdb_inferior(g, t->proc->pid)); /* as exec wipes breakpoints */
	if (g->exec_events && (th = gdb_thread(g, t->tid))) {
		th->has_event = 1;
		th->event = (struct gdb_stop){.kind = STOP_EXEC, .tid = t->tid};
	}
}
