/* Saving and restoring address spaces. */
#include "snap/snap_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "interp/block.h"
#include "kernel/vm.h"
#include "mem/mm.h"
#include "snap/snap_shared_file.h"

#define SCAN_PAGES 512
#define VMAS_MAX   (1u << 20)

/* The shared memory object behind fd, numbered and written (SHMM: id,
 * size, bytes) the first time an address space maps it. */
static int shm_id(struct snap_save *s, int fd)
{
	struct stat st;
	if (fstat(fd, &st))
		return -1;
	for (int k = 0; k < s->nshm; k++)
		if (s->shm_ino[k] == (uint64_t)st.st_ino && s->shm_dev[k] == (uint64_t)st.st_dev)
			return k + 1;
	size_t size = (size_t)st.st_size;
	uint8_t head[12], *data = malloc(size ? size : 1);
	if (s->nshm == 256 || !data || pread(fd, data, size, 0) != (ssize_t)size) {
		free(data);
		return -1;
	}
	s->shm_ino[s->nshm] = (uint64_t)st.st_ino;
	s->shm_dev[s->nshm] = (uint64_t)st.st_dev;
	s->nshm++;
	snap_put_le(head, (uint64_t)s->nshm, 4);
	snap_put_le(head + 4, size, 8);
	struct iovec iov[2] = {{head, sizeof head}, {data, size}};
	int rc = snapw_section_iov(s->w, "SHMM", iov, 2);
	free(data);
	if (rc)
		snap_save_fail(s, "%s", s->w->msg);
	return rc ? -1 : s->nshm;
}

static void put_vma(struct snap_save *s, struct snap_buf *b, const struct vma *v)
{
	int shm = 0;
	uint32_t file = 0;
	if (v->share_fd >= 0 && !(v->flags & VMA_ANON))
		file = snap_shared_file_id(s, v);
	else if (v->share_fd >= 0) {
		shm = shm_id(s, v->share_fd);
		if (shm < 0)
			snap_save_fail(s, "cannot read shared memory at 0x%llx",
				       (unsigned long long)v->start);
	}
	sb_u64(b, v->start);
	sb_u64(b, v->end);
	sb_u32(b, (uint32_t)v->prot);
	sb_u32(b, (uint32_t)v->flags);
	sb_u64(b, v->offset);
	sb_str(b, v->name);
	sb_u32(b, (uint32_t)shm);
	sb_u32(b, file);
}

static void put_map(struct snap_save *s, struct snap_buf *b, const struct mm *mm, uint32_t id)
{
	sb_u32(b, id);
	sb_u8(b, (uint8_t)mm->mode64);
	sb_u64(b, mm->brk_start);
	sb_u64(b, mm->brk);
	sb_u64(b, mm->arg_start);
	sb_u64(b, mm->arg_end);
	sb_u64(b, mm->env_start);
	sb_u64(b, mm->env_end);
	sb_u64(b, mm->mmap_top);
	sb_u64(b, mm->auxv_start);
	sb_u64(b, mm->auxv_end);
	uint64_t n = 0;
	for (const struct vma *v = mm->vmas; v; v = v->next)
		n++;
	sb_u64(b, n);
	for (const struct vma *v = mm->vmas; v; v = v->next)
		put_vma(s, b, v);
}

/* Page runs waiting to be written as one PAGE section: each run is a
 * 16-byte header (address, count) and its bytes, straight from guest
 * memory. */
#define BATCH_RUNS 1024
struct page_batch {
	uint8_t id[4];
	uint8_t heads[BATCH_RUNS][16];
	struct iovec iov[2 * BATCH_RUNS + 1];
	int runs;
	size_t bytes;
};

static int flush_batch(struct snap_save *s, struct page_batch *pb)
{
	if (!pb->runs)
		return 0;
	int rc = snapw_section_iov(s->w, "PAGE", pb->iov, 2 * pb->runs + 1);
	if (rc)
		snap_save_fail(s, "%s", s->w->msg);
	pb->runs = 0;
	pb->bytes = 0;
	return rc;
}

