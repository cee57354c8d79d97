/* statfs/fstatfs and the extended-attribute calls. A host file reports the
 * host filesystem it lives on; what hexvm serves itself reports the Linux
 * type it stands for (tmpfs, proc, devtmpfs). No filesystem of the machine
 * keeps extended attributes: the xattr calls answer ENOTSUP, as Linux does
 * for such filesystems. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/path.h"
#include "kernel/vfs/vfs.h"
#include "mem/uaccess.h"

#define TMPFS_MAGIC	 0x01021994
#define PROC_SUPER_MAGIC 0x9fa0
#define ST_VALID	 0x20 /* statfs f_flags: the flags are filled in */

/* The magic and sizes of a filesystem hexvm serves itself. */
static void synthetic(const struct fs *fs, struct statfs *st)
{
	memset(st, 0, sizeof *st);
	st->f_type = strcmp(fs->type, "proc") ? TMPFS_MAGIC : PROC_SUPER_MAGIC;
	st->f_bsize = st->f_frsize = 4096;
	st->f_namelen = VFS_NAME_MAX;
	st->f_flags = ST_VALID; /* Linux sets it on every statfs */
	if (st->f_type == TMPFS_MAGIC)
		st->f_blocks = st->f_bfree = st->f_bavail = 1u << 20;
}

static int file_statfs(struct task *t, struct file *f, const struct fs *fs, struct statfs *st)
{
	if (f && !f->ops)
		return fstatfs(f->host_fd, st) < 0 ? -errno : 0;
	synthetic(fs, st);
	return 0;
}

/* struct statfs (x86-64: longs; i386 statfs64: 32-bit type/bsize, 64-bit counts) */
static int64_t put_statfs(struct task *t, uint64_t addr, const struct statfs *st, int i386_64)
{
	uint8_t raw[120];
	memset(raw, 0, sizeof raw);
	uint64_t v[] = {(uint64_t)st->f_type,	(uint64_t)st->f_bsize, st->f_blocks, st->f_bfree,
			st->f_bavail,		st->f_files,	       st->f_ffree,  0,
			(uint64_t)st->f_namelen, (uint64_t)st->f_frsize, (uint64_t)st->f_flags};
	memcpy(raw + 56, &st->f_fsid, 8);
	if (!i386_64) {
		for (unsigned k = 0; k < 11; k++)
			if (k != 7)
				put64(raw, 8 * k, v[k]);
		return copy_to_user(t->proc->mm, addr, raw, 120);
	}
	put32(raw, 0, v[0]), put32(raw, 4, v[1]);
	for (unsigned k = 2; k < 7; k++)
		put64(raw, 8 + 8 * (k - 2), v[k]);
	memcpy(raw + 48, &st->f_fsid, 8);
	put32(raw, 56, v[8]), put32(raw, 60, v[9]), put32(raw, 64, v[10]);
	return copy_to_user(t->proc->mm, addr, raw, 84);
}

static int64_t statfs_path(struct task *t, uint64_t upath, uint64_t ubuf, int i386_64)
{
	struct vpath p;
	struct statfs st;
	struct file *f = NULL;
	int rc = path_at(t, LINUX_AT_FDCWD, upath, 0, &p);
	if (rc)
		return rc;
	if (!strcmp(p.mnt->fs->type, "hostfs") || !strcmp(p.mnt->fs->type, "overlay")) {
		int64_t opened = path_open(t, &p, O_RDONLY | LINUX_O_PATH, 0, &f);
		if (opened < 0)
			return opened;
	}
	rc = file_statfs(t, f, p.mnt->fs, &st);
	file_put(f);
	return rc ? rc : put_statfs(t, ubuf, &st, i386_64);
}

static int64_t statfs_fd(struct task *t, int fd, uint64_t ubuf, int i386_64)
{
	struct file *f = fd_lookup(t->proc->fds, fd);
	struct statfs st;
	if (!f)
		return -EBADF;
	if (f->ops) {
		struct vpath p;
		const struct fs *fs = NULL;
		const char *path = file_path(f);
		if (path && path[0] == '/' && vfs_resolve(t, NULL, path, 0, &p) == 0)
			fs = p.mnt->fs;
		static const struct fs pipefs = {.type = "pipefs"};
		synthetic(fs ? fs : &pipefs, &st);
	} else if (fstatfs(f->host_fd, &st) < 0) {
		return -errno;
	}
	return put_statfs(t, ubuf, &st, i386_64);
}

int64_t sys_statfs(struct task *t, const uint64_t *a) { return statfs_path(t, a[0], a[1], 0); }
int64_t sys_fstatfs(struct task *t, const uint64_t *a) { return statfs_fd(t, (int)a[0], a[1], 0); }
int64_t sys_statfs64(struct task *t, const uint64_t *a) { return statfs_path(t, a[0], a[2], 1); }
int64_t sys_fstatfs64(struct task *t, const uint64_t *a)
{
	return statfs_fd(t, (int)a[0], a[2], 1);
}

int64_t sys_xattr_none(struct task *t, const uint64_t *a) { return -ENOTSUP; }
