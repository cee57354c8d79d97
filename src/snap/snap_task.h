/* Processes and threads in a snapshot: ids, credentials, dispositions,
 * pending signals, and each thread's registers, signal state and the call
 * it is parked in (what it waits on is recorded by what it is: a pipe, a
 * process, a futex word, a host descriptor ...). */
#ifndef HEXVM_SNAP_SNAP_TASK_H
#define HEXVM_SNAP_SNAP_TASK_H

#include "snap/snap_ctx.h"

/* Numbers every live process's address space and descriptor table. */
void snap_number_procs(struct snap_save *s);
/* Sections PROC and TASK. */
int snap_save_procs(struct snap_save *s);

int snap_load_procs(struct snap_load *l, struct snap_rd *r);
int snap_load_tasks(struct snap_load *l, struct snap_rd *r);
/* Frees what snap_load_procs kept for linking threads. */
void snap_free_proc_links(struct snap_vec *procs);

#endif
