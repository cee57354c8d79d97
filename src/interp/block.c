/* Block cache: decode once, execute many times. Each code page records which
 * of its bytes hold decoded instructions, so a store to data that merely
 * shares a page with code costs one bitmap test, and a store to code drops
 * exactly the blocks of that page. */
#include "interp/block.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "base/compiler.h"
#include "cpu/cpu.h"
#include "decode/decode.h"
#include "decode/isa.h"
#include "interp/chain.h"
#include "isa_handlers.h"
#include "jit/jit.h"
#include "mem/code_alias.h"
#include "mem/mm.h"

struct block_cache *block_cache_create(struct mm *mm)
{
	struct block_cache *bc = calloc(1, sizeof *bc);
	if (!bc)
		return NULL;
	bc->buckets = calloc(BLOCK_BUCKETS_MIN, sizeof *bc->buckets);
	bc->pages = calloc(CODE_PAGE_BUCKETS_MIN, sizeof *bc->pages);
	if (!bc->buckets || !bc->pages) {
		free(bc->buckets);
		free(bc->pages);
		free(bc);
		return NULL;
	}
	bc->nbuckets = BLOCK_BUCKETS_MIN;
	bc->npage_buckets = CODE_PAGE_BUCKETS_MIN;
	bc->mm = mm;
	bc->max_insns = BLOCK_MAX_INSNS;
	return bc;
}

static void free_chain(struct block *b)
{
	while (b) {
		struct block *next = b->hash_next;
		free(b->targets);
		free(b);
		b = next;
	}
}

void block_cache_destroy(struct block_cache *bc)
{
	if (!bc)
		return;
	for (unsigned k = 0; k < bc->nbuckets; k++)
		free_chain(bc->buckets[k]);
	free_chain(bc->retired);
	free(bc->linked);
	jit_destroy(bc->jit);
	for (unsigned k = 0; k < bc->npage_buckets; k++)
		while (bc->pages[k]) {
			struct code_page *cp = bc->pages[k];
			bc->pages[k] = cp->next;
			free(cp->blocks);
			free(cp);
		}
	free(bc->buckets);
	free(bc->pages);
	pc_set_free(&bc->ran_once);
	free(bc);
}

const struct block_stats *block_cache_stats(const struct block_cache *bc) { return &bc->stats; }

void block_stats_add(struct block_stats *total, const struct block_stats *more)
{
	total->lookups += more->lookups;
	total->hits += more->hits;
	total->translated += more->translated;
	total->invalidated += more->invalidated;
	total->insns_decoded += more->insns_decoded;
	total->jit_blocks += more->jit_blocks;
	total->jit_inline += more->jit_inline;
	total->jit_called += more->jit_called;
	total->jit_bytes += more->jit_bytes;
	total->jit_flushes += more->jit_flushes;
	total->jit_links += more->jit_links;
}

/* Chains stay short as programs load more code (a dynamic python3 start
 * makes some 40,000 blocks): each table doubles once it holds more entries
 * than it has chains. Out of memory, a table just stays as it is. */
static void grow_blocks(struct block_cache *bc)
{
	unsigned n = bc->nbuckets * 2;
	struct block **b = calloc(n, sizeof *b);
	if (!b)
		return;
	for (unsigned k = 0; k < bc->nbuckets; k++)
		for (struct block *e = bc->buckets[k], *next; e; e = next) {
			next = e->hash_next;
			e->hash_next = b[block_hash(e->start, n)];
			b[block_hash(e->start, n)] = e;
		}
	free(bc->buckets);
	bc->buckets = b;
	bc->nbuckets = n;
}

static void grow_pages(struct block_cache *bc)
{
	unsigned n = bc->npage_buckets * 2;
	struct code_page **b = calloc(n, sizeof *b);
	if (!b)
		return;
	for (unsigned k = 0; k < bc->npage_buckets; k++)
		for (struct code_page *cp = bc->pages[k], *next; cp; cp = next) {
			next = cp->next;
			cp->next = b[block_hash(cp->page, n)];
			b[block_hash(cp->page, n)] = cp;
		}
	free(bc->pages);
	bc->pages = b;
	bc->npage_buckets = n;
}

