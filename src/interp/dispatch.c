/* The run loop: look up the block at rip, execute its predecoded
 * instructions through their handlers, repeat. Faults unwind here. */
#include "interp/dispatch.h"

#include <signal.h>

#include "base/compiler.h"
#include "cpu/mxcsr.h"
#include "cpu/x87_resident.h"
#include "host/fault.h"
#include "interp/block.h"
#include "interp/chain.h"
#include "interp/operand.h"
#include "jit/jit.h"
#include "mem/code_alias.h"
#include "mem/mm.h"

_Noreturn void mem_fault_outside(struct cpu *c, uint64_t a)
{
	int canonical = ((int64_t)a >> 47) == 0 || ((int64_t)a >> 47) == -1;
	if (c->mode64 && !canonical)
		cpu_fault(c, SIGSEGV, SI_KERNEL, 0); /* #GP */
	cpu_fault(c, SIGSEGV, SEGV_MAPERR, a);
}

void mem_smc_store(struct cpu *c, uint64_t a, unsigned n)
{
	struct mm *mm = c->task_mm;
	block_cache_invalidate_range(mm->blocks, a, n);
	if (mm->code_pages[a >> 12] & CODE_PAGE_ALIASED)
		code_alias_store(mm, a, n);
	if (c->cur && c->cur_block->dead) {
		block_truncate_after(c->cur_block, c->cur); /* leave it after this store */
		c->jit_stale = 1;
	}
}

/* The block that follows `b` at `pc`: from b's links, else looked up and
 * remembered (replacing the older link) unless b was dropped. Dropped
 * blocks wait to be freed until here, after b's last use. */
static ALWAYS_INLINE struct block *next_block(struct cpu *c, struct block_cache *bc,
					      struct block *b, uint64_t pc)
{
	struct block *n;
	if (b->succ_pc[0] == pc) {
		n = b->succ[0];
	} else if (b->succ_pc[1] == pc) {
		n = b->succ[1];
	} else {
		n = block_find(bc, pc);
		if (unlikely(!n)) {
			c->cur = NULL; /* a fault while decoding leaves rip at pc */
			n = block_get(c, bc, pc);
		}
		if (!b->dead && !b->probation && !n->probation) {
			if (!block_listed(b))
				block_cache_list_linked(bc, b);
			block_link(b, pc, n);
		}
	}
	if (unlikely(block_cache_has_retired(bc)))
		block_cache_collect(bc);
	return n;
}

/* chain_unlinked for a block without links yet: lists it first. Apart, so
 * that the call does not make chain_unlinked save registers. */
static __attribute__((noinline)) void chain_first_link(struct cpu *c, const struct insn *i,
						       struct block *n, int taken)
{
	struct block *b = c->cur_block;
	block_cache_list_linked(c->chain_cache, b);
	block_link(b, c->rip, n);
	enter_next_block(c, i, n, c->icount + b->n, taken);
}

void chain_unlinked(struct cpu *c, const struct insn *i, int taken)
{
	struct block *b = c->cur_block;
	struct block *n = block_find(c->chain_cache, c->rip);
	if (!n || b->dead || b->probation) /* no link from these (interp/block.h) */
		return;
	if (unlikely(!block_listed(b)))
		return chain_first_link(c, i, n, taken);
	block_link(b, c->rip, n);
	enter_next_block(c, i, n, c->icount + b->n, taken);
}

/* chain_indirect_miss for a block that keeps targets: remembers n. Apart,
 * as chain_first_link is. */
static __attribute__((noinline)) void chain_new_target(struct cpu *c, const struct insn *i,
						       struct block *n)
{
	struct block *b = c->cur_block;
	block_add_target(c->chain_cache, b, c->rip, n, c->icount);
	enter_next_block(c, i, n, c->icount + b->n, 1);
}

void chain_indirect_miss(struct cpu *c, const struct insn *i)
{
	struct block *b = c->cur_block;
	struct block *n = block_find(c->chain_cache, c->rip);
	if (!n || b->dead || b->probation) /* no link from these (interp/block.h) */
		return;
	if (!b->many_targets)
		return chain_new_target(c, i, n);
	enter_next_block(c, i, n, c->icount + b->n, 1);
}

/* Block b ran to its end: count it and go on after it. */
static ALWAYS_INLINE void finish_block(struct cpu *c, const struct block *b)
{
	const struct insn *last = &b->insns[b->n - 1];
	uint64_t next = next_ip(c, last);
	c->icount += b->n;
	if (!last->stop)
		c->rip = next;
	else if (c->rip != next)
		note_exit(c, last->addr);
}

/* Block b ended with exit_req set: by the kernel, or by the block's
 * rewriting itself (insn_stale, which set stale_at: the rest of it did not
 * run). The run loop returns. */
