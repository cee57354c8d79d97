/* The interpreter's run loop. */
#ifndef HEXVM_INTERP_DISPATCH_H
#define HEXVM_INTERP_DISPATCH_H

struct cpu;
struct mm;

/* Called when a guest instruction faults: rip is at the faulting instruction
 * (past it for traps) and c->fault_* describe the fault. */
typedef void fault_handler_fn(struct cpu *c);

/* Runs guest code on `c` in address space `mm` until something sets
 * c->exit_req (a system call that ends the thread, a pending signal, code
 * invalidation) or c->stop; the caller decides what comes next. */
void cpu_run(struct cpu *c, struct mm *mm, fault_handler_fn *on_fault);

struct block_cache;
/* The interpreter's own loop, for engines that hand it a stretch of code
 * (called with cpu_run's fault handling in place). */
void interp_run(struct cpu *c, struct block_cache *bc);
struct block;
/* Runs the one block b at c->rip as interp_run would; 1 when the caller
 * must return to the scheduler. */
int interp_run_block(struct cpu *c, struct block *b);

#endif
