/* What the translator's files share: the code buffer and its records, the
 * translation context, and the template interface. */
#ifndef HEXVM_JIT_INTERNAL_H
#define HEXVM_JIT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "decode/insn.h"
#include "interp/block.h"
#include "jit/jit.h"
#include "jit/x64.h"

/* Where one block's host code is, and where each of its instructions
 * starts in it (for faults inside translated code). */
struct jit_rec {
	uint8_t *code;
	uint32_t len;
	struct block *block; /* NULL once the block was dropped */
	unsigned n;
	int8_t (*dirty)[JIT_POOL_SIZE]; /* per instruction: the guest register dirty in each
					 * pool register when it starts, or -1 */
	uint16_t off[]; /* n + 1 entries: off[n] is the end of the instructions' code */
};

/* A patched jump from one block's exit into another block's code, and the
 * stub it jumped to before (which returns to the run loop). */
struct jit_link {
	uint8_t *site, *stub;
};

typedef uint8_t *jit_enter_fn(struct cpu *c, const uint8_t *code);

struct jit {
	struct block_cache *bc;
	uint8_t *buf;
	size_t size;
	uint8_t *free;	 /* next unused byte */
	uint8_t *blocks; /* translated blocks start here, after the fixed routines */
	jit_enter_fn *enter;
	const uint8_t *exit_null; /* return NULL to the run loop */
	const uint8_t *exit_rax;  /* return rax (a patchable exit's site) */
	struct jit_rec **recs;	  /* by code address */
	unsigned nrecs, recs_cap;
	struct jit_link *links;
	unsigned nlinks, links_cap;
	struct jt *scratch;	   /* the translation under way */
	struct block_stats *stats; /* the block cache's */
};

/* jit_code.c */
struct jit *jit_create(struct block_cache *bc);
/* Forgets every translation (the buffer is full). */
void jit_flush(struct jit *j);
struct jit_rec *jit_add_rec(struct jit *j, struct block *b, uint8_t *code, uint32_t len,
			    const uint16_t *off, const int8_t (*dirty)[JIT_POOL_SIZE]);
void jit_add_link(struct jit *j, uint8_t *site, uint8_t *stub);
/* Undoes every patched jump: some block they might reach is gone. */
void jit_unlink_all(struct jit *j);

/* Which guest registers host registers hold (jit_regs.c). */
#define JT_POOL	      JIT_POOL_SIZE
#define JT_GUEST_REGS 16
struct jt_regs {
	int8_t host[JT_GUEST_REGS]; /* guest register -> host register caching it, or NOREG */
	int8_t guest[JT_POOL];	    /* pool slot -> guest register in it, or -1 */
	uint8_t dirty[JT_POOL];	    /* the slot's value is newer than struct cpu's */
	uint32_t stamp[JT_POOL];    /* last use, for eviction */
	uint32_t clock;
};

/* A cold path, emitted after the block's straight-line code. */
enum jt_cold_kind { COLD_OUTSIDE, COLD_SMC, COLD_BAIL, COLD_CALL };
struct jt_cold {
	enum jt_cold_kind kind;
	unsigned k;	 /* the instruction */
	unsigned size;	 /* COLD_SMC: bytes stored */
	uint8_t *from;	 /* rel32 of the jump that leads here */
	uint8_t *resume; /* COLD_SMC, COLD_CALL: where the straight-line code goes on */
	struct jt_regs at; /* the register cache where the jump leaves (and, but for
			    * COLD_CALL, where the path goes back to) */
	int8_t resume_host[JT_GUEST_REGS]; /* COLD_CALL: the cache's map where it goes on */
};

#define JT_COLD_MAX (BLOCK_MAX_INSNS * 4)


/* One block being translated. */
struct jt {
	struct x64 e;
	struct jit *j;
	struct block *b;
	int mode64;
	unsigned k; /* index of the instruction being translated */
	/* The host flags hold the guest's arithmetic flags: host_flags on
	 * entry to an instruction (the previous one left them so), flags_out
	 * set by a template that leaves them so. */
	int host_flags, flags_out;
	int ended; /* a template emitted the block's exits */
	int cur_block_set; /* the straight-line code stored c->cur_block */
	struct jt_regs regs;
	int8_t dirty_at[BLOCK_MAX_INSNS][JT_POOL]; /* each instruction's dirty slots, for faults */
	struct jt_cold cold[JT_COLD_MAX];
	unsigned ncold;
	uint16_t off[BLOCK_MAX_INSNS + 1];
};

