/* The lockstep differ's state and the pieces its files share. Only the
 * lockstep files include this. */
#ifndef HEXVM_DEBUG_LOCKSTEP_INT_H
#define HEXVM_DEBUG_LOCKSTEP_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "cpu/cpu.h"
#include "debug/lockstep.h"
#include "decode/insn.h"
#include "host/fault.h"

#define LS_TRAIL      32   /* instructions the report shows */
#define LS_EXT_MAX    4096 /* CPUID/RDTSC results hexvm may run ahead by */
#define LS_BREAK_MAX  512  /* CPUID/RDTSC sites marked in the native code */
#define LS_STACK_SIZE (8ull << 20)
#define LS_SHARED_MAX 64   /* shared memory objects (MAP_SHARED) mirrored */
#define LS_QUANTUM    20000 /* instructions a thread runs before another gets a turn */

/* A register state in one shape for both sides: general registers in
 * hexvm's order (enum gpr), and the FXSAVE image of the x87/SSE state. */
struct ls_state {
	uint64_t r[16], rip, flags, fs_base, gs_base;
	uint16_t sel[SEG_COUNT];
	uint8_t fx[512];
};

/* What stopped the native process. */
enum ls_event_kind {
	EV_STEP,     /* a single step finished */
	EV_SYSCALL,  /* a system call entry or exit stop */
	EV_BREAK,    /* one of lockstep's breakpoints (rip is past the int3) */
	EV_SIGNAL,   /* a signal is about to be delivered */
	EV_EXITED,   /* the process exited (status: its code) */
	EV_KILLED,   /* the process died of signal `sig` */
	EV_ZOMBIE,   /* the first thread ended while others run on: the process's
			status comes when the last one ends */
	EV_UNFOLLOWED /* a group stop or a ptrace event (status: which) */
};

struct ls_event {
	enum ls_event_kind kind;
	int sig, status;
	int si_code;
	uint64_t addr; /* si_addr */
};

/* A native mapping inside hexvm's window, as /proc/PID/maps lists it. */
struct ls_map {
	uint64_t start, end, offset, inode, dev;
	int prot; /* GPROT_* */
	int shared;
};

struct ls_maps {
	struct ls_map *v;
	size_t n, cap;
};

/* A result of hexvm's processor model the native must see too: CPUID and
 * RDTSC registers, which the native takes instead of executing them, or
 * the model's fields of an x87 environment store (the pointers a trap into
 * the host kernel loses on AMD, MXCSR_MASK), patched after the native
 * stored its own image. */
enum ls_external_kind { EXT_CPUID, EXT_RDTSC, EXT_STORE };

#define LS_PATCH_MAX 2
struct ls_external {
	enum ls_external_kind kind;
	uint64_t addr, next; /* the instruction and the one after it */
	uint64_t ax, bx, cx, dx;
	uint64_t at; /* EXT_STORE: the image */
	unsigned npatch;
	struct {
		uint8_t off, len;
		uint8_t bytes[20];
	} patch[LS_PATCH_MAX];
};

struct ls_trail_entry {
	uint64_t addr;
	int thread; /* its number */
	uint8_t len;
	uint8_t bytes[15];
};

/* The instruction hexvm is about to execute, decoded ahead (step mode). */
struct ls_peek {
	int ok; /* decoded; otherwise hexvm is about to fault */
	struct insn in;
	uint8_t bytes[15];
	unsigned nbytes;
};

/* A system call of one thread, from its entry stop until the native kernel
 * has finished it; kept while the thread blocks in it. */
struct ls_call {
	struct user_regs_struct entry; /* the registers as the program passed them */
	int abi, kind;		       /* kind: lockstep_sys.c's enum sys_kind */
	int steered;		       /* its arguments changed (put back after) */
	int forks;		       /* a new process: lockstep's int3s are out meanwhile */
	int starts_thread;
	int expecting_exit; /* 0 from a restart's exit stop to the next entry */
	int execed;
	pid_t new_tid; /* the thread it made, which has yet to make its first stop */
};

