/* Private mappings of host files (VMA_HOSTFILE with its file_fd): which of
 * their pages the guest has written (the host made them private copies),
 * and fork's copy of such a mapping. The other pages are the file's: they
 * show what it holds now, in the parent and in the child, as on Linux. */
#include "mem/mm_hostfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "interp/block.h"
#include "mem/mm_internal.h"

#define PM_PRESENT (1ull << 63)
#define PM_SWAPPED (1ull << 62)
#define PM_FILE	   (1ull << 61)
#define BATCH	   512 /* pagemap entries read at a time */

void mm_set_host_file(struct vma *v, int fd)
{
	v->file_fd = fd;
	mm_identify(v, fd);
}

uint64_t mm_hostfile_end(const struct vma *v)
{
	struct stat st;
	if (v->file_fd < 0 || fstat(v->file_fd, &st))
		return v->end;
	uint64_t size = PAGE_UP((uint64_t)st.st_size);
	if (size <= v->offset)
		return v->start;
	return size - v->offset < v->end - v->start ? v->start + (size - v->offset) : v->end;
}

/* Linux tells which pages of a mapping are anonymous (the private copies
 * a write made) in /proc/self/pagemap; the answer goes to `written`, one
 * byte a page. 0, or -1 when the host cannot say. */
static int written_by_pagemap(const uint8_t *host, uint64_t pages, uint8_t *written)
{
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	uint64_t entry[BATCH];
	for (uint64_t k = 0; k < pages; k += BATCH) {
		size_t n = (size_t)(pages - k < BATCH ? pages - k : BATCH);
		off_t at = (off_t)(((uintptr_t)host / PAGE_SIZE_G + k) * sizeof entry[0]);
		if (pread(fd, entry, n * sizeof entry[0], at) != (ssize_t)(n * sizeof entry[0])) {
			close(fd);
			return -1;
		}
		for (size_t j = 0; j < n; j++)
			written[k + j] = (entry[j] & PM_SWAPPED) ||
					 ((entry[j] & PM_PRESENT) && !(entry[j] & PM_FILE));
	}
	close(fd);
	return 0;
}

/* Elsewhere a page counts as written when it differs from the file; one
 * written back to the file's bytes is taken for the file's. */
static void written_by_content(const struct vma *v, const uint8_t *host, uint64_t pages,
			       uint8_t *written)
{
	uint8_t file[PAGE_SIZE_G];
	for (uint64_t k = 0; k < pages; k++) {
		ssize_t n = pread(v->file_fd, file, PAGE_SIZE_G, (off_t)(v->offset + k * PAGE_SIZE_G));
		size_t have = n > 0 ? (size_t)n : 0;
		memset(file + have, 0, PAGE_SIZE_G - have);
		written[k] = memcmp(file, host + k * PAGE_SIZE_G, PAGE_SIZE_G) != 0;
	}
}

/* Copies the pages of src's v that the guest wrote into dst's fresh
 * mapping of the file, a batch at a time. */
static void copy_written(uint8_t *to, const uint8_t *from, const struct vma *v, uint64_t pages)
{
	uint8_t written[BATCH];
	for (uint64_t k = 0; k < pages; k += BATCH) {
		uint64_t n = pages - k < BATCH ? pages - k : BATCH;
		const uint8_t *at = from + k * PAGE_SIZE_G;
		if (written_by_pagemap(at, n, written))
			written_by_content(v, at, n, written);
		for (uint64_t j = 0; j < n; j++)
			if (written[j])
				memcpy(to + (k + j) * PAGE_SIZE_G, at + j * PAGE_SIZE_G, PAGE_SIZE_G);
	}
}

int mm_hostfile_clone(struct mm *dst, const struct mm *src, struct vma *n)
{
	size_t len = (size_t)(n->end - n->start);
	uint8_t *to = dst->base + n->start, *from = src->base + n->start;
	n->file_fd = fcntl(n->file_fd, F_DUPFD_CLOEXEC, 0);
	if (n->file_fd < 0 || mmap(to, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED,
				   n->file_fd, (off_t)n->offset) == MAP_FAILED)
		return -ENOMEM;
	/* pages past the end of the file fault; none of them was written */
	uint64_t pages = (mm_hostfile_end(n) - n->start) / PAGE_SIZE_G;
	int closed = mm_host_prot(n->prot) == PROT_NONE;
	if (closed && mprotect(from, len, PROT_READ))
		return -ENOMEM;
	copy_written(to, from, n, pages);
	if (closed)
		mprotect(from, len, PROT_NONE);
	return mprotect(to, len, mm_host_prot(n->prot)) ? -ENOMEM : 0;
}

int mm_hostfile_adopt(struct mm *mm, struct vma *v, int fd, const uint8_t *from_file)
{
	uint8_t *at = mm->base + v->start;
	int own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (own < 0)
		return -1;
	if (mmap(at, (size_t)(v->end - v->start), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED,
		 own, (off_t)v->offset) == MAP_FAILED) {
		close(own);
		return -1;
	}
	mm_set_host_file(v, own);
	/* the guest's own pages: private from now on, their bytes come later */
	uint64_t pages = (mm_hostfile_end(v) - v->start) / PAGE_SIZE_G;
	for (uint64_t k = 0; k < pages; k++)
		if (!from_file[k])
			memset(at + k * PAGE_SIZE_G, 0, PAGE_SIZE_G);
	return 0;
}

/* v shows the file's bytes: a private mapping of it, or a shared one */
static int maps_file(const struct vma *v, uint64_t dev, uint64_t ino)
{
	return (v->file_fd >= 0 || v->share_fd >= 0) && v->file_ino && v->file_dev == dev &&
	       v->file_ino == ino;
}

int mm_file_mapped(const struct mm_set *set, uint64_t dev, uint64_t ino)
{
	for (const struct mm *mm = set->first; mm; mm = mm->set_next)
		for (const struct vma *v = mm->vmas; v; v = v->next)
			if (maps_file(v, dev, ino))
				return 1;
	return 0;
}

void mm_file_written(struct mm_set *set, uint64_t dev, uint64_t ino, uint64_t off, uint64_t len)
{
	uint64_t end = len > UINT64_MAX - off ? UINT64_MAX : off + len;
	for (struct mm *mm = set->first; mm; mm = mm->set_next)
		for (const struct vma *v = mm->vmas; v; v = v->next) {
			uint64_t vend = v->offset + (v->end - v->start);
			if (!maps_file(v, dev, ino) || end <= v->offset || off >= vend)
				continue;
			uint64_t lo = off > v->offset ? off : v->offset, hi = end < vend ? end : vend;
			block_cache_invalidate_range(mm->blocks, v->start + (lo - v->offset), hi - lo);
		}
}
