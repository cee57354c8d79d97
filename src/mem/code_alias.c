/* Decoded code in shared memory, stored to through another mapping of the
 * same object: another address in the same process (a JIT that writes
 * through one view and runs the other), another process, or a private
 * mapping of a host file whose untouched pages are the file's. The store
 * check only sees the page it stores to, so each shared mapping of a page
 * that holds code through another mapping carries CODE_PAGE_ALIAS (and
 * the page before it CODE_PAGE_ALIAS_NEXT, for stores that cross into it),
 * which sends its stores here. A store through a private mapping changes
 * no other: only shared mappings are marked. Mappings are matched by the
 * host object's identity their vmas keep; a bit whose aliases no longer
 * hold code is cleared on its next store. */
#include "mem/code_alias.h"

#include "interp/block.h"
#include "mem/mm.h"

struct object_id {
	uint64_t dev, ino;
};

static int object_of(const struct vma *v, struct object_id *id)
{
	if ((v->share_fd < 0 && v->file_fd < 0) || !v->file_ino)
		return 0;
	id->dev = v->file_dev;
	id->ino = v->file_ino;
	return 1;
}

static int same_object(const struct vma *v, const struct object_id *id)
{
	struct object_id other;
	return object_of(v, &other) && other.dev == id->dev && other.ino == id->ino;
}

/* The page at object offset `off` in v, if v maps it: its address, else 0. */
static uint64_t page_in(const struct vma *v, uint64_t off)
{
	if (off < v->offset || off - v->offset >= v->end - v->start)
		return 0;
	return v->start + (off - v->offset);
}

static struct mm *first_mm(struct mm *mm) { return mm->set ? mm->set->first : mm; }
static struct mm *next_mm(const struct mm *mm) { return mm->set ? mm->set_next : NULL; }

static void mark_alias(struct mm *mm, uint64_t page)
{
	mm->code_pages[page >> 12] |= CODE_PAGE_ALIAS;
	if (page >> 12)
		mm->code_pages[(page >> 12) - 1] |= CODE_PAGE_ALIAS_NEXT;
}

void code_alias_mark(struct mm *mm, uint64_t page)
{
	struct vma *here = mm_find_vma(mm, page);
	struct object_id id;
	if (!here || !object_of(here, &id))
		return;
	uint64_t off = here->offset + (page - here->start);
	for (struct mm *m = first_mm(mm); m; m = next_mm(m))
		for (struct vma *v = m->vmas; v; v = v->next) {
			uint64_t at = page_in(v, off);
			if (at && (v->flags & VMA_SHARED) && !(m == mm && at == page) &&
			    same_object(v, &id))
				mark_alias(m, at);
		}
}

void code_alias_mapped(struct mm *mm, const struct vma *fresh)
{
	struct object_id id;
	if (!(fresh->flags & VMA_SHARED) || !object_of(fresh, &id))
		return;
	for (struct mm *m = first_mm(mm); m; m = next_mm(m))
		for (struct vma *v = m->vmas; v; v = v->next) {
			if (v == fresh || !same_object(v, &id))
				continue;
			for (uint64_t p = v->start; p < v->end; p += 4096) {
				uint64_t at = page_in(fresh, v->offset + (p - v->start));
				if (at && (m->code_pages[p >> 12] & CODE_PAGE_HERE))
					mark_alias(mm, at);
			}
		}
}

/* Drops the code other mappings hold in the object bytes [off, off+n) of
 * one page; returns whether any of those pages still holds code. */
static int drop_alias_code(struct mm *mm, uint64_t addr, const struct object_id *id,
			   uint64_t off, unsigned n)
{
	int left = 0;
	for (struct mm *m = first_mm(mm); m; m = next_mm(m))
		for (struct vma *v = m->vmas; v; v = v->next) {
			uint64_t at = page_in(v, off & ~4095ull);
			if (!at || (m == mm && at == (addr & ~4095ull)) || !same_object(v, id))
				continue;
			block_cache_invalidate_range(m->blocks, at + (off & 4095), n);
			left |= m->code_pages[at >> 12] & CODE_PAGE_HERE;
		}
	return left;
}

void code_alias_store(struct mm *mm, uint64_t addr, uint64_t n)
{
	int left[2] = {0, 0};
	uint64_t first = addr >> 12;
	for (uint64_t a = addr; a < addr + n;) {
		uint64_t page_end = (a | 4095) + 1, len = (addr + n < page_end ? addr + n : page_end) - a;
		struct vma *v = mm_find_vma(mm, a);
		struct object_id id;
		if (v && object_of(v, &id))
			left[(a >> 12) > first] |=
				drop_alias_code(mm, a, &id, v->offset + (a - v->start), (unsigned)len);
		a += len;
	}
	if (n <= 4096 && !left[0])
		mm->code_pages[first] &= (uint8_t)~CODE_PAGE_ALIAS;
	if (n <= 4096 && (addr + n - 1) >> 12 > first && !left[1])
		mm->code_pages[first] &= (uint8_t)~CODE_PAGE_ALIAS_NEXT;
}
