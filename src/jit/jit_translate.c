/* One block to host code: each instruction through its template or a call
 * to its handler, then the block's exits, then the cold paths.
 *
 * Guest state stays in struct cpu between instructions, so a fault or a
 * call out finds it as the interpreter leaves it. Exits keep the
 * interpreter's bookkeeping exactly (instruction count, rip, the branch
 * ring, the budget and exit_req checks), so both engines stop at the same
 * instruction. */
#include <stddef.h>
#include <string.h>

#include "cpu/cpu.h"
#include "interp/operand.h"
#include "jit/jit_internal.h"
#include "mem/mm.h"

#if HEXVM_JIT

#define CPU(field) jt_cpu(offsetof(struct cpu, field))

void jt_cold(struct jt *t, enum jt_cold_kind kind, unsigned size, uint8_t *from)
{
	if (t->ncold == JT_COLD_MAX) {
		t->e.full = 1; /* cannot happen with the templates' few paths each */
		return;
	}
	struct jt_cold *cd = &t->cold[t->ncold++];
	*cd = (struct jt_cold){.kind = kind, .k = t->k, .size = size, .from = from,
			       .resume = t->e.p, .at = t->regs};
}

void jt_cold_call(struct jt *t, unsigned cc)
{
	jt_cold(t, COLD_CALL, 0, x64_jcc(&t->e, cc));
	t->cold[t->ncold - 1].resume = NULL; /* the end of the instruction, once known */
}

/* The branch ring gets (the last instruction, `to`): a register, or the
 * constant `pc` when `to` is NOREG. */
static void emit_note_exit(struct jt *t, int to, uint64_t pc)
{
	struct x64 *e = &t->e;
	const struct insn *last = &t->b->insns[t->b->n - 1];
	x64_load(e, 8, RCX, CPU(branch_count));
	x64_lea(e, 8, RDX, x64_at(RCX, 1));
	x64_store(e, 8, CPU(branch_count), RDX);
	x64_alu_ri(e, 4, 4, RCX, CPU_BRANCHES - 1);
	x64_mov_imm(e, RDX, last->addr);
	x64_store(e, 8, x64_at_index(JR_CPU, RCX, 3, offsetof(struct cpu, branch_from)), RDX);
	if (to == NOREG) {
		x64_mov_imm(e, RDX, pc);
		to = RDX;
	}
	x64_store(e, 8, x64_at_index(JR_CPU, RCX, 3, offsetof(struct cpu, branch_to)), to);
}

/* Jumps (to be patched to `stop`) when the budget is spent or the kernel
 * asked. */
static void emit_stop_checks(struct jt *t, uint8_t *stop_at[2])
{
	struct x64 *e = &t->e;
	x64_load(e, 8, RCX, CPU(icount));
	x64_alu_rm(e, 8, 7, RCX, CPU(icount_limit));
	stop_at[0] = x64_jcc(e, X64_CC_AE);
	x64_alu_mi(e, 4, 7, CPU(exit_req), 0);
	stop_at[1] = x64_jcc(e, X64_CC_NE);
}

static void patch_stops(struct jt *t, uint8_t *stop_at[2], const uint8_t *stop)
{
	if (!t->e.full) {
		x64_patch(stop_at[0], stop);
		x64_patch(stop_at[1], stop);
	}
}

/* A chained exit costs the count, the stop checks and a jump: rip is
 * stored only on the way back to the run loop, since the next block's
 * code finds its instructions' addresses in themselves. A fall-through
 * (a not-taken Jcc, a block cut by its size) stays out of the branch
 * ring, which fault reports read for taken branches only. */
