/* What -s, -Z and --trace keep about a machine between events: vm->obs. */
#ifndef HEXVM_TRACE_OBS_H
#define HEXVM_TRACE_OBS_H

#include <stdint.h>
#include <stdio.h>

#include "kernel/vm.h"
#include "trace/disasm.h"

struct strace_sig;
struct strace_call;
struct itrace;

struct syscall_cost {
	uint64_t ns;	 /* host time in the handler */
	uint64_t errors; /* calls that returned an error */
};

struct signal_counts {
	uint64_t faults;  /* raised by an instruction */
	uint64_t taken;	  /* taken by a task: a handler, a stop, or death */
	uint64_t killed;  /* of those, the ones that ended a process */
};

struct obs {
	FILE *log;
	/* -s */
	const struct strace_sig *sig[2][SYSCALL_NR_MAX]; /* by ABI and number */
	struct strace_call *calls; /* entered and not yet written as finished */
	/* -Z */
	int64_t start_ns; /* host monotonic time the machine started */
	struct syscall_cost cost[2][SYSCALL_NR_MAX];
	struct signal_counts signals[NSIG_LINUX + 1];
	uint64_t mapped_peak; /* bytes mapped by all address spaces together, at most */
	/* --trace */
	struct itrace *itrace;
	struct disasm disasm;
};

/* Host monotonic time in nanoseconds. */
int64_t obs_host_ns(void);
/* Writes the -s calls still waiting as <unfinished ...>, but the task's own
 * (tid 0: all of them); called before any other line goes to the log. */
void strace_flush_pending(struct vm *vm, int except_tid);
/* Frees what strace.c keeps. */
void strace_free(struct obs *o);
/* Builds the signature index (strace.c); -1 when the table is broken. */
int strace_init(struct obs *o);
/* -Z's memory high-water mark: samples the mapped total now. */
void stats_sample_memory(struct vm *vm);
/* --trace's state (itrace.c). */
int itrace_init(struct vm *vm);
void itrace_free(struct obs *o);

#endif
