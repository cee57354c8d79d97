/* The lockstep differ: runs a static program natively under ptrace and in
 * hexvm side by side, and stops at the first instruction whose result differs.
 * See docs/architecture.md, "The lockstep differ". */
#ifndef HEXVM_DEBUG_LOCKSTEP_H
#define HEXVM_DEBUG_LOCKSTEP_H

#include <stdint.h>

enum lockstep_mode {
	LOCKSTEP_OFF,
	LOCKSTEP_STEP,	  /* compare after every instruction */
	LOCKSTEP_SYSCALL, /* compare at system calls and signals only */
};

/* hexvm's exit status when lockstep ends other than with the program: */
#define LOCKSTEP_EXIT_DIFFERENCE  120 /* the two runs differ */
#define LOCKSTEP_EXIT_NOT_FOLLOWED 121 /* the program did what lockstep cannot follow */
#define LOCKSTEP_EXIT_UNAVAILABLE 122 /* cannot start: no ptrace, not a static program ... */

struct lockstep_options {
	enum lockstep_mode mode;
	uint64_t max_insns; /* compare this many instructions, then let the native run
			       on alone (syscall mode: up to the next system call); 0: all */
	int plant;	     /* test hook: corrupt hexvm's result at plant_addr */
	uint64_t plant_addr; /* (--lockstep-plant=ADDR, step mode) */
};

/* Runs `path` (argv, envp) both ways; returns hexvm's exit status: the
 * program's own (128+N for a death by signal N) when the runs agree to the
 * end, else one of LOCKSTEP_EXIT_*. */
int lockstep_run(const struct lockstep_options *opt, const char *path, char *const argv[],
		 char *const envp[]);

#endif
