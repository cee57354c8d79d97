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
	STOP_EXITED,	    /* a debugged process ended: W or X */
	STOP_SYSCALL_ENTRY, /* a caught system call, before it runs */
	STOP_SYSCALL_RETURN,
	STOP_FORK, /* fork events: the parent, with the child in child_pid */
	STOP_VFORK,
	STOP_VFORK_DONE, /* the vfork parent goes on: the child let go of its memory */
	STOP_ATTACHED,	 /* vAttach: the process gdb attached to, signal 0 */
};

struct gdb_stop {
	enum stop_kind kind;
	int tid;
	int pid;	  /* the thread's process (filled in when the stop is served) */
	int sig;	  /* STOP_SIGNAL: Linux number */
	uint64_t addr;	  /* STOP_WATCH: the watched address */
	int point_kind;	  /* STOP_WATCH: Z type */
	int wait_status;  /* STOP_EXITED */
	uint64_t sysno;	  /* STOP_SYSCALL_*: the call's number */
	int child_pid;	  /* STOP_FORK, STOP_VFORK */
	struct siginfo_k info; /* STOP_SIGNAL: what is about to be delivered */
};

/* Breakpoint and watchpoint kinds, numbered as the Z packets number them. */
enum { Z_SW_BREAK, Z_HW_BREAK, Z_WRITE_WATCH, Z_READ_WATCH, Z_ACCESS_WATCH, Z_KINDS };

struct gdb_point {
	int kind;
	uint64_t addr, len;
	uint8_t *seen; /* watchpoints: the bytes as last looked at */
	int seen_ok;   /* they were readable */
};

/* One process gdb debugs. Breakpoints and watchpoints are per process, as
 * gdb inserts them (a fork child starts with a copy of its parent's, as
 * its memory would hold them under a real kernel). */
struct gdb_inferior {
	struct gdb *g;
	int pid;
	int attached;			/* by vAttach: gdb detaches it when it quits */
	enum gdb_action default_action; /* for its threads gdb did not name */
	struct gdb_point *points;
	int npoints;
	int nwatch[Z_KINDS]; /* points by kind */
	unsigned points_gen; /* advances with every change of the table */
	uint64_t *applied;   /* breakpoint addresses the block cache is built with */
	int napplied;
	unsigned applied_gen; /* the table's generation they came from */
	struct block_breaks breaks;
};

/* gdb's wishes for one guest thread, kept from one resume to the next,
 * and the stops it still has to report. */
struct gdb_thread {
	int tid, pid;
	enum gdb_action action;
	int resume_sig;		       /* Linux signal gdb resumes it with, 0: none */
	uint64_t pass;		       /* signals to deliver without a stop (gdb sent them) */
	uint64_t step_insns, step_rip; /* where a step began */
	int step_parked;	       /* ... inside a parked system call */
	struct siginfo_k *held;	       /* signals that came while gdb kept it stopped */
	int nheld;
	int held_reported;   /* held[0] was reported to gdb already */
	int at_syscall;	     /* stopped at a system call's entry or return: */
	int64_t orig_ax;     /* ... its number, which gdb reads and may change */
	uint64_t entry_pc;   /* at an entry: where the system call instruction is */
	int entry_reported;  /* its call's entry was reported, the call was held back */
	int has_event;	     /* a fork, vfork or exec to report */
	struct gdb_stop event;
	int in_vfork;	     /* in a vfork gdb was told of, */
	int vfork_done;	     /* ... which returned: to report */
	int return_pending;  /* a caught call's return to report */
	uint64_t insn_lag;   /* stopped inside its system call instruction: instructions
			      * that retired but count only when their block ends */
	uint64_t return_nr;
};

#define GDB_VFILES 32 /* files gdb may hold open through vFile */

