/* The code buffer of one address space: the fixed entry and exit routines,
 * then translated blocks one after another. Nothing is freed alone; when
 * the buffer is full every translation goes and translation starts over. */
#include "jit/jit_internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu/cpu.h"
#include "host/fault.h"
#include "mem/mm.h"

#if HEXVM_JIT

#define JIT_BUF_SIZE (64u << 20)

/* Near hexvm's own code, so that calls to handlers take a rel32. */
static uint8_t *map_buffer(size_t size)
{
	uintptr_t near = ((uintptr_t)&jit_create + (1u << 30)) & ~(uintptr_t)0xfffff;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	void *p = mmap((void *)near, size, PROT_READ | PROT_WRITE | PROT_EXEC, flags, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* enter(cpu, code): saves the callee-saved registers, loads the fixed
 * ones and jumps to the code; the exits undo that and return. The frame
 * leaves rsp 16-byte aligned for calls out of translated code. */
static void emit_fixed(struct jit *j)
{
	static const int saved[] = {RBX, RBP, R12, R13, R14, R15};
	struct x64 e = {j->buf, j->buf + j->size, 0};
	j->enter = (jit_enter_fn *)(void *)e.p;
	for (unsigned k = 0; k < 6; k++)
		x64_push(&e, saved[k]);
	x64_alu_ri(&e, 8, 5, RSP, 8);
	x64_mov_rr(&e, 8, JR_CPU, RDI);
	x64_load(&e, 8, JR_MEM, x64_at(JR_CPU, offsetof(struct cpu, mem)));
	x64_load(&e, 8, JR_PAGES, x64_at(JR_CPU, offsetof(struct cpu, code_pages)));
	x64_jmp_reg(&e, RSI);
	j->exit_null = e.p;
	x64_rr(&e, 4, 0x31, RAX, RAX); /* xor eax, eax */
	j->exit_rax = e.p;
	x64_alu_ri(&e, 8, 0, RSP, 8);
	for (unsigned k = 6; k-- > 0;)
		x64_pop(&e, saved[k]);
	x64_ret(&e);
	j->blocks = (uint8_t *)(((uintptr_t)e.p + 63) & ~(uintptr_t)63);
	j->free = j->blocks;
}

struct jit *jit_create(struct block_cache *bc)
{
	struct jit *j = calloc(1, sizeof *j);
	if (!j)
		return NULL;
	j->size = JIT_BUF_SIZE;
	j->buf = map_buffer(j->size);
	j->scratch = malloc(sizeof *j->scratch);
	if (!j->buf || !j->scratch) {
		if (j->buf)
			munmap(j->buf, j->size);
		free(j->scratch);
		free(j);
		return NULL;
	}
	j->bc = bc;
	j->stats = &bc->stats;
	emit_fixed(j);
	return j;
}

/* With `blocks_live`, the blocks forget their code too; the cache being
 * destroyed has freed them already. */
static void forget_recs(struct jit *j, int blocks_live)
{
	for (unsigned k = 0; k < j->nrecs; k++) {
		struct jit_rec *r = j->recs[k];
		if (blocks_live && r->block) {
			r->block->jit_code = NULL;
			r->block->jit_rec = NULL;
		}
		free(r);
	}
	j->nrecs = 0;
}

void jit_destroy(struct jit *j)
{
	if (!j)
		return;
	forget_recs(j, 0);
	free(j->recs);
	free(j->links);
	free(j->scratch);
	munmap(j->buf, j->size);
	free(j);
}

void jit_flush(struct jit *j)
{
	forget_recs(j, 1);
	j->nlinks = 0;
	j->free = j->blocks;
	j->stats->jit_flushes++;
}

static void *grow(void *array, unsigned *cap, size_t item)
{
	*cap = *cap ? *cap * 2 : 256;
	void *p = realloc(array, *cap * item);
	if (!p)
		abort();
	return p;
}

struct jit_rec *jit_add_rec(struct jit *j, struct block *b, uint8_t *code, uint32_t len,
			    const uint16_t *off, const int8_t (*dirty)[JT_POOL])
{
	size_t off_size = (b->n + 1) * sizeof(uint16_t);
	struct jit_rec *r = malloc(sizeof *r + off_size + b->n * sizeof *dirty);
	if (!r)
		abort();
	r->code = code;
	r->len = len;
	r->block = b;
	r->n = b->n;
	memcpy(r->off, off, off_size);
	r->dirty = (int8_t(*)[JT_POOL])((uint8_t *)r->off + off_size);
	memcpy(r->dirty, dirty, b->n * sizeof *dirty);
	if (j->nrecs == j->recs_cap)
		j->recs = grow(j->recs, &j->recs_cap, sizeof *j->recs);
	j->recs[j->nrecs++] = r;
	b->jit_code = code;
	b->jit_rec = r;
	return r;
}

void jit_add_link(struct jit *j, uint8_t *site, uint8_t *stub)
{
	if (j->nlinks == j->links_cap)
		j->links = grow(j->links, &j->links_cap, sizeof *j->links);
	j->links[j->nlinks++] = (struct jit_link){site, stub};
	j->stats->jit_links++;
}

void jit_unlink_all(struct jit *j)
{
	for (unsigned k = 0; k < j->nlinks; k++)
		x64_patch(j->links[k].site, j->links[k].stub);
	j->nlinks = 0;
}

void jit_block_dropped(struct jit *j, struct block *b)
{
	if (!j || !b->jit_rec)
		return;
	b->jit_rec->block = NULL;
	b->jit_rec = NULL;
	b->jit_code = NULL;
	jit_unlink_all(j);
}

/* The record whose code holds `pc`: records are in address order. */
static struct jit_rec *rec_at(const struct jit *j, const uint8_t *pc)
{
	unsigned lo = 0, hi = j->nrecs;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (j->recs[mid]->code <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	struct jit_rec *r = j->recs[lo - 1];
	return pc < r->code + r->len ? r : NULL;
}

int jit_locate_fault(struct cpu *c, uintptr_t host_pc)
{
	struct jit *j = c->task_mm && c->task_mm->blocks ? c->task_mm->blocks->jit : NULL;
	const uint8_t *pc = (const uint8_t *)host_pc;
	if (!j || pc < j->blocks || pc >= j->free)
		return 0;
	struct jit_rec *r = rec_at(j, pc);
	if (!r || !r->block)
		return 0;
	uint32_t off = (uint32_t)(pc - r->code);
	unsigned k = 0;
	while (k + 1 < r->n && r->off[k + 1] <= off)
		k++;
	c->cur_block = r->block;
	c->cur = &r->block->insns[k];
	for (unsigned s = 0; s < JT_POOL; s++)
		if (r->dirty[k][s] >= 0)
			c->r[r->dirty[k][s]] = c->fault_host_regs[s];
	return 1;
}

void jit_note_fault(struct cpu *c, const void *ucontext)
{
	_Static_assert(JT_POOL <= sizeof c->fault_host_regs / sizeof c->fault_host_regs[0],
		       "the pool fits the cpu's record");
	for (unsigned s = 0; s < JT_POOL; s++)
		c->fault_host_regs[s] = host_fault_reg(ucontext, jt_pool[s]);
	c->fault_host_pc = (uintptr_t)host_fault_reg(ucontext, -1);
}

#else

struct jit *jit_create(struct block_cache *bc)
{
	(void)bc;
	return NULL;
}
void jit_destroy(struct jit *j) { (void)j; }
void jit_block_dropped(struct jit *j, struct block *b)
{
	(void)j;
	(void)b;
}
int jit_locate_fault(struct cpu *c, uintptr_t host_pc)
{
	(void)c;
	(void)host_pc;
	return 0;
}

void jit_note_fault(struct cpu *c, const void *ucontext)
{
	(void)ucontext;
	c->fault_host_pc = 0;
}

#endif