static struct code_page *find_page(struct block_cache *bc, uint64_t page, int create)
{
	struct code_page **pp = &bc->pages[block_hash(page, bc->npage_buckets)];
	for (struct code_page *cp = *pp; cp; cp = cp->next)
		if (cp->page == page)
			return cp;
	if (!create)
		return NULL;
	struct code_page *cp = calloc(1, sizeof *cp);
	if (!cp)
		abort();
	cp->page = page;
	cp->next = *pp;
	*pp = cp;
	if (++bc->npages > bc->npage_buckets)
		grow_pages(bc);
	return cp;
}

static void page_add_block(struct code_page *cp, struct block *b)
{
	if (cp->nblocks == cp->cap) {
		cp->cap = cp->cap ? cp->cap * 2 : 8;
		cp->blocks = realloc(cp->blocks, cp->cap * sizeof *cp->blocks);
		if (!cp->blocks)
			abort();
	}
	cp->blocks[cp->nblocks++] = b;
}

/* Sets the covered bits of bytes [from, to) of one page. */
static void cover_bytes(uint8_t *covered, unsigned from, unsigned to)
{
	for (; from < to && (from & 7); from++)
		covered[from >> 3] |= (uint8_t)(1u << (from & 7));
	if (to - from >= 8) {
		memset(covered + (from >> 3), 0xff, (to - from) >> 3);
		from += (to - from) & ~7u;
	}
	for (; from < to; from++)
		covered[from >> 3] |= (uint8_t)(1u << (from & 7));
}

/* Lists b in the cache and on each of its pages, whose covered bits it
 * sets for all of its bytes: a block's instructions follow one another, so
 * that is [start, end). */
static void register_block(struct block_cache *bc, struct block *b)
{
	if (++bc->nblocks > bc->nbuckets)
		grow_blocks(bc);
	unsigned h = block_hash(b->start, bc->nbuckets);
	b->hash_next = bc->buckets[h];
	bc->buckets[h] = b;
	for (uint64_t p = b->start >> 12; p <= (b->end - 1) >> 12; p++) {
		struct code_page *cp = find_page(bc, p, 1);
		uint64_t from = b->start > p << 12 ? b->start : p << 12;
		uint64_t to = b->end < (p + 1) << 12 ? b->end : (p + 1) << 12;
		page_add_block(cp, b);
		cover_bytes(cp->covered, (unsigned)(from - (p << 12)), (unsigned)(to - (p << 12)));
		if (!(bc->mm->code_pages[p] & CODE_PAGE_HERE))
			code_alias_mark(bc->mm, p << 12);
		bc->mm->code_pages[p] |= CODE_PAGE_HERE;
		if (p > 0)
			bc->mm->code_pages[p - 1] |= CODE_PAGE_NEXT;
	}
}

/* Where the executable bytes from pc end, as far as a block at pc can
 * read: its instructions start in pc's page (translate stops at the next)
 * and the last may run INSN_MAX_LEN bytes past it. One walk of the vmas
 * per block, not one per instruction. */
static uint64_t fetch_limit(const struct mm *mm, uint64_t pc)
{
	uint64_t cap = (pc & ~4095ull) + 4096 + INSN_MAX_LEN, at = pc;
	while (at < cap) {
		const struct vma *v = mm_find_vma(mm, at);
		if (!v || !(v->prot & GPROT_EXEC))
			break;
		at = v->end;
	}
	return at < cap ? at : cap;
}

static _Noreturn void fetch_fault(struct cpu *c, const struct mm *mm, uint64_t addr)
{
	int mapped = addr < mm->limit && mm_find_vma(mm, addr) != NULL;
	cpu_fault(c, SIGSEGV, mapped ? SEGV_ACCERR : SEGV_MAPERR, addr);
}

static _Noreturn void decode_fault(struct cpu *c, const struct mm *mm, int rc, uint64_t pc,
				   unsigned avail)
{
	if (rc == DECODE_FETCH)
		fetch_fault(c, mm, pc + avail);
	if (rc == DECODE_GP)
		cpu_fault(c, SIGSEGV, SI_KERNEL, 0);
	cpu_fault(c, SIGILL, ILL_ILLOPN, pc);
}

/* What runs in place of the instruction at a debugger's breakpoint: one
 * byte long, so that a store to that byte drops it like any decoded code. */
static struct insn trap_insn(const struct block_breaks *bb, uint64_t at)
{
	struct insn i;
	memset(&i, 0, sizeof i);
	i.run = bb->trap;
	i.patched = 1;
	i.addr = at;
	i.len = 1;
	i.mod = 3;
	i.base = i.index = R_NONE;
	i.stop = 1;
	return i;
}