static int add_run(struct snap_save *s, struct page_batch *pb, const struct mm *mm,
		   uint64_t start, uint64_t npages)
{
	if (!npages)
		return 0;
	int k = pb->runs++;
	snap_put_le(pb->heads[k], start, 8);
	snap_put_le(pb->heads[k] + 8, npages, 8);
	pb->iov[0] = (struct iovec){pb->id, 4};
	pb->iov[1 + 2 * k] = (struct iovec){pb->heads[k], 16};
	pb->iov[2 + 2 * k] = (struct iovec){mm->base + start, (size_t)(npages * PAGE_SIZE_G)};
	pb->bytes += (size_t)(npages * PAGE_SIZE_G);
	s->pages_written += npages;
	if (pb->runs == BATCH_RUNS || pb->bytes >= SNAP_SECTION_BYTES)
		return flush_batch(s, pb);
	return 0;
}

/* The private pages of v worth writing: resident (or possibly swapped out)
 * and not all zero. Shared memory went with its SHMM section. */
static int put_pages(struct snap_save *s, struct page_batch *pb, const struct mm *mm,
		     const struct vma *v, int no_swap)
{
	unsigned char resident[SCAN_PAGES];
	int readable = (v->prot & (GPROT_READ | GPROT_WRITE | GPROT_EXEC)) != 0;
	if (v->share_fd >= 0)
		return 0;
	if (!readable && mprotect(mm->base + v->start, (size_t)(v->end - v->start), PROT_READ))
		return -1;
	uint64_t run = 0, run_n = 0;
	for (uint64_t at = v->start; at < v->end && !s->failed;) {
		uint64_t len = v->end - at < SCAN_PAGES * PAGE_SIZE_G ? v->end - at
								    : SCAN_PAGES * PAGE_SIZE_G;
		int have = mincore(mm->base + at, (size_t)len, resident) == 0;
		for (uint64_t k = 0; k < len / PAGE_SIZE_G; k++) {
			uint64_t page = at + k * PAGE_SIZE_G;
			int keep = (have && !(resident[k] & 1) && no_swap)
					   ? 0
					   : !mm_page_is_zero(mm->base + page);
			if (keep && run_n && run + run_n * PAGE_SIZE_G == page) {
				run_n++;
				continue;
			}
			if (!keep)
				s->pages_zero++;
			if (add_run(s, pb, mm, run, run_n))
				return -1;
			run = page;
			run_n = keep ? 1 : 0;
		}
		at += len;
	}
	int rc = add_run(s, pb, mm, run, run_n);
	if (!readable) { /* written before the pages become unreadable again */
		rc = rc ? rc : flush_batch(s, pb);
		mprotect(mm->base + v->start, (size_t)(v->end - v->start), PROT_NONE);
	}
	return rc;
}

int snap_save_mm(struct snap_save *s, struct mm *mm)
{
	uint32_t id = ids_find(&s->mms, mm);
	struct snap_buf b = {0};
	put_map(s, &b, mm, id);
	snap_emit(s, "MMAP", &b);
	sb_free(&b);
	int no_swap = mm_host_has_no_swap();
	struct page_batch *pb = calloc(1, sizeof *pb);
	if (!pb) {
		snap_save_fail(s, "out of memory");
		return -1;
	}
	snap_put_le(pb->id, id, 4);
	for (const struct vma *v = mm->vmas; v && !s->failed; v = v->next)
		if (put_pages(s, pb, mm, v, no_swap))
			snap_save_fail(s, "cannot read guest memory at 0x%llx: %s",
				       (unsigned long long)v->start, strerror(errno));
	flush_batch(s, pb);
	free(pb);
	return s->failed ? -1 : 0;
}

