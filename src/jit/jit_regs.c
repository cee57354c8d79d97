/* Guest general registers cached in host registers within a block.
 *
 * The cache is write-through: every guest register write also goes to
 * struct cpu at once, so memory is always the whole truth. A fault, a
 * handler call or a cold path therefore finds the guest state where the
 * interpreter keeps it; the cache only saves the loads, and with them the
 * store-to-load latency of one instruction's result feeding the next.
 *
 * The pool is r15 (callee-saved) and r8..r11 (lost at any call). All are
 * numbered 8 and up, so their byte forms never collide with AH..BH. */
#include <stddef.h>

#include "cpu/cpu.h"
#include "jit/jit_tmpl.h"

#if HEXVM_JIT

static const int8_t pool[JT_POOL] = {R15, R8, R9, R10, R11};

static int callee_saved(int h) { return h == R15; }

static struct x64_mem slot(unsigned r) { return jt_cpu(offsetof(struct cpu, r) + 8 * r); }

void jt_regs_clear(struct jt *t)
{
	for (unsigned r = 0; r < JT_GUEST_REGS; r++)
		t->regs.host[r] = NOREG;
	for (unsigned k = 0; k < JT_POOL; k++)
		t->regs.guest[k] = -1;
}

void jt_regs_after_call(struct jt *t, int guest_changed)
{
	for (unsigned k = 0; k < JT_POOL; k++) {
		int g = t->regs.guest[k];
		if (g >= 0 && (guest_changed || !callee_saved(pool[k]))) {
			t->regs.host[g] = NOREG;
			t->regs.guest[k] = -1;
		}
	}
}

static unsigned pool_index(int h)
{
	unsigned k = 0;
	while (pool[k] != h)
		k++;
	return k;
}

/* A pool register for guest r: a free one, or the least recently used. */
static int take(struct jt *t, unsigned r)
{
	unsigned pick = 0;
	for (unsigned k = 0; k < JT_POOL; k++) {
		if (t->regs.guest[k] < 0) {
			pick = k;
			break;
		}
		if (t->regs.stamp[k] < t->regs.stamp[pick])
			pick = k;
	}
	if (t->regs.guest[pick] >= 0)
		t->regs.host[t->regs.guest[pick]] = NOREG;
	t->regs.guest[pick] = (int8_t)r;
	t->regs.host[r] = pool[pick];
	return pool[pick];
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
	x64_store(e, size, slot(r), src);
	int h = t->regs.host[r];
	if (h == NOREG && size < 8)
		return; /* a part: cached when next read whole */
	if (h == NOREG)
		h = take(t, r);
	x64_mov_rr(e, size, h, src); /* 8 and 16 bits merge as the store did */
	touch(t, h);
}

/* Byte registers come as byte offsets into cpu.r: AH..BH are byte 1 of
 * the first four. */
void jt_get_byte(struct jt *t, unsigned off, int dst)
{
	if (off % 8 == 0)
		jt_get_reg(t, off / 8, 1, dst);
	else
		x64_load(&t->e, 1, dst, jt_cpu(offsetof(struct cpu, r) + off));
}

void jt_set_byte(struct jt *t, unsigned off, int src)
{
	if (off % 8 == 0) {
		jt_set_reg(t, off / 8, 1, src);
		return;
	}
	x64_store(&t->e, 1, jt_cpu(offsetof(struct cpu, r) + off), src);
	int h = t->regs.host[off / 8];
	if (h != NOREG) {
		t->regs.guest[pool_index(h)] = -1;
		t->regs.host[off / 8] = NOREG;
	}
}

void jt_regs_reload(struct jt *t, const int8_t host[JT_GUEST_REGS], int volatile_only)
{
	for (unsigned r = 0; r < JT_GUEST_REGS; r++)
		if (host[r] != NOREG && !(volatile_only && callee_saved(host[r])))
			x64_load(&t->e, 8, host[r], slot(r));
}

#endif
