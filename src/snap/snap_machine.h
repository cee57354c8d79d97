/* The MACH section: the machine's own state (clocks, counters, random
 * state, the filesystem set-up, whose turn it is). */
#ifndef HEXVM_SNAP_SNAP_MACHINE_H
#define HEXVM_SNAP_SNAP_MACHINE_H

#include "snap/snap_ctx.h"

struct machine_image {
	uint64_t icount, next_ino, next_dev, rng[4], faults, signals;
	int64_t clock_skip_ns, epoch;
	int next_pid, fg_pgid, init_pid, init_status, init_ended, exit_status;
	int current_tid, next_tid;
	int realtime;
	char *root_dir;
	int overlay;
	uint64_t syscalls[2][512], unknown_syscalls;
};

void snap_put_machine(struct snap_buf *b, const struct vm *vm, const char *root_dir, int overlay);
int snap_get_machine(struct snap_rd *r, struct machine_image *m);
/* Gives vm the image's state, once its processes and tasks exist. */
int snap_apply_machine(struct vm *vm, const struct machine_image *m);

#endif
