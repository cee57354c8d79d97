/* Breakpoints and watchpoints.
 *
 * A breakpoint never touches guest memory: the debugged process's block
 * cache is built around the breakpoint addresses (block_breaks), and the
 * block at one is a trap instruction that hands control back before the
 * real instruction runs. Forked children, memory reads and code checksums
 * see the program as it is. gdb inserts every breakpoint as it resumes and
 * removes them all when the machine stops, so the cache follows the table
 * only when a run begins, and only where the set really changed.
 *
 * Watchpoints run the debugged threads one instruction at a time: after
 * each, the watched bytes are compared (write), and the instruction about
 * to run is checked for the memory it touches (read, access). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "debug/gdb_access.h"
#include "debug/gdb_internal.h"
#include "mem/mm.h"

#define WATCH_LEN_MAX 4096

static int find_point(const struct gdb_inferior *inf, int kind, uint64_t addr, uint64_t len)
{
	for (int k = 0; k < inf->npoints; k++) {
		const struct gdb_point *pt = &inf->points[k];
		if (pt->kind == kind && pt->addr == addr && (kind <= Z_HW_BREAK || pt->len == len))
			return k;
	}
	return -1;
}

static void snapshot(const struct gdb_inferior *inf, struct gdb_point *pt)
{
	struct process *p = gdb_inferior_process(inf->g, inf);
	pt->seen_ok = p && gdb_mem_read(p->mm, pt->addr, pt->seen, pt->len) == pt->len;
}

int gdb_point_insert(struct gdb_inferior *inf, int kind, uint64_t addr, uint64_t len)
{
	struct process *p = gdb_inferior_process(inf->g, inf);
	int is_break = kind == Z_SW_BREAK || kind == Z_HW_BREAK;
	if (!p || kind < 0 || kind >= Z_KINDS)
		return -1;
	if (find_point(inf, kind, addr, len) >= 0)
		return 0; /* Z packets may repeat */
	if (is_break ? !mm_find_vma(p->mm, addr)
		     : len == 0 || len > WATCH_LEN_MAX || addr + len < addr)
		return -1;
	struct gdb_point *grown = realloc(inf->points, (size_t)(inf->npoints + 1) * sizeof *grown);
	if (!grown)
		return -1;
	inf->points = grown;
	struct gdb_point *pt = &inf->points[inf->npoints];
	*pt = (struct gdb_point){kind, addr, is_break ? 1 : len, NULL, 0};
	if (!is_break) {
		if (!(pt->seen = malloc(len)))
			return -1;
		snapshot(inf, pt);
	}
	inf->npoints++;
	inf->nwatch[kind]++;
	inf->points_gen++;
	return 0;
}

int gdb_point_remove(struct gdb_inferior *inf, int kind, uint64_t addr, uint64_t len)
{
	int k = find_point(inf, kind, addr, len);
	if (kind < 0 || kind >= Z_KINDS)
		return -1;
	if (k < 0)
		return 0;
	free(inf->points[k].seen);
	inf->points[k] = inf->points[--inf->npoints];
	inf->nwatch[kind]--;
	inf->points_gen++;
	return 0;
}

void gdb_points_clear(struct gdb_inferior *inf)
{
	for (int k = 0; k < inf->npoints; k++)
		free(inf->points[k].seen);
	free(inf->points);
	free(inf->applied);
	inf->points = NULL;
	inf->applied = NULL;
	inf->npoints = inf->napplied = 0;
	memset(inf->nwatch, 0, sizeof inf->nwatch);
	inf->points_gen++;
}

int gdb_points_copy(struct gdb_inferior *to, const struct gdb_inferior *from)
{
	for (int k = 0; from && k < from->npoints; k++) {
		const struct gdb_point *pt = &from->points[k];
		if (gdb_point_insert(to, pt->kind, pt->addr, pt->len))
			return -1;
	}
	return 0;
}

int gdb_breakpoint_at(const struct gdb_inferior *inf, uint64_t pc)
{
	int found = -1;
	for (int k = 0; inf && k < inf->npoints; k++)
		if (inf->points[k].addr == pc && inf->points[k].kind <= Z_HW_BREAK &&
		    (found < 0 || inf->points[k].kind == Z_SW_BREAK))
			found = inf->points[k].kind;
	return found;
}

int gdb_watching(const struct gdb_inferior *inf)
{
	return inf->nwatch[Z_WRITE_WATCH] + inf->nwatch[Z_READ_WATCH] +
		       inf->nwatch[Z_ACCESS_WATCH] >
	       0;
}