void jt_exit_static(struct jt *t, uint64_t pc)
{
	struct x64 *e = &t->e;
	uint8_t *stop_at[2];
	jt_regs_store(t, &t->regs, 0);
	x64_alu_mi(e, 8, 0, CPU(icount), (int32_t)t->b->n);
	if (pc != jt_next_pc(t, &t->b->insns[t->b->n - 1]))
		emit_note_exit(t, NOREG, pc);
	emit_stop_checks(t, stop_at);
	/* site: a jump the run loop may point at the next block's code;
	 * until then it goes to the stub, which returns the site */
	uint8_t *site = x64_jmp(e);
	uint8_t *stub = e->p;
	x64_mov_imm(e, RAX, pc);
	x64_store(e, 8, CPU(rip), RAX);
	x64_lea_rip(e, RAX, site);
	if (!e->full)
		x64_patch(site, stub);
	patch_stops(t, stop_at, stub);
	x64_jmp_to(e, t->j->exit_rax);
	t->ended = 1;
}

static uint8_t *next_code(struct cpu *c);

/* rax = the guest address. Jumps to its translation when the jump table
 * (block_hash) holds its block and the block has code; falls through
 * otherwise. */
static void emit_jump_lookup(struct jt *t)
{
	struct x64 *e = &t->e;
	uint8_t *miss[3];
	x64_mov_rr(e, 8, RCX, RAX);
	x64_shift_ri(e, 8, 5, RCX, 13);
	x64_alu_rr(e, 8, 6, RCX, RAX);
	x64_mov_rr(e, 8, RDX, RAX);
	x64_shift_ri(e, 8, 5, RDX, 27);
	x64_alu_rr(e, 8, 6, RCX, RDX);
	x64_alu_ri(e, 4, 4, RCX, BLOCK_JUMP_SLOTS - 1);
	x64_mov_imm(e, RDX, (uint64_t)(uintptr_t)t->j->bc->jump);
	x64_load(e, 8, RDX, x64_at_index(RDX, RCX, 3, 0));
	x64_test_rr(e, 8, RDX, RDX);
	miss[0] = x64_jcc(e, X64_CC_E);
	x64_alu_rm(e, 8, 7, RAX, x64_at(RDX, offsetof(struct block, start)));
	miss[1] = x64_jcc(e, X64_CC_NE);
	x64_load(e, 8, RDX, x64_at(RDX, offsetof(struct block, jit_code)));
	x64_test_rr(e, 8, RDX, RDX);
	miss[2] = x64_jcc(e, X64_CC_E);
	x64_jmp_reg(e, RDX);
	for (unsigned k = 0; k < 3 && !e->full; k++)
		x64_patch(miss[k], e->p);
}

void jt_exit_dynamic(struct jt *t)
{
	struct x64 *e = &t->e;
	jt_regs_store(t, &t->regs, 0);
	x64_load(e, 8, RAX, CPU(rip));
	x64_alu_mi(e, 8, 0, CPU(icount), (int32_t)t->b->n);
	uint8_t *stop_at[2];
	emit_note_exit(t, RAX, 0);
	emit_stop_checks(t, stop_at);
	patch_stops(t, stop_at, t->j->exit_null);
	emit_jump_lookup(t);
	x64_mov_rr(e, 8, RDI, JR_CPU);
	x64_call(e, (const void *)next_code);
	x64_test_rr(e, 8, RAX, RAX);
	x64_jcc_to(e, X64_CC_E, t->j->exit_null);
	x64_jmp_reg(e, RAX);
	t->ended = 1;
}

/* The translated code of the block at c->rip, if it has any: only looked
 * up, never translated here, since translating may flush the buffer the
 * caller runs in. */
static uint8_t *next_code(struct cpu *c)
{
	struct block_cache *bc = c->task_mm->blocks;
	struct block *b = block_peek(bc, c->rip);
	return b ? b->jit_code : NULL;
}

/* c->cur = i, then i's handler: the whole instruction the interpreter's
 * way. Handlers (and the faults they raise) find the block through
 * c->cur_block, stored before the straight-line code's first call and on
 * every cold path. */
