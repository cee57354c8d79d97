/* String instructions MOVS CMPS STOS LODS SCAS with REP/REPE/REPNE. The
 * registers advance element by element, so a fault part way leaves a state
 * from which the instruction resumes, as on the CPU. */
#include <string.h>

#include "interp/operand.h"
#include "isa_handlers.h"

struct str_regs {
	uint64_t amask; /* address size */
	int64_t step;	/* element size, negative when DF is set */
	unsigned osz;
};

static struct str_regs str_setup(const struct cpu *c, const struct insn *i)
{
	struct str_regs s;
	s.amask = size_mask(i->asz);
	s.osz = i->osz;
	s.step = (c->eflags & F_DF) ? -(int64_t)(1u << i->osz) : (int64_t)(1u << i->osz);
	return s;
}

static uint64_t src_addr(const struct cpu *c, const struct insn *i, const struct str_regs *s)
{
	uint64_t a = (c->r[R_SI] & s->amask) + c->seg_base[i->seg];
	return c->mode64 ? a : (uint32_t)a;
}

static uint64_t dst_addr(const struct cpu *c, const struct str_regs *s)
{
	uint64_t a = (c->r[R_DI] & s->amask) + c->seg_base[SEG_ES];
	return c->mode64 ? a : (uint32_t)a;
}

/* Advances an index register within the address size. */
static void advance(struct cpu *c, unsigned reg, const struct str_regs *s)
{
	uint64_t v = c->r[reg] + (uint64_t)s->step;
	c->r[reg] = (c->r[reg] & ~s->amask) | (v & s->amask);
	if (s->amask == 0xffffffffu)
		c->r[reg] = (uint32_t)c->r[reg];
}

static uint64_t count_get(const struct cpu *c, const struct str_regs *s)
{
	return c->r[R_CX] & s->amask;
}

static void count_dec(struct cpu *c, const struct str_regs *s)
{
	uint64_t v = (c->r[R_CX] - 1) & s->amask;
	c->r[R_CX] = s->amask == 0xffffffffu ? v : ((c->r[R_CX] & ~s->amask) | v);
}

static void movs_one(struct cpu *c, const struct insn *i, const struct str_regs *s)
{
	uint64_t v = mem_ld(c, src_addr(c, i, s), s->osz);
	mem_st(c, dst_addr(c, s), s->osz, v);
	advance(c, R_SI, s);
	advance(c, R_DI, s);
}

static void stos_one(struct cpu *c, const struct insn *i, const struct str_regs *s)
{
	mem_st(c, dst_addr(c, s), s->osz, c->r[R_AX]);
	advance(c, R_DI, s);
}

static void lods_one(struct cpu *c, const struct insn *i, const struct str_regs *s)
{
	uint64_t v = mem_ld(c, src_addr(c, i, s), s->osz);
	gpr_set(c, R_AX, s->osz, v);
	advance(c, R_SI, s);
}

static void cmps_one(struct cpu *c, const struct insn *i, const struct str_regs *s)
{
	uint64_t a = mem_ld(c, src_addr(c, i, s), s->osz);
	uint64_t b = mem_ld(c, dst_addr(c, s), s->osz);
	advance(c, R_SI, s);
	advance(c, R_DI, s);
	cc_set(c, CC_OP(CC_SUB, s->osz), a - b, b);
}

static void scas_one(struct cpu *c, const struct insn *i, const struct str_regs *s)
{
	uint64_t b = mem_ld(c, dst_addr(c, s), s->osz);
	uint64_t a = gpr_get(c, R_AX, s->osz);
	advance(c, R_DI, s);
	cc_set(c, CC_OP(CC_SUB, s->osz), a - b, b);
}

typedef void str_step(struct cpu *c, const struct insn *i, const struct str_regs *s);

/* ---- REP MOVS and REP STOS a page at a time ----
 * Forward, with the address size of the mode (32 bits outside long mode, 64
 * in it), the elements that lie in one source page and one destination page
 * move in one go. Each page is accessible as a whole or not at all, and one
 * byte of each is touched first, in the order the elements would touch them
 * (read the source, then write the destination), so a fault comes at the
 * address, and leaves the registers, where the element-by-element loop would
 * have. */

/* Elements of `size` bytes that fit before the page ends at a. */
static uint64_t page_room(uint64_t a, unsigned size)
{
	return (GUEST_PAGE_SIZE - (a & (GUEST_PAGE_SIZE - 1))) / size;
}

