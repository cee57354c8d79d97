/* A small x86-64 assembler for the translator: just the encodings the
 * templates use, each as a function named after the instruction. Operand
 * sizes are in bytes (1, 2, 4, 8); 2 adds the 0x66 prefix, 8 sets REX.W. */
#ifndef HEXVM_JIT_X64_H
#define HEXVM_JIT_X64_H

#include <stdint.h>
#include <string.h>

enum x64_reg {
	RAX,
	RCX,
	RDX,
	RBX,
	RSP,
	RBP,
	RSI,
	RDI,
	R8,
	R9,
	R10,
	R11,
	R12,
	R13,
	R14,
	R15,
	NOREG = -1
};

/* Fixed roles in translated code: the guest cpu, the window base, the
 * code-page map. All three are callee-saved, so helper calls keep them. */
#define JR_CPU	 RBX
#define JR_MEM	 R12
#define JR_PAGES R13

/* host condition codes, as in Jcc/SETcc; the guest's are the same */
enum { X64_CC_B = 2, X64_CC_AE = 3, X64_CC_E = 4, X64_CC_NE = 5 };

struct x64 {
	uint8_t *p, *end;
	int full; /* ran out of room: the caller flushes and starts over */
};

struct x64_mem {
	int base, index; /* NOREG when absent; base is required */
	unsigned scale;	 /* log2 */
	int32_t disp;
};

static inline struct x64_mem x64_at(int base, int32_t disp)
{
	return (struct x64_mem){base, NOREG, 0, disp};
}
static inline struct x64_mem x64_at_index(int base, int index, unsigned scale, int32_t disp)
{
	return (struct x64_mem){base, index, scale, disp};
}

static inline void x64_byte(struct x64 *e, unsigned b)
{
	if (e->p < e->end)
		*e->p++ = (uint8_t)b;
	else
		e->full = 1;
}

static inline void x64_u32(struct x64 *e, uint32_t v)
{
	for (int k = 0; k < 4; k++)
		x64_byte(e, (v >> (8 * k)) & 0xff);
}

static inline void x64_u64(struct x64 *e, uint64_t v)
{
	x64_u32(e, (uint32_t)v);
	x64_u32(e, (uint32_t)(v >> 32));
}

/* Which operands of a size-1 instruction are byte registers: those numbered
 * 4..7 need a REX, or they would mean AH..BH. */
enum { X64_BYTE_REG = 1, X64_BYTE_RM = 2 };

static inline int x64_high_byte(int r) { return r >= 4 && r < 8; }

/* Operand-size prefix and REX. */
static inline void x64_prefix(struct x64 *e, unsigned size, int reg, int index, int base,
			      unsigned byte_regs)
{
	unsigned rex = (size == 8 ? 8u : 0u) | (reg >= 8 ? 4u : 0u) | (index >= 8 ? 2u : 0u) |
		       (base >= 8 ? 1u : 0u);
	int high = size == 1 && (((byte_regs & X64_BYTE_REG) && x64_high_byte(reg)) ||
				 ((byte_regs & X64_BYTE_RM) && x64_high_byte(base)));
	if (size == 2)
		x64_byte(e, 0x66);
	if (rex || high)
		x64_byte(e, 0x40 | rex);
}

static inline void x64_opcode(struct x64 *e, uint32_t op)
{
	if (op > 0xffff)
		x64_byte(e, op >> 16);
	if (op > 0xff)
		x64_byte(e, (op >> 8) & 0xff);
	x64_byte(e, op & 0xff);
}

static inline void x64_modrm_mem(struct x64 *e, int reg, struct x64_mem m)
{
	unsigned mod = m.disp == 0 && (m.base & 7) != RBP ? 0u : (m.disp == (int8_t)m.disp ? 1u : 2u);
	unsigned r = (unsigned)reg & 7;
	if (m.index == NOREG && (m.base & 7) != RSP) {
		x64_byte(e, mod << 6 | r << 3 | ((unsigned)m.base & 7));
	} else {
		unsigned index = m.index == NOREG ? 4u : (unsigned)m.index & 7;
		x64_byte(e, mod << 6 | r << 3 | 4);
		x64_byte(e, m.scale << 6 | index << 3 | ((unsigned)m.base & 7));
	}
	if (mod == 1)
		x64_byte(e, (uint8_t)m.disp);
	else if (mod == 2)
		x64_u32(e, (uint32_t)m.disp);
}

