/* The virtual machine: kernel state, processes and the options it runs with.
 * Everything guest-visible hangs off struct vm. */
#ifndef HEXVM_KERNEL_VM_H
#define HEXVM_KERNEL_VM_H

#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "host/fault.h"
#include "interp/block.h"
#include "mem/mm.h"

#define NSIG_LINUX     64
#define SYSCALL_NR_MAX 512

struct mm;
struct fdtable;
struct pipe;
struct ptimer;
struct lock;
struct timerfd;
struct scm_flight;
struct mount;
struct snap_config;
struct obs;
struct gdb;
struct host_splice;
struct sigq_user;

struct vm_options {
	int trace_syscalls; /* -s */
	int stats;	    /* -Z */
	int realtime;	    /* clocks follow the host */
	int64_t epoch;	    /* virtual wall clock at start, seconds */
	uint64_t seed;	    /* for getrandom, AT_RANDOM, /dev/urandom */
	int trace_insns;     /* --trace: print every instruction */
	uint64_t trace_from; /* --trace-from: instructions (of all tasks) before the trace starts */
	int trace_pid;	     /* --trace-pid: trace only this process; 0: every one */
	int trace_builtin;   /* --trace-disasm hexvm: hexvm's own printer even with capstone */
	int interp_only;     /* --engine interp: never translate */
};