struct gdb {
	struct vm *vm;
	struct gdb_conn conn;
	enum gdb_state state;
	struct gdb_inferior **infs; /* the processes being debugged */
	int ninfs;
	int follow_fork;		/* --gdb-follow-fork */
	int extended;			/* extended-remote: gdb stays when nothing is debugged */
	int multiprocess;		/* thread ids carry the pid: pPID.TID */
	int fork_events, vfork_events;	/* gdb decides what happens at a fork */
	int exec_events;		/* gdb asked for exec stop events */
	int catch_syscalls;		/* QCatchSyscalls:1 */
	uint64_t catch_nrs[SYSCALL_NR_MAX / 64]; /* which calls; all bits: every call */
	int catch_all;
	int noack_pending;		/* QStartNoAckMode: acknowledgements end after this reply */
	int waiting;			/* gdb resumed the machine and waits for a stop reply */
	struct gdb_stop stop;		/* the last one, for '?' and $_siginfo */
	int regs_tid;			/* Hg: the thread registers are read from */
	int cont_tid;			/* Hc: the thread c and s apply to */
	struct gdb_thread *threads;
	int nthreads;
	int stepping; /* threads told to step */
	uint64_t pass_signals; /* QPassSignals: delivered without a stop */
	int skip_tid; /* stepping over the breakpoint it stopped at */
	uint64_t skip_pc, skip_insns;
	int hit_tid;	     /* a breakpoint's trap ran in this thread */
	int last_tid;	     /* the debugged thread that ran last */
	uint64_t last_insns; /* ... its instruction count before that run */
	int armed_point;     /* a read/access watch its instruction touches, or -1 */
	int pending_tid;     /* a followed fork child to report when it runs */
	struct file *vfiles[GDB_VFILES]; /* vFile's open files */
	int vfile_pid;			  /* vFile:setfs: whose view of the files, 0: the debugged */
};

/* A thread id as the packets write it: pid and tid, -1 for all, 0 for any. */
struct gdb_ptid {
	int pid, tid;
};

/* gdb_run.c */
int gdb_is_debugged(const struct gdb *g, const struct task *t);
/* A live thread of a debugged process, or NULL. */
struct task *gdb_task(struct gdb *g, int tid);
/* Thread tid's record, created (with its process's default action) when new. */
struct gdb_thread *gdb_thread(struct gdb *g, int tid);
struct gdb_thread *gdb_thread_find(struct gdb *g, int tid);
enum gdb_action gdb_thread_action(struct gdb *g, int tid);
void gdb_threads_release(struct gdb *g, int pid); /* pid -1: every thread */
void gdb_threads_prune(struct gdb *g);
void gdb_requeue(struct task *t, const struct siginfo_k *info);
void gdb_end_skip(struct gdb *g);
/* Lets the machine run on without gdb (D, a lost connection). */
void gdb_detach(struct gdb *g);
/* Ends every guest process and the machine (k, vKill of the last process). */
void gdb_kill(struct gdb *g);

/* gdb_inferior.c: the debugged processes */
struct gdb_inferior *gdb_inferior(const struct gdb *g, int pid);
struct gdb_inferior *gdb_inferior_add(struct gdb *g, int pid);
/* Forgets process pid (its breakpoints leave its code, its threads'
 * wishes go); it runs on by itself, if it lives. */
void gdb_inferior_remove(struct gdb *g, int pid);
/* The process while it lives, else NULL. */
struct process *gdb_inferior_process(const struct gdb *g, const struct gdb_inferior *inf);
/* The process the register, memory and breakpoint packets apply to: the
 * one of the thread Hg chose (else the stopped one, else the first). */
struct process *gdb_current_process(struct gdb *g);
struct gdb_inferior *gdb_current_inferior(struct gdb *g);
/* The thread register packets apply to. */
struct task *gdb_regs_task(struct gdb *g);
/* vKill;PID while other processes stay debugged: PID alone gets SIGKILL. */
void gdb_inferior_kill(struct gdb *g, int pid);

/* gdb_ids.c: thread ids in packets */
/* Parses "TID", "-1", "0", "pPID", "pPID.TID" (with -1 and 0 in either
 * place); *end after it. 0, or -1 when malformed. */
int gdb_parse_ptid(const char *s, struct gdb_ptid *id, const char **end);
/* Appends thread tid of process pid as gdb reads it (with the pid only
 * under multiprocess). */
void reply_thread_id(const struct gdb *g, struct gdb_reply *r, int pid, int tid);
/* Whether id names the thread. */
int gdb_ptid_matches(const struct gdb_ptid *id, int pid, int tid);

/* gdb_stop.c */
/* Reports the stop (when gdb waits for one) and serves gdb until it resumes
 * the machine, detaches or kills it. */
void gdb_stop_machine(struct gdb *g, const struct gdb_stop *stop);
/* Makes stop the one '?' and $_siginfo tell of, and its thread current. */
void gdb_set_stop(struct gdb *g, const struct gdb_stop *stop);
/* Extended-remote with no process debugged: serves the packets gdb sent
 * meanwhile, while the machine runs; after an attach, until gdb resumes. */
void gdb_serve_unattached(struct gdb *g);
void gdb_stop_reply(struct gdb *g, struct gdb_reply *r);
int gdb_signal_to_gdb(int linux_sig);
int gdb_signal_from_gdb(int gdb_sig); /* -1: not a Linux signal */

