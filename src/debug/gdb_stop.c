/* A stop: the reply that tells gdb why, serving gdb's packets while the
 * machine stands still, and carrying out how gdb resumes it. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "debug/gdb_internal.h"
#include "kernel/task/process.h"
#include "kernel/task/signal.h"
#include "kernel/vfs/path.h"

/* gdb numbers signals its own way (include/gdb/signals.def); the first 31
 * Linux signals map by this table, the real-time ones by offset. */
static const uint8_t gdb_of_linux[32] = {
	0,   1,	 2,  3,	 4,  5,	 6,  10, 8,  9,	 30, 11, 31, 13, 14, 15,
	143, 20, 19, 17, 18, 21, 22, 16, 24, 25, 26, 27, 28, 23, 32, 12,
};
#define GDB_SIGNAL_RT32	   77
#define GDB_SIGNAL_RT33	   45
#define GDB_SIGNAL_RT64	   78
#define GDB_SIGNAL_UNKNOWN 143

int gdb_signal_to_gdb(int sig)
{
	if (sig >= 0 && sig < 32)
		return gdb_of_linux[sig];
	if (sig == 32)
		return GDB_SIGNAL_RT32;
	if (sig < 64)
		return GDB_SIGNAL_RT33 + sig - 33;
	return sig == 64 ? GDB_SIGNAL_RT64 : GDB_SIGNAL_UNKNOWN;
}

int gdb_signal_from_gdb(int gsig)
{
	for (int sig = 0; sig <= NSIG_LINUX; sig++)
		if (gdb_signal_to_gdb(sig) == gsig)
			return sig;
	return -1;
}

static void reply_exit(struct gdb *g, const struct gdb_stop *s, struct gdb_reply *r)
{
	int st = s->wait_status;
	if (st & 0x7f)
		reply_fmt(r, "X%02x", gdb_signal_to_gdb(st & 0x7f));
	else
		reply_fmt(r, "W%02x", (st >> 8) & 0xff);
	if (g->multiprocess)
		reply_fmt(r, ";process:%x", s->pid);
}

/* The guest's path of the program a process runs, as its /proc/PID/exe reads. */
static const char *exe_path(struct gdb *g, int tid)
{
	struct task *t = gdb_task(g, tid);
	return t && t->proc->exe ? path_visible(t, t->proc->exe) : "";
}

/* What the stop reply says besides the signal and the thread. */
static void reply_reason(struct gdb *g, const struct gdb_stop *s, struct gdb_reply *r)
{
	static const char *const watch_names[Z_KINDS] = {"", "", "watch", "rwatch", "awatch"};
	const char *exe;
	struct process *child;
	switch (s->kind) {
	case STOP_SWBREAK: reply_str(r, "swbreak:;"); break;
	case STOP_HWBREAK: reply_str(r, "hwbreak:;"); break;
	case STOP_WATCH:
		reply_fmt(r, "%s:%llx;", watch_names[s->point_kind], (unsigned long long)s->addr);
		break;
	case STOP_EXEC:
		exe = exe_path(g, s->tid);
		reply_str(r, "exec:");
		reply_hex(r, exe, strlen(exe));
		reply_str(r, ";");
		break;
	case STOP_SYSCALL_ENTRY:
	case STOP_SYSCALL_RETURN:
		reply_fmt(r, "%s:%llx;", s->kind == STOP_SYSCALL_ENTRY ? "syscall_entry" : "syscall_return",
			  (unsigned long long)s->sysno);
		break;
	case STOP_FORK:
	case STOP_VFORK:
		child = process_find(g->vm, s->child_pid);
		reply_str(r, s->kind == STOP_FORK ? "fork:" : "vfork:");
		reply_thread_id(g, r, s->child_pid,
				child && child->task ? child->task->tid : s->child_pid);
		reply_str(r, ";");
		break;
	case STOP_VFORK_DONE: reply_str(r, "vforkdone:;"); break;
	default: break;
	}
}

void gdb_stop_reply(struct gdb *g, struct gdb_reply *r)
{
	const struct gdb_stop *s = &g->stop;
	if (s->kind == STOP_EXITED) {
		reply_exit(g, s, r);
		return;
	}
	int sig = s->kind == STOP_SIGNAL      ? s->sig
		  : s->kind == STOP_INTERRUPT ? SIGINT
		  : s->kind == STOP_ATTACHED  ? 0
					      : SIGTRAP;
	reply_fmt(r, "T%02x", gdb_signal_to_gdb(sig));
	reply_reason(g, s, r);
	reply_str(r, "thread:");
	reply_thread_id(g, r, s->pid, s->tid);
	reply_str(r, ";");
}

/* Step markers, breakpoint step-over and signals for the resumed threads. */
static void start_thread(struct gdb *g, struct gdb_thread *th)
{
	struct task *t = gdb_task(g, th->tid);
	int signal_stopped = g->stop.kind == STOP_SIGNAL && g->stop.tid == th->tid;
	th->at_syscall = 0;
	if (!t || th->action == ACT_HOLD)
		return;
	th->step_insns = task_insns(t) + th->insn_lag;
	th->step_rip = t->cpu.rip;
	th->step_parked = t->state == TASK_PARKED;
	for (int h = th->held_reported; h < th->nheld; h++)
		gdb_requeue(t, &th->held[h]);
	free(th->held);
	th->held = NULL;
	th->nheld = th->held_reported = 0;
	if (th->resume_sig && !signal_stopped) {
		/* gdb's own signal: delivered without a stop (unless the guest
		 * ignores it, and then never) */
		struct siginfo_k info = {.signo = th->resume_sig, .code = SI_USER, .trapno = -1};
		signal_send(t, &info);
		if (t->sigpending & SIGBIT(th->resume_sig))
			th->pass |= SIGBIT(th->resume_sig);
		th->resume_sig = 0;
	}
}