int snap_load_shm(struct snap_load *l, struct snap_rd *r)
{
	uint32_t id = sr_u32(r);
	uint64_t size = sr_u64(r);
	const uint8_t *data = sr_view(r, (size_t)size);
	if (snap_check(l, r, "SHMM"))
		return -1;
	if (id != l->shm.n + 1) {
		snap_load_fail(l, "section SHMM: shared memory out of order");
		return -1;
	}
	int fd = -1;
#ifdef __linux__
	fd = memfd_create("hexvm-shared", MFD_CLOEXEC);
#endif
	if (fd < 0 || ftruncate(fd, (off_t)size) || pwrite(fd, data, (size_t)size, 0) != (ssize_t)size ||
	    vec_push(&l->shm, (void *)(intptr_t)(fd + 1))) {
		snap_load_fail(l, "cannot recreate shared memory: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return 0;
}

static int get_vma(struct snap_load *l, struct snap_rd *r, struct mm *mm)
{
	struct vma v = {0};
	v.start = sr_u64(r);
	v.end = sr_u64(r);
	v.prot = (int)sr_u32(r);
	v.flags = (int)sr_u32(r);
	v.offset = sr_u64(r);
	char *name = sr_str(r);
	uint32_t shm = sr_u32(r), file = sr_u32(r);
	void *shm_fd = vec_at(&l->shm, shm, r);
	int fd = shm_fd ? fcntl((int)(intptr_t)shm_fd - 1, F_DUPFD_CLOEXEC, 0)
			: snap_shared_file_fd(l, file, r);
	if (!r->bad && (shm || file) &&
	    (fd < 0 || (shm && file) || !(v.flags & VMA_SHARED) || !(v.flags & VMA_ANON) != !shm))
		sr_fail(r, "a shared mapping is malformed");
	v.name = name;
	int rc = r->bad ? 0 : mm_restore_vma(mm, &v, fd);
	free(name);
	if (rc)
		sr_fail(r, "a mapping is out of place or cannot be made");
	if ((rc || r->bad) && fd >= 0)
		close(fd);
	return r->bad ? -1 : 0;
}

int snap_load_mm(struct snap_load *l, struct snap_rd *r)
{
	uint32_t id = sr_u32(r);
	int mode64 = sr_u8(r) != 0;
	if (snap_check(l, r, "MMAP"))
		return -1;
	struct mm *mm = id == l->mms.n + 1 ? mm_create(&l->vm->mms, mode64) : NULL;
	if (!mm || vec_push(&l->mms, mm)) {
		snap_load_fail(l, "section MMAP: %s", mm ? "out of memory" : "address space out of order or no window");
		if (mm)
			mm_put(mm);
		return -1;
	}
	mm->refs = 0; /* each process that uses it takes a reference */
	mm->brk_start = sr_u64(r);
	mm->brk = sr_u64(r);
	mm->arg_start = sr_u64(r);
	mm->arg_end = sr_u64(r);
	mm->env_start = sr_u64(r);
	mm->env_end = sr_u64(r);
	mm->mmap_top = sr_u64(r);
	mm->auxv_start = sr_u64(r);
	mm->auxv_end = sr_u64(r);
	uint64_t n = sr_count(r, VMAS_MAX);
	for (uint64_t k = 0; k < n && !r->bad; k++)
		get_vma(l, r, mm);
	return snap_check(l, r, "MMAP");
}

int snap_load_pages(struct snap_load *l, struct snap_rd *r)
{
	struct mm *mm = vec_at(&l->mms, sr_u32(r), r);
	if (!mm && !r->bad)
		sr_fail(r, "pages of no address space");
	while (!r->bad && r->pos < r->len) {
		uint64_t start = sr_u64(r), n = sr_u64(r);
		const uint8_t *data = n < (1ull << 40) ? sr_view(r, (size_t)(n * PAGE_SIZE_G)) : NULL;
		if (!data || (start & 4095)) {
			sr_fail(r, "a run of pages is malformed");
			break;
		}
		uint64_t len = n * PAGE_SIZE_G;
		if (!mm_access_ok(mm, start, len, 0) || start + len < start) {
			sr_fail(r, "pages lie outside the mappings");
			break;
		}
		memcpy(mm->base + start, data, (size_t)len);
	}
	return snap_check(l, r, "PAGE");
}

int snap_load_mm_finish(struct snap_load *l)
{
	for (size_t k = 0; k < l->mms.n; k++) {
		struct mm *mm = l->mms.v[k];
		if (mm_restore_protect(mm)) {
			snap_load_fail(l, "cannot protect a restored address space: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}