struct k_sigaction {
	uint64_t handler; /* guest address, or SIG_DFL (0) / SIG_IGN (1) */
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

#define RLIMIT_COUNT 16

struct siginfo_k {
	int signo, code, err;
	uint64_t addr; /* faults */
	int pid, uid;  /* kill, SIGCHLD */
	int trapno;    /* for the sigcontext of faults */
	uint64_t errcode;
	int status;	/* SIGCHLD: exit code or signal */
	int timerid;	/* SI_TIMER: which timer, */
	int overrun;	/* how many expirations it missed, */
	uint64_t value; /* and its sigev_value */
};

/* One queued instance of a pending signal (Linux's struct sigqueue): a
 * standard signal has at most one, a real-time one one per send. */
struct sigq_entry {
	struct siginfo_k info;
	struct sigq_entry *next;
	uint32_t uid;	 /* the user whose RLIMIT_SIGPENDING count holds it */
	uint8_t charged; /* counted there (a timer's own signal counts with its timer) */
	uint8_t timer;	 /* a POSIX timer's signal: info.timerid names it in the process */
};

/* A pending set (kernel/task/sigqueue.h): its signals, and their instances
 * in the order they were sent. A signal may be pending with none: its
 * siginfo was lost to RLIMIT_SIGPENDING. */
struct sigpend {
	uint64_t set;
	struct sigq_entry *head, *tail;
};

enum proc_state { PROC_LIVE, PROC_ZOMBIE };

struct process {
	int pid, ppid, pgid, sid;
	enum proc_state state;
	int wait_status;     /* a zombie's, for its parent's wait */
	int exit_signal;     /* sent to the parent at the end (SIGCHLD, or clone's choice) */
	int report;	     /* a stop (sig << 8 | 0x7f) or continue (0xffff) not yet waited for */
	char *cwd;	     /* canonical guest path of the working directory */
	char *root;	     /* canonical guest path of its root (chroot); "/" normally */
	int64_t start_ns;    /* monotonic time it was created, for /proc */
	struct mm *old_mm;   /* retired by execve, released once the slice that ran it ends */
	struct task *vfork_parent; /* parked until this process execs or ends */
	struct process *next;	   /* in vm->procs, by pid */
	uint64_t child_insns;	   /* CPU time of the children it reaped */
	uint64_t exited_insns;	   /* CPU time of its threads that are gone */
	int did_exec;		   /* since fork: its parent may no longer move its group */
	int subreaper;		   /* PR_SET_CHILD_SUBREAPER: adopts orphaned descendants */
	uint32_t uid, gid;   /* effective ids: what permission checks use */
	uint32_t ruid, suid; /* real and saved user ids */
	uint32_t rgid, sgid;
	int ngroups;
	uint32_t groups[32]; /* supplementary groups */
	uint64_t rlimits[RLIMIT_COUNT][2]; /* soft, hard */
	int mode64;
	struct mm *mm;
	struct fdtable *fds;
	struct k_sigaction sigactions[NSIG_LINUX + 1];
	char *exe;			  /* host path of the executable */
	/* ITIMER_REAL on the monotonic clock, ns: the armed expiry (0: off), the
	 * interval, and the expiry that last fired (kernel/task/timer.c) */
	int64_t alarm_at, alarm_interval, alarm_fired_at;
	/* ITIMER_VIRTUAL and ITIMER_PROF (kernel/task/timer.h): the process's CPU
	 * time (process_cpu_ns) each fires at next, 0: off; and its interval */
	uint64_t itimer_cpu_at[2], itimer_cpu_interval[2];
	uint32_t umask;
	struct task *task;    /* its leader, or while only others live, one of them */
	struct task *threads; /* every live thread, linked by thread_next */
	int nthreads;
	int group_exit;		  /* exit_group or a fatal signal: every thread goes */
	struct sigpend shared;	  /* process-directed signals waiting for a thread */
	struct ptimer *timers; /* timer_create's */
	int next_timer_id;
	uint32_t personality; /* personality(2)'s; PER_LINUX32 makes uname say i686 */
	uint32_t membarrier_regs; /* membarrier's registrations (sys_sched.c) */
	int keepcaps, no_new_privs, thp_disable; /* prctl's flags (sys_prctl.c) */
};


enum task_state { TASK_RUNNABLE, TASK_PARKED, TASK_STOPPED, TASK_DEAD };

#define PARK_HOST_FDS 16

/* A system call parked until what it waits for happens; it is then called
 * again (with task->resuming set) with the same arguments. */
struct parked_call {
	uint64_t nr, args[6];
	int abi;
	const void *obj;   /* sched_wake(obj) makes it try again */
	int64_t deadline;  /* monotonic ns it tries again at; 0: none */
	int n_host;	   /* it tries again when one of these host fds is ready */
	int host_fd[PARK_HOST_FDS];
	short host_events[PARK_HOST_FDS]; /* POLLIN / POLLOUT */
	int woken;
	int64_t intr;	   /* what a deliverable signal makes of it; 0: not interruptible */
	uint64_t progress; /* bytes a partial transfer has moved so far (a sleep on a CPU
			    * clock: the time it waits for, kernel/task/cpuclock.h) */
	void *pending;	   /* a file opened but not yet installed (FIFO open) */
};

struct task {
	struct cpu cpu;
	enum task_state state;
	enum task_state resume_state; /* what a stopped task goes back to */
	struct parked_call park;
	int resuming; /* the current call is a parked one tried again */
	int vfork_child; /* the pid a parked vfork waits for */
	int yield;	 /* sched_yield: end the slice */
	uint64_t insns;	      /* instructions it retired before its current slice */
	uint64_t slice_start; /* vm->icount when its current slice began */
	struct task *next;	  /* in vm->tasks */
	struct task *thread_next; /* in proc->threads */
	struct process *proc;
	struct vm *vm;
	int tid;
	uint64_t sigmask;
	struct sigpend pending; /* signals sent to this thread */
	uint64_t saved_sigmask; /* sigsuspend's: restored when its handler returns */
	int restore_sigmask;
	int64_t restart_ret; /* an interrupted call's -ERESTART* code, or 0 */
	uint64_t restart_nr; /* and its number, to run it again */
	uint64_t clear_child_tid;
	uint64_t robust_list, robust_len;
	uint64_t altstack_sp, altstack_size;
	char comm[16];
	/* what sched_setscheduler, sched_setparam and setpriority set (hexvm's
	 * scheduler treats every thread alike) */
	int nice, policy, rt_priority;
	int pdeath_signal;	 /* PR_SET_PDEATHSIG: sent when its parent process ends */
	uint64_t timer_slack_ns; /* PR_SET_TIMERSLACK (0: Linux's default) */
};

struct syscall_stats {
	uint64_t count[2][SYSCALL_NR_MAX]; /* by ABI and number */
	uint64_t unknown;
};

struct vm {
	struct vm_options opt;
	struct process *init;  /* the first process; orphans are given to it */
	struct process *procs; /* every process, live or zombie, by pid */
	struct task *tasks;    /* every task that can still run, in turn order */
	struct task *current;  /* the one running, or last run */
	struct task *sched_next; /* where the next turn starts looking; NULL: the first */
	struct mm_set mms;	   /* every address space */
	struct fault_scope fault_scope; /* what the host fault handler acts on */
	struct mount *mounts;	   /* the mount table, by path */
	uint64_t next_dev;	   /* for filesystems hexvm serves itself */
	uint64_t icount;       /* instructions retired by all tasks */
	int next_pid;
	int fg_pgid; /* the terminal's foreground process group */
	uint64_t next_ino;   /* for kernel objects (pipes) */
	struct pipe *fifos;  /* the kernel pipes of open FIFOs */
	struct lock *locks;  /* advisory locks (vfs/lock.c) */
	struct timerfd *timerfds; /* every timerfd, armed or not */
	struct scm_flight *scm_flights; /* descriptions in SCM_RIGHTS messages (sys/scm_flight.h) */
	/* every AF_UNIX path name the machine bound, the latest for each host
	 * name (sys/sock_ident.h): the name of a sender gone since */
	struct sock_bound *sock_names;
	size_t n_sock_names, cap_sock_names;
	uint64_t wake_clock; /* stamps kernel files' wake-ups (vfs/wakeseq.h) */
	struct hostcache *hostcaches; /* buffered host files (vfs/hostcache.h) */
	struct host_splice *host_splice; /* splices' scratch host pipe (host/hostsplice.h), or NULL */
	int hostcache_off;	      /* a shared file mapping exists: buffer nothing */
	int hostcache_no_writes;      /* a private file mapping exists: buffer no writes */
	int init_status;       /* the first process's wait status, once it ended */
	int init_ended;
	int64_t clock_skip_ns; /* time the guest slept, skipped over */
	uint64_t rng[4];       /* xoshiro256** state */
	struct syscall_stats sys;
	struct block_stats block_totals; /* of address spaces that are gone */
	int halted;			 /* the machine stopped (deadlock) */
	uint64_t faults, signals_delivered;
	struct sigq_user *sigq_users; /* queued signals of each user (kernel/task/sigqueue.h) */
	int n_sigq_users;
	uint64_t processes_created, threads_created;
	struct obs *obs; /* -s, -Z and --trace state (trace/obs.h); NULL when all are off */
	FILE *log;	 /* -s and -Z output */
	struct snap_config *snap; /* snapshots to take, or NULL */
	struct gdb *gdb; /* the debugger stub (debug/gdb.h), or NULL */
	int exit_status; /* what hexvm exits with */
};

/* Virtual clocks, in nanoseconds. */
int64_t vm_realtime_ns(const struct vm *vm, const struct cpu *c);
int64_t vm_monotonic_ns(const struct vm *vm, const struct cpu *c);
/* The same from outside any task (c may be NULL in both). */
static inline int64_t vm_now_ns(const struct vm *vm) { return vm_monotonic_ns(vm, NULL); }
/* The signals pending for a task: its own and its process's. */
static inline uint64_t task_pending(const struct task *t)
{
	return t->pending.set | t->proc->shared.set;
}

/* Instructions a task has retired: its CPU time, at 1 ns each. */
static inline uint64_t task_insns(const struct task *t)
{
	return t->insns + (t->cpu.icount - t->slice_start);
}
/* A process's CPU time: its live threads' and those that ended (what its
 * CPU clock, getrusage, times and /proc/PID/stat give). */
static inline uint64_t process_cpu_ns(const struct process *p)
{
	uint64_t ns = p->exited_insns;
	for (const struct task *t = p->threads; t; t = t->thread_next)
		ns += task_insns(t);
	return ns;
}
void vm_random_bytes(struct vm *vm, void *buf, size_t n);
void vm_seed(struct vm *vm, uint64_t seed);

#endif
