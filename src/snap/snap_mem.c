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

#include "host/shmfd.h"
#include "interp/block.h"
#include "kernel/vm.h"
#include "mem/mm.h"
#include "snap/snap_memfd.h"
#include "snap/snap_memfs.h"
#include "snap/snap_pages.h"
#include "snap/snap_shared_file.h"

#define VMAS_MAX (1u << 20)

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
	uint32_t file = 0, memfd = 0, memfs = SNAP_MEMFS_NONE;
	uint64_t memfs_ino = 0;
	if (v->share_fd >= 0 && (v->flags & VMA_MEMFD)) {
		memfs = snap_memfs_of_vma(s, v, &memfs_ino);
		memfd = memfs ? 0 : snap_memfd_of_vma(s, v);
	} else if (v->share_fd >= 0 && !(v->flags & VMA_ANON))
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
	sb_u32(b, memfd);
	sb_u32(b, memfs);
	sb_u64(b, memfs_ino);
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

int snap_save_mm(struct snap_save *s, struct mm *mm)
{
	uint32_t id = ids_find(&s->mms, mm);
	struct snap_buf b = {0};
	put_map(s, &b, mm, id);
	snap_emit(s, "MMAP", &b);
	sb_free(&b);
	return s->failed ? -1 : snap_save_pages(s, mm, id);
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
	int fd = host_shm_create("hexvm-shared", size);
	if (fd < 0)
		errno = -fd;
	if (fd < 0 || pwrite(fd, data, (size_t)size, 0) != (ssize_t)size ||
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
	uint32_t shm = sr_u32(r), file = sr_u32(r), memfd = sr_u32(r), memfs = sr_u32(r);
	uint64_t memfs_ino = sr_u64(r);
	void *shm_fd = vec_at(&l->shm, shm, r);
	int fd = shm_fd ? fcntl((int)(intptr_t)shm_fd - 1, F_DUPFD_CLOEXEC, 0)
		 : memfd ? snap_memfd_fd(l, memfd, r)
		 : memfs ? snap_memfs_fd(l, memfs, memfs_ino, r)
			 : snap_shared_file_fd(l, file, r);
	if (!r->bad && (shm || file || memfd || memfs) &&
	    (fd < 0 || !!shm + !!file + !!memfd + !!memfs > 1 || !(v.flags & VMA_SHARED) ||
	     !(v.flags & VMA_ANON) != !shm || !(v.flags & VMA_MEMFD) != !(memfd || memfs)))
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
