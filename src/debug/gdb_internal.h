/* The gdb stub's state, hung off struct vm, and what its files share. */
#ifndef HEXVM_DEBUG_GDB_INTERNAL_H
#define HEXVM_DEBUG_GDB_INTERNAL_H

#include <stdint.h>

#include "debug/gdb.h"
#include "debug/gdb_conn.h"
#include "interp/block.h"
#include "kernel/vm.h"

enum gdb_state { GDB_ATTACHED, GDB_DETACHED };

/* What gdb asked a thread to do at the last resume. */
enum gdb_action { ACT_HOLD, ACT_CONT, ACT_STEP };

/* Why the machine stopped, as the stop reply tells it. */
enum stop_kind {
	STOP_TRAP,	/* start, a finished step, a followed fork child: SIGTRAP */
	STOP_SIGNAL,	/* a guest signal about to be delivered */
	STOP_INTERRUPT, /* gdb's Ctrl-C */
	STOP_SWBREAK,
	STOP_HWBREAK,
	STOP_WATCH, /* write, read or access watchpoint (point_kind tells) */
	STOP_EXEC,
	STOP_EXITED, /* the debugged process ended: W or X */
};

struct gdb_stop {
	enum stop_kind kind;
	int tid;
	int sig;	 /* STOP_SIGNAL: Linux number */
	uint64_t addr;	 /* STOP_WATCH: the watched address */
	int point_kind;	 /* STOP_WATCH: Z type */
	int wait_status; /* STOP_EXITED */
};

/* Breakpoint and watchpoint kinds, numbered as the Z packets number them. */
enum { Z_SW_BREAK, Z_HW_BREAK, Z_WRITE_WATCH, Z_READ_WATCH, Z_ACCESS_WATCH, Z_KINDS };

struct gdb_point {
	int kind;
	uint64_t addr, len;
	uint8_t *seen; /* watchpoints: the bytes as last looked at */
	int seen_ok;   /* they were readable */
};

/* gdb's wishes for one guest thread, kept from one resume to the next. */
struct gdb_thread {
	int tid;
	enum gdb_action action;
	int resume_sig;		       /* Linux signal gdb resumes it with, 0: none */
	uint64_t pass;		       /* signals to deliver without a stop (gdb sent them) */
	uint64_t step_insns, step_rip; /* where a step began */
	int step_parked;	       /* ... inside a parked system call */
	struct siginfo_k *held;	       /* signals that came while gdb kept it stopped */
	int nheld;
	int held_reported; /* held[0] was reported to gdb already */
};

struct gdb {
	struct vm *vm;
	struct gdb_conn conn;
	enum gdb_state state;
	int pid;			/* the process being debugged */
	int follow_fork;		/* --gdb-follow-fork */
	int exec_events;		/* gdb asked for exec stop events */
	int noack_pending;		/* QStartNoAckMode: acknowledgements end after this reply */
	int waiting;			/* gdb resumed the machine and waits for a stop reply */
	struct gdb_stop stop;		/* the last one, for '?' */
	int regs_tid;			/* Hg: the thread registers are read from */
	int cont_tid;			/* Hc: the thread c and s apply to */
	enum gdb_action default_action; /* for threads gdb did not name */
	struct gdb_thread *threads;
	int nthreads;
	int stepping;	       /* threads told to step */
	uint64_t pass_signals; /* QPassSignals: delivered without a stop */
	struct gdb_point *points;
	int npoints;
	int nwatch[Z_KINDS]; /* points by kind */
	unsigned points_gen; /* advances with every change of the table */
	uint64_t *applied;   /* breakpoint addresses the block cache is built with */
	int napplied;
	unsigned applied_gen; /* the table's generation they came from */
	struct block_breaks breaks;
	int skip_tid; /* stepping over the breakpoint it stopped at */
	uint64_t skip_pc, skip_insns;
	int hit_tid;	     /* a breakpoint's trap ran in this thread */
	int last_tid;	     /* the debugged thread that ran last */
	uint64_t last_insns; /* ... its instruction count before that run */
	int armed_point;     /* a read/access watch its instruction touches, or -1 */
	int pending_tid;     /* a followed fork child or an exec to report when it runs */
	enum stop_kind pending_kind;
};