/* op reg, [mem] (or op [mem], reg: the direction is in the opcode) */
static inline void x64_rm(struct x64 *e, unsigned size, uint32_t op, int reg, struct x64_mem m)
{
	x64_prefix(e, size, reg, m.index, m.base, X64_BYTE_REG);
	x64_opcode(e, op);
	x64_modrm_mem(e, reg, m);
}

/* op reg, rm with both registers */
static inline void x64_rr(struct x64 *e, unsigned size, uint32_t op, int reg, int rm)
{
	x64_prefix(e, size, reg, NOREG, rm, X64_BYTE_REG | X64_BYTE_RM);
	x64_opcode(e, op);
	x64_byte(e, 0xc0 | ((unsigned)reg & 7) << 3 | ((unsigned)rm & 7));
}

/* op with an opcode extension `ext` in ModRM.reg and register `rm`: only
 * rm can be a byte register needing a REX */
static inline void x64_ext_r(struct x64 *e, unsigned size, uint32_t op, unsigned ext, int rm)
{
	x64_prefix(e, size, 0, NOREG, rm, X64_BYTE_RM);
	x64_opcode(e, op);
	x64_byte(e, 0xc0 | (ext & 7) << 3 | ((unsigned)rm & 7));
}

/* op with an opcode extension and a memory operand */
static inline void x64_ext_m(struct x64 *e, unsigned size, uint32_t op, unsigned ext,
			     struct x64_mem m)
{
	x64_prefix(e, size, 0, m.index, m.base, 0);
	x64_opcode(e, op);
	x64_modrm_mem(e, (int)ext, m);
}

/* byte/word/dword/qword opcode pairs: the 8-bit form, then the wider one */
static inline uint32_t x64_sized(unsigned size, uint32_t op8, uint32_t op)
{
	return size == 1 ? op8 : op;
}

static inline void x64_load(struct x64 *e, unsigned size, int reg, struct x64_mem m)
{
	x64_rm(e, size, x64_sized(size, 0x8a, 0x8b), reg, m);
}
static inline void x64_store(struct x64 *e, unsigned size, struct x64_mem m, int reg)
{
	x64_rm(e, size, x64_sized(size, 0x88, 0x89), reg, m);
}
/* zero-extending loads to 32 bits (and so to 64) */
static inline void x64_load_zx(struct x64 *e, unsigned size, int reg, struct x64_mem m)
{
	if (size == 1)
		x64_rm(e, 4, 0x0fb6, reg, m);
	else if (size == 2)
		x64_rm(e, 4, 0x0fb7, reg, m);
	else
		x64_load(e, size, reg, m);
}
static inline void x64_mov_rr(struct x64 *e, unsigned size, int dst, int src)
{
	x64_rr(e, size, x64_sized(size, 0x88, 0x89), src, dst);
}
static inline void x64_lea(struct x64 *e, unsigned size, int reg, struct x64_mem m)
{
	x64_rm(e, size, 0x8d, reg, m);
}

/* mov reg, imm: the shortest form that gives the 64-bit value */
static inline void x64_mov_imm(struct x64 *e, int reg, uint64_t v)
{
	if (v <= 0xffffffffu) {
		x64_prefix(e, 4, 0, NOREG, reg, 0);
		x64_byte(e, 0xb8 + ((unsigned)reg & 7));
		x64_u32(e, (uint32_t)v);
	} else if ((int64_t)v == (int32_t)v) {
		x64_prefix(e, 8, 0, NOREG, reg, 0);
		x64_byte(e, 0xc7);
		x64_byte(e, 0xc0 | ((unsigned)reg & 7));
		x64_u32(e, (uint32_t)v);
	} else {
		x64_prefix(e, 8, 0, NOREG, reg, 0);
		x64_byte(e, 0xb8 + ((unsigned)reg & 7));
		x64_u64(e, v);
	}
}