/* One thread of the program on both sides. Lockstep schedules them: one at
 * a time runs, natively and in hexvm; the others stand stopped, or sit in
 * the native kernel in a call that blocks (in_call). */
struct ls_thread {
	struct cpu cpu; /* hexvm's side */
	struct lockstep *ls;
	pid_t tid;	/* the native thread */
	int number;	/* 1, 2 ... in the order they were made: what reports call it */
	int in_call;	/* the native is in the kernel in `call` */
	int gone;	/* it ended */
	int has_event;	/* its native stop came and was not acted on yet: */
	struct ls_event event;
	struct ls_call call;
	int stat_fd; /* its /proc/PID/task/TID/stat, opened when first needed */
};

struct lockstep {
	struct lockstep_options opt;
	int mode64;
	uint64_t entry; /* the program's entry point: native and hexvm start there */

	/* the native process */
	pid_t pid;	/* its first thread; 0 once the process is gone */
	pid_t proc_pid; /* a live thread, whose /proc files show the process */
	int mem_fd, pagemap_fd; /* its /proc/PID/mem and pagemap */
	struct ls_maps maps;	/* its mappings at the last synchronization */
	struct {
		uint64_t dev, inode;
		int fd;
	} shared[LS_SHARED_MAX]; /* hexvm's memfd for each shared object it maps */
	int nshared;
	int sigbus_fd; /* an empty memfd: hexvm's view of pages past a file's end */
	uint64_t breaks[LS_BREAK_MAX]; /* int3s at CPUID/RDTSC sites (syscall mode) */
	uint8_t break_saved[LS_BREAK_MAX];
	int nbreaks;
	int native_waits;  /* syscall mode: stopped past the int3 at wait_site, */
	uint64_t wait_site; /* for hexvm's result there */

	/* the threads; cur runs on both sides */
	struct ls_thread **threads;
	int nthreads, threads_cap;
	int nlive;	      /* threads not gone */
	int threads_made;     /* the last thread's number */
	struct ls_thread *cur;
	uint64_t slice_start; /* insns when cur was given its turn */
	int yielded;	      /* cur called sched_yield */

	/* hexvm's side: an address space (each thread has its CPU), no kernel */
	struct fault_scope fault_scope; /* the running cpu; no copy-on-write (no fork) */
	struct mm *mm;
	struct cpu_hooks hooks;
	int pending_abi;       /* a system call instruction ran: its ABI, else -1 */
	int fault_sig, fault_code; /* hexvm faulted in its last run (0: no) */
	uint64_t fault_addr;
	struct ls_external ext[LS_EXT_MAX]; /* ring: hexvm produces, the native consumes */
	unsigned ext_head, ext_count;

	/* progress and the report */
	uint64_t insns, syscalls, signals;
	struct ls_trail_entry trail[LS_TRAIL];
	unsigned trail_next, trail_len;
};

/* lockstep_native.c: the traced child */
int ls_native_spawn(struct lockstep *ls, const char *path, char *const argv[],
		    char *const envp[], char *msg, size_t msg_size);
int ls_native_open_proc(struct lockstep *ls, char *msg, size_t msg_size);
void ls_native_kill(struct lockstep *ls);
/* Lets the native run on untraced; its wait status as hexvm's exit status. */
int ls_native_release(struct lockstep *ls);
/* These act on the current thread (ls->cur) of the native process. */
int ls_native_resume(struct lockstep *ls, int request, int sig);
int ls_native_wait(struct lockstep *ls, struct ls_event *ev);
/* The stop or end waitpid reported for the current thread as an event. */
int ls_native_event(struct lockstep *ls, int wait_status, struct ls_event *ev);
/* The process is ending: every thread's end is collected, the first
 * thread's last; *ev becomes the process's. */