/* gdb's resume took effect in the thread records: now set the machine up. */
static void apply_resume(struct gdb *g)
{
	for (int k = 0; k < g->ninfs; k++) {
		struct process *p = gdb_inferior_process(g, g->infs[k]);
		for (struct task *t = p ? p->threads : NULL; t; t = t->thread_next)
			gdb_thread(g, t->tid);
	}
	g->stepping = 0;
	for (int k = 0; k < g->nthreads; k++) {
		start_thread(g, &g->threads[k]);
		g->stepping += g->threads[k].action == ACT_STEP;
	}
	struct task *stopped = gdb_task(g, g->stop.tid);
	if (stopped && gdb_thread_action(g, stopped->tid) != ACT_HOLD &&
	    gdb_breakpoint_at(gdb_inferior(g, stopped->proc->pid), stopped->cpu.rip) >= 0) {
		/* resuming at a breakpoint runs its instruction first */
		g->skip_tid = stopped->tid;
		g->skip_pc = stopped->cpu.rip;
		struct gdb_thread *th = gdb_thread_find(g, stopped->tid);
		g->skip_insns = task_insns(stopped) + (th ? th->insn_lag : 0);
		gdb_points_invalidate(stopped, g->skip_pc);
	}
	for (int k = 0; k < g->ninfs; k++)
		gdb_watch_refresh(g->infs[k]);
	g->waiting = 1;
}

/* What the last run left behind means nothing after a stop; a pending
 * report for the stopped thread itself is told by this stop. */
static void forget_runs(struct gdb *g)
{
	if (g->skip_tid)
		gdb_end_skip(g);
	g->hit_tid = 0;
	g->last_tid = 0;
	g->armed_point = -1;
	if (g->pending_tid == g->stop.tid)
		g->pending_tid = 0;
}

static int send_reply(struct gdb *g, struct gdb_reply *r)
{
	if (r->overflow) {
		r->len = 0;
		reply_str(r, "E01");
	}
	return gdb_conn_send(&g->conn, r->buf, r->len);
}

/* Reads and answers one packet: SERVE_MORE while gdb has more to say. */
static enum serve_result serve_one(struct gdb *g, struct gdb_reply *r, char *pkt)
{
	int interrupted = 0;
	int len = gdb_conn_recv(&g->conn, pkt, GDB_PACKET_MAX + 1, &interrupted);
	if (len == -1) {
		gdb_detach(g); /* gdb went away: the machine runs on by itself */
		return SERVE_END;
	}
	r->len = 0;
	r->overflow = len == GDB_TOO_LONG;
	enum serve_result res = r->overflow ? SERVE_MORE : gdb_handle_packet(g, pkt, len, r);
	if (res == SERVE_RESUME)
		apply_resume(g);
	if (res != SERVE_MORE)
		return res;
	if (send_reply(g, r)) {
		gdb_detach(g);
		return SERVE_END;
	}
	if (g->noack_pending) {
		g->conn.noack = 1;
		g->noack_pending = 0;
	}
	return SERVE_MORE;
}

/* Serves packets until gdb resumes, detaches or kills. */
static void serve(struct gdb *g, struct gdb_reply *r, char *pkt)
{
	while (g->state == GDB_ATTACHED && serve_one(g, r, pkt) == SERVE_MORE)
		;
}

static int buffers(struct gdb_reply **r, char **pkt)
{
	*r = malloc(sizeof **r);
	*pkt = malloc(GDB_PACKET_MAX + 1);
	if (*r && *pkt) {
		(*r)->len = 0;
		(*r)->overflow = 0;
		return 0;
	}
	free(*r);
	free(*pkt);
	return -1;
}

void gdb_serve_unattached(struct gdb *g)
{
	struct gdb_reply *r;
	char *pkt;
	if (buffers(&r, &pkt)) {
		gdb_detach(g);
		return;
	}
	int ready;
	while (g->state == GDB_ATTACHED && !g->ninfs &&
	       (ready = gdb_conn_packet_ready(&g->conn)) != 0) {
		if (ready < 0)
			gdb_detach(g); /* gdb went away */
		else if (serve_one(g, r, pkt) != SERVE_MORE)
			break;
	}
	if (g->state == GDB_ATTACHED && g->ninfs)
		serve(g, r, pkt); /* gdb attached: the machine waits for its resume */
	free(r);
	free(pkt);
}

void gdb_set_stop(struct gdb *g, const struct gdb_stop *stop)
{
	g->stop = *stop;
	if (!g->stop.pid) {
		struct task *t = gdb_task(g, stop->tid);
		g->stop.pid = t ? t->proc->pid : stop->tid;
	}
	gdb_siginfo_of_stop(&g->stop);
	g->regs_tid = g->cont_tid = stop->tid;
}

void gdb_stop_machine(struct gdb *g, const struct gdb_stop *stop)
{
	struct gdb_reply *r;
	char *pkt;
	if (buffers(&r, &pkt)) {
		gdb_detach(g);
		return;
	}
	gdb_set_stop(g, stop);
	forget_runs(g);
	gdb_threads_prune(g);
	if (g->waiting) {
		gdb_stop_reply(g, r);
		g->waiting = 0;
		if (send_reply(g, r))
			gdb_detach(g);
	}
	if (stop->kind == STOP_EXITED && !g->ninfs && !g->extended)
		gdb_detach(g); /* nothing is left to debug: gdb closes the connection */
	else if (g->state == GDB_ATTACHED && g->ninfs)
		serve(g, r, pkt);
	/* extended-remote with nothing left to debug: the machine runs on while
	 * gdb stays connected (gdb_serve_unattached) */
	free(r);
	free(pkt);
}