/* What the interpreter runs for each of a block's n instructions: chained
 * instances, which run the next instruction themselves, wherever one
 * follows, and the branches that end a block, which run the next block's
 * (interp/chain.h); not for a patched instruction (a debugger's trap). A
 * Jcc after a compare gets an instance that knows what kind of flags it
 * reads (chain_jcc_after), and a compare of registers before the block's
 * Jcc one that runs both (chain_cmp_branch). */
static void set_runs(struct insn *insns, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		struct insn *i = &insns[k];
		if (i->patched)
			continue;
		const struct isa_desc *d = &isa_descs[i->desc];
		insn_fn *own = insn_handler(i), *chained = NULL, *after;
		int ends = (d->flags & ISA_STOP) != 0;
		if (d->chain && (k + 1 < n || ends))
			chained = d->chain(i);
		if (chained && k > 0 && d->fn == op_jcc && (after = chain_jcc_after(i, i - 1)))
			chained = after;
		if (chained && k + 2 == n && (after = chain_cmp_branch(i, i + 1)))
			chained = after;
		i->run = chained ? chained : own;
	}
}

/* For a block on probation, which most likely runs once: the rows' own
 * handlers, general over operand size and form, which return to the run
 * loop after each instruction. The specialized and chained instances are
 * looked for only in a block that is kept: for code that runs once,
 * choosing them cost more than they save. */
static void set_plain_runs(struct insn *insns, unsigned n)
{
	for (unsigned k = 0; k < n; k++)
		if (!insns[k].patched)
			insns[k].run = isa_descs[insns[k].desc].fn;
}

static struct block *translate(struct cpu *c, struct block_cache *bc, uint64_t pc,
			       int probation)
{
	struct mm *mm = bc->mm;
	struct insn buf[BLOCK_MAX_INSNS];
	unsigned n = 0;
	uint64_t at = pc;
	if (pc >= mm->limit)
		fetch_fault(c, mm, pc);
	uint64_t limit = fetch_limit(mm, pc);
	for (;;) {
		unsigned avail = at >= limit		      ? 0
				 : limit - at >= INSN_MAX_LEN ? INSN_MAX_LEN
							      : (unsigned)(limit - at);
		if (avail == 0 && n == 0)
			fetch_fault(c, mm, at);
		int brk = bc->breaks && avail ? bc->breaks->at(bc->breaks, at) : BREAK_NONE;
		if (brk != BREAK_NONE && n > 0)
			break;
		if (brk == BREAK_TRAP) {
			buf[n++] = trap_insn(bc->breaks, at);
			break;
		}
		int rc = avail ? decode_insn(&buf[n], mm->base + at, avail, at, mm->mode64)
			       : DECODE_FETCH;
		if (rc != DECODE_OK) {
			if (n == 0)
				decode_fault(c, mm, rc, pc, avail);
			break;
		}
		at += buf[n].len;
		if (!mm->mode64)
			at = (uint32_t)at;
		n++;
		if (buf[n - 1].stop || n == bc->max_insns || (at >> 12) != (pc >> 12) ||
		    brk == BREAK_ALONE)
			break;
	}
	struct block *b = malloc(sizeof *b + n * sizeof b->insns[0]);
	if (!b)
		abort();
	b->start = pc;
	b->end = buf[n - 1].addr + buf[n - 1].len;
	b->n = n;
	b->dead = 0;
	b->jit_code = NULL;
	b->jit_rec = NULL;
	b->runs = 0;
	b->succ[0] = b->succ[1] = NULL;
	b->succ_pc[0] = b->succ_pc[1] = BLOCK_NO_LINK;
	b->targets = NULL;
	b->many_targets = 0;
	b->probation = 0;
	memcpy(b->insns, buf, n * sizeof buf[0]);
	if (probation)
		set_plain_runs(b->insns, n);
	else
		set_runs(b->insns, n);
	register_block(bc, b);
	bc->stats.translated++;
	bc->stats.insns_decoded += n;
	return b;
}

static void retire_probation(struct block_cache *bc, unsigned k);

/* Whether a block decoded at pc now goes on probation (interp/block.h): not
 * where it ran before, nor for a debugger or one-instruction blocks, which
 * keep the cache as it always was. */
static int on_probation(const struct block_cache *bc, uint64_t pc)
{
	return !bc->breaks && bc->max_insns == BLOCK_MAX_INSNS && !pc_set_has(&bc->ran_once, pc);
}