int ls_native_reap(struct lockstep *ls, struct ls_event *ev);
int ls_native_regs(struct lockstep *ls, struct user_regs_struct *r);
int ls_native_set_regs(struct lockstep *ls, const struct user_regs_struct *r);
int ls_native_fpregs(struct lockstep *ls, struct user_fpregs_struct *f);
int ls_native_read(struct lockstep *ls, uint64_t addr, void *buf, size_t len);
int ls_native_write(struct lockstep *ls, uint64_t addr, const void *buf, size_t len);
int ls_native_syscall(struct lockstep *ls, uint64_t nr, const uint64_t *args, uint64_t *ret);
int ls_native_break(struct lockstep *ls, uint64_t addr);
void ls_native_unbreak_all(struct lockstep *ls);
void ls_native_rebreak_all(struct lockstep *ls);
int ls_native_is_break(const struct lockstep *ls, uint64_t addr);
/* Executes the instruction under the breakpoint at `addr` (rip is past the
 * int3) with one step; the int3 stays. */
int ls_native_step_over_break(struct lockstep *ls, uint64_t addr, struct ls_event *ev);
/* A temporary breakpoint: run the native until it reaches `addr`. */
int ls_native_run_to(struct lockstep *ls, uint64_t addr, struct ls_event *ev);

/* lockstep_start.c: the first stop, made ready for both sides */
/* Static programs only; prints why not. */
int ls_check_program(const char *path, int *mode64);
int ls_start(struct lockstep *ls, char *msg, size_t msg_size);

/* lockstep_mirror.c: the native address space copied into hexvm's */
int ls_maps_read(struct lockstep *ls, struct ls_maps *out);
void ls_maps_free(struct ls_maps *m);
/* Makes hexvm's mappings those of the native; the range [force_lo,
 * force_hi) is mapped and copied again even when it looks unchanged. */
int ls_mirror_maps(struct lockstep *ls, uint64_t force_lo, uint64_t force_hi);
/* Compares the writable memory; with `copy`, hexvm takes the native's
 * bytes, otherwise the first difference is reported. 0: equal or copied;
 * 1: a difference (at *where); -1: the native could not be read. */
int ls_mirror_memory(struct lockstep *ls, int copy, uint64_t *where);
int ls_hexvm_write(struct lockstep *ls, uint64_t addr, const void *buf, size_t len);
int ls_hexvm_read(struct lockstep *ls, uint64_t addr, void *buf, size_t len);

/* lockstep_regs.c: the two register states */
int ls_state_native(struct lockstep *ls, struct ls_state *s);
void ls_state_hexvm(struct lockstep *ls, struct ls_state *s);
/* hexvm takes every register of the native (after the kernel changed them). */
int ls_take_native_regs(struct lockstep *ls);
/* Flags the instruction leaves undefined (0 without an instruction); rcx is
 * the count register before it. */
uint32_t ls_undefined_flags(const struct ls_peek *p, uint64_t rcx);
/* The first field that differs, named into `what`; 0 when equal. */
int ls_state_differs(const struct lockstep *ls, const struct ls_state *n,
		     const struct ls_state *h, uint32_t flag_ignore, char *what, size_t size);

/* lockstep_sys.c: system calls and signals */
enum ls_outcome {
	LS_GO_ON,	/* both sides agree and continue */
	LS_DONE,	/* the program ended: ls->exit_status says how */
	LS_DIFFERENCE,	/* reported */
	LS_UNFOLLOWED,	/* reported */
	LS_FAILED,	/* ptrace failed: reported at the end */
	LS_LIMIT,	/* --lockstep-max reached: the native runs on alone */
	LS_UNAVAILABLE	/* could not start: reported */
};
enum ls_outcome ls_syscall(struct lockstep *ls, int *exit_status);
/* Carries the current thread's call on from its last stop until the native
 * kernel finishes it (hexvm then takes the effects) or it blocks there
 * (in_call stays set). `outer`: the running thread's own call, after which
 * the threads it may have woken are looked at. */
enum ls_outcome ls_call_run(struct lockstep *ls, int outer, int *exit_status);
/* A signal the native is about to take: delivered as its disposition says;
 * *entered: a handler was entered and hexvm has taken its state. */
enum ls_outcome ls_signal(struct lockstep *ls, const struct ls_event *ev, int *entered,
			  int *exit_status);
