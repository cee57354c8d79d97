/* Saving and restoring the host files behind MAP_SHARED mappings. */
#include "snap/snap_shared_file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/vfs/file.h"
#include "kernel/vfs/hostcache.h"
#include "kernel/vfs/vfs.h"
#include "kernel/vm.h"
#include "mem/mm.h"
#include "snap/snap_fd.h"

static int is_shared_file(const struct vma *v)
{
	return v->share_fd >= 0 && !(v->flags & VMA_ANON);
}

/* On Linux a store through the mapping is in the page cache that reading
 * the file sees; a host without one cache needs msync for that. MS_SYNC
 * also puts the pages on disk before the snapshot that depends on them. */
void snap_settle_shared_files(struct snap_save *s)
{
	hostcache_sync_all(s->vm);
	for (struct mm *mm = s->vm->mms.first; mm; mm = mm->set_next)
		for (const struct vma *v = mm->vmas; v; v = v->next)
			if (is_shared_file(v))
				msync(mm->base + v->start, (size_t)(v->end - v->start), MS_SYNC);
}

/* Whether guest path still names the host file (dev, ino): a file removed
 * or replaced since it was mapped cannot be found again by its path. */
static int path_shows(struct snap_save *s, const char *path, const struct stat *want)
{
	struct task *t = path && path[0] == '/' ? snap_root_task(s->vm) : NULL;
	struct vpath vp;
	struct stat st;
	int same = t && !vfs_resolve(t, NULL, path, 0, &vp) && !vfs_lstat(t, &vp, &st) &&
		   st.st_dev == want->st_dev && st.st_ino == want->st_ino;
	snap_root_task_free(t);
	return same;
}

static uint32_t find(const struct snap_save *s, const struct snap_shared_file *key)
{
	for (size_t k = 0; k < s->nsfiles; k++)
		if (s->sfiles[k].dev == key->dev && s->sfiles[k].ino == key->ino &&
		    s->sfiles[k].acc == key->acc)
			return (uint32_t)k + 1;
	return 0;
}

static int remember(struct snap_save *s, const struct snap_shared_file *key)
{
	if (s->nsfiles == s->sfiles_cap) {
		size_t cap = s->sfiles_cap ? s->sfiles_cap * 2 : 8;
		struct snap_shared_file *n = realloc(s->sfiles, cap * sizeof *n);
		if (!n)
			return -1;
		s->sfiles = n;
		s->sfiles_cap = cap;
	}
	s->sfiles[s->nsfiles++] = *key;
	return 0;
}

static uint32_t write_file(struct snap_save *s, const struct vma *v, const struct stat *st,
			   const struct snap_shared_file *key)
{
	struct snap_buf b = {0};
	if (remember(s, key)) {
		snap_save_fail(s, "out of memory");
		return 0;
	}
	sb_u32(&b, (uint32_t)s->nsfiles);
	sb_str(&b, v->name);
	sb_u32(&b, (uint32_t)key->acc);
	sb_u64(&b, (uint64_t)st->st_size);
	sb_u64(&b, snap_hash_fd(v->share_fd, (uint64_t)st->st_size));
	snap_emit(s, "SFIL", &b);
	sb_free(&b);
	return s->failed ? 0 : (uint32_t)s->nsfiles;
}

uint32_t snap_shared_file_id(struct snap_save *s, const struct vma *v)
{
	struct stat st;
	int fl = fcntl(v->share_fd, F_GETFL);
	if (fstat(v->share_fd, &st) || fl < 0 || !S_ISREG(st.st_mode)) {
		snap_save_fail(s,
			       "the host file behind the MAP_SHARED mapping at 0x%llx cannot be "
			       "examined",
			       (unsigned long long)v->start);
		return 0;
	}
	struct snap_shared_file key = {(uint64_t)st.st_dev, (uint64_t)st.st_ino, fl & O_ACCMODE};
	uint32_t id = find(s, &key);
	if (id)
		return id;
	if (!path_shows(s, v->name, &st)) {
		snap_save_fail(s,
			       "the host file %s behind the MAP_SHARED mapping at 0x%llx was "
			       "removed or replaced since it was mapped: a snapshot refers to such "
			       "a file by its path",
			       v->name ? v->name : "?", (unsigned long long)v->start);
		return 0;
	}
	return write_file(s, v, &st, &key);
}

void snap_shared_files_free(struct snap_save *s)
{
	free(s->sfiles);
	s->sfiles = NULL;
	s->nsfiles = s->sfiles_cap = 0;
}

/* The file at path, opened again as the mapping's description was, if it
 * is the host file it was; NULL with l failed otherwise. */
static struct file *open_again(struct snap_load *l, const char *path, int acc, uint64_t size,
			       uint64_t hash)
{
	struct file *f = snap_reopen(l, path, acc);
	if (f && f->host_fd < 0)
		snap_load_fail(l, "%s: the file of a MAP_SHARED mapping is no host file now", path);
	else if (f && !snap_same_host_file(l, path, "host file behind a MAP_SHARED mapping",
					   f->host_fd, size, hash))
		return f;
	file_put(f);
	return NULL;
}

int snap_load_shared_file(struct snap_load *l, struct snap_rd *r)
{
	uint32_t id = sr_u32(r);
	char *path = sr_str(r);
	uint32_t acc = sr_u32(r);
	uint64_t size = sr_u64(r), hash = sr_u64(r);
	if (!r->bad && (id != l->sfiles.n + 1 || !path || path[0] != '/' ||
			(acc != O_RDONLY && acc != O_RDWR)))
		sr_fail(r, "a shared file is malformed or out of order");
	struct file *f = r->bad ? NULL : open_again(l, path, (int)acc, size, hash);
	if (f && vec_push(&l->sfiles, f)) {
		file_put(f);
		snap_load_fail(l, "out of memory");
	}
	free(path);
	if (!l->failed) /* stores through the mapping must meet write()s */
		hostcache_disable(l->vm);
	return snap_check(l, r, "SFIL");
}

int snap_shared_file_fd(struct snap_load *l, uint32_t id, struct snap_rd *r)
{
	const struct file *f = vec_at(&l->sfiles, id, r);
	return f ? fcntl(f->host_fd, F_DUPFD_CLOEXEC, 0) : -1;
}