struct block *block_get(struct cpu *c, struct block_cache *bc, uint64_t pc)
{
	struct block **slot = &bc->jump[block_hash(pc, BLOCK_JUMP_SLOTS)];
	struct block *b = *slot;
	bc->stats.lookups++;
	if (likely(b && b->start == pc)) {
		bc->stats.hits++;
		return b;
	}
	for (b = bc->buckets[block_hash(pc, bc->nbuckets)]; b; b = b->hash_next)
		if (b->start == pc)
			break;
	if (b && b->probation) { /* its second run: kept */
		bc->probation[b->probation - 1] = NULL;
		b->probation = 0;
		set_runs(b->insns, b->n);
	} else if (!b && on_probation(bc, pc)) {
		unsigned k = bc->probation_next;
		bc->probation_next = (k + 1) % BLOCK_PROBATION;
		retire_probation(bc, k);
		b = translate(c, bc, pc, 1);
		b->probation = (uint8_t)(k + 1);
		bc->probation[k] = b;
		return b;
	} else if (!b) {
		b = translate(c, bc, pc, 0);
	}
	*slot = b;
	return b;
}

struct block *block_peek(struct block_cache *bc, uint64_t pc)
{
	struct block *b = bc->jump[block_hash(pc, BLOCK_JUMP_SLOTS)];
	if (likely(b && b->start == pc))
		return b;
	for (b = bc->buckets[block_hash(pc, bc->nbuckets)]; b; b = b->hash_next)
		if (b->start == pc)
			return b;
	return NULL;
}

/* Takes b out of the cache (the pages but `except` no longer list it) and
 * puts it on the list of blocks to free at the next collect. */
static void retire(struct block_cache *bc, struct block *b, const struct code_page *except)
{
	struct block **pp = &bc->buckets[block_hash(b->start, bc->nbuckets)];
	while (*pp != b)
		pp = &(*pp)->hash_next;
	*pp = b->hash_next;
	bc->nblocks--;
	struct block **slot = &bc->jump[block_hash(b->start, BLOCK_JUMP_SLOTS)];
	if (*slot == b)
		*slot = NULL;
	for (uint64_t p = b->start >> 12; p <= (b->end - 1) >> 12; p++) {
		struct code_page *cp = find_page(bc, p, 0);
		if (!cp || cp == except)
			continue;
		/* from the end: the blocks let go soonest, on probation, came last */
		for (unsigned k = cp->nblocks; k-- > 0;)
			if (cp->blocks[k] == b) {
				cp->blocks[k] = cp->blocks[--cp->nblocks];
				break;
			}
	}
	b->dead = 1;
	if (b->probation)
		bc->probation[b->probation - 1] = NULL;
	jit_block_dropped(bc->jit, b);
	bc->gen++;
	b->hash_next = bc->retired;
	bc->retired = b;
}

static void unlink_block(struct block_cache *bc, struct block *b, const struct code_page *except)
{
	retire(bc, b, except);
	bc->stats.invalidated++;
}

/* Lets the block in probation place k go: it ran once, and as many new
 * blocks came after it as there are places. Nothing links to or from it,
 * so no link needs clearing. */
static void retire_probation(struct block_cache *bc, unsigned k)
{
	struct block *b = bc->probation[k];
	if (!b)
		return;
	pc_set_add(&bc->ran_once, b->start);
	retire(bc, b, NULL);
}

void block_cache_list_linked(struct block_cache *bc, struct block *b)
{
	if (bc->nlinked == bc->linked_cap) {
		bc->linked_cap = bc->linked_cap ? bc->linked_cap * 2 : 256;
		bc->linked = realloc(bc->linked, bc->linked_cap * sizeof *bc->linked);
		if (!bc->linked)
			abort();
	}
	bc->linked[bc->nlinked++] = b;
}

static void clear_targets(struct block_targets *t)
{
	for (unsigned k = 0; k < BLOCK_TARGETS - 2; k++) {
		t->pc[k] = BLOCK_NO_LINK;
		t->to[k] = NULL;
	}
	t->next = 0;
}

/* Counts a new target of t at `now`: 1 when they come too often to keep. */
static int too_many_targets(struct block_targets *t, uint64_t now)
{
	if (++t->misses < BLOCK_TARGET_MISSES)
		return 0;
	if (now - t->since < (uint64_t)BLOCK_TARGET_MISSES * BLOCK_TARGET_SPAN)
		return 1;
	t->misses = 0;
	t->since = now;
	return 0;
}

