/* The machine's filesystems at start. */
#include "kernel/vfs/setup.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/vfs/fs/devfs.h"
#include "kernel/vfs/fs/hostfs.h"
#include "kernel/vfs/fs/memfs.h"
#include "kernel/vfs/fs/overlay.h"
#include "kernel/vfs/fs/procfs.h"
#include "kernel/vfs/vfs.h"
#include "kernel/vm.h"
#include "mem/mm_hostfile.h"

/* A write to a mapped memfs file: what was decoded from its private
 * mappings' pages goes, as for a host file. */
static void memfs_file_written(struct vm *vm, uint64_t dev, uint64_t ino, uint64_t off,
			       uint64_t len)
{
	if (mm_file_mapped(&vm->mms, dev, ino))
		mm_file_written(&vm->mms, dev, ino, off, len);
}

int vfs_setup(struct vm *vm, const struct vfs_config *cfg, char *msg, size_t size)
{
	const char *dir = cfg->root_dir ? cfg->root_dir : "/";
	struct fs *root = hostfs_create(dir);
	if (!root) {
		snprintf(msg, size, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (cfg->overlay) {
		struct fs *upper = memfs_create(vm), *merged = upper ? overlay_create(vm, upper, root) : NULL;
		if (!merged) {
			snprintf(msg, size, "out of memory");
			return -1;
		}
		memfs_on_host_write(upper, memfs_file_written);
		root = merged;
	}
	struct fs *proc = procfs_create(vm), *dev = devfs_create(vm), *shm = memfs_create(vm);
	if (shm) { /* POSIX shared memory and semaphores (shm_open, sem_open) live there */
		shm->type = "tmpfs";
		memfs_on_host_write(shm, memfs_file_written);
	}
	if (!vfs_mount(vm, "/", root, dir) || !proc || !vfs_mount(vm, "/proc", proc, "proc") ||
	    !dev || !vfs_mount(vm, "/dev", dev, "devtmpfs") || !shm ||
	    !vfs_mount(vm, "/dev/shm", shm, "tmpfs")) {
		snprintf(msg, size, "out of memory");
		return -1;
	}
	return 0;
}

int vfs_export(struct vm *vm, const char *host_dir, char *msg, size_t size)
{
	struct mount *root = vfs_mount_of(vm, "/", NULL);
	if (!root || strcmp(root->fs->type, "overlay")) {
		snprintf(msg, size, "--export: the root is no overlay");
		return -1;
	}
	int rc = memfs_export(overlay_upper(root->fs), host_dir);
	if (rc) {
		snprintf(msg, size, "--export %s: %s", host_dir, strerror(-rc));
		return -1;
	}
	return 0;
}

void vfs_guest_path_of(const struct vfs_config *cfg, const char *dir, char *out, size_t size)
{
	char root[PATH_MAX];
	size_t n;
	if (!cfg->root_dir) {
		snprintf(out, size, "%s", dir);
		return;
	}
	if (!realpath(cfg->root_dir, root)) {
		snprintf(out, size, "/");
		return;
	}
	n = strlen(root);
	if (n == 1) /* --root / */
		snprintf(out, size, "%s", dir);
	else if (!strncmp(dir, root, n) && (dir[n] == '/' || !dir[n]))
		snprintf(out, size, "%s", dir[n] ? dir + n : "/");
	else
		snprintf(out, size, "/");
}
