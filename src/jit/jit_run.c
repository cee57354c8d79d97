/* The translating engine's run loop: find or translate the block at rip,
 * enter its code, and when the code comes back with a chainable exit,
 * point that exit straight at the next block's code. */
#include <stdio.h>
#include <stdlib.h>

#include "cpu/cpu.h"
#include "interp/dispatch.h"
#include "jit/jit_internal.h"
#include "mem/mm.h"

#if HEXVM_JIT

int jit_available(void) { return 1; }

/* A block is translated on its JIT_HOT_RUNS-th run; until then the
 * interpreter runs it. Most code of a short program runs a few times only:
 * translating a block costs more than interpreting it a few dozen times
 * (measured on static hello world start-up: with 4, glibc's start-up made
 * 129 blocks host code and took 0.2-0.3 ms longer than the interpreter's; with
 * 32, 22 blocks and the interpreter's time). */
#define JIT_HOT_RUNS 32

static uint8_t *code_of(struct jit *j, struct block *b, int mode64)
{
	if (b->jit_code)
		return b->jit_code;
	uint8_t *code = jit_translate(j, b, mode64);
	if (code)
		return code;
	jit_flush(j);
	code = jit_translate(j, b, mode64);
	if (!code) {
		fprintf(stderr, "hexvm: internal error: a block does not fit the code buffer\n");
		abort();
	}
	return code;
}

void jit_run(struct cpu *c, struct block_cache *bc)
{
	struct jit *j = bc->jit; /* made when the first block is hot */
	uint8_t *site = NULL;
	for (;;) {
		c->cur = NULL;
		struct block *b = block_get(c, bc, c->rip);
		if (block_cache_has_retired(bc))
			block_cache_collect(bc);
		if (!b->jit_code && ++b->runs < JIT_HOT_RUNS) {
			site = NULL;
			if (interp_run_block(c, b))
				return;
			continue;
		}
		if (!j && !(j = bc->jit = jit_create(bc))) {
			interp_run(c, bc); /* no executable memory: the interpreter serves */
			return;
		}
		uint64_t flushes = j->stats->jit_flushes;
		uint8_t *code = code_of(j, b, bc->mm->mode64);
		if (site && flushes == j->stats->jit_flushes) {
			x64_patch(site, code);
			jit_add_link(j, site, site + 4);
		}
		uint64_t gen = block_cache_generation(bc);
		c->jit_stale = 0;
		site = j->enter(c, code);
		if (block_cache_generation(bc) != gen)
			site = NULL; /* a block went: the exit may be its */
		if (c->jit_stale) {
			c->jit_stale = 0;
			return; /* as the interpreter leaves a block that rewrote itself */
		}
		if (c->exit_req || c->icount >= c->icount_limit) {
			c->exit_req = 0;
			return;
		}
	}
}

#else

int jit_available(void) { return 0; }

void jit_run(struct cpu *c, struct block_cache *bc) { interp_run(c, bc); }

#endif
