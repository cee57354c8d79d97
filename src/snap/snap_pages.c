/* Saving the pages of an address space. */
#include "snap/snap_pages.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include "mem/mm.h"
#include "mem/mm_hostfile.h"
#include "snap/snap_hostmap.h"

#define SCAN_PAGES 512

/* A PAGE section being gathered: runs of guest memory, written from where
 * they lie. */
struct chunk {
	uint32_t id;
	const struct mm *mm;
	struct iovec runs[SNAP_PAGE_CHUNK];
	int nruns, pages;
	uint8_t head[8 + 16 * SNAP_PAGE_CHUNK];
};

static int emit_chunk(struct snap_save *s, struct chunk *c)
{
	if (!c->nruns)
		return 0;
	snap_put_le(c->head, c->id, 4);
	snap_put_le(c->head + 4, (uint64_t)c->nruns, 4);
	for (int k = 0; k < c->nruns; k++) {
		uint8_t *at = c->head + 8 + 16 * k;
		snap_put_le(at, (uint64_t)((uint8_t *)c->runs[k].iov_base - c->mm->base), 8);
		snap_put_le(at + 8, c->runs[k].iov_len / PAGE_SIZE_G, 8);
	}
	int rc = snapw_pages(s->w, "PAGE", c->head, 8 + 16 * (size_t)c->nruns, c->runs, c->nruns);
	if (rc)
		snap_save_fail(s, "%s", s->w->msg);
	c->nruns = c->pages = 0;
	return rc;
}

static int add_page(struct snap_save *s, struct chunk *c, uint8_t *page)
{
	struct iovec *last = c->nruns ? &c->runs[c->nruns - 1] : NULL;
	if (last && (uint8_t *)last->iov_base + last->iov_len == page)
		last->iov_len += PAGE_SIZE_G;
	else
		c->runs[c->nruns++] = (struct iovec){page, PAGE_SIZE_G};
	s->pages_written++;
	return ++c->pages == SNAP_PAGE_CHUNK ? emit_chunk(s, c) : 0;
}

/* 1 when the page holds the n file bytes at f, then zeros. */
static int page_is_file(const uint8_t *page, const uint8_t *f, size_t n)
{
	if (!n || memcmp(page, f, n))
		return 0;
	for (size_t k = n; k < PAGE_SIZE_G; k++)
		if (page[k])
			return 0;
	return 1;
}

/* The pages of [at, at + len) inside v. */
static int scan_window(struct snap_save *s, struct chunk *c, const struct vma *v,
		       struct hostmap_file *file, uint8_t *fbuf, uint64_t at, uint64_t len,
		       int no_swap)
{
	unsigned char resident[SCAN_PAGES];
	uint8_t *base = c->mm->base;
	/* a VMA_HOSTFILE page the host never read in is the file's, not zero */
	int have = !(v->flags & VMA_HOSTFILE) && mincore(base + at, (size_t)len, resident) == 0;
	size_t fbytes = file ? hostmap_read(file, v, at, (size_t)len, fbuf) : 0;
	/* a mapping of a host file tells first which pages are still the file's:
	 * the restore maps the file again for them, zeros too */
	int file_first = (v->flags & VMA_HOSTFILE) != 0;
	for (uint64_t k = 0; k < len / PAGE_SIZE_G; k++) {
		uint8_t *page = base + at + k * PAGE_SIZE_G;
		size_t off = (size_t)(k * PAGE_SIZE_G);
		size_t n = fbytes > off ? fbytes - off : 0;
		int zero = !file_first &&
			   ((have && !(resident[k] & 1) && no_swap) || mm_page_is_zero(page));
		if (!zero && file &&
		    page_is_file(page, fbuf + off, n < PAGE_SIZE_G ? n : PAGE_SIZE_G)) {
			hostmap_ref(s, file, at + off, v->offset + (at + off - v->start));
			continue;
		}
		if (zero || mm_page_is_zero(page)) {
			s->pages_zero++;
			continue;
		}
		if (add_page(s, c, page))
			return -1;
	}
	return 0;
}

/* The private pages of v worth writing. Shared memory went with its SHMM
 * section. */
static int save_vma(struct snap_save *s, struct chunk *c, const struct vma *v, uint8_t *fbuf,
		    int no_swap)
{
	uint8_t *base = c->mm->base;
	int readable = (v->prot & (GPROT_READ | GPROT_WRITE | GPROT_EXEC)) != 0;
	if (v->share_fd >= 0)
		return 0;
	if (!readable && mprotect(base + v->start, (size_t)(v->end - v->start), PROT_READ))
		return -1;
	struct hostmap_file *file = hostmap_file_of(s, v);
	uint64_t before = s->pages_written;
	/* pages wholly past a mapped file's end cannot be read (they fault):
	 * they hold nothing, and come back as zeros */
	uint64_t end = mm_hostfile_end(v);
	int rc = 0;
	for (uint64_t at = v->start; at < end && !rc && !s->failed;) {
		uint64_t len = end - at < SCAN_PAGES * PAGE_SIZE_G ? end - at
								: SCAN_PAGES * PAGE_SIZE_G;
		rc = scan_window(s, c, v, file, fbuf, at, len, no_swap);
		at += len;
	}
	if (!readable) { /* written before the pages become unreadable again */
		if (!rc && s->pages_written != before)
			rc = emit_chunk(s, c) ? -1 : snapw_flush(s->w);
		mprotect(base + v->start, (size_t)(v->end - v->start), PROT_NONE);
	}
	return rc;
}

int snap_save_pages(struct snap_save *s, struct mm *mm, uint32_t id)
{
	int no_swap = mm_host_has_no_swap();
	struct chunk *c = calloc(1, sizeof *c);
	uint8_t *fbuf = malloc(SCAN_PAGES * PAGE_SIZE_G);
	if (!c || !fbuf) {
		free(c);
		free(fbuf);
		snap_save_fail(s, "out of memory");
		return -1;
	}
	c->id = id;
	c->mm = mm;
	for (const struct vma *v = mm->vmas; v && !s->failed; v = v->next)
		if (save_vma(s, c, v, fbuf, no_swap))
			snap_save_fail(s, "cannot read guest memory at 0x%llx: %s",
				       (unsigned long long)v->start, strerror(errno));
	if (!s->failed)
		emit_chunk(s, c);
	if (!s->failed)
		hostmap_emit(s, id);
	free(c);
	free(fbuf);
	return s->failed ? -1 : 0;
}
