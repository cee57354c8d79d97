/* The decoder's tables, generated from the .tbl files in src/isa by tools/gen_isa.c.
 * Lookup: root[map][opcode][prefix slot] gives a node; non-leaf nodes select a
 * child by ModRM.reg, by ModRM.mod (memory or register form) or by ModRM.rm. */
#ifndef HEXVM_DECODE_ISA_H
#define HEXVM_DECODE_ISA_H

#include <stdint.h>

#include "decode/insn.h"

enum isa_map { MAP_1B, MAP_0F, MAP_0F38, MAP_0F3A, MAP_COUNT };
enum isa_pfx { PFX_NONE, PFX_66, PFX_F3, PFX_F2, PFX_COUNT };
enum isa_node_kind { NK_INVALID, NK_LEAF, NK_REG, NK_MOD, NK_RM };

struct isa_node {
	uint16_t kind;
	uint16_t arg; /* NK_LEAF: descriptor index; others: first of the child nodes */
};

/* immediate kinds (ISA_IMM_MASK bits of flags) */
enum {
	IMM_NONE,
	IMM_B,	   /* 8 bits */
	IMM_W,	   /* 16 bits */
	IMM_Z,	   /* 16 bits with operand size 16, else 32 (sign-extended to 64) */
	IMM_V,	   /* 16, 32 or 64 bits by operand size */
	IMM_MOFFS, /* address size */
	IMM_WB,	   /* 16 bits then 8 bits (ENTER) */
};

/* descriptor flags */
#define ISA_IMM_MASK 0x0007u
#define ISA_MODRM    0x0008u /* has a ModRM byte */
#define ISA_BYTE     0x0010u /* operand size is 8 bits */
#define ISA_BYTE_E   0x0020u /* the E operand is a byte register */
#define ISA_BYTE_G   0x0040u /* the G operand is a byte register */
#define ISA_REG_Z    0x0080u /* register in the opcode's low 3 bits (+REX.B), put in insn.reg */
#define ISA_LOCK     0x0100u /* LOCK is allowed (with a memory operand) */
#define ISA_D64	     0x0200u /* operand size defaults to 64 bits in long mode */
#define ISA_F64	     0x0400u /* operand size is always 64 bits in long mode */
#define ISA_I64	     0x0800u /* invalid in long mode */
#define ISA_O64	     0x1000u /* valid only in long mode */
#define ISA_STOP                                                                                   \
	0x2000u /* ends a block: control transfer, syscall, or state the block depends on */
#define ISA_MANDATORY 0x4000u /* the selecting 66/F2/F3 prefix is part of the opcode */
#define ISA_BYTE_Z    0x8000u /* the opcode register is a byte register */

/* How an instruction always leaves the lazy flags (cpu/cpu.h, CC_*), at its
 * operand size: table attributes fsub (SUB, CMP: CC_SUB), flogic (AND, OR,
 * XOR, TEST: CC_LOGIC), fadd (ADD: CC_ADD), finc and fdec (INC, DEC), and
 * feflags (the compares that write EFLAGS themselves: CC_EFLAGS). A Jcc
 * straight after one can skip looking. */
enum {
	ISA_SETS_OTHER,
	ISA_SETS_SUB,
	ISA_SETS_LOGIC,
	ISA_SETS_ADD,
	ISA_SETS_INC,
	ISA_SETS_DEC,
	ISA_SETS_EFLAGS
};

struct isa_desc {
	insn_fn *fn;
	insn_fn *(*spec)(const struct insn *i);	 /* picks a specialized handler, or NULL */
	insn_fn *(*chain)(const struct insn *i); /* picks its chained instance, or NULL */
	const char *mnemonic;
	const char *operands; /* SDM notation, for the disassembler */
	uint16_t flags;
	uint8_t sets; /* ISA_SETS_* */
};

extern const struct isa_node isa_root[MAP_COUNT][256][PFX_COUNT];
extern const uint8_t isa_explicit_pfx[MAP_COUNT][256]; /* bit s: slot s has its own rows */
extern const struct isa_node isa_nodes[];
extern const struct isa_desc isa_descs[];
extern const unsigned isa_desc_count;

#endif
