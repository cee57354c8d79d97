/* Templates for the SSE instructions that string and floating-point code
 * runs most: the host executes the same operation on copies of the guest's
 * XMM registers. Floating point runs bare only while the host MXCSR holds
 * the guest's (every exception masked, see cpu/mxcsr.h); otherwise, and for
 * a misaligned 16-byte operand, the handler runs the instruction. */
#include <stddef.h>

#include "cpu/cpu.h"
#include "decode/isa.h"
#include "host/hostcpu.h"
#include "isa_handlers.h"
#include "jit/jit_tmpl.h"

#if HEXVM_JIT

#define XMM0 0
#define XMM1 1

static struct x64_mem xmm_slot(unsigned r) { return jt_cpu(offsetof(struct cpu, xmm) + 16 * r); }

/* V op= W, done by a host instruction with the same semantics (for a
 * handler shared by several rows, any one of them) */
struct sse_binary {
	insn_fn *handler;
	uint16_t host; /* see x64_sse_m */
	uint8_t wsize; /* bytes of a memory W: 16 must be aligned */
	uint8_t fp;    /* runs under MXCSR */
};

static const struct sse_binary binaries[] = {
	{op_pxor, 0x66ef, 16, 0},      {op_por, 0x66eb, 16, 0},	      {op_pand, 0x66db, 16, 0},
	{op_pandn, 0x66df, 16, 0},     {op_paddb, 0x66fc, 16, 0},     {op_paddw, 0x66fd, 16, 0},
	{op_paddd, 0x66fe, 16, 0},     {op_paddq, 0x66d4, 16, 0},     {op_psubb, 0x66f8, 16, 0},
	{op_psubw, 0x66f9, 16, 0},     {op_psubd, 0x66fa, 16, 0},     {op_psubq, 0x66fb, 16, 0},
	{op_pcmpeqb, 0x6674, 16, 0},   {op_pcmpeqw, 0x6675, 16, 0},   {op_pcmpeqd, 0x6676, 16, 0},
	{op_pcmpgtb, 0x6664, 16, 0},   {op_pcmpgtw, 0x6665, 16, 0},   {op_pcmpgtd, 0x6666, 16, 0},
	{op_pminub, 0x66da, 16, 0},    {op_pmaxub, 0x66de, 16, 0},    {op_pminsw, 0x66ea, 16, 0},
	{op_pmaxsw, 0x66ee, 16, 0},    {op_punpcklbw, 0x6660, 16, 0}, {op_punpcklwd, 0x6661, 16, 0},
	{op_punpckldq, 0x6662, 16, 0}, {op_punpcklqdq, 0x666c, 16, 0}, {op_punpckhbw, 0x6668, 16, 0},
	{op_punpckhwd, 0x6669, 16, 0}, {op_punpckhdq, 0x666a, 16, 0}, {op_punpckhqdq, 0x666d, 16, 0},
	{op_pmullw, 0x66d5, 16, 0},    {op_pmuludq, 0x66f4, 16, 0},   {op_addps, 0x0058, 16, 1},
	{op_addpd, 0x6658, 16, 1},     {op_addss, 0xf358, 4, 1},      {op_addsd, 0xf258, 8, 1},
	{op_subps, 0x005c, 16, 1},     {op_subpd, 0x665c, 16, 1},     {op_subss, 0xf35c, 4, 1},
	{op_subsd, 0xf25c, 8, 1},      {op_mulps, 0x0059, 16, 1},     {op_mulpd, 0x6659, 16, 1},
	{op_mulss, 0xf359, 4, 1},      {op_mulsd, 0xf259, 8, 1},      {op_divps, 0x005e, 16, 1},
	{op_divpd, 0x665e, 16, 1},     {op_divss, 0xf35e, 4, 1},      {op_divsd, 0xf25e, 8, 1},
	{op_minsd, 0xf25d, 8, 1},      {op_maxsd, 0xf25f, 8, 1},      {op_minss, 0xf35d, 4, 1},
	{op_maxss, 0xf35f, 4, 1},      {op_sqrtsd, 0xf251, 8, 1},     {op_sqrtss, 0xf351, 4, 1},
};

static const struct sse_binary *binary_of(const struct insn *i)
{
	insn_fn *handler = isa_descs[i->desc].fn;
	for (unsigned k = 0; k < sizeof binaries / sizeof binaries[0]; k++)
		if (binaries[k].handler == handler)
			return &binaries[k];
	return NULL;
}

/* Floating point: the handler's way unless the host MXCSR is the guest's. */
static void need_resident_mxcsr(struct jt *t)
{
	x64_alu_mi(&t->e, 4, 7, jt_cpu(offsetof(struct cpu, mxcsr_resident)), 0);
	jt_cold_call(t, X64_CC_E);
}

/* jt_mem_operand for W; an `aligned` memory operand must be (the handler
 * raises the fault). */