/* gdb_packets.c: one packet; what the stop loop does next. */
enum serve_result { SERVE_MORE, SERVE_RESUME, SERVE_END };
enum serve_result gdb_handle_packet(struct gdb *g, char *pkt, int len, struct gdb_reply *r);

/* gdb_query.c: q and Q packets (the reply stays empty for unknown ones). */
void gdb_handle_query(struct gdb *g, char *pkt, int len, struct gdb_reply *r);

/* gdb_threads.c: qfThreadInfo, qThreadExtraInfo and qXfer:threads (into
 * out: its length, cut at size). */
void gdb_thread_list(struct gdb *g, struct gdb_reply *r);
void gdb_thread_extra_info(struct gdb *g, const char *s, struct gdb_reply *r);
size_t gdb_threads_xml(struct gdb *g, char *out, size_t size);

/* gdb_xml.c: appends to out (size bytes) at *len; *len keeps counting past
 * the end, so a cut text shows as *len >= size. _escaped: as an XML
 * attribute or text. */
void gdb_xml_append(char *out, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void gdb_xml_escaped(char *out, size_t size, size_t *len, const char *s);

/* gdb_osdata.c: qXfer:osdata (annex "" or "processes") into out: its
 * length, or -1 for no such object or one cut at size. */
long gdb_osdata(struct gdb *g, const char *annex, char *out, size_t size);

/* gdb_syscall.c: QCatchSyscalls, and the stops a thread has to report when
 * it next runs (1 when the machine stopped for one). */
void gdb_catch_syscalls(struct gdb *g, const char *s, struct gdb_reply *r);
int gdb_report_pending(struct gdb *g, struct task *t);
/* At a system call's entry stop the thread stands inside its system call
 * instruction: for a snapshot it is put back before the instruction (the
 * number in rax), so that the restored machine runs the call. The thread,
 * with what rax and rip were, to put back after; NULL at other stops. */
struct task *gdb_entry_rewind(struct gdb *g, uint64_t *rax, uint64_t *rip);

/* gdb_siginfo.c: qXfer:siginfo, the Linux siginfo of the last stop (which
 * gdb_siginfo_of_stop fills in for stops that are not signals). */
void gdb_siginfo_of_stop(struct gdb_stop *s);
long gdb_siginfo_read(struct gdb *g, uint8_t *out, size_t size);
int gdb_siginfo_write(struct gdb *g, uint64_t offset, const uint8_t *data, size_t n);

/* gdb_vfile.c: vFile host I/O on the guest's files. */
void gdb_vfile(struct gdb *g, const char *pkt, int len, struct gdb_reply *r);
void gdb_vfile_close_all(struct gdb *g);

/* gdb_points.c */
void gdb_points_init(struct gdb_inferior *inf);
int gdb_point_insert(struct gdb_inferior *inf, int kind, uint64_t addr, uint64_t len);
int gdb_point_remove(struct gdb_inferior *inf, int kind, uint64_t addr, uint64_t len);
void gdb_points_clear(struct gdb_inferior *inf);
/* A fork child's table: a copy of its parent's. 0, or -1 out of memory. */
int gdb_points_copy(struct gdb_inferior *to, const struct gdb_inferior *from);
int gdb_breakpoint_at(const struct gdb_inferior *inf, uint64_t pc); /* Z kind, or -1 */
int gdb_watching(const struct gdb_inferior *inf);
/* Before t runs: its block cache built around the breakpoints, one
 * instruction a block when one_at_a_time. */
void gdb_points_apply(struct gdb_inferior *inf, struct task *t, int one_at_a_time);
/* A block cache back to normal (no debugger, full blocks); `only`: only
 * when it is built for that inferior (NULL: for any). */
void gdb_points_release(struct block_cache *bc, const struct gdb_inferior *only);
/* Drops t's decoded instruction at pc, so that it is built anew. */
void gdb_points_invalidate(struct task *t, uint64_t pc);
/* After a run: the index of a watchpoint that fired, or -1; `retired`
 * says the armed instruction ran. */
int gdb_watch_fired(struct gdb_inferior *inf, int retired);
/* Before t runs one instruction: arms a read/access watch it touches. */
void gdb_watch_arm(struct gdb_inferior *inf, struct task *t);
/* Looks at the watched bytes afresh (gdb may have written them). */
void gdb_watch_refresh(struct gdb_inferior *inf);

/* gdb_mem.c: a debugger's access, past the guest's page protections (as
 * ptrace does) but never to unmapped memory. The bytes done. */
size_t gdb_mem_read(struct mm *mm, uint64_t addr, void *buf, size_t n);
size_t gdb_mem_write(struct mm *mm, uint64_t addr, const void *buf, size_t n);

#endif
