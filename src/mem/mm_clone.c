/* fork's copy of an address space: a new window with the same mappings.
 * Private pages are copied now, except those the host never made resident:
 * without swap they were never touched and read as zeros, so they are
 * skipped; with swap they may be swapped out, so they are read (and copied
 * unless zero). MAP_SHARED mappings map the same host file or memfd again,
 * so both processes keep seeing each other's stores. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mem/mm.h"
#include "mem/mm_internal.h"

#define CHUNK_PAGES 512

/* Copies [start, end) of src's window into dst's, page by page. */
static void copy_private(const struct mm *src, struct mm *dst, uint64_t start, uint64_t end,
			 int no_swap)
{
	unsigned char resident[CHUNK_PAGES];
	for (uint64_t at = start; at < end;) {
		uint64_t len = end - at < CHUNK_PAGES * PAGE_SIZE_G ? end - at : CHUNK_PAGES * PAGE_SIZE_G;
		const uint8_t *from = src->base + at;
		uint8_t *to = dst->base + at;
		if (mincore((void *)from, (size_t)len, resident) < 0) {
			memcpy(to, from, (size_t)len);
		} else {
			for (uint64_t k = 0; k < len / PAGE_SIZE_G; k++) {
				const uint8_t *page = from + k * PAGE_SIZE_G;
				if ((resident[k] & 1) || (!no_swap && !mm_page_is_zero(page)))
					memcpy(to + k * PAGE_SIZE_G, page, PAGE_SIZE_G);
			}
		}
		at += len;
	}
}

static int clone_vma(const struct mm *src, struct mm *dst, const struct vma *v, struct vma *n,
		     int no_swap)
{
	size_t len = (size_t)(v->end - v->start);
	int hprot = mm_host_prot(v->prot);
	if (v->share_fd >= 0) {
		n->share_fd = fcntl(v->share_fd, F_DUPFD_CLOEXEC, 0);
		if (n->share_fd < 0 || mmap(dst->base + v->start, len, hprot, MAP_SHARED | MAP_FIXED,
					    n->share_fd, (off_t)v->offset) == MAP_FAILED)
			return -ENOMEM;
		return 0;
	}
	n->share_fd = -1;
	if (mmap(dst->base + v->start, len, PROT_READ | PROT_WRITE,
		 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) == MAP_FAILED)
		return -ENOMEM;
	int unreadable = !(hprot & PROT_READ);
	if (unreadable)
		mprotect(src->base + v->start, len, PROT_READ);
	copy_private(src, dst, v->start, v->end, no_swap);
	if (unreadable)
		mprotect(src->base + v->start, len, PROT_NONE);
	mprotect(dst->base + v->start, len, hprot);
	return 0;
}

struct mm *mm_clone(const struct mm *src)
{
	struct mm *dst = mm_create(src->set, src->mode64);
	if (!dst)
		return NULL;
	dst->sink = src->sink;
	dst->brk_start = src->brk_start;
	dst->brk = src->brk;
	dst->mmap_top = src->mmap_top;
	dst->auxv_start = src->auxv_start;
	dst->auxv_end = src->auxv_end;
	dst->arg_start = src->arg_start;
	dst->arg_end = src->arg_end;
	dst->env_start = src->env_start;
	dst->env_end = src->env_end;
	struct vma **tail = &dst->vmas;
	int no_swap = mm_host_has_no_swap();
	for (const struct vma *v = src->vmas; v; v = v->next) {
		struct vma *n = malloc(sizeof *n);
		if (!n) {
			mm_put(dst);
			errno = ENOMEM;
			return NULL;
		}
		*n = *v;
		n->next = NULL;
		n->name = v->name ? strdup(v->name) : NULL;
		n->share_fd = -1;
		*tail = n;
		tail = &n->next;
		if (clone_vma(src, dst, v, n, no_swap)) {
			mm_put(dst);
			errno = ENOMEM;
			return NULL;
		}
	}
	return dst;
}
