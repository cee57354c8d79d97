/* Operand access shared by the instruction handlers. */
#ifndef HEXVM_INTERP_OPERAND_H
#define HEXVM_INTERP_OPERAND_H

#include "mem/access.h"

static ALWAYS_INLINE uint64_t size_mask(unsigned osz)
{
	return osz == OSZ_64 ? ~0ull : (1ull << (8u << osz)) - 1;
}

static ALWAYS_INLINE uint64_t sign_bit(unsigned osz) { return 1ull << ((8u << osz) - 1); }

/* Sign-extends the low (8 << osz) bits of v. */
static ALWAYS_INLINE int64_t sext(uint64_t v, unsigned osz)
{
	switch (osz) {
	case OSZ_8: return (int8_t)v;
	case OSZ_16: return (int16_t)v;
	case OSZ_32: return (int32_t)v;
	default: return (int64_t)v;
	}
}

/* General registers. For OSZ_8 `r` is a byte offset into cpu.r (see insn.h);
 * otherwise a register number. Writes follow the CPU: 8 and 16 bits merge,
 * 32 bits zero-extend, 64 bits replace. */
static ALWAYS_INLINE uint64_t gpr_get(const struct cpu *c, unsigned r, unsigned osz)
{
	switch (osz) {
	case OSZ_8: return ((const uint8_t *)c->r)[r];
	case OSZ_16: return (uint16_t)c->r[r];
	case OSZ_32: return (uint32_t)c->r[r];
	default: return c->r[r];
	}
}

static ALWAYS_INLINE void gpr_set(struct cpu *c, unsigned r, unsigned osz, uint64_t v)
{
	switch (osz) {
	case OSZ_8: ((uint8_t *)c->r)[r] = (uint8_t)v; break;
	case OSZ_16: c->r[r] = (c->r[r] & ~0xffffull) | (uint16_t)v; break;
	case OSZ_32: c->r[r] = (uint32_t)v; break;
	default: c->r[r] = v; break;
	}
}

/* Byte offset in cpu.r of byte register number n (0..15) as encoded with or
 * without a REX prefix. */
static ALWAYS_INLINE unsigned byte_reg_offset(unsigned n, int rex)
{
	if (!rex && n >= 4 && n < 8)
		return (n - 4) * 8 + 1;
	return n * 8;
}

/* The E (ModRM r/m) operand: a register when mod == 3, memory otherwise. */
static ALWAYS_INLINE uint64_t opE_get(struct cpu *c, const struct insn *i, unsigned osz)
{
	if (i->mod == 3)
		return gpr_get(c, i->rm, osz);
	return mem_ld(c, mem_ea(c, i), osz);
}

static ALWAYS_INLINE void opE_set(struct cpu *c, const struct insn *i, unsigned osz, uint64_t v)
{
	if (i->mod == 3)
		gpr_set(c, i->rm, osz, v);
	else
		mem_st(c, mem_ea(c, i), osz, v);
}

static ALWAYS_INLINE uint64_t opG_get(const struct cpu *c, const struct insn *i, unsigned osz)
{
	return gpr_get(c, i->reg, osz);
}

static ALWAYS_INLINE void opG_set(struct cpu *c, const struct insn *i, unsigned osz, uint64_t v)
{
	gpr_set(c, i->reg, osz, v);
}

/* Stack: width is 8 bytes in long mode, else 4 (or 2 with an operand-size prefix). */
static ALWAYS_INLINE uint64_t stack_ptr(const struct cpu *c)
{
	return c->mode64 ? c->r[R_SP] : (uint32_t)c->r[R_SP];
}

static ALWAYS_INLINE void stack_set_ptr(struct cpu *c, uint64_t sp)
{
	if (c->mode64)
		c->r[R_SP] = sp;
	else
		c->r[R_SP] = (uint32_t)sp;
}

static ALWAYS_INLINE void push(struct cpu *c, unsigned osz, uint64_t v)
{
	uint64_t sp = stack_ptr(c) - (1u << osz);
	if (!c->mode64)
		sp = (uint32_t)sp;
	mem_st(c, sp, osz, v);
	stack_set_ptr(c, sp);
}

static ALWAYS_INLINE uint64_t pop(struct cpu *c, unsigned osz)
{
	uint64_t sp = stack_ptr(c);
	uint64_t v = mem_ld(c, sp, osz);
	stack_set_ptr(c, sp + (1u << osz));
	return v;
}

/* Stack access where the operand size tells the mode (stack instructions
 * are 64-bit only in long mode, 32-bit only outside it): 64 bits, a flat
 * stack pointer; 32 bits, an i386 guest's 32-bit one, which cannot leave
 * its 4 GiB window; 16 bits, either, push and pop. */
static ALWAYS_INLINE void push_sized(struct cpu *c, unsigned osz, uint64_t v)
{
	if (osz == OSZ_64) {
		uint64_t sp = c->r[R_SP] - 8;
		mem_st64(c, sp, v);
		c->r[R_SP] = sp;
	} else if (osz == OSZ_32) {
		uint32_t sp = (uint32_t)c->r[R_SP] - 4;
		mem_st_inside(c, sp, OSZ_32, v);
		c->r[R_SP] = sp;
	} else {
		push(c, osz, v);
	}
}

static ALWAYS_INLINE uint64_t pop_sized(struct cpu *c, unsigned osz)
{
	if (osz == OSZ_64) {
		uint64_t sp = c->r[R_SP], v = mem_ld64(c, sp);
		c->r[R_SP] = sp + 8;
		return v;
	}
	if (osz == OSZ_32) {
		uint32_t sp = (uint32_t)c->r[R_SP];
		uint64_t v = mem_ld_inside(c, sp, OSZ_32);
		c->r[R_SP] = (uint32_t)(sp + 4);
		return v;
	}
	return pop(c, osz);
}

/* Guest address after the instruction. */
static ALWAYS_INLINE uint64_t next_ip(const struct cpu *c, const struct insn *i)
{
	uint64_t ip = i->addr + i->len;
	return c->mode64 ? ip : (uint32_t)ip;
}

/* A relative branch whose rip is ripsz wide (OSZ_64 in long mode, OSZ_32 for
 * an i386 guest, whose rip wraps at 4 GiB): its target when taken, else the
 * next instruction. */
static ALWAYS_INLINE void branch_sized(struct cpu *c, const struct insn *i, int taken,
				       unsigned ripsz)
{
	if (ripsz == OSZ_64) {
		uint64_t next = i->addr + i->len;
		c->rip = taken ? next + i->imm : next;
	} else {
		uint32_t next = (uint32_t)(i->addr + i->len);
		c->rip = taken ? (uint32_t)(next + i->imm) : next;
	}
}

#endif