/* an immediate of the operand size (4 bytes for size 8, sign-extended) */
static inline void x64_imm(struct x64 *e, unsigned size, uint32_t v)
{
	if (size == 1) {
		x64_byte(e, v & 0xff);
	} else if (size == 2) {
		x64_byte(e, v & 0xff);
		x64_byte(e, (v >> 8) & 0xff);
	} else {
		x64_u32(e, v);
	}
}

/* mov [mem], imm32 (sign-extended for size 8) */
static inline void x64_store_imm(struct x64 *e, unsigned size, struct x64_mem m, uint32_t v)
{
	x64_ext_m(e, size, x64_sized(size, 0xc6, 0xc7), 0, m);
	x64_imm(e, size, v);
}

/* ALU group 1 (add or adc sbb and sub xor cmp = 0..7) */
static inline void x64_alu_rr(struct x64 *e, unsigned size, unsigned op, int dst, int src)
{
	x64_rr(e, size, x64_sized(size, op * 8, op * 8 + 1), src, dst);
}
static inline void x64_alu_rm(struct x64 *e, unsigned size, unsigned op, int dst, struct x64_mem m)
{
	x64_rm(e, size, x64_sized(size, op * 8 + 2, op * 8 + 3), dst, m);
}
static inline void x64_alu_ri(struct x64 *e, unsigned size, unsigned op, int dst, int32_t v)
{
	if (size != 1 && v == (int8_t)v) {
		x64_ext_r(e, size, 0x83, op, dst);
		x64_byte(e, (uint8_t)v);
		return;
	}
	x64_ext_r(e, size, x64_sized(size, 0x80, 0x81), op, dst);
	x64_imm(e, size, (uint32_t)v);
}
static inline void x64_alu_mi(struct x64 *e, unsigned size, unsigned op, struct x64_mem m, int32_t v)
{
	if (size != 1 && v == (int8_t)v) {
		x64_ext_m(e, size, 0x83, op, m);
		x64_byte(e, (uint8_t)v);
		return;
	}
	x64_ext_m(e, size, x64_sized(size, 0x80, 0x81), op, m);
	x64_imm(e, size, (uint32_t)v);
}
static inline void x64_test_rr(struct x64 *e, unsigned size, int a, int b)
{
	x64_rr(e, size, x64_sized(size, 0x84, 0x85), b, a);
}

/* shifts by an immediate: /4 shl, /5 shr, /7 sar */
static inline void x64_shift_ri(struct x64 *e, unsigned size, unsigned ext, int reg, unsigned n)
{
	x64_ext_r(e, size, x64_sized(size, 0xc0, 0xc1), ext, reg);
	x64_byte(e, n);
}

static inline void x64_setcc(struct x64 *e, unsigned cc, int reg)
{
	x64_ext_r(e, 1, 0x0f90 + cc, 0, reg);
}

static inline void x64_push(struct x64 *e, int reg)
{
	if (reg >= 8)
		x64_byte(e, 0x41);
	x64_byte(e, 0x50 + ((unsigned)reg & 7));
}
static inline void x64_pop(struct x64 *e, int reg)
{
	if (reg >= 8)
		x64_byte(e, 0x41);
	x64_byte(e, 0x58 + ((unsigned)reg & 7));
}
static inline void x64_ret(struct x64 *e) { x64_byte(e, 0xc3); }