static int cmp_addr(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int applied_has(const uint64_t *set, int n, uint64_t pc)
{
	return n && bsearch(&pc, set, (size_t)n, sizeof *set, cmp_addr) != NULL;
}

/* The breakpoint addresses, sorted and unique, in a new array. */
static uint64_t *wanted_set(const struct gdb_inferior *inf, int *n)
{
	uint64_t *set = malloc((size_t)(inf->npoints + 1) * sizeof *set);
	*n = 0;
	if (!set)
		return NULL;
	for (int k = 0; k < inf->npoints; k++)
		if (inf->points[k].kind <= Z_HW_BREAK)
			set[(*n)++] = inf->points[k].addr;
	qsort(set, (size_t)*n, sizeof *set, cmp_addr);
	int u = 0;
	for (int k = 0; k < *n; k++)
		if (!u || set[u - 1] != set[k])
			set[u++] = set[k];
	*n = u;
	return set;
}

/* Makes bc's blocks agree with the table: only addresses that came or went
 * lose their blocks. */
static void sync_applied(struct gdb_inferior *inf, struct block_cache *bc, int rebuilt)
{
	int n;
	uint64_t *want = wanted_set(inf, &n);
	if (!want)
		return;
	for (int k = 0; !rebuilt && k < n; k++)
		if (!applied_has(inf->applied, inf->napplied, want[k]))
			block_cache_invalidate_range(bc, want[k], 1);
	for (int k = 0; !rebuilt && k < inf->napplied; k++)
		if (!applied_has(want, n, inf->applied[k]))
			block_cache_invalidate_range(bc, inf->applied[k], 1);
	free(inf->applied);
	inf->applied = want;
	inf->napplied = n;
	inf->applied_gen = inf->points_gen;
}

void gdb_points_apply(struct gdb_inferior *inf, struct task *t, int one_at_a_time)
{
	struct block_cache *bc = t->proc->mm->blocks;
	if (bc->breaks != &inf->breaks) {
		block_cache_set_breaks(bc, &inf->breaks);
		sync_applied(inf, bc, 1);
	} else if (inf->applied_gen != inf->points_gen) {
		sync_applied(inf, bc, 0);
	}
	block_cache_set_max_insns(bc, one_at_a_time ? 1 : BLOCK_MAX_INSNS);
}

static int break_at(const struct block_breaks *bb, uint64_t pc)
{
	const struct gdb_inferior *inf = (const struct gdb_inferior *)((const char *)bb -
								       offsetof(struct gdb_inferior,
										breaks));
	if (inf->g->skip_tid && pc == inf->g->skip_pc)
		return BREAK_ALONE;
	return applied_has(inf->applied, inf->napplied, pc) ? BREAK_TRAP : BREAK_NONE;
}

/* Runs in place of the instruction at a breakpoint: nothing retires (the
 * run loop counts the block's one instruction, so the count is taken back)
 * and rip stays at the breakpoint. */
static void breakpoint_trap(struct cpu *c, const struct insn *i)
{
	c->rip = i->addr;
	c->icount--;
	c->exit_req = 1;
	c->task->vm->gdb->hit_tid = c->task->tid;
}

void gdb_points_release(struct block_cache *bc, const struct gdb_inferior *only)
{
	if (bc && bc->breaks && bc->breaks->trap == breakpoint_trap &&
	    (!only || bc->breaks == &only->breaks)) {
		block_cache_set_breaks(bc, NULL);
		block_cache_set_max_insns(bc, BLOCK_MAX_INSNS);
	}
}

void gdb_points_invalidate(struct task *t, uint64_t pc)
{
	struct block_cache *bc = t->proc->mm->blocks;
	if (bc->breaks && bc->breaks->trap == breakpoint_trap)
		block_cache_invalidate_range(bc, pc, 1);
}

void gdb_points_init(struct gdb_inferior *inf)
{
	inf->breaks.at = break_at;
	inf->breaks.trap = breakpoint_trap;
}

int gdb_watch_fired(struct gdb_inferior *inf, int retired)
{
	struct process *p = gdb_inferior_process(inf->g, inf);
	uint8_t now[WATCH_LEN_MAX];
	for (int k = 0; p && k < inf->npoints; k++) {
		struct gdb_point *pt = &inf->points[k];
		if (pt->kind != Z_WRITE_WATCH && pt->kind != Z_ACCESS_WATCH)
			continue;
		int ok = gdb_mem_read(p->mm, pt->addr, now, pt->len) == pt->len;
		if (ok != pt->seen_ok || (ok && memcmp(now, pt->seen, pt->len))) {
			memcpy(pt->seen, now, pt->len);
			pt->seen_ok = ok;
			return k;
		}
	}
	return retired ? inf->g->armed_point : -1;
}

void gdb_watch_refresh(struct gdb_inferior *inf)
{
	for (int k = 0; k < inf->npoints; k++)
		if (inf->points[k].seen)
			snapshot(inf, &inf->points[k]);
}

static int overlaps(const struct gdb_point *pt, const struct mem_access *a)
{
	return a->addr < pt->addr + pt->len && pt->addr < a->addr + a->len;
}

void gdb_watch_arm(struct gdb_inferior *inf, struct task *t)
{
	struct mem_access acc[ACCESS_MAX];
	struct gdb *g = inf->g;
	g->armed_point = -1;
	if (!inf->nwatch[Z_READ_WATCH] && !inf->nwatch[Z_ACCESS_WATCH])
		return;
	int n = insn_accesses(&t->cpu, t->proc->mm, acc);
	for (int k = 0; k < inf->npoints; k++) {
		const struct gdb_point *pt = &inf->points[k];
		if (pt->kind != Z_READ_WATCH && pt->kind != Z_ACCESS_WATCH)
			continue;
		for (int a = 0; a < n; a++)
			if (overlaps(pt, &acc[a]) && (acc[a].reads || pt->kind == Z_ACCESS_WATCH)) {
				g->armed_point = k;
				return;
			}
	}
}