/* jit_translate.c: what templates build on */
uint8_t *jit_translate(struct jit *j, struct block *b, int mode64);
void jt_cold(struct jt *t, enum jt_cold_kind kind, unsigned size, uint8_t *from);
/* A case the template leaves to the handler (a misaligned operand, an
 * unmasked exception): jump here with host condition `cc` and the handler
 * runs the whole instruction instead. Only before the template changed any
 * guest state. */
void jt_cold_call(struct jt *t, unsigned cc);
/* Exits: to a guest address known now (chainable), to c->rip. */
void jt_exit_static(struct jt *t, uint64_t pc);
void jt_exit_dynamic(struct jt *t);
/* Calls the instruction's interpreter handler. */
void jt_call_handler(struct jt *t, const struct insn *i);

/* jit_regs.c: the register cache */
extern const int8_t jt_pool[JT_POOL];
void jt_regs_clear(struct jt *t);
/* Before a call out: stores the dirty registers the call may lose (all of
 * them when the callee reads or changes guest registers) and forgets
 * those the call clobbers. */
void jt_regs_before_call(struct jt *t, int guest_changed);
/* Stores the dirty registers of cache state `at` (only the caller-saved
 * ones with volatile_only), leaving the translation's state as it is: for
 * exits and cold paths. */
void jt_regs_store(struct jt *t, const struct jt_regs *at, int volatile_only);
/* Loads the cached registers of `host` again (only the caller-saved ones
 * with volatile_only), as a cold path does before it goes back. */
void jt_regs_load(struct jt *t, const int8_t host[JT_GUEST_REGS], int volatile_only);
/* Makes the instruction about to be translated able to take registers
 * without giving up a dirty one (see jit_regs.c). */
void jt_regs_reserve(struct jt *t);
/* out[slot] = the guest register dirty in pool slot `slot`, or -1. */
void jt_regs_dirty_map(const struct jt *t, int8_t out[JT_POOL]);
/* The host register holding guest register r whole (loaded if need be):
 * read it, never write it. */
int jt_reg(struct jt *t, unsigned r);
/* Guest register r to or from a host register, `size` bytes as x86 moves
 * them: a load of 1 or 2 merges into dst, of 4 zero-extends; a store of 1
 * or 2 merges into the guest register, of 4 zero-extends. */
void jt_get_reg(struct jt *t, unsigned r, unsigned size, int dst);
void jt_set_reg(struct jt *t, unsigned r, unsigned size, int src);
/* The byte register at byte offset `off` of cpu.r (as decoded: AH is 1). */
void jt_get_byte(struct jt *t, unsigned off, int dst);
void jt_set_byte(struct jt *t, unsigned off, int src);

/* jit_operand.c: guest operands */
struct x64_mem jt_cpu(size_t offset);
struct x64_mem jt_guest(void); /* [window + rax] */
/* rax = base + index << scale + disp, cut to the address size (32 or 64). */
void jt_offset(struct jt *t, const struct insn *i);
/* rax = the linear address of i's memory operand; 0 when the template
 * cannot (16-bit addressing). */
int jt_ea(struct jt *t, const struct insn *i);
/* Checks that rax may be read / written with `size` bytes at it. */
void jt_check_read(struct jt *t);
void jt_check_write(struct jt *t, unsigned size);
/* For an E operand in memory: rax = its address, checked for `size`
 * bytes read or written; nothing for a register. 0 when the template
 * cannot (see jt_ea). */
int jt_mem_operand(struct jt *t, const struct insn *i, unsigned size, int write);
/* The address after i, in the guest's address width. */
uint64_t jt_next_pc(const struct jt *t, const struct insn *i);
/* Bytes a PUSH, POP, CALL or RET of i moves: the stack's natural width (8
 * or 4); 0 for the 16-bit forms, which the handlers do. */
unsigned jt_stack_size(const struct jt *t, const struct insn *i);
/* Sets the lazy flags: cc_op, cc_dst from `dst`, cc_src from `src` (a host
 * register, or NOREG for 0). */
void jt_flags(struct jt *t, uint32_t cc_op, int dst, int src);
/* The guest's condition `cc` as a host condition code on the host flags:
 * emits what puts it there and returns the host cc. */
unsigned jt_cond(struct jt *t, unsigned cc);

/* Templates: emit i's host code and return 1, or emit nothing and return 0
 * (the instruction then calls its handler). */
typedef int jt_tmpl_fn(struct jt *t, const struct insn *i);
jt_tmpl_fn *jt_template_of(const struct insn *i);

#endif