static __attribute__((noinline)) int block_exit_req(struct cpu *c, const struct block *b)
{
	c->exit_req = 0;
	if (c->stale_at) {
		c->icount += (uint64_t)(c->stale_at - b->insns);
		c->rip = c->stale_at->addr;
		c->stale_at = NULL;
		return 1;
	}
	finish_block(c, b);
	return 1;
}

/* Runs block b, and the blocks its branch goes straight on into (chain.h);
 * returns the block whose end the run loop must see to, which has run to
 * its end. Chained instances run the next instructions themselves;
 * whatever returns, the loop goes on after the last instruction that ran,
 * c->cur, in the block that ran it, c->cur_block. */
static ALWAYS_INLINE struct block *run_blocks(struct cpu *c, struct block *b)
{
	const struct insn *p = b->insns;
	c->cur_block = b;
	for (;;) {
		c->cur = p;
		p->run(c, p);
		/* an instruction that returned here may have requested an exit,
		 * which the chained ones do not look for (interp/chain.h) */
		if (unlikely(c->exit_req))
			c->chain_limit = 0;
		b = c->cur_block;
		p = c->cur + 1;
		if (p >= b->insns + b->n)
			return b;
	}
}

/* The end of block b: 1 when the run loop must return to the scheduler
 * (the block rewrote itself, exit_req, the budget spent). */
static ALWAYS_INLINE int end_block(struct cpu *c, const struct block *b)
{
	if (unlikely(c->exit_req))
		return block_exit_req(c, b);
	finish_block(c, b);
	return unlikely(c->icount >= c->icount_limit);
}

int interp_run_block(struct cpu *c, struct block *b)
{
	c->chain_limit = 0; /* one block: the caller goes on itself */
	return end_block(c, run_blocks(c, b));
}

/* How far chained instances may go on from block to block before they
 * return to the run loop (interp/chain.h): to the end of the slice, but at
 * most CHAIN_RUN_INSNS instructions at a time, so that where the compiler
 * makes no tail calls the stack they grow stays bounded: an unoptimized
 * build's frames are large (measured: 16384 overflows 8 MiB at -O0). */
#ifdef __OPTIMIZE__
#define CHAIN_RUN_INSNS 16384
#else
#define CHAIN_RUN_INSNS 2048
#endif
static ALWAYS_INLINE void chain_allow(struct cpu *c)
{
	uint64_t until = c->icount + CHAIN_RUN_INSNS;
	c->chain_limit = c->exit_req ? 0 : until < c->icount_limit ? until : c->icount_limit;
}

/* Kept out of cpu_run, whose sigsetjmp would pin its variables to memory.
 * c->cur is left at the last instruction run, and set to NULL only where a
 * fault could otherwise find it stale: before decoding. */
HOT __attribute__((noinline)) void interp_run(struct cpu *c, struct block_cache *bc)
{
	c->cur = NULL;
	c->chain_cache = bc;
	if (block_cache_has_retired(bc))
		block_cache_collect(bc);
	struct block *b = block_get(c, bc, c->rip);
	for (;;) {
		chain_allow(c);
		b = run_blocks(c, b);
		if (end_block(c, b))
			break;
		b = next_block(c, bc, b, c->rip);
	}
	c->cur = NULL;
}

/* Puts rip and the instruction count where the fault leaves them. */
static void settle_fault(struct cpu *c)
{
	if (c->fault_host_pc) /* a host fault, maybe in translated code */
		jit_locate_fault(c, c->fault_host_pc);
	c->fault_host_pc = 0;
	const struct insn *i = c->cur;
	if (!i)
		return; /* raised while fetching or decoding: rip is the address */
	c->icount += (uint64_t)(i - c->cur_block->insns);
	if (c->fault_is_trap) {
		c->icount++;
		c->rip = next_ip(c, i);
	} else {
		c->rip = i->addr;
	}
}

void cpu_run(struct cpu *c, struct mm *mm, fault_handler_fn *on_fault)
{
	c->mem = mm->base;
	c->mem_limit = mm->limit;
	c->code_pages = mm->code_pages;
	c->task_mm = mm;
	for (;;) {
		host_fault_enter(c);
		mxcsr_load(c);
		c->x87_host_sw = 0xffff; /* unknown: another thread may have used the host FPU */
		if (sigsetjmp(c->fault_jmp, 0)) {
			x87r_unload(c);
			mxcsr_unload(c);
			host_fault_leave();
			settle_fault(c);
			c->cur = NULL;
			on_fault(c);
			if (c->stop || c->exit_req) {
				c->exit_req = 0; /* the fault ended the run (a debugger stop) */
				return;
			}
			continue;
		}
		if (c->use_jit && !c->hooks && mm->blocks->max_insns == BLOCK_MAX_INSNS)
			jit_run(c, mm->blocks);
		else
			interp_run(c, mm->blocks);
		x87r_unload(c);
		mxcsr_unload(c);
		host_fault_leave();
		return;
	}
}
