/* Restoring the pages of address spaces: each PAGE section is a job that
 * checks its runs, then copies or decompresses them into guest memory and
 * checks the checksum on the way. Every address space is mapped (and
 * writable) by then and nothing changes its mappings while the jobs run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>

#include "kernel/vm.h"
#include "mem/mm.h"
#include "snap/snap_pages.h"
#include "snap/snap_pool.h"
#include "snap/snap_zstd.h"

#define COPY_PIECE (64u << 10) /* hashed, then copied while it is in the cache */

struct page_loader {
	const struct snap_vec *mms;
	void *dctx[SNAP_POOL_MAX]; /* one a thread, made when first needed */
};

struct page_job {
	struct snap_job job; /* first: the job is this */
	struct page_loader *pl;
	struct snap_section *sec;
	int failed;
	char why[200];
};

static int job_fail(struct page_job *j, const char *what)
{
	if (!snap_section_sound(j->sec))
		snap_section_corrupt(j->sec, j->why, sizeof j->why);
	else
		snprintf(j->why, sizeof j->why, "section PAGE: %s", what);
	j->failed = 1;
	return -1;
}

/* The runs the section's head names, as places in guest memory. */
static int runs_of(struct page_job *j, struct iovec *runs, int *n)
{
	const struct snap_section *sec = j->sec;
	const uint8_t *h = sec->stored;
	if (sec->head_len < 8)
		return job_fail(j, "the head is too short");
	uint32_t id = (uint32_t)snap_get_le(h, 4), count = (uint32_t)snap_get_le(h + 4, 4);
	if (!id || id > j->pl->mms->n)
		return job_fail(j, "pages of no address space");
	if (count > SNAP_PAGE_CHUNK || sec->head_len != 8 + 16 * (uint64_t)count)
		return job_fail(j, "the head is malformed");
	const struct mm *mm = j->pl->mms->v[id - 1];
	uint64_t total = 0;
	for (uint32_t k = 0; k < count; k++) {
		uint64_t start = snap_get_le(h + 8 + 16 * k, 8), pages = snap_get_le(h + 16 + 16 * k, 8);
		uint64_t len = pages * PAGE_SIZE_G;
		if ((start & (PAGE_SIZE_G - 1)) || !pages || pages > SNAP_PAGE_CHUNK ||
		    !mm_access_ok(mm, start, len, 0))
			return job_fail(j, "a run of pages lies outside the mappings");
		runs[k] = (struct iovec){mm->base + start, (size_t)len};
		total += len;
	}
	if (total != sec->len - sec->head_len)
		return job_fail(j, "the runs do not add up to the section's length");
	*n = (int)count;
	return 0;
}

/* Stored as they are: hashed and copied a piece at a time. */
static int copy_runs(struct page_job *j, const struct iovec *runs, int n)
{
	struct snap_hasher h;
	snap_section_hash_begin(j->sec, &h);
	snap_hash_update(&h, j->sec->stored, (size_t)j->sec->head_len);
	const uint8_t *from = j->sec->stored + j->sec->head_len;
	for (int k = 0; k < n; k++)
		for (size_t done = 0; done < runs[k].iov_len;) {
			size_t piece = runs[k].iov_len - done < COPY_PIECE ? runs[k].iov_len - done
									   : COPY_PIECE;
			snap_hash_update(&h, from, piece);
			memcpy((uint8_t *)runs[k].iov_base + done, from, piece);
			from += piece;
			done += piece;
		}
	if (snap_hash_final(&h) != j->sec->sum) {
		snap_section_corrupt(j->sec, j->why, sizeof j->why);
		j->failed = 1;
		return -1;
	}
	return 0;
}

static int decompress_runs(struct page_job *j, const struct iovec *runs, int n, int worker)
{
	const struct snap_section *sec = j->sec;
	void **dctx = &j->pl->dctx[worker];
	char why[120] = "out of memory";
	if (!snap_section_sound(sec)) {
		snap_section_corrupt(sec, j->why, sizeof j->why);
		j->failed = 1;
		return -1;
	}
	if (!*dctx)
		*dctx = snapz_dctx_new();
	if (!*dctx || snapz_decompress(*dctx, runs, n, sec->stored + sec->head_len,
				       (size_t)(sec->stored_len - sec->head_len), why, sizeof why)) {
		snprintf(j->why, sizeof j->why, "section PAGE: %s", why);
		j->failed = 1;
		return -1;
	}
	return 0;
}

/* The runs' pages made at once, before they are written: one call instead
 * of a page fault a page (a fifth of the CPU of copying them here). A host
 * without it takes the faults. */
static void populate(const struct iovec *runs, int n)
{
#ifdef MADV_POPULATE_WRITE
	for (int k = 0; k < n; k++)
		madvise(runs[k].iov_base, runs[k].iov_len, MADV_POPULATE_WRITE);
#else
	(void)runs, (void)n;
#endif
}

static void page_job_run(struct snap_job *job, int worker)
{
	struct page_job *j = (struct page_job *)job;
	struct iovec runs[SNAP_PAGE_CHUNK];
	int n = 0;
	if (runs_of(j, runs, &n))
		return;
	populate(runs, n);
	if (j->sec->flags & SNAP_SECTION_ZSTD)
		decompress_runs(j, runs, n, worker);
	else
		copy_runs(j, runs, n);
}

int snap_queue_pages(struct snap_load *l, struct snap_section *sec)
{
	if (vec_push(&l->page_sections, sec)) {
		snap_load_fail(l, "out of memory");
		return -1;
	}
	return 0;
}

int snap_load_all_pages(struct snap_load *l)
{
	size_t n = l->page_sections.n;
	struct page_loader pl = {.mms = &l->mms};
	struct page_job *jobs = calloc(n ? n : 1, sizeof *jobs);
	if (!jobs) {
		snap_load_fail(l, "out of memory");
		return -1;
	}
	struct snap_pool *pool = n > 1 ? snap_pool_create(snap_pool_cores()) : NULL;
	for (size_t k = 0; k < n; k++) {
		jobs[k] = (struct page_job){.job.run = page_job_run, .pl = &pl,
					    .sec = l->page_sections.v[k]};
		snap_pool_submit(pool, &jobs[k].job);
	}
	for (size_t k = 0; k < n; k++) {
		snap_pool_wait(pool, &jobs[k].job);
		if (jobs[k].failed) /* the first in the file, whichever thread met it first */
			snap_load_fail(l, "%s", jobs[k].why);
	}
	snap_pool_destroy(pool);
	for (int k = 0; k < SNAP_POOL_MAX; k++)
		snapz_dctx_free(pl.dctx[k]);
	free(jobs);
	return l->failed ? -1 : 0;
}
