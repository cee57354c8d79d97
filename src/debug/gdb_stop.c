/* A stop: the reply that tells gdb why, serving gdb's packets while the
 * machine stands still, and carrying out how gdb resumes it. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "debug/gdb_internal.h"
#include "kernel/task/signal.h"

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

static void reply_exit(const struct gdb_stop *s, struct gdb_reply *r)
{
	int st = s->wait_status;
	if (st & 0x7f)
		reply_fmt(r, "X%02x", gdb_signal_to_gdb(st & 0x7f));
	else
		reply_fmt(r, "W%02x", (st >> 8) & 0xff);
}

void gdb_stop_reply(struct gdb *g, struct gdb_reply *r)
{
	static const char *const watch_names[Z_KINDS] = {"", "", "watch", "rwatch", "awatch"};
	const struct gdb_stop *s = &g->stop;
	if (s->kind == STOP_EXITED) {
		reply_exit(s, r);
		return;
	}
	int sig = s->kind == STOP_SIGNAL ? s->sig : s->kind == STOP_INTERRUPT ? SIGINT : SIGTRAP;
	reply_fmt(r, "T%02x", gdb_signal_to_gdb(sig));
	if (s->kind == STOP_SWBREAK || s->kind == STOP_HWBREAK)
		reply_str(r, s->kind == STOP_SWBREAK ? "swbreak:;" : "hwbreak:;");
	else if (s->kind == STOP_WATCH)
		reply_fmt(r, "%s:%llx;", watch_names[s->point_kind], (unsigned long long)s->addr);
	if (s->kind == STOP_EXEC) {
		struct process *p = gdb_process(g);
		const char *exe = p && p->exe ? p->exe : "";
		reply_str(r, "exec:");
		reply_hex(r, exe, strlen(exe));
		reply_str(r, ";");
	}
	reply_fmt(r, "thread:%x;", s->tid);
}

/* Step markers, breakpoint step-over and signals for the resumed threads. */
static void start_thread(struct gdb *g, struct gdb_thread *th)
{
	struct task *t = gdb_task(g, th->tid);
	int signal_stopped = g->stop.kind == STOP_SIGNAL && g->stop.tid == th->tid;
	if (!t || th->action == ACT_HOLD)
		return;
	th->step_insns = task_insns(t);
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
	struct process *p = gdb_process(g);
	for (struct task *t = p ? p->threads : NULL; t; t = t->thread_next)
		gdb_thread(g, t->tid);
	g->stepping = 0;
	for (int k = 0; k < g->nthreads; k++) {
		start_thread(g, &g->threads[k]);
		g->stepping += g->threads[k].action == ACT_STEP;
	}
	struct task *stopped = gdb_task(g, g->stop.tid);
	if (stopped && gdb_thread_action(g, stopped->tid) != ACT_HOLD &&
	    gdb_breakpoint_at(g, stopped->cpu.rip) >= 0) {
		/* resuming at a breakpoint runs its instruction first */
		g->skip_tid = stopped->tid;
		g->skip_pc = stopped->cpu.rip;
		g->skip_insns = task_insns(stopped);
		gdb_points_invalidate(g, stopped, g->skip_pc);
	}
	gdb_watch_refresh(g);
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

/* Serves packets until gdb resumes, detaches or kills. */
static void serve(struct gdb *g, struct gdb_reply *r, char *pkt)
{
	for (;;) {
		int interrupted = 0;
		int len = gdb_conn_recv(&g->conn, pkt, GDB_PACKET_MAX + 1, &interrupted);
		if (len == -1) {
			gdb_detach(g); /* gdb went away: the machine runs on by itself */
			return;
		}
		r->len = 0;
		r->overflow = len == GDB_TOO_LONG;
		enum serve_result res =
			r->overflow ? SERVE_MORE : gdb_handle_packet(g, pkt, len, r);
		if (res == SERVE_END)
			return;
		if (res == SERVE_RESUME) {
			apply_resume(g);
			return;
		}
		if (send_reply(g, r)) {
			gdb_detach(g);
			return;
		}
		if (g->noack_pending) {
			g->conn.noack = 1;
			g->noack_pending = 0;
		}
	}
}

void gdb_stop_machine(struct gdb *g, const struct gdb_stop *stop)
{
	struct gdb_reply *r = malloc(sizeof *r);
	char *pkt = malloc(GDB_PACKET_MAX + 1);
	if (!r || !pkt) {
		free(r);
		free(pkt);
		gdb_detach(g);
		return;
	}
	g->stop = *stop;
	g->regs_tid = g->cont_tid = stop->tid;
	forget_runs(g);
	gdb_threads_prune(g);
	r->len = 0;
	r->overflow = 0;
	if (g->waiting) {
		gdb_stop_reply(g, r);
		g->waiting = 0;
		if (send_reply(g, r))
			gdb_detach(g);
	}
	if (stop->kind == STOP_EXITED)
		gdb_detach(g); /* nothing is left to debug: gdb closes the connection */
	else if (g->state == GDB_ATTACHED)
		serve(g, r, pkt);
	free(r);
	free(pkt);
}
