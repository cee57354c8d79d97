/* fork's copy-on-write: mm_cow.h says what it does, this is how.
 *
 * Roles. An address space is a dependant (its private pages are pending
 * from `src`, one bit a page in `pending`), a source (dependants wait for
 * its pages, so its writable private pages are write-protected on the host,
 * one bit a page in `wp`), or neither; never both at once: a dependant that
 * forks first copies what it still waits for (mm_cow_fork), so a source's
 * pages are always its own and no chains form.
 *
 * Host state. A dependant's pending page is inaccessible: it is the fresh
 * window's own PROT_NONE reservation, so fork maps nothing for it. Every
 * other page has its vma's protection, except a source's pages with the wp
 * bit, which are read-only. They stay so when the last dependant goes: a
 * parent that forks and execs children writes little in between, and the
 * next fork finds its pages still protected and protects nothing; what it
 * does write is unprotected a group at a time, as while it had dependants.
 *
 * A fault resolves the aligned group of GROUP_BYTES around its address
 * (within the vma): sequential access takes a fault per group, not per page,
 * and splits off fewer host mappings.
 *
 * Host mappings. An mprotect of part of a mapping splits it, and the host
 * allows vm.max_map_count mappings per process, all windows together.
 * set->cow_pieces bounds how many copy-on-write has split off; before it
 * passes half the limit everything pending is copied (mm_cow_flatten), which
 * merges them back, so copy-on-write never meets the limit and the copying
 * itself has room to work. Should the host refuse a mapping all the same
 * (hexvm's other mappings filled it), the machine is flattened and the step
 * tried once more; failing that, hexvm stops rather than lose bytes. */
#include "mem/mm_cow.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mem/mm_cow_bits.h"
#include "mem/mm_internal.h"

#define GROUP_BYTES (16 * PAGE_SIZE_G) /* measured against 1, 4 and 64: docs/measurements.md */
#define CHUNK_PAGES 512 /* mincore answers for this many pages at a time */
#define HOST_RW	    (PROT_READ | PROT_WRITE)

struct mm_cow {
	struct mm *src;	   /* dependant: whose pages it waits for, else NULL */
	uint64_t *pending; /* dependant: the pages it waits for */
	uint64_t npending;
	struct mm **deps; /* source: the address spaces waiting for its pages */
	int ndeps, deps_cap;
	uint64_t *wp;	 /* source: its pages write-protected for them */
	uint64_t nwp;
	int64_t pieces; /* its share of set->cow_pieces */
};

/* One copy-on-write step over [a, b) of mm; pages copied are added to
 * *copied. 0, or -1 when the host refused a mapping change. */
typedef int cow_step(struct mm *mm, uint64_t a, uint64_t b, uint64_t *copied);

static _Noreturn void out_of_mappings(void)
{
	static const char msg[] = "hexvm: the host refuses more memory mappings "
				  "(vm.max_map_count) even with every page fork shared copied\n";
	if (write(2, msg, sizeof msg - 1) < 0)
		_exit(70);
	_exit(70);
}

static uint64_t min64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static uint64_t max64(uint64_t a, uint64_t b) { return a > b ? a : b; }

static size_t bits_bytes(const struct mm *mm) { return (size_t)(mm->limit >> 12) / 8; }