void block_add_target(struct block_cache *bc, struct block *b, uint64_t pc, struct block *n,
		      uint64_t now)
{
	struct block_targets *t = b->targets;
	if (b->many_targets)
		return;
	if (!t) {
		t = b->targets = malloc(sizeof *t);
		if (!t)
			abort();
		clear_targets(t);
		t->misses = 0;
		t->since = now;
	} else if (too_many_targets(t, now)) {
		b->many_targets = 1;
		b->targets = NULL;
		free(t);
		return;
	}
	if (!block_listed(b))
		block_cache_list_linked(bc, b);
	unsigned k = t->next;
	t->next = (k + 1) % BLOCK_TARGETS;
	if (k < 2) {
		b->succ_pc[k] = pc;
		b->succ[k] = n;
	} else {
		t->pc[k - 2] = pc;
		t->to[k - 2] = n;
	}
}

/* After blocks were dropped: no link may lead to them, so none stays (as
 * the translator undoes all of its own, jit_unlink_all). Each listed block
 * had a link made since the last time: the cost is that of making them. */
static void clear_links(struct block_cache *bc)
{
	for (unsigned k = 0; k < bc->nlinked; k++) {
		struct block *b = bc->linked[k];
		b->succ[0] = b->succ[1] = NULL;
		b->succ_pc[0] = b->succ_pc[1] = BLOCK_NO_LINK;
		if (b->targets)
			clear_targets(b->targets);
	}
	bc->nlinked = 0;
}

static int overlaps_code(const struct code_page *cp, unsigned from, unsigned to)
{
	for (unsigned off = from; off < to; off++)
		if (cp->covered[off >> 3] & (1u << (off & 7)))
			return 1;
	return 0;
}

static void drop_page(struct block_cache *bc, struct code_page *cp)
{
	for (unsigned k = 0; k < cp->nblocks; k++)
		unlink_block(bc, cp->blocks[k], cp);
	struct code_page **pp = &bc->pages[block_hash(cp->page, bc->npage_buckets)];
	while (*pp != cp)
		pp = &(*pp)->next;
	*pp = cp->next;
	bc->npages--;
	bc->mm->code_pages[cp->page] &= (uint8_t)~CODE_PAGE_HERE;
	if (cp->page > 0)
		bc->mm->code_pages[cp->page - 1] &= (uint8_t)~CODE_PAGE_NEXT;
	free(cp->blocks);
	free(cp);
	clear_links(bc);
}

/* Stands in for the instructions after a store that rewrote its own block:
 * the first one records where execution must resume, and has the run loop
 * stop after the block (exit_req). */
static void insn_stale(struct cpu *c, const struct insn *i)
{
	if (!c->stale_at)
		c->stale_at = i;
	c->exit_req = 1;
}

void block_truncate_after(struct block *b, const struct insn *from)
{
	for (struct insn *i = b->insns + (from - b->insns) + 1; i < b->insns + b->n; i++) {
		i->run = insn_stale;
		i->patched = 1;
	}
}

void block_cache_invalidate_range(struct block_cache *bc, uint64_t addr, uint64_t len)
{
	if (!bc || len == 0)
		return;
	for (uint64_t p = addr >> 12; p <= (addr + len - 1) >> 12; p++) {
		if (!(bc->mm->code_pages[p] & CODE_PAGE_HERE))
			continue;
		struct code_page *cp = find_page(bc, p, 0);
		uint64_t lo = p << 12 > addr ? p << 12 : addr;
		uint64_t hi = (p + 1) << 12 < addr + len ? (p + 1) << 12 : addr + len;
		if (cp && overlaps_code(cp, (unsigned)(lo & 4095),
					(unsigned)(hi - lo) + (unsigned)(lo & 4095)))
			drop_page(bc, cp);
	}
}

static void drop_all(struct block_cache *bc)
{
	for (unsigned k = 0; k < bc->npage_buckets; k++)
		while (bc->pages[k])
			drop_page(bc, bc->pages[k]);
}

void block_cache_set_max_insns(struct block_cache *bc, unsigned max)
{
	if (max < 1 || max > BLOCK_MAX_INSNS)
		max = BLOCK_MAX_INSNS;
	if (bc->max_insns == max)
		return;
	drop_all(bc);
	bc->max_insns = max;
}

void block_cache_set_breaks(struct block_cache *bc, const struct block_breaks *bb)
{
	drop_all(bc);
	bc->breaks = bb;
}

void block_cache_collect(struct block_cache *bc)
{
	free_chain(bc->retired);
	bc->retired = NULL;
}