static int bulk_ok(const struct cpu *c, const struct insn *i, const struct str_regs *s)
{
	return s->step > 0 && (c->mode64 ? i->asz == OSZ_64 : i->asz == OSZ_32);
}

/* The registers after k elements. */
static void advance_by(struct cpu *c, unsigned reg, const struct str_regs *s, uint64_t k)
{
	uint64_t v = (c->r[reg] + k * (uint64_t)s->step) & s->amask;
	c->r[reg] = v;
}

static void count_sub(struct cpu *c, const struct str_regs *s, uint64_t k)
{
	c->r[R_CX] = (c->r[R_CX] - k) & s->amask;
}

/* Host pointer for writing n bytes (one page at most) at a, after a write
 * of the first byte's own value, which takes any fault on the page first. */
static uint8_t *probed_wptr(struct cpu *c, uint64_t a, unsigned n)
{
	volatile uint8_t *p = mem_wptr(c, a, n);
	*p = *p;
	return (uint8_t *)p;
}

/* Up to one page pair of a REP MOVS: how many elements moved (0: the next
 * one straddles a page, or overlaps its destination, and goes alone). */
static uint64_t movs_bulk(struct cpu *c, const struct insn *i, const struct str_regs *s,
			  uint64_t count)
{
	unsigned size = 1u << s->osz;
	uint64_t src = src_addr(c, i, s), dst = dst_addr(c, s);
	uint64_t n = page_room(src, size), room = page_room(dst, size);
	n = n < room ? n : room;
	n = n < count ? n : count;
	if (dst > src && dst - src < n * size) /* it would read what it wrote: repeats */
		n = (dst - src) / size;
	if (n == 0)
		return 0;
	const volatile uint8_t *from = mem_rptr(c, src);
	(void)*from;
	uint8_t *to = probed_wptr(c, dst, (unsigned)(n * size));
	memmove(to, (const uint8_t *)from, n * size);
	return n;
}

/* Up to one page of a REP STOS, as movs_bulk. */
static uint64_t stos_bulk(struct cpu *c, const struct str_regs *s, uint64_t count)
{
	unsigned size = 1u << s->osz;
	uint64_t dst = dst_addr(c, s), n = page_room(dst, size);
	n = n < count ? n : count;
	if (n == 0)
		return 0;
	uint8_t *to = probed_wptr(c, dst, (unsigned)(n * size));
	uint64_t v = c->r[R_AX];
	if (size == 1)
		memset(to, (uint8_t)v, n);
	else
		for (uint64_t k = 0; k < n; k++)
			memcpy(to + k * size, &v, size);
	return n;
}

/* MOVS STOS LODS: any REP prefix repeats while the count is non-zero. */
static ALWAYS_INLINE void str_repeat(struct cpu *c, const struct insn *i, str_step *step)
{
	struct str_regs s = str_setup(c, i);
	if (i->rep == REP_NONE) {
		step(c, i, &s);
		return;
	}
	int bulk = (step == movs_one || step == stos_one) && bulk_ok(c, i, &s);
	uint64_t count;
	while ((count = count_get(c, &s)) != 0) {
		uint64_t n = !bulk	       ? 0
			     : step == movs_one ? movs_bulk(c, i, &s, count)
						: stos_bulk(c, &s, count);
		if (n == 0) {
			step(c, i, &s);
			count_dec(c, &s);
			continue;
		}
		if (step == movs_one)
			advance_by(c, R_SI, &s, n);
		advance_by(c, R_DI, &s, n);
		count_sub(c, &s, n);
	}
}

/* CMPS SCAS: REPE stops on ZF clear, REPNE on ZF set. */
static void str_compare(struct cpu *c, const struct insn *i, str_step *step)
{
	struct str_regs s = str_setup(c, i);
	if (i->rep == REP_NONE) {
		step(c, i, &s);
		return;
	}
	int stop_when_equal = i->rep == REP_NE;
	while (count_get(c, &s)) {
		step(c, i, &s);
		count_dec(c, &s);
		int equal = (c->cc_dst & size_mask(s.osz)) == 0;
		if (equal == stop_when_equal)
			break;
	}
}

void op_movs(struct cpu *c, const struct insn *i) { str_repeat(c, i, movs_one); }
void op_stos(struct cpu *c, const struct insn *i) { str_repeat(c, i, stos_one); }
void op_lods(struct cpu *c, const struct insn *i) { str_repeat(c, i, lods_one); }
void op_cmps(struct cpu *c, const struct insn *i) { str_compare(c, i, cmps_one); }
void op_scas(struct cpu *c, const struct insn *i) { str_compare(c, i, scas_one); }