static uint64_t *bits_new(const struct mm *mm)
{
	void *p = mmap(NULL, bits_bytes(mm), HOST_RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* Marks [first, last) of source s write-protected (value 1) or not. */
static void wp_assign(struct mm *s, uint64_t first, uint64_t last, int value)
{
	uint64_t n = bits_assign(s->cow->wp, first, last, value);
	s->cow->nwp = value ? s->cow->nwp + n : s->cow->nwp - n;
}

/* Adds n (maybe negative: merges) to what mm's window has split off. */
static void pieces_add(struct mm *mm, int64_t n)
{
	if (mm->cow->pieces + n < 0)
		n = -mm->cow->pieces;
	mm->cow->pieces += n;
	mm->set->cow_pieces += (uint64_t)n;
}

/* mm's window holds no split of copy-on-write's any more. */
static void pieces_reset(struct mm *mm) { pieces_add(mm, -mm->cow->pieces); }

/* What giving [a, b) of vma v one protection does to the host's count of
 * mappings, at most: a marked run split in three is two more; each side
 * whose neighbouring page of v is unmarked (protected alike) merges with
 * it instead, which is two fewer. */
static int64_t split_cost(const uint64_t *marks, const struct vma *v, uint64_t a, uint64_t b)
{
	int64_t n = 2;
	if (a > v->start && !bits_test(marks, (a >> 12) - 1))
		n -= 2;
	if (b < v->end && !bits_test(marks, b >> 12))
		n -= 2;
	return n;
}

/* The source's pages of [a, b) in vmas the guest made inaccessible, opened
 * for reading (open) or closed again. 0, or -1 (nothing left open). */
static int source_access(struct mm *s, uint64_t a, uint64_t b, int open)
{
	for (const struct vma *v = s->vmas; v && v->start < b; v = v->next) {
		if (v->end <= a || mm_host_prot(v->prot) != PROT_NONE)
			continue;
		uint64_t lo = max64(a, v->start), hi = min64(b, v->end);
		if (mprotect(s->base + lo, (size_t)(hi - lo), open ? PROT_READ : PROT_NONE) && open) {
			source_access(s, a, lo, 0);
			return -1;
		}
	}
	return 0;
}

/* The pending pages of [a, b) of d (in vma v) that hold data in its
 * source: copied when `copy` (the range is writable in d), else only
 * looked for. A page the source never made resident was never touched:
 * without swap it reads as zero, as d's fresh page does (not so in a
 * VMA_HOSTFILE vma, whose untouched pages are the file's); zero pages are
 * not copied either, so that d's stay unbacked. Returns how many (without
 * copy: 0 or 1). */
static uint64_t source_data(struct mm *d, const struct vma *v, uint64_t a, uint64_t b, int copy)
{
	const struct mm *s = d->cow->src;
	const uint64_t *pending = d->cow->pending;
	unsigned char resident[CHUNK_PAGES];
	uint64_t found = 0, last = b >> 12;
	for (uint64_t chunk = a >> 12; chunk < last; chunk += CHUNK_PAGES) {
		uint64_t end = min64(chunk + CHUNK_PAGES, last), p = bits_find(pending, chunk, end, 1);
		if (p == end)
			continue;
		int known = d->set->no_swap && !(v->flags & VMA_HOSTFILE) &&
			    !mincore(s->base + (chunk << 12), (size_t)((end - chunk) << 12), resident);
		for (; p < end; p = bits_find(pending, p + 1, end, 1)) {
			const uint8_t *from = s->base + (p << 12);
			if ((known && !(resident[p - chunk] & 1)) || mm_page_is_zero(from))
				continue;
			if (!copy)
				return 1;
			memcpy(d->base + (p << 12), from, PAGE_SIZE_G);
			found++;
		}
	}
	return found;
}

/* d waits for nothing from its source any more, or is going. */
static void detach(struct mm *d)
{
	struct mm *s = d->cow->src;
	struct mm_cow *sw = s->cow;
	for (int k = 0; k < sw->ndeps; k++)
		if (sw->deps[k] == d) {
			sw->deps[k] = sw->deps[--sw->ndeps];
			break;
		}
	d->cow->src = NULL;
	pieces_reset(d);
}

/* Gives one vma's share [lo, hi) of d's pending pages (lo pending) their
 * bytes and the vma's protection. 0, or -1 with nothing changed. */
static int resolve_in(struct mm *d, const struct vma *v, uint64_t lo, uint64_t hi,
		      uint64_t *copied)
{
	struct mm_cow *w = d->cow;
	int hprot = mm_host_prot(v->prot);
	int64_t cost = split_cost(w->pending, v, lo, hi);
	if (source_access(w->src, lo, hi, 1))
		return -1;
	/* Pages that stay zero need only their protection: for a read-only
	 * or inaccessible vma that saves opening them (and splitting). */
	int copy = hprot == HOST_RW || source_data(d, v, lo, hi, 0);
	if (copy && mprotect(d->base + lo, (size_t)(hi - lo), HOST_RW)) {
		source_access(w->src, lo, hi, 0);
		return -1;
	}
	if (copy)
		*copied += source_data(d, v, lo, hi, 1);
	source_access(w->src, lo, hi, 0);
	if (hprot != (copy ? HOST_RW : PROT_NONE) &&
	    mprotect(d->base + lo, (size_t)(hi - lo), hprot)) {
		/* Open pages still marked pending cannot stay so; the one
		 * mapping this may split off is within budget. */
		if (copy)
			out_of_mappings();
		return -1;
	}
	w->npending -= bits_assign(w->pending, lo >> 12, hi >> 12, 0);
	pieces_add(d, hprot == PROT_NONE && !copy ? 0 : cost);
	return 0;
}

/* cow_step: d's pending pages of [a, b) get their bytes and protection. */
static int resolve(struct mm *d, uint64_t a, uint64_t b, uint64_t *copied)
{
	struct mm_cow *w = d->cow;
	for (const struct vma *v = d->vmas; v && v->start < b && w->src; v = v->next) {
		if (v->end <= a)
			continue;
		uint64_t hi = min64(b, v->end);
		uint64_t lo = bits_find(w->pending, max64(a, v->start) >> 12, hi >> 12, 1) << 12;
		if (lo < hi && resolve_in(d, v, lo, hi, copied))
			return -1;
	}
	if (w->src && !w->npending)
		detach(d);
	return 0;
}

/* cow_step: what s's dependants wait for in [a, b) is copied out to them. */
static int release_deps(struct mm *s, uint64_t a, uint64_t b, uint64_t *copied)
{
	struct mm_cow *w = s->cow;
	/* Backwards: a dependant resolved completely leaves the array, and the
	 * one moved into its place was visited already. */
	for (int k = w->ndeps - 1; k >= 0; k--)
		if (k < w->ndeps && resolve(w->deps[k], a, b, copied))
			return -1;
	return 0;
}

/* cow_step: s may write [a, b): its dependants get their copies first. */
static int unshare(struct mm *s, uint64_t a, uint64_t b, uint64_t *copied)
{
	uint64_t *wp = s->cow->wp;
	if (release_deps(s, a, b, copied))
		return -1;
	for (const struct vma *v = s->vmas; wp && v && v->start < b; v = v->next) {
		if (v->end <= a)
			continue;
		uint64_t hi = min64(b, v->end);
		uint64_t lo = bits_find(wp, max64(a, v->start) >> 12, hi >> 12, 1) << 12;
		if (lo >= hi)
			continue;
		int64_t cost = split_cost(wp, v, lo, hi);
		if (mprotect(s->base + lo, (size_t)(hi - lo), mm_host_prot(v->prot)))
			return -1;
		wp_assign(s, lo >> 12, hi >> 12, 0);
		pieces_add(s, cost);
	}
	return 0;
}

/* Runs step on [a, b) of mm within the budget of host mappings: over it,
 * or when the host refuses, everything pending is copied and the step
 * tried again (with nothing pending, it has little left to do). */
static void run(cow_step *step, struct mm *mm, uint64_t a, uint64_t b, uint64_t *copied)
{
	struct mm_set *set = mm->set;
	uint64_t worst = 2 * ((uint64_t)mm->cow->ndeps + 1);
	if (set->cow_pieces + worst <= set->cow_max_pieces && !step(mm, a, b, copied))
		return;
	mm_cow_flatten(set);
	if (step(mm, a, b, copied))
		out_of_mappings();
}

/* The first run of marked pages of v at or after page p: [*run, *end), or
 * *run == v's last page when none is left. With `interior`, only runs
 * between two unmarked pages of v: an mprotect of one of those merges host
 * mappings and splits none. */
static void next_run(const uint64_t *marks, const struct vma *v, uint64_t p, int interior,
		     uint64_t *run, uint64_t *end)
{
	uint64_t first = v->start >> 12, last = v->end >> 12;
	for (p = bits_find(marks, p, last, 1); p < last; p = bits_find(marks, *end, last, 1)) {
		*end = bits_find(marks, p, last, 0);
		if (!interior || (p > first && *end < last)) {
			*run = p;
			return;
		}
	}
	*run = last;
}

/* Flattening d (see mm_cow_flatten). 0, or -1. */
static int resolve_runs(struct mm *d, int interior, uint64_t *copied)
{
	struct mm_cow *w = d->cow;
	uint64_t run, end;
	for (const struct vma *v = d->vmas; v && w->src; v = v->next)
		for (next_run(w->pending, v, v->start >> 12, interior, &run, &end);
		     run < v->end >> 12; next_run(w->pending, v, end, interior, &run, &end))
			if (resolve_in(d, v, run << 12, end << 12, copied))
				return -1;
	if (w->src && !w->npending)
		detach(d);
	return 0;
}

/* Flattening s, whose dependants are gone: its pages get their vmas'
 * protection back, which merges what its faults split. */
static void unprotect_runs(struct mm *s, int interior)
{
	uint64_t *wp = s->cow->wp, run, end;
	for (const struct vma *v = s->vmas; v; v = v->next)
		for (next_run(wp, v, v->start >> 12, interior, &run, &end); run < v->end >> 12;
		     next_run(wp, v, end, interior, &run, &end))
			if (!mprotect(s->base + (run << 12), (size_t)((end - run) << 12),
				      mm_host_prot(v->prot)))
				wp_assign(s, run, end, 0);
}

/* Interior runs go first, dependants before sources: at the host's limit
 * of mappings, their merges make room for the rest. A source is unprotected
 * only once no dependant waits for it, so that a host refusing even now
 * leaves nothing unsafe. */
void mm_cow_flatten(struct mm_set *set)
{
	int any = 0;
	for (int interior = 1; interior >= 0; interior--)
		for (struct mm *d = set->first; d; d = d->set_next)
			if (d->cow && d->cow->src) {
				any = 1;
				if (!resolve_runs(d, interior, &set->copied_lazily) && !interior &&
				    d->cow->src) /* pending bits outside its vmas: nothing to wait for */
					detach(d);
			}
	for (int interior = 1; interior >= 0; interior--)
		for (struct mm *s = set->first; s; s = s->set_next)
			if (s->cow && s->cow->nwp && !s->cow->ndeps)
				unprotect_runs(s, interior);
	for (struct mm *s = set->first; s; s = s->set_next)
		if (s->cow && !s->cow->nwp && !s->cow->src)
			pieces_reset(s);
	set->flattened += (uint64_t)any;
}

/* mm_cow_fork and mm_cow_release: d gets every page it waits for. */
static void materialize(struct mm *d, uint64_t *copied)
{
	run(resolve, d, 0, d->limit, copied);
	if (d->cow->src) /* pending bits outside its vmas: none are left to wait for */
		detach(d);
}

static struct mm_cow *cow_of(struct mm *mm)
{
	if (!mm->cow)
		mm->cow = calloc(1, sizeof *mm->cow);
	return mm->cow;
}

static int add_dep(struct mm_cow *w, struct mm *d)
{
	if (w->ndeps == w->deps_cap) {
		int cap = w->deps_cap ? 2 * w->deps_cap : 4;
		struct mm **n = realloc(w->deps, (size_t)cap * sizeof *n);
		if (!n)
			return -1;
		w->deps = n;
		w->deps_cap = cap;
	}
	w->deps[w->ndeps++] = d;
	return 0;
}

/* Write-protects s's writable private pages, one mprotect a vma (which
 * also merges what earlier faults split), except in vmas still protected
 * all over since an earlier fork. 0, or -1 part way. */
static int protect_source(struct mm *s)
{
	uint64_t *wp = s->cow->wp;
	for (const struct vma *v = s->vmas; v; v = v->next) {
		uint64_t first = v->start >> 12, last = v->end >> 12;
		if (v->share_fd >= 0 || v->file_fd >= 0 || !(v->prot & GPROT_WRITE) ||
		    bits_find(wp, first, last, 0) == last)
			continue;
		if (mprotect(s->base + v->start, (size_t)(v->end - v->start), PROT_READ))
			return -1;
		wp_assign(s, first, last, 1);
	}
	pieces_reset(s);
	return 0;
}

int mm_cow_fork(struct mm *s, struct mm *d)
{
	struct mm_set *set = s->set;
	if (!set || d->set != set)
		return -EINVAL;
	if (!set->host_asked) {
		set->no_swap = mm_host_has_no_swap();
		set->cow_max_pieces = mm_host_map_limit() / 2;
		set->host_asked = 1;
	}
	if (s->cow && s->cow->src) /* a dependant forking: no chains */
		materialize(s, &set->copied_at_fork);
	struct mm_cow *sw = cow_of(s), *dw = cow_of(d);
	if (!sw || !dw || (!sw->wp && !(sw->wp = bits_new(s))) || !(dw->pending = bits_new(d)))
		return -ENOMEM;
	for (const struct vma *v = d->vmas; v; v = v->next)
		if (v->share_fd < 0 && v->file_fd < 0) /* fork copied those of files */
			dw->npending += bits_assign(dw->pending, v->start >> 12, v->end >> 12, 1);
	if (!dw->npending)
		return 0;
	if (add_dep(sw, d))
		return -ENOMEM;
	dw->src = s;
	if (protect_source(s)) {
		mm_cow_flatten(set); /* copies d's pages now: an eager fork */
		if (dw->src)
			out_of_mappings();
	}
	return 0;
}

void mm_cow_release(struct mm *mm)
{
	struct mm_cow *w = mm->cow;
	while (w->ndeps)
		materialize(w->deps[w->ndeps - 1], &mm->set->copied_lazily);
	if (w->src)
		detach(mm);
	pieces_reset(mm);
	if (w->pending)
		munmap(w->pending, bits_bytes(mm));
	if (w->wp)
		munmap(w->wp, bits_bytes(mm));
	free(w->deps);
	free(w);
	mm->cow = NULL;
}

void mm_cow_settle_range(struct mm *mm, uint64_t addr, uint64_t len, int write)
{
	if (!len || addr >= mm->limit)
		return;
	uint64_t a = PAGE_DOWN(addr), b = min64(PAGE_UP(addr + len), mm->limit);
	if (mm->cow->src)
		run(resolve, mm, a, b, &mm->set->copied_lazily);
	if (write && (mm->cow->ndeps || mm->cow->nwp))
		run(unshare, mm, a, b, &mm->set->copied_lazily);
}

/* What others wait for in [addr, addr+len) of mm is copied out to them:
 * mm's pages there may change. */
static void release_range(struct mm *mm, uint64_t addr, uint64_t len)
{
	struct mm_cow *w = mm->cow;
	if (w->ndeps)
		run(release_deps, mm, addr, addr + len, &mm->set->copied_lazily);
	if (w->nwp)
		wp_assign(mm, addr >> 12, (addr + len) >> 12, 0);
}

void mm_cow_forget(struct mm *mm, uint64_t addr, uint64_t len)
{
	struct mm_cow *w = mm->cow;
	if (w->src) {
		w->npending -= bits_assign(w->pending, addr >> 12, (addr + len) >> 12, 0);
		if (!w->npending)
			detach(mm);
	}
	release_range(mm, addr, len);
}

/* mprotect of the pages of [a, b) that are not pending. 0, or -1. */
static int protect_settled(struct mm *d, uint64_t a, uint64_t b, int hprot)
{
	const uint64_t *pending = d->cow->pending;
	uint64_t last = b >> 12;
	for (uint64_t p = bits_find(pending, a >> 12, last, 0); p < last;) {
		uint64_t end = bits_find(pending, p, last, 1);
		if (mprotect(d->base + (p << 12), (size_t)((end - p) << 12), hprot))
			return -1;
		pieces_add(d, 2);
		p = bits_find(pending, end, last, 0);
	}
	return 0;
}

void mm_cow_protect(struct mm *mm, uint64_t addr, uint64_t len, int hprot)
{
	release_range(mm, addr, len);
	if (mm->cow->src && protect_settled(mm, addr, addr + len, hprot)) {
		mm_cow_flatten(mm->set);
		if (mm->cow->src)
			out_of_mappings();
	}
	if (!mm->cow->src)
		mprotect(mm->base + addr, (size_t)len, hprot);
}

static struct mm *window_of(struct mm_set *set, uintptr_t addr)
{
	for (struct mm *mm = set->first; mm; mm = mm->set_next)
		if (addr - (uintptr_t)mm->base < mm->limit)
			return mm;
	return NULL;
}

int mm_cow_fault(struct mm_set *set, uintptr_t host_addr)
{
	struct mm *mm = window_of(set, host_addr);
	struct mm_cow *w = mm ? mm->cow : NULL;
	if (!w)
		return 0;
	uint64_t addr = host_addr - (uintptr_t)mm->base;
	int child = w->src && bits_test(w->pending, addr >> 12);
	if (!child && !(w->nwp && bits_test(w->wp, addr >> 12)))
		return 0;
	const struct vma *v = mm_find_vma(mm, addr);
	if (!v || (child && mm_host_prot(v->prot) == PROT_NONE))
		return 0; /* the guest's own fault; the page stays pending */
	uint64_t group = addr & ~(GROUP_BYTES - 1);
	uint64_t a = max64(group, v->start), b = min64(group + GROUP_BYTES, v->end);
	run(child ? resolve : unshare, mm, a, b, &set->copied_lazily);
	return 1;
}
