/* What the process and thread halves of snap_task share. */
#ifndef HEXVM_SNAP_SNAP_TASK_IMPL_H
#define HEXVM_SNAP_SNAP_TASK_IMPL_H

#include "kernel/vm.h"
#include "snap/snap_ctx.h"

#define PTIMERS_MAX 256 /* as timer_create allows */

void snap_put_siginfo(struct snap_buf *b, const struct siginfo_k *i);
void snap_get_siginfo(struct snap_rd *r, struct siginfo_k *i);
/* Whether t has a parked call to save: parked, or stopped while parked. */
static inline int snap_task_parked(const struct task *t)
{
	return t->state == TASK_PARKED ||
	       (t->state == TASK_STOPPED && t->resume_state == TASK_PARKED);
}
/* One task: registers, signal state, and its parked call. */
void snap_put_task(struct snap_save *s, struct snap_buf *b, const struct task *t);
/* A task of the new machine; its process must be restored already. */
struct task *snap_get_task(struct snap_load *l, struct snap_rd *r);

#endif
