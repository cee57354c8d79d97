/* String instructions MOVS CMPS STOS LODS SCAS with REP/REPE/REPNE. The
 * registers advance element by element, so a fault part way leaves a state
 * from which the instruction resumes, as on the CPU. */
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

/* MOVS STOS LODS: any REP prefix repeats while the count is non-zero. */
static void str_repeat(struct cpu *c, const struct insn *i, str_step *step)
{
	struct str_regs s = str_setup(c, i);
	if (i->rep == REP_NONE) {
		step(c, i, &s);
		return;
	}
	while (count_get(c, &s)) {
		step(c, i, &s);
		count_dec(c, &s);
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