static int w_operand(struct jt *t, const struct insn *i, unsigned size, int aligned, int write)
{
	if (!jt_mem_operand(t, i, size, write))
		return 0;
	if (aligned && i->mod != 3) {
		x64_byte(&t->e, 0xa8); /* test al, 15 */
		x64_byte(&t->e, 15);
		jt_cold_call(t, X64_CC_NE);
	}
	return 1;
}

/* A W operand for a host instruction: the register's slot copied to xmm1,
 * or guest memory at rax. */
static void host_op_W(struct jt *t, const struct insn *i, unsigned op, int xreg)
{
	if (i->mod == 3) {
		x64_sse_m(&t->e, X64_MOVDQU_LOAD, XMM1, xmm_slot(i->rm));
		x64_sse_r(&t->e, op, xreg, XMM1);
	} else {
		x64_sse_m(&t->e, op, xreg, jt_guest());
	}
}

int tmpl_sse_binary(struct jt *t, const struct insn *i)
{
	const struct sse_binary *b = binary_of(i);
	if (!b)
		return 0;
	if (b->fp)
		need_resident_mxcsr(t);
	if (!w_operand(t, i, b->wsize, b->wsize == 16, 0))
		return 0;
	x64_sse_m(&t->e, X64_MOVDQU_LOAD, XMM0, xmm_slot(i->reg));
	host_op_W(t, i, b->host, XMM0);
	x64_sse_m(&t->e, X64_MOVDQU_STORE, XMM0, xmm_slot(i->reg));
	return 1;
}

/* V = W, all 16 bytes (MOVAPS MOVDQA MOVUPS MOVDQU ...) */
static int move_load(struct jt *t, const struct insn *i, int aligned)
{
	if (!w_operand(t, i, 16, aligned, 0))
		return 0;
	x64_sse_m(&t->e, X64_MOVDQU_LOAD, XMM0, i->mod == 3 ? xmm_slot(i->rm) : jt_guest());
	x64_sse_m(&t->e, X64_MOVDQU_STORE, XMM0, xmm_slot(i->reg));
	return 1;
}

/* W = V, all 16 bytes */
static int move_store(struct jt *t, const struct insn *i, int aligned)
{
	if (!w_operand(t, i, 16, aligned, 1))
		return 0;
	x64_sse_m(&t->e, X64_MOVDQU_LOAD, XMM0, xmm_slot(i->reg));
	x64_sse_m(&t->e, X64_MOVDQU_STORE, XMM0, i->mod == 3 ? xmm_slot(i->rm) : jt_guest());
	return 1;
}

int tmpl_movaps_load(struct jt *t, const struct insn *i) { return move_load(t, i, 1); }
int tmpl_movups_load(struct jt *t, const struct insn *i) { return move_load(t, i, 0); }
int tmpl_movaps_store(struct jt *t, const struct insn *i) { return move_store(t, i, 1); }
int tmpl_movups_store(struct jt *t, const struct insn *i) { return move_store(t, i, 0); }

/* The low `size` bytes (4 or 8) of V from W: a register merges, memory
 * (and MOVQ, `zero_high`, always) clears the rest. */
static int scalar_load(struct jt *t, const struct insn *i, unsigned size, int zero_high)
{
	if (!w_operand(t, i, size, 0, 0))
		return 0;
	x64_load(&t->e, size, RCX, i->mod == 3 ? xmm_slot(i->rm) : jt_guest());
	if (i->mod == 3 && !zero_high) {
		x64_store(&t->e, size, xmm_slot(i->reg), RCX);
		return 1;
	}
	x64_store(&t->e, 8, xmm_slot(i->reg), RCX); /* a 4-byte load zero-extended */
	x64_store_imm(&t->e, 8, jt_cpu(offsetof(struct cpu, xmm) + 16 * i->reg + 8), 0);
	return 1;
}

/* W's low `size` bytes = V's; MOVQ (`zero_high`) clears a register's rest */
static int scalar_store(struct jt *t, const struct insn *i, unsigned size, int zero_high)
{
	if (!w_operand(t, i, size, 0, 1))
		return 0;
	x64_load(&t->e, size, RCX, xmm_slot(i->reg));
	if (i->mod != 3) {
		x64_store(&t->e, size, jt_guest(), RCX);
		return 1;
	}
	x64_store(&t->e, size, xmm_slot(i->rm), RCX);
	if (zero_high)
		x64_store_imm(&t->e, 8, jt_cpu(offsetof(struct cpu, xmm) + 16 * i->rm + 8), 0);
	return 1;
}

int tmpl_movss_load(struct jt *t, const struct insn *i) { return scalar_load(t, i, 4, 0); }
int tmpl_movsd_load(struct jt *t, const struct insn *i) { return scalar_load(t, i, 8, 0); }
int tmpl_movq_load(struct jt *t, const struct insn *i) { return scalar_load(t, i, 8, 1); }
int tmpl_movss_store(struct jt *t, const struct insn *i) { return scalar_store(t, i, 4, 0); }
int tmpl_movsd_store(struct jt *t, const struct insn *i) { return scalar_store(t, i, 8, 0); }
int tmpl_movq_store(struct jt *t, const struct insn *i) { return scalar_store(t, i, 8, 1); }

