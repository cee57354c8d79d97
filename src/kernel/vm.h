/* The virtual machine: kernel state, processes and the options it runs with.
 * Everything guest-visible hangs off struct vm. */
#ifndef HEXVM_KERNEL_VM_H
#define HEXVM_KERNEL_VM_H

#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"

#define NSIG_LINUX     64
#define SYSCALL_NR_MAX 512

struct mm;
struct fdtable;

struct vm_options {
	int trace_syscalls; /* -s */
	int stats;	    /* -Z */
	int realtime;	    /* clocks follow the host */
	int64_t epoch;	    /* virtual wall clock at start, seconds */
	uint64_t seed;	    /* for getrandom, AT_RANDOM, /dev/urandom */
};

struct k_sigaction {
	uint64_t handler; /* guest address, or SIG_DFL (0) / SIG_IGN (1) */
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

#define RLIMIT_COUNT 16

struct process {
	int pid, ppid, pgid, sid;
	uint32_t uid, gid;
	uint64_t rlimits[RLIMIT_COUNT][2]; /* soft, hard */
	int mode64;
	struct mm *mm;
	struct fdtable *fds;
	struct k_sigaction sigactions[NSIG_LINUX + 1];
	char *exe;			  /* host path of the executable */
	int64_t alarm_at, alarm_interval; /* ITIMER_REAL on the monotonic clock, ns; 0: off */
	uint32_t umask;
	struct task *task; /* its (single, for now) thread */
};

struct siginfo_k {
	int signo, code, err;
	uint64_t addr; /* faults */
	int pid, uid;  /* kill */
	int trapno;    /* for the sigcontext of faults */
	uint64_t errcode;
};

struct task {
	struct cpu cpu;
	struct process *proc;
	struct vm *vm;
	int tid;
	uint64_t sigmask, sigpending;
	uint64_t saved_sigmask; /* sigsuspend's: restored when its handler returns */
	int restore_sigmask;
	int64_t restart_ret;			  /* an interrupted call's -ERESTART* code, or 0 */
	uint64_t restart_nr;			  /* and its number, to run it again */
	struct siginfo_k siginfo[NSIG_LINUX + 1]; /* the queued instance of each pending signal */
	uint64_t clear_child_tid;
	uint64_t robust_list, robust_len;
	uint64_t altstack_sp, altstack_size;
	char comm[16];
};

struct syscall_stats {
	uint64_t count[2][SYSCALL_NR_MAX]; /* by ABI and number */
	uint64_t unknown;
};

struct vm {
	struct vm_options opt;
	struct process *init; /* the first process */
	int next_pid;
	int64_t clock_skip_ns; /* time the guest slept, skipped over */
	uint64_t rng[4];       /* xoshiro256** state */
	struct syscall_stats sys;
	uint64_t faults, signals_delivered;
	FILE *log;	 /* -s and -Z output */
	int exit_status; /* what hexvm exits with */
};

/* Virtual clocks, in nanoseconds. */
int64_t vm_realtime_ns(const struct vm *vm, const struct cpu *c);
int64_t vm_monotonic_ns(const struct vm *vm, const struct cpu *c);
void vm_random_bytes(struct vm *vm, void *buf, size_t n);
void vm_seed(struct vm *vm, uint64_t seed);

#endif
