/* Saving and restoring memfds (see snap_memfd.h). */
#include "snap/snap_memfd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "host/shmfd.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/memfd.h"
#include "kernel/vm.h"
#include "mem/mm.h"

#define MEMFD_PREFIX  "/memfd:"
#define MEMFD_SUFFIX  " (deleted)"
#define MEMFD_MAX_LEN (1ull << 40)

static uint32_t find(const struct snap_save *s, const struct stat *st)
{
	for (size_t k = 0; k < s->nmemfds; k++)
		if (s->memfds[k].dev == (uint64_t)st->st_dev &&
		    s->memfds[k].ino == (uint64_t)st->st_ino)
			return (uint32_t)k + 1;
	return 0;
}

static int remember(struct snap_save *s, const struct stat *st)
{
	if (s->nmemfds == s->memfds_cap) {
		size_t cap = s->memfds_cap ? s->memfds_cap * 2 : 8;
		struct snap_memfd_key *n = realloc(s->memfds, cap * sizeof *n);
		if (!n)
			return -1;
		s->memfds = n;
		s->memfds_cap = cap;
	}
	s->memfds[s->nmemfds++] =
		(struct snap_memfd_key){(uint64_t)st->st_dev, (uint64_t)st->st_ino};
	return 0;
}

/* MEMF: id, name, seals, mode, uid, gid, inode, atime, mtime, ctime, size,
 * bytes. */
static uint32_t write_memfd(struct snap_save *s, const struct memfd_image *img,
			    const struct stat *st)
{
	size_t size = (size_t)st->st_size;
	uint8_t *data = malloc(size ? size : 1);
	if (!data || remember(s, st) || pread(img->host_fd, data, size, 0) != (ssize_t)size) {
		free(data);
		snap_save_fail(s, "cannot read the memfd %s: %s", img->name, strerror(errno));
		return 0;
	}
	struct snap_buf b = {0};
	sb_u32(&b, (uint32_t)s->nmemfds);
	sb_str(&b, img->name);
	sb_u32(&b, img->seals);
	sb_u32(&b, img->mode);
	sb_u32(&b, img->uid);
	sb_u32(&b, img->gid);
	sb_u64(&b, img->ino);
	sb_i64(&b, img->atime);
	sb_i64(&b, img->mtime);
	sb_i64(&b, img->ctime);
	sb_u64(&b, size);
	struct iovec iov[2] = {{b.data, b.len}, {data, size}};
	if (b.oom || snapw_section_iov(s->w, "MEMF", iov, 2))
		snap_save_fail(s, "%s", b.oom ? "out of memory" : s->w->msg);
	sb_free(&b);
	free(data);
	return s->failed ? 0 : (uint32_t)s->nmemfds;
}

static uint32_t id_of(struct snap_save *s, const struct memfd_image *img)
{
	struct stat st;
	if (fstat(img->host_fd, &st)) {
		snap_save_fail(s, "the memfd %s cannot be examined", img->name);
		return 0;
	}
	uint32_t id = find(s, &st);
	return id ? id : write_memfd(s, img, &st);
}

uint32_t snap_memfd_of_file(struct snap_save *s, const struct file *f)
{
	struct memfd_image img;
	memfd_image_of(memfd_of(f), &img);
	return id_of(s, &img);
}

void snap_save_memfds(struct snap_save *s)
{
	for (size_t k = 0; k < s->files.n && !s->failed; k++) {
		const struct file *f = s->files.order[k];
		if (memfd_of(f))
			snap_memfd_of_file(s, f);
	}
}

/* A memfd only mappings hold: what a description would have said, with the
 * name its mappings show; no seals (none can be added without a
 * description), no inode number (nothing can ask for it) and the machine's
 * time. */
uint32_t snap_memfd_of_vma(struct snap_save *s, const struct vma *v)
{
	struct stat st;
	if (fstat(v->share_fd, &st)) {
		snap_save_fail(s, "the memfd mapped at 0x%llx cannot be examined",
			       (unsigned long long)v->start);
		return 0;
	}
	uint32_t id = find(s, &st);
	if (id)
		return id;
	const char *name = v->name ? v->name : "";
	size_t pre = strlen(MEMFD_PREFIX), suf = strlen(MEMFD_SUFFIX), len = strlen(name);
	char *bare = strdup(len >= pre + suf ? name + pre : "");
	if (!bare) {
		snap_save_fail(s, "out of memory");
		return 0;
	}
	if (len >= pre + suf)
		bare[len - pre - suf] = 0;
	int64_t now = vm_realtime_ns(s->vm, NULL);
	struct memfd_image img = {bare, 0, 0777, 0, 0, 0, now, now, now, v->share_fd};
	id = write_memfd(s, &img, &st);
	free(bare);
	return id;
}

void snap_memfds_free(struct snap_save *s)
{
	free(s->memfds);
	s->memfds = NULL;
	s->nmemfds = s->memfds_cap = 0;
}

int snap_load_memfd(struct snap_load *l, struct snap_rd *r)
{
	struct memfd_image img = {0};
	uint32_t id = sr_u32(r);
	char *name = sr_str(r);
	img.seals = sr_u32(r);
	img.mode = sr_u32(r);
	img.uid = sr_u32(r);
	img.gid = sr_u32(r);
	img.ino = sr_u64(r);
	img.atime = sr_i64(r);
	img.mtime = sr_i64(r);
	img.ctime = sr_i64(r);
	uint64_t size = sr_count(r, MEMFD_MAX_LEN);
	const uint8_t *data = sr_view(r, (size_t)size);
	if (!r->bad && (id != l->memfds.n + 1 || !name || strlen(name) > MEMFD_NAME_MAX ||
			(img.seals & ~L_F_SEAL_ALL) || (img.mode & ~07777u)))
		sr_fail(r, "a memfd is malformed or out of order");
	struct memfd *m = NULL;
	if (!r->bad) {
		img.name = name;
		img.host_fd = host_shm_create(name, size);
		if (img.host_fd < 0 ||
		    pwrite(img.host_fd, data, (size_t)size, 0) != (ssize_t)size) {
			snap_load_fail(l, "cannot recreate the memfd %s: %s", name,
				       strerror(img.host_fd < 0 ? -img.host_fd : errno));
			if (img.host_fd >= 0)
				close(img.host_fd);
		} else if (!(m = memfd_restore(l->vm, &img)) || vec_push(&l->memfds, m)) {
			memfd_put(m);
			snap_load_fail(l, "out of memory");
		}
	}
	free(name);
	return snap_check(l, r, "MEMF");
}

int snap_memfd_fd(struct snap_load *l, uint32_t id, struct snap_rd *r)
{
	struct memfd *m = vec_at(&l->memfds, id, r);
	struct memfd_image img;
	if (!m)
		return -1;
	memfd_image_of(m, &img);
	return fcntl(img.host_fd, F_DUPFD_CLOEXEC, 0);
}

struct file *snap_memfd_open(struct snap_load *l, uint32_t id, int flags, uint32_t uid,
			     uint32_t gid, struct snap_rd *r)
{
	struct memfd *m = vec_at(&l->memfds, id, r);
	if (!m && !r->bad)
		sr_fail(r, "a memfd description names no memfd");
	return m ? memfd_open(m, flags, uid, gid) : NULL;
}

void snap_memfds_release(struct snap_load *l)
{
	for (size_t k = 0; k < l->memfds.n; k++)
		memfd_put(l->memfds.v[k]);
	vec_free(&l->memfds);
}