static void emit_handler_call(struct jt *t, const struct insn *i, int cold)
{
	struct x64 *e = &t->e;
	if (cold || !t->cur_block_set) {
		x64_mov_imm(e, RSI, (uint64_t)(uintptr_t)t->b);
		x64_store(e, 8, CPU(cur_block), RSI);
		t->cur_block_set |= !cold;
	}
	x64_mov_imm(e, RSI, (uint64_t)(uintptr_t)i);
	x64_store(e, 8, CPU(cur), RSI);
	x64_mov_rr(e, 8, RDI, JR_CPU);
	x64_call(e, (const void *)insn_handler(i));
}

void jt_call_handler(struct jt *t, const struct insn *i)
{
	struct x64 *e = &t->e;
	jt_regs_before_call(t, 1);
	emit_handler_call(t, i, 0);
	if (i->stop)
		return;
	/* the handler may have rewritten this very block */
	x64_alu_mi(e, 1, 7, CPU(jit_stale), 0);
	jt_cold(t, COLD_BAIL, 0, x64_jcc(e, X64_CC_NE));
}

/* Sets c->cur and c->cur_block, then the interpreter's store check: 1 when
 * the store rewrites the running block. */
static int smc_check(struct cpu *c, const struct insn *i, uint64_t a, unsigned n, struct block *b)
{
	c->cur = i;
	c->cur_block = b;
	mem_smc_store(c, a, n);
	return b->dead;
}

static _Noreturn void fault_outside(struct cpu *c, uint64_t a, const struct insn *i, struct block *b)
{
	c->cur = i;
	c->cur_block = b;
	mem_fault_outside(c, a);
}

/* After instruction k retired (or its handler ran it): leave with rip past
 * it; the run loop sees jit_stale. */
static void emit_bail(struct jt *t, unsigned k)
{
	struct x64 *e = &t->e;
	x64_alu_mi(e, 8, 0, CPU(icount), (int32_t)(k + 1));
	x64_mov_imm(e, RAX, jt_next_pc(t, &t->b->insns[k]));
	x64_store(e, 8, CPU(rip), RAX);
	x64_jmp_to(e, t->j->exit_null);
}

/* A store to a code page: unless it rewrites this block, go on; if it
 * does, the handler runs the whole instruction (nothing has changed yet)
 * and the block is left after it. */
static void emit_cold_smc(struct jt *t, const struct jt_cold *cd)
{
	struct x64 *e = &t->e;
	const struct insn *i = &t->b->insns[cd->k];
	jt_regs_store(t, &cd->at, 0);
	x64_push(e, RAX);
	x64_push(e, RAX);
	x64_mov_rr(e, 8, RDX, RAX);
	x64_mov_rr(e, 8, RDI, JR_CPU);
	x64_mov_imm(e, RSI, (uint64_t)(uintptr_t)i);
	x64_mov_imm(e, RCX, cd->size);
	x64_mov_imm(e, R8, (uint64_t)(uintptr_t)t->b);
	x64_call(e, (const void *)smc_check);
	x64_test_rr(e, 4, RAX, RAX);
	x64_pop(e, RAX);
	x64_pop(e, RAX);
	uint8_t *rewrites = x64_jcc(e, X64_CC_NE);
	jt_regs_load(t, cd->at.host, 1);
	x64_jmp_to(e, cd->resume);
	if (!e->full)
		x64_patch(rewrites, e->p);
	emit_handler_call(t, i, 1);
	emit_bail(t, cd->k);
}

static void emit_cold_call(struct jt *t, const struct jt_cold *cd)
{
	struct x64 *e = &t->e;
	jt_regs_store(t, &cd->at, 0);
	emit_handler_call(t, &t->b->insns[cd->k], 1);
	x64_alu_mi(e, 1, 7, CPU(jit_stale), 0);
	uint8_t *stale = x64_jcc(e, X64_CC_NE);
	jt_regs_load(t, cd->resume_host, 0);
	x64_jmp_to(e, cd->resume);
	if (!e->full)
		x64_patch(stale, e->p);
	emit_bail(t, cd->k);
}

