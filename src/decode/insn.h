/* A decoded instruction, as the block cache keeps it and as every handler
 * receives it. Decoding resolves everything that does not depend on run-time
 * state: sizes, register numbers, RIP-relative addresses, immediates. */
#ifndef HEXVM_DECODE_INSN_H
#define HEXVM_DECODE_INSN_H

#include <stdint.h>

struct cpu;
struct insn;

/* One signature for every instruction handler. */
typedef void insn_fn(struct cpu *c, const struct insn *i);

enum { REP_NONE, REP_E /* F3 */, REP_NE /* F2 */ };

/* operand size, as log2 of bytes */
enum { OSZ_8, OSZ_16, OSZ_32, OSZ_64 };

struct insn {
	insn_fn *run; /* what the interpreter calls: the table row's handler
		       * (insn_handler), or its chained instance (interp/chain.h)
		       * when another instruction of the block follows; set by
		       * the block cache, not the decoder */
	uint64_t addr; /* guest address of the first byte */
	uint64_t disp; /* sign-extended; absolute target for RIP-relative operands */
	uint64_t imm;  /* first immediate, sign-extended to 64 bits */
	uint16_t imm2; /* second immediate (ENTER's nesting level); for an x87
			* escape D8..DF, the 11 bits FOP records: the escape's
			* low three, then the ModRM byte */
	uint16_t desc; /* index of the table row, for names and traces */
	uint8_t len;
	uint8_t osz; /* OSZ_*: operand size of the `v` operands */
	uint8_t asz; /* OSZ_16/32/64: address size */
	uint8_t mod; /* 3: the E operand is a register */
	/* Register operands. For byte operands (Eb, Gb) these are byte offsets
	 * into cpu.r, so that AH..BH without REX need no run-time test; for all
	 * others they are register numbers with REX applied. */
	uint8_t reg;
	uint8_t rm;
	uint8_t base, index, scale; /* memory operand; R_NONE when absent */
	uint8_t seg;		    /* segment of the memory operand */
	uint8_t opc; /* last opcode byte: some handlers read cc or a register from it */
	/* Bits, so that a block's instructions take 48 bytes: a start-up
	 * decodes thousands, and every page of them is a page fault. */
	uint8_t rep : 2;     /* REP_* */
	uint8_t lock : 1;
	uint8_t stop : 1;    /* the block ends after this instruction */
	uint8_t patched : 1; /* run is not the row's: a debugger's trap, or the
			      * stand-in for a rewritten instruction */
};

/* The handler of i's table row (its specialized one where the row picks
 * one): what runs i alone, unchained. For a patched i, its run. */
insn_fn *insn_handler(const struct insn *i);

#endif