int ls_is_fault(const struct ls_event *ev);
/* The native would drop the signal (ignored, or ignored by default). */
int ls_signal_ignored(struct lockstep *ls, int sig);
/* A native event lockstep can only describe: prints why it stops. */
enum ls_outcome ls_end_event(struct lockstep *ls, const struct ls_event *ev, int *exit_status);

/* lockstep_threads.c: the threads and their scheduling */
enum ls_wait { LS_WAIT_STOPPED, LS_WAIT_BLOCKED, LS_WAIT_ERROR };
/* A new thread: its hexvm side starts as a copy of `like`. NULL: no memory. */
struct ls_thread *ls_thread_add(struct lockstep *ls, pid_t tid, const struct cpu *like);
void ls_thread_gone(struct lockstep *ls, struct ls_thread *t);
void ls_threads_free(struct lockstep *ls);
/* The current thread's next stop (*ev), or word that it sleeps in the
 * native kernel (blocked), where waiting for it could wait forever. */
enum ls_wait ls_thread_wait(struct lockstep *ls, struct ls_event *ev);
/* Collects the stops of threads blocked in a call whose wait ended, once
 * none runs in the native kernel any more; how many, -1 on failure. */
int ls_threads_settle(struct lockstep *ls);
/* Finishes the calls whose stops were collected. */
enum ls_outcome ls_threads_finish(struct lockstep *ls, int *exit_status);
/* Compares the writable memory (`when` names the moment in a report):
 * bytes a call that ended meanwhile wrote are taken instead. */
enum ls_outcome ls_check_memory(struct lockstep *ls, const char *when, int *exit_status);
/* The current thread has to give way: blocked, ended, yielded, or its
 * quantum is over. */
int ls_switch_due(const struct lockstep *ls);
/* Gives the turn to the next thread that can run, waiting for one when all
 * are blocked. */
enum ls_outcome ls_schedule(struct lockstep *ls, int *exit_status);
/* " in thread N" when the program has had more than one, else "". */
const char *ls_thread_label(const struct lockstep *ls, char *buf, size_t size);

/* lockstep_follow.c */
/* Signals pending for the current thread are delivered where it stands
 * (syscall mode: after a system call, or when it is given its turn). */
enum ls_outcome ls_deliver_pending(struct lockstep *ls, int *exit_status);

/* lockstep_report.c */
void ls_trail_add(struct lockstep *ls, uint64_t addr, const uint8_t *bytes, unsigned len);
void ls_report_difference(struct lockstep *ls, const char *what, const struct ls_state *n,
			  const struct ls_state *h, uint64_t at);
void ls_report_memory(struct lockstep *ls, uint64_t where, const char *when);
void ls_report_message(struct lockstep *ls, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ls_report_unfollowed(struct lockstep *ls, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* lockstep.c */
/* hexvm starts over from the native's new image after an execve. */
int ls_new_image(struct lockstep *ls);
/* Runs hexvm until `limit` instructions have retired, a system call
 * instruction ran, it faulted, or the ring is nearly full. */
void ls_hexvm_run(struct lockstep *ls, uint64_t limit);
/* The native takes hexvm's result for the instruction at `at` (the ring's
 * head); -1 when hexvm did not execute that instruction next. */
int ls_native_take_external(struct lockstep *ls, uint64_t at);
/* Both states after an instruction at `at`, ignoring (and then aligning)
 * the flags it leaves undefined. */
enum ls_outcome ls_compare(struct lockstep *ls, uint64_t at, uint32_t undefined);
enum ls_outcome ls_report_states(struct lockstep *ls, const char *what, uint64_t at);
/* The native faulted on the instruction at `at`: hexvm must have too, the
 * same way; then the native delivers the signal. */
enum ls_outcome ls_fault(struct lockstep *ls, const struct ls_event *ev, uint64_t at,
			 int *status);

/* lockstep_step.c, lockstep_follow.c: one step of each mode */
enum ls_outcome ls_step(struct lockstep *ls, int *status);
enum ls_outcome ls_interval(struct lockstep *ls, int *status);

#endif
