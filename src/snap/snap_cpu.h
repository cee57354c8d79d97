/* A guest thread's architectural state in a snapshot. */
#ifndef HEXVM_SNAP_SNAP_CPU_H
#define HEXVM_SNAP_SNAP_CPU_H

#include "cpu/cpu.h"
#include "snap/snap_buf.h"

void snap_put_cpu(struct snap_buf *b, const struct cpu *c);
/* Fills the architectural fields of c (the rest is the run loop's). */
void snap_get_cpu(struct snap_rd *r, struct cpu *c);

#endif