int tmpl_pmovmskb(struct jt *t, const struct insn *i)
{
	x64_sse_m(&t->e, X64_MOVDQU_LOAD, XMM0, xmm_slot(i->rm));
	x64_sse_r(&t->e, 0x66d7, RCX, XMM0);
	jt_set_reg(t, i->reg, 8, RCX);
	return 1;
}

/* The host's arithmetic flags become the guest's, as CC_EFLAGS. */
static void store_host_flags(struct jt *t)
{
	x64_byte(&t->e, 0x9c); /* pushfq */
	x64_pop(&t->e, RCX);
	x64_alu_ri(&t->e, 4, 4, RCX, F_ARITH);
	x64_load(&t->e, 4, RDX, jt_cpu(offsetof(struct cpu, eflags)));
	x64_alu_ri(&t->e, 4, 4, RDX, (int32_t)~F_ARITH);
	x64_alu_rr(&t->e, 4, 1, RDX, RCX);
	x64_store(&t->e, 4, jt_cpu(offsetof(struct cpu, eflags)), RDX);
	x64_store_imm(&t->e, 4, jt_cpu(offsetof(struct cpu, cc_op)), CC_OP(CC_EFLAGS, 0));
}

/* (U)COMISS/SD set ZF PF CF from the comparison and clear OF SF AF: the
 * host's flags after the same instruction, kept as CC_EFLAGS */
static int compare(struct jt *t, const struct insn *i, unsigned host, unsigned size)
{
	need_resident_mxcsr(t);
	if (!w_operand(t, i, size, 0, 0))
		return 0;
	x64_sse_m(&t->e, X64_MOVDQU_LOAD, XMM0, xmm_slot(i->reg));
	host_op_W(t, i, host, XMM0);
	store_host_flags(t);
	return 1;
}

int tmpl_ucomisd(struct jt *t, const struct insn *i) { return compare(t, i, 0x662e, 8); }
int tmpl_comisd(struct jt *t, const struct insn *i) { return compare(t, i, 0x662f, 8); }
int tmpl_ucomiss(struct jt *t, const struct insn *i) { return compare(t, i, 0x002e, 4); }
int tmpl_comiss(struct jt *t, const struct insn *i) { return compare(t, i, 0x002f, 4); }

/* ---- SSSE3 and SSE4.2 instructions that the host runs as themselves when
 * it has them (host/hostcpu.h): glibc's SSE4.2 strcmp, strcspn and friends
 * run them in their inner loops. ---- */

/* PALIGNR V, W, imm8 */
int tmpl_palignr(struct jt *t, const struct insn *i)
{
	if (!hostcpu_has(HOSTCPU_SSSE3) || !w_operand(t, i, 16, 1, 0))
		return 0;
	x64_sse_m(&t->e, X64_MOVDQU_LOAD, XMM0, xmm_slot(i->reg));
	host_op_W(t, i, 0x663a0f, XMM0);
	x64_byte(&t->e, (uint8_t)i->imm);
	x64_sse_m(&t->e, X64_MOVDQU_STORE, XMM0, xmm_slot(i->reg));
	return 1;
}

/* PCMPISTRI (ECX) and PCMPISTRM (XMM0), whose memory operand need not be
 * aligned. The host's flags are the guest's: stored, and kept in the host
 * flags for a branch after it. (The explicit-length forms, which would
 * need rAX and rDX in the host's, stay with their handlers.) */
static int string_compare(struct jt *t, const struct insn *i, unsigned host, int mask)
{
	if (!hostcpu_has(HOSTCPU_SSE4_2) || !w_operand(t, i, 16, 0, 0))
		return 0;
	x64_sse_m(&t->e, X64_MOVDQU_LOAD, XMM0, xmm_slot(i->reg));
	host_op_W(t, i, host, XMM0);
	x64_byte(&t->e, (uint8_t)i->imm);
	if (mask)
		x64_sse_m(&t->e, X64_MOVDQU_STORE, XMM0, xmm_slot(XMM0));
	else
		jt_set_reg(t, R_CX, 8, RCX); /* ECX, zero-extended by the host */
	x64_byte(&t->e, 0x9c);			  /* pushfq: kept for the branch */
	store_host_flags(t);
	x64_byte(&t->e, 0x9d); /* popfq */
	t->flags_out = 1;
	return 1;
}

int tmpl_pcmpistri(struct jt *t, const struct insn *i) { return string_compare(t, i, 0x663a63, 0); }
int tmpl_pcmpistrm(struct jt *t, const struct insn *i) { return string_compare(t, i, 0x663a62, 1); }

#endif
