/* Address spaces: the host window and the sorted list of guest mappings.
 * Guest protections are applied to the host pages, so the host MMU enforces
 * them; a host fault inside the window becomes a guest SIGSEGV. */
#include "mem/mm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/shmfd.h"
#include "mem/code_alias.h"
#include "interp/block.h"
#include "mem/mm_cow.h"
#include "mem/mm_hostfile.h"
#include "mem/mm_internal.h"

#define GUARD_BYTES (1ull << 20) /* accesses straddling the top of the window fault */

int mm_host_prot(int prot)
{
	if (prot & GPROT_WRITE)
		return PROT_READ | PROT_WRITE;
	if (prot & (GPROT_READ | GPROT_EXEC))
		return PROT_READ; /* x86 pages are readable whenever present */
	return PROT_NONE;
}

void mm_set_init(struct mm_set *set) { memset(set, 0, sizeof *set); }

struct mm *mm_create(struct mm_set *set, int mode64)
{
	struct mm *mm = calloc(1, sizeof *mm);
	if (!mm)
		return NULL;
	mm->refs = 1;
	mm->mode64 = mode64;
	mm->limit = mode64 ? MM_WINDOW_64 : MM_WINDOW_32;
	mm->reserved = (size_t)(mm->limit + GUARD_BYTES);
	void *w = mmap(NULL, mm->reserved, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	mm->code_pages_len = (size_t)(mm->limit >> 12) + 1;
	void *cp = mmap(NULL, mm->code_pages_len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (w == MAP_FAILED || cp == MAP_FAILED) {
		if (w != MAP_FAILED)
			munmap(w, mm->reserved);
		if (cp != MAP_FAILED)
			munmap(cp, mm->code_pages_len);
		free(mm);
		errno = ENOMEM;
		return NULL;
	}
	mm->base = w;
	mm->code_pages = cp;
	mm->mmap_top = mode64 ? MM_WINDOW_64 / 2 : 0xf7000000u;
	mm->blocks = block_cache_create(mm);
	if (set) {
		mm->set = set;
		mm->set_next = set->first;
		set->first = mm;
	}
	return mm;
}

void mm_free_vma(struct vma *v)
{
	if (v->share_fd >= 0)
		close(v->share_fd);
	if (v->file_fd >= 0)
		close(v->file_fd);
	free(v->name);
	free(v);
}

void mm_put(struct mm *mm)
{
	if (!mm || --mm->refs > 0)
		return;
	if (mm->cow)
		mm_cow_release(mm); /* while the window is still there to copy from */
	if (mm->set) {
		struct mm **pp = &mm->set->first;
		while (*pp != mm)
			pp = &(*pp)->set_next;
		*pp = mm->set_next;
	}
	if (mm->sink && mm->blocks)
		block_stats_add(mm->sink, block_cache_stats(mm->blocks));
	/* The machine's last address space: no guest code runs after it (one
	 * machine, one program), and hexvm's own exit takes the window and the
	 * blocks down with less work than munmap and a walk over every block
	 * (about 60 us of a static hello's start-up, in paired runs) */
	if (mm->set && !mm->set->first)
		return;
	block_cache_destroy(mm->blocks);
	while (mm->vmas) {
		struct vma *v = mm->vmas;
		mm->vmas = v->next;
		mm_free_vma(v);
	}
	munmap(mm->base, mm->reserved);
	munmap(mm->code_pages, mm->code_pages_len);
	free(mm);
}

static int range_ok(const struct mm *mm, uint64_t addr, uint64_t len)
{
	return len && !(addr & (PAGE_SIZE_G - 1)) && !(len & (PAGE_SIZE_G - 1)) &&
	       addr < mm->limit && len <= mm->limit - addr;
}

/* Splits the vma containing `at` (if any straddles it) so that a boundary
 * falls exactly at `at`. */
static int split_at(struct mm *mm, uint64_t at)
{
	for (struct vma *v = mm->vmas; v; v = v->next) {
		if (v->start < at && at < v->end) {
			struct vma *n = malloc(sizeof *n);
			if (!n)
				return -ENOMEM;
			*n = *v;
			n->name = v->name ? strdup(v->name) : NULL;
			n->share_fd = v->share_fd >= 0 ? fcntl(v->share_fd, F_DUPFD_CLOEXEC, 0) : -1;
			n->file_fd = v->file_fd >= 0 ? fcntl(v->file_fd, F_DUPFD_CLOEXEC, 0) : -1;
			if ((v->share_fd >= 0 && n->share_fd < 0) ||
			    (v->file_fd >= 0 && n->file_fd < 0)) {
				mm_free_vma(n);
				return -ENOMEM;
			}
			n->start = at;
			n->offset = v->offset + (at - v->start);
			v->end = at;
			v->next = n;
			return 0;
		}
	}
	return 0;
}

/* Removes the vmas inside [addr, end), whose edges split_at made vma
 * boundaries. */
static void remove_range(struct mm *mm, uint64_t addr, uint64_t end)
{
	struct vma **pp = &mm->vmas;
	while (*pp) {
		struct vma *v = *pp;
		if (v->start >= addr && v->end <= end) {
			*pp = v->next;
			mm_free_vma(v);
		} else {
			pp = &v->next;
		}
	}
}

/* Neighbours that differ in nothing the guest can see become one vma, so
 * that a heap grown a page at a time by brk stays one entry, and a private
 * file mapping grown by mremap one that mremap can move again. */
static int mergeable(const struct vma *a, const struct vma *b)
{
	if (a->end != b->start || a->prot != b->prot || a->flags != b->flags)
		return 0;
	if (a->share_fd >= 0 || b->share_fd >= 0 || (a->file_fd >= 0) != (b->file_fd >= 0))
		return 0;
	if (a->file_fd >= 0 && (a->offset + (a->end - a->start) != b->offset ||
				a->file_dev != b->file_dev || a->file_ino != b->file_ino))
		return 0;
	if (!a->name || !b->name)
		return !a->name && !b->name;
	return !strcmp(a->name, b->name) && a->offset + (a->end - a->start) == b->offset;
}

static void merge_next(struct vma *v)
{
	struct vma *n = v->next;
	if (!n || !mergeable(v, n))
		return;
	v->end = n->end;
	v->next = n->next;
	mm_free_vma(n);
}

static void insert_vma(struct mm *mm, struct vma *n)
{
	struct vma **pp = &mm->vmas, *prev = NULL;
	while (*pp && (*pp)->start < n->start) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	n->next = *pp;
	*pp = n;
	merge_next(n);
	if (prev)
		merge_next(prev);
}

/* v changed: it may now be one with its neighbours. */
static void merge_around(struct mm *mm, struct vma *v)
{
	struct vma *prev = NULL;
	for (struct vma *w = mm->vmas; w != v; w = w->next)
		prev = w;
	merge_next(v);
	if (prev)
		merge_next(prev);
}

/* mmap at a fixed place of the window; when the host runs out of mappings,
 * the ones fork's copy-on-write split off are merged back and it is tried
 * once more. */
static void *map_fixed(struct mm *mm, uint64_t addr, uint64_t len, int hprot, int shared_fd)
{
	for (int again = 0;; again = 1) {
		void *p = shared_fd >= 0 ? mmap(mm->base + addr, (size_t)len, hprot,
						MAP_FIXED | MAP_SHARED, shared_fd, 0)
					 : mmap(mm->base + addr, (size_t)len, hprot,
						MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
						-1, 0);
		if (p != MAP_FAILED || errno != ENOMEM || again || !mm->set)
			return p;
		mm_cow_flatten(mm->set);
	}
}

/* A failed MAP_FIXED may have left a hole in the window, which the host
 * could fill with its own memory: never run so. */
static void refill_or_die(struct mm *mm, uint64_t addr, uint64_t len, int hprot)
{
	if (map_fixed(mm, addr, len, hprot, -1) == MAP_FAILED) {
		static const char msg[] = "hexvm: the host cannot map a window page\n";
		if (write(2, msg, sizeof msg - 1) < 0)
			_exit(70);
		_exit(70);
	}
}

/* Maps the host file own privately (copy-on-write) from offset at [addr,
 * addr+len). On failure own is closed and the range refilled with fresh
 * memory of host protection `refill`. 0 or -errno. */
static int map_host_private(struct mm *mm, uint64_t addr, uint64_t len, int hprot, int own,
			    uint64_t offset, int refill)
{
	if (mmap(mm->base + addr, (size_t)len, hprot, MAP_PRIVATE | MAP_FIXED, own,
		 (off_t)offset) != MAP_FAILED)
		return 0;
	int err = errno;
	close(own);
	refill_or_die(mm, addr, len, refill);
	return -err;
}

/* mm_map, or with file_fd >= 0 mm_map_file: a new vma over [addr, addr+len). */
static int map_new(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags,
		   const char *name, uint64_t offset, int file_fd)
{
	if (!range_ok(mm, addr, len))
		return -EINVAL;
	int shared_anon = (flags & (VMA_SHARED | VMA_ANON)) == (VMA_SHARED | VMA_ANON);
	int share_fd = shared_anon ? host_shm_create("hexvm-shared", len) : -1;
	int own = file_fd >= 0 ? fcntl(file_fd, F_DUPFD_CLOEXEC, 0) : -1;
	struct vma *n = calloc(1, sizeof *n);
	if (!n || (shared_anon && share_fd < 0) || (file_fd >= 0 && own < 0) ||
	    split_at(mm, addr) || split_at(mm, addr + len)) {
		free(n);
		if (share_fd >= 0)
			close(share_fd);
		if (own >= 0)
			close(own);
		return -ENOMEM;
	}
	n->share_fd = share_fd;
	n->file_fd = -1;
	if (share_fd >= 0)
		mm_identify(n, share_fd);
	if (mm->cow) /* while the old vmas still say how to read the old pages */
		mm_cow_forget(mm, addr, len);
	remove_range(mm, addr, addr + len);
	block_cache_invalidate_range(mm->blocks, addr, len);
	int rc = -ENOMEM;
	if (own >= 0)
		rc = map_host_private(mm, addr, len, mm_host_prot(prot), own, offset, PROT_NONE);
	else if (map_fixed(mm, addr, len, mm_host_prot(prot), n->share_fd) != MAP_FAILED)
		rc = 0;
	if (rc) {
		mm_free_vma(n);
		return rc;
	}
	if (own >= 0) {
		mm_set_host_file(n, own);
		flags |= VMA_HOSTFILE;
	}
	n->start = addr;
	n->end = addr + len;
	n->prot = prot;
	n->flags = flags;
	n->offset = n->share_fd >= 0 ? 0 : offset;
	n->name = name ? strdup(name) : NULL;
	insert_vma(mm, n);
	return 0;
}

int mm_map(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags, const char *name,
	   uint64_t offset)
{
	return map_new(mm, addr, len, prot, flags, name, offset, -1);
}

int mm_map_file(struct mm *mm, uint64_t addr, uint64_t len, int prot, const char *name, int fd,
		uint64_t offset)
{
	return map_new(mm, addr, len, prot, 0, name, offset, fd);
}

void mm_identify(struct vma *v, int fd)
{
	struct stat st;
	int known = !fstat(fd, &st);
	v->file_dev = known ? (uint64_t)st.st_dev : 0;
	v->file_ino = known ? (uint64_t)st.st_ino : 0;
}

int mm_map_shared_fd(struct mm *mm, uint64_t addr, uint64_t len, int fd, uint64_t offset)
{
	struct vma *v = mm_find_vma(mm, addr);
	if (!v || v->start != addr || v->end != addr + len)
		return -EINVAL;
	int own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (own < 0)
		return -errno;
	if (mmap(mm->base + addr, (size_t)len, mm_host_prot(v->prot), MAP_SHARED | MAP_FIXED, fd,
		 (off_t)offset) == MAP_FAILED) {
		int err = errno;
		close(own);
		return -err;
	}
	if (v->share_fd >= 0)
		close(v->share_fd);
	v->share_fd = own;
	v->offset = offset;
	mm_identify(v, own);
	code_alias_mapped(mm, v);
	return 0;
}

int mm_map_host_file(struct mm *mm, uint64_t addr, uint64_t len, int fd, uint64_t offset)
{
	struct vma *v = mm_find_vma(mm, addr);
	if (!v || v->end < addr + len || (v->flags & VMA_SHARED))
		return -EINVAL;
	int own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (own < 0 || split_at(mm, addr) || split_at(mm, addr + len)) {
		if (own >= 0)
			close(own);
		return -ENOMEM;
	}
	v = mm_find_vma(mm, addr);
	int hprot = mm_host_prot(v->prot);
	int rc = map_host_private(mm, addr, len, hprot, own, offset, hprot);
	if (rc)
		return rc;
	if (v->file_fd >= 0)
		close(v->file_fd);
	mm_set_host_file(v, own);
	v->offset = offset;
	v->flags |= VMA_HOSTFILE;
	merge_around(mm, v);
	return 0;
}

int mm_unmap(struct mm *mm, uint64_t addr, uint64_t len)
{
	len = PAGE_UP(len);
	if (!range_ok(mm, addr, len))
		return -EINVAL;
	if (split_at(mm, addr) || split_at(mm, addr + len))
		return -ENOMEM;
	if (mm->cow)
		mm_cow_forget(mm, addr, len);
	remove_range(mm, addr, addr + len);
	block_cache_invalidate_range(mm->blocks, addr, len);
	map_fixed(mm, addr, len, PROT_NONE, -1);
	return 0;
}

int mm_protect(struct mm *mm, uint64_t addr, uint64_t len, int prot)
{
	len = PAGE_UP(len);
	if (!range_ok(mm, addr, len))
		return -EINVAL;
	if (!mm_access_ok(mm, addr, len, 0))
		return -ENOMEM;
	if (split_at(mm, addr) || split_at(mm, addr + len))
		return -ENOMEM;
	/* the host first: copy-on-write reads the source's old protections */
	if (mm->cow)
		mm_cow_protect(mm, addr, len, mm_host_prot(prot));
	else
		mprotect(mm->base + addr, (size_t)len, mm_host_prot(prot));
	for (struct vma *v = mm->vmas; v; v = v->next)
		if (v->start >= addr && v->end <= addr + len)
			v->prot = prot;
	for (struct vma *v = mm->vmas; v; v = v->next)
		while (v->next && v->next->start <= addr + len && mergeable(v, v->next))
			merge_next(v);
	if (!(prot & GPROT_EXEC))
		block_cache_invalidate_range(mm->blocks, addr, len);
	return 0;
}

struct vma *mm_find_vma(const struct mm *mm, uint64_t addr)
{
	for (struct vma *v = mm->vmas; v; v = v->next)
		if (addr < v->end)
			return addr >= v->start ? v : NULL;
	return NULL;
}

int mm_range_free(const struct mm *mm, uint64_t addr, uint64_t len)
{
	if (addr >= mm->limit || len > mm->limit - addr)
		return 0;
	for (struct vma *v = mm->vmas; v; v = v->next)
		if (v->start < addr + len && addr < v->end)
			return 0;
	return 1;
}

uint64_t mm_find_free(const struct mm *mm, uint64_t len)
{
	uint64_t top = mm->mmap_top;
	len = PAGE_UP(len);
	while (top >= len + PAGE_SIZE_G * 16) {
		uint64_t start = top - len;
		const struct vma *clash = NULL;
		for (const struct vma *v = mm->vmas; v; v = v->next)
			if (v->start < top && start < v->end)
				clash = v; /* the highest clashing vma */
		if (!clash)
			return start;
		top = clash->start;
	}
	return 0;
}

int mm_access_ok(const struct mm *mm, uint64_t addr, uint64_t len, int prot)
{
	uint64_t end = addr + len;
	if (end < addr || end > mm->limit)
		return 0;
	while (addr < end) {
		const struct vma *v = mm_find_vma(mm, addr);
		if (!v || (v->prot & prot) != prot)
			return 0;
		addr = v->end;
	}
	return 1;
}