/* Branches. Each returns where its rel32 lives, for x64_patch. */
static inline uint8_t *x64_jmp(struct x64 *e)
{
	x64_byte(e, 0xe9);
	uint8_t *site = e->p;
	x64_u32(e, 0);
	return site;
}
static inline uint8_t *x64_jcc(struct x64 *e, unsigned cc)
{
	x64_byte(e, 0x0f);
	x64_byte(e, 0x80 + cc);
	uint8_t *site = e->p;
	x64_u32(e, 0);
	return site;
}
/* Points the rel32 at `site` to `target`. */
static inline void x64_patch(uint8_t *site, const void *target)
{
	int32_t rel = (int32_t)((const uint8_t *)target - (site + 4));
	memcpy(site, &rel, 4);
}
static inline int x64_near(const uint8_t *from, const void *to)
{
	int64_t d = (const uint8_t *)to - from;
	return d == (int32_t)d;
}
/* call or jump to an absolute host address: rel32 when it reaches */
static inline void x64_call(struct x64 *e, const void *fn)
{
	if (x64_near(e->p + 5, fn)) {
		x64_byte(e, 0xe8);
		x64_u32(e, 0);
		if (!e->full)
			x64_patch(e->p - 4, fn);
		return;
	}
	x64_mov_imm(e, RAX, (uint64_t)(uintptr_t)fn);
	x64_byte(e, 0xff);
	x64_byte(e, 0xd0);
}
static inline void x64_jmp_to(struct x64 *e, const void *target)
{
	uint8_t *site = x64_jmp(e);
	if (!e->full)
		x64_patch(site, target);
}
static inline void x64_jcc_to(struct x64 *e, unsigned cc, const void *target)
{
	uint8_t *site = x64_jcc(e, cc);
	if (!e->full)
		x64_patch(site, target);
}
/* SSE: `op` is the mandatory prefix (0x66, 0xf2, 0xf3, or 0) times 256
 * plus the opcode byte of the 0F map, or, in the 0F 38 and 0F 3A maps, the
 * prefix times 65536 plus the map byte times 256 plus the opcode (0x663a63
 * is PCMPISTRI); `xreg` the ModRM.reg operand. An imm8 is the caller's to
 * add. */
static inline void x64_sse_opcode(struct x64 *e, unsigned op, unsigned rex)
{
	unsigned map = op > 0xffff ? (op >> 8) & 0xff : 0, prefix = map ? op >> 16 : op >> 8;
	if (prefix)
		x64_byte(e, prefix);
	if (rex)
		x64_byte(e, 0x40 | rex);
	x64_byte(e, 0x0f);
	if (map)
		x64_byte(e, map);
	x64_byte(e, op & 0xff);
}
static inline void x64_sse_m(struct x64 *e, unsigned op, int xreg, struct x64_mem m)
{
	unsigned rex = (xreg >= 8 ? 4u : 0u) | (m.index >= 8 ? 2u : 0u) | (m.base >= 8 ? 1u : 0u);
	x64_sse_opcode(e, op, rex);
	x64_modrm_mem(e, xreg, m);
}
static inline void x64_sse_r(struct x64 *e, unsigned op, int xreg, int xrm)
{
	x64_sse_opcode(e, op, (xreg >= 8 ? 4u : 0u) | (xrm >= 8 ? 1u : 0u));
	x64_byte(e, 0xc0 | ((unsigned)xreg & 7) << 3 | ((unsigned)xrm & 7));
}
#define X64_MOVDQU_LOAD	 0xf36fu
#define X64_MOVDQU_STORE 0xf37fu

/* lea reg, [rip + to target] */
static inline void x64_lea_rip(struct x64 *e, int reg, const void *target)
{
	x64_prefix(e, 8, reg, NOREG, NOREG, 0);
	x64_byte(e, 0x8d);
	x64_byte(e, ((unsigned)reg & 7) << 3 | 5);
	x64_u32(e, 0);
	if (!e->full)
		x64_patch(e->p - 4, target);
}

static inline void x64_jmp_reg(struct x64 *e, int reg)
{
	if (reg >= 8)
		x64_byte(e, 0x41);
	x64_byte(e, 0xff);
	x64_byte(e, 0xe0 + ((unsigned)reg & 7));
}

#endif
