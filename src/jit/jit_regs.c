/* Guest general registers cached in host registers within a block.
 *
 * The cache is write-back: a guest register written in a block stays in
 * its host register (dirty) until the block leaves, a handler or helper is
 * called, or a cold path goes out; those store the dirty ones first. A
 * host fault inside an instruction finds the dirty ones in the fault's
 * context: each instruction's dirty set is recorded (jit_rec), and every
 * template writes guest registers only after its last memory access, so
 * the values are those from before the faulting instruction.
 *
 * The pool is r15 (callee-saved) and r8..r11 (lost at any call). All are
 * numbered 8 and up, so their byte forms never collide with AH..BH. */
#include <stddef.h>

#include "cpu/cpu.h"
#include "jit/jit_tmpl.h"

#if HEXVM_JIT

const int8_t jt_pool[JT_POOL] = {R15, R8, R9, R10, R11};

static int callee_saved(int h) { return h == R15; }

static struct x64_mem slot(unsigned r) { return jt_cpu(offsetof(struct cpu, r) + 8 * r); }

void jt_regs_clear(struct jt *t)
{
	for (unsigned r = 0; r < JT_GUEST_REGS; r++)
		t->regs.host[r] = NOREG;
	for (unsigned k = 0; k < JT_POOL; k++) {
		t->regs.guest[k] = -1;
		t->regs.dirty[k] = 0;
	}
}

void jt_regs_store(struct jt *t, const struct jt_regs *at, int volatile_only)
{
	for (unsigned k = 0; k < JT_POOL; k++)
		if (at->guest[k] >= 0 && at->dirty[k] && !(volatile_only && callee_saved(jt_pool[k])))
			x64_store(&t->e, 8, slot((unsigned)at->guest[k]), jt_pool[k]);
}

void jt_regs_before_call(struct jt *t, int guest_changed)
{
	jt_regs_store(t, &t->regs, !guest_changed);
	for (unsigned k = 0; k < JT_POOL; k++) {
		int g = t->regs.guest[k];
		if (g >= 0 && (guest_changed || !callee_saved(jt_pool[k]))) {
			t->regs.host[g] = NOREG;
			t->regs.guest[k] = -1;
			t->regs.dirty[k] = 0;
		}
	}
	jt_regs_dirty_map(t, t->dirty_at[t->k]); /* what a later fault finds */
}

/* Before an instruction: a template takes at most JT_TAKES registers before
 * its last memory access, and they must come from free or clean slots, so
 * that the dirty ones stay where the instruction's fault record says. */
#define JT_TAKES 3
void jt_regs_reserve(struct jt *t)
{
	unsigned spare = 0;
	for (unsigned k = 0; k < JT_POOL; k++)
		spare += !t->regs.dirty[k];
	while (spare < JT_TAKES) {
		unsigned old = JT_POOL; /* the least recently used dirty slot */
		for (unsigned k = 0; k < JT_POOL; k++)
			if (t->regs.dirty[k] && (old == JT_POOL || t->regs.stamp[k] < t->regs.stamp[old]))
				old = k;
		x64_store(&t->e, 8, slot((unsigned)t->regs.guest[old]), jt_pool[old]);
		t->regs.dirty[old] = 0;
		spare++;
	}
}

void jt_regs_dirty_map(const struct jt *t, int8_t out[JT_POOL])
{
	for (unsigned k = 0; k < JT_POOL; k++)
		out[k] = t->regs.dirty[k] ? t->regs.guest[k] : -1;
}

static unsigned pool_index(int h)
{
	unsigned k = 0;
	while (jt_pool[k] != h)
		k++;
	return k;
}

/* The slot to give up: a free one, else the least recently used clean
 * one, else the least recently used. */
static unsigned victim(const struct jt *t)
{
	unsigned pick = JT_POOL;
	for (unsigned k = 0; k < JT_POOL; k++) {
		if (t->regs.guest[k] < 0)
			return k;
		if (pick == JT_POOL || t->regs.dirty[k] < t->regs.dirty[pick] ||
		    (t->regs.dirty[k] == t->regs.dirty[pick] &&
		     t->regs.stamp[k] < t->regs.stamp[pick]))
			pick = k;
	}
	return pick;
}

/* A pool register for guest r. */
static int take(struct jt *t, unsigned r)
{
	unsigned pick = victim(t);
	int old = t->regs.guest[pick];
	if (old >= 0) {
		if (t->regs.dirty[pick])
			x64_store(&t->e, 8, slot((unsigned)old), jt_pool[pick]);
		t->regs.host[old] = NOREG;
	}
	t->regs.guest[pick] = (int8_t)r;
	t->regs.dirty[pick] = 0;
	t->regs.host[r] = jt_pool[pick];
	return jt_pool[pick];
}

static void touch(struct jt *t, int h) { t->regs.stamp[pool_index(h)] = ++t->regs.clock; }

int jt_reg(struct jt *t, unsigned r)
{
	int h = t->regs.host[r];
	if (h == NOREG) {
		h = take(t, r);
		x64_load(&t->e, 8, h, slot(r));
	}
	touch(t, h);
	return h;
}

void jt_get_reg(struct jt *t, unsigned r, unsigned size, int dst)
{
	x64_mov_rr(&t->e, size, dst, jt_reg(t, r));
}

void jt_set_reg(struct jt *t, unsigned r, unsigned size, int src)
{
	struct x64 *e = &t->e;
	if (size == 4) {
		x64_mov_rr(e, 4, src, src); /* zero-extends */
		size = 8;
	}
	int h = t->regs.host[r];
	if (h == NOREG && size < 8) {
		x64_store(e, size, slot(r), src); /* a part: cached when next read whole */
		return;
	}
	if (h == NOREG)
		h = take(t, r);
	x64_mov_rr(e, size, h, src); /* 8 and 16 bits merge into the rest */
	t->regs.dirty[pool_index(h)] = 1;
	touch(t, h);
}

/* The guest register's slot in struct cpu is read or written as bytes:
 * it must hold the value, and (`forget`) the cache must let go of it. */
static void settle_slot(struct jt *t, unsigned r, int forget)
{
	int h = t->regs.host[r];
	if (h == NOREG)
		return;
	unsigned k = pool_index(h);
	if (t->regs.dirty[k])
		x64_store(&t->e, 8, slot(r), h);
	t->regs.dirty[k] = 0;
	if (forget) {
		t->regs.guest[k] = -1;
		t->regs.host[r] = NOREG;
	}
}

/* Byte registers come as byte offsets into cpu.r: AH..BH are byte 1 of
 * the first four. */
void jt_get_byte(struct jt *t, unsigned off, int dst)
{
	if (off % 8 == 0) {
		jt_get_reg(t, off / 8, 1, dst);
		return;
	}
	settle_slot(t, off / 8, 0);
	x64_load(&t->e, 1, dst, jt_cpu(offsetof(struct cpu, r) + off));
}

void jt_set_byte(struct jt *t, unsigned off, int src)
{
	if (off % 8 == 0) {
		jt_set_reg(t, off / 8, 1, src);
		return;
	}
	settle_slot(t, off / 8, 1);
	x64_store(&t->e, 1, jt_cpu(offsetof(struct cpu, r) + off), src);
}

void jt_regs_load(struct jt *t, const int8_t host[JT_GUEST_REGS], int volatile_only)
{
	for (unsigned r = 0; r < JT_GUEST_REGS; r++)
		if (host[r] != NOREG && !(volatile_only && callee_saved(host[r])))
			x64_load(&t->e, 8, host[r], slot(r));
}

#endif