/* gdb_run.c */
/* The debugged process while it lives, else NULL. */
struct process *gdb_process(struct gdb *g);
int gdb_is_debugged(const struct gdb *g, const struct task *t);
/* A live thread of the debugged process, or NULL. */
struct task *gdb_task(struct gdb *g, int tid);
/* Thread tid's record, created (with the default action) when new. */
struct gdb_thread *gdb_thread(struct gdb *g, int tid);
enum gdb_action gdb_thread_action(const struct gdb *g, int tid);
void gdb_threads_release(struct gdb *g);
void gdb_threads_prune(struct gdb *g);
void gdb_requeue(struct task *t, const struct siginfo_k *info);
void gdb_end_skip(struct gdb *g);
/* Lets the machine run on without gdb (D, a lost connection). */
void gdb_detach(struct gdb *g);
/* Ends every guest process and the machine (k, vKill). */
void gdb_kill(struct gdb *g);

/* gdb_stop.c */
/* Reports the stop (when gdb waits for one) and serves gdb until it resumes
 * the machine, detaches or kills it. */
void gdb_stop_machine(struct gdb *g, const struct gdb_stop *stop);
void gdb_stop_reply(struct gdb *g, struct gdb_reply *r);
int gdb_signal_to_gdb(int linux_sig);
int gdb_signal_from_gdb(int gdb_sig); /* -1: not a Linux signal */

/* gdb_packets.c: one packet; what the stop loop does next. */
enum serve_result { SERVE_MORE, SERVE_RESUME, SERVE_END };
enum serve_result gdb_handle_packet(struct gdb *g, char *pkt, int len, struct gdb_reply *r);
/* The thread register packets apply to. */
struct task *gdb_regs_task(struct gdb *g);

/* gdb_query.c: q and Q packets (the reply stays empty for unknown ones). */
void gdb_handle_query(struct gdb *g, char *pkt, struct gdb_reply *r);

/* gdb_points.c */
void gdb_points_init(struct gdb *g);
int gdb_point_insert(struct gdb *g, int kind, uint64_t addr, uint64_t len);
int gdb_point_remove(struct gdb *g, int kind, uint64_t addr, uint64_t len);
void gdb_points_clear(struct gdb *g);
int gdb_breakpoint_at(const struct gdb *g, uint64_t pc); /* Z kind, or -1 */
int gdb_watching(const struct gdb *g);
/* Before t runs: its block cache built around the breakpoints, one
 * instruction a block when one_at_a_time. */
void gdb_points_apply(struct gdb *g, struct task *t, int one_at_a_time);
/* A block cache back to normal (no debugger, full blocks). */
void gdb_points_release(struct gdb *g, struct block_cache *bc);
/* Drops t's decoded instruction at pc, so that it is built anew. */
void gdb_points_invalidate(struct gdb *g, struct task *t, uint64_t pc);
/* After a run: the index of a watchpoint that fired, or -1; `retired`
 * says the armed instruction ran. */
int gdb_watch_fired(struct gdb *g, int retired);
/* Before t runs one instruction: arms a read/access watch it touches. */
void gdb_watch_arm(struct gdb *g, struct task *t);
/* Looks at the watched bytes afresh (gdb may have written them). */
void gdb_watch_refresh(struct gdb *g);

/* gdb_mem.c: a debugger's access, past the guest's page protections (as
 * ptrace does) but never to unmapped memory. The bytes done. */
size_t gdb_mem_read(struct mm *mm, uint64_t addr, void *buf, size_t n);
size_t gdb_mem_write(struct mm *mm, uint64_t addr, const void *buf, size_t n);

#endif