static void emit_cold(struct jt *t, const struct jt_cold *cd)
{
	struct x64 *e = &t->e;
	if (!e->full)
		x64_patch(cd->from, e->p);
	switch (cd->kind) {
	case COLD_OUTSIDE:
		jt_regs_store(t, &cd->at, 0);
		x64_mov_rr(e, 8, RSI, RAX);
		x64_mov_rr(e, 8, RDI, JR_CPU);
		x64_mov_imm(e, RDX, (uint64_t)(uintptr_t)&t->b->insns[cd->k]);
		x64_mov_imm(e, RCX, (uint64_t)(uintptr_t)t->b);
		x64_call(e, (const void *)fault_outside);
		break;
	case COLD_SMC: emit_cold_smc(t, cd); break;
	case COLD_BAIL: emit_bail(t, cd->k); break;
	case COLD_CALL: emit_cold_call(t, cd); break;
	}
}

static void translate_insn(struct jt *t, const struct insn *i)
{
	jt_tmpl_fn *tmpl = jt_template_of(i);
	jt_regs_reserve(t);
	jt_regs_dirty_map(t, t->dirty_at[t->k]);
	uint8_t *start = t->e.p;
	unsigned ncold = t->ncold;
	struct jt_regs regs = t->regs;
	int full = t->e.full;
	t->flags_out = 0;
	if (tmpl && tmpl(t, i)) {
		t->host_flags = t->flags_out;
		for (unsigned k = ncold; k < t->ncold; k++)
			if (t->cold[k].kind == COLD_CALL) {
				t->cold[k].resume = t->e.p;
				memcpy(t->cold[k].resume_host, t->regs.host, sizeof t->regs.host);
				t->host_flags = 0; /* not after the handler's way */
			}
		t->j->stats->jit_inline++;
		return;
	}
	t->e.p = start; /* a template that declined may have begun */
	t->e.full = full;
	t->ncold = ncold;
	t->regs = regs;
	t->ended = 0;
	jt_call_handler(t, i);
	t->host_flags = 0;
	t->j->stats->jit_called++;
}

static void translate_body(struct jt *t)
{
	struct block *b = t->b;
	struct x64 *e = &t->e;
	t->host_flags = 0;
	jt_regs_clear(t);
	for (t->k = 0; t->k < b->n && !t->ended && !e->full; t->k++) {
		t->off[t->k] = (uint16_t)(e->p - t->j->free);
		translate_insn(t, &b->insns[t->k]);
	}
	t->off[b->n] = (uint16_t)(e->p - t->j->free);
	t->k = b->n - 1;
	if (!t->ended) {
		const struct insn *last = &b->insns[b->n - 1];
		if (last->stop)
			jt_exit_dynamic(t);
		else
			jt_exit_static(t, jt_next_pc(t, last));
	}
}

uint8_t *jit_translate(struct jit *j, struct block *b, int mode64)
{
	struct jt *t = j->scratch;
	memset(t, 0, offsetof(struct jt, cold));
	t->ncold = 0;
	t->j = j;
	t->b = b;
	t->mode64 = mode64;
	t->e = (struct x64){j->free, j->buf + j->size, 0};
	translate_body(t);
	for (unsigned k = 0; k < t->ncold && !t->e.full; k++)
		emit_cold(t, &t->cold[k]);
	if (t->e.full || t->e.p - j->free > UINT16_MAX)
		return NULL;
	uint8_t *code = j->free;
	jit_add_rec(j, b, code, (uint32_t)(t->e.p - code), t->off,
		    (const int8_t(*)[JT_POOL])t->dirty_at);
	j->free = (uint8_t *)(((uintptr_t)t->e.p + 15) & ~(uintptr_t)15);
	j->stats->jit_blocks++;
	j->stats->jit_bytes += (uint64_t)(t->e.p - code);
	return code;
}

#endif
