/* /dev/shm's tree and mappings of memfs files in snapshots (see snap_memfs.h). */
#include "snap/snap_memfs.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "kernel/vfs/fs/memfs_snap.h"
#include "kernel/vfs/fs/overlay.h"
#include "kernel/vfs/vfs.h"
#include "kernel/vm.h"
#include "mem/mm.h"

#define SHM_PATH "/dev/shm"

/* The memfs at `where` on vm, or NULL when the machine has none there. */
static struct fs *memfs_at(struct vm *vm, uint32_t where)
{
	const char *path = where == SNAP_MEMFS_SHM ? SHM_PATH : "/";
	struct mount *m = vfs_mount_of(vm, path, NULL);
	if (!m || strcmp(m->path, path))
		return NULL;
	if (where == SNAP_MEMFS_SHM)
		return strcmp(m->fs->type, "tmpfs") ? NULL : m->fs;
	if (where == SNAP_MEMFS_UPPER)
		return strcmp(m->fs->type, "overlay") ? NULL : overlay_upper(m->fs);
	return NULL;
}

void snap_save_shm_fs(struct snap_save *s, struct snap_buf *b)
{
	struct fs *shm = memfs_at(s->vm, SNAP_MEMFS_SHM);
	if (!shm)
		return;
	if (memfs_snap_save(shm, b))
		snap_save_fail(s, "out of memory while saving the files of " SHM_PATH);
	snap_emit(s, "FSHM", b);
}

int snap_load_shm_fs(struct snap_load *l, struct snap_rd *r)
{
	struct fs *shm = memfs_at(l->vm, SNAP_MEMFS_SHM);
	if (!shm) {
		snap_load_fail(l, "the machine has no " SHM_PATH " to restore its files in");
		return -1;
	}
	memfs_snap_load(shm, r);
	return snap_check(l, r, "FSHM");
}

uint32_t snap_memfs_of_vma(struct snap_save *s, const struct vma *v, uint64_t *ino)
{
	static const uint32_t places[] = {SNAP_MEMFS_UPPER, SNAP_MEMFS_SHM};
	struct stat st;
	*ino = 0;
	if (v->share_fd < 0 || !(v->flags & VMA_SHARED) || fstat(v->share_fd, &st))
		return SNAP_MEMFS_NONE;
	for (size_t k = 0; k < sizeof places / sizeof *places; k++) {
		struct fs *fs = memfs_at(s->vm, places[k]);
		if (fs && (*ino = memfs_file_of_host(fs, (uint64_t)st.st_dev, (uint64_t)st.st_ino)))
			return places[k];
	}
	return SNAP_MEMFS_NONE;
}

int snap_memfs_fd(struct snap_load *l, uint32_t where, uint64_t ino, struct snap_rd *r)
{
	struct fs *fs = memfs_at(l->vm, where);
	int fd = fs ? memfs_host_of_file(fs, ino) : -1;
	if (fd < 0) {
		sr_fail(r, "a mapping names a memfs file the snapshot does not hold");
		return -1;
	}
	return fcntl(fd, F_DUPFD_CLOEXEC, 0);
}
