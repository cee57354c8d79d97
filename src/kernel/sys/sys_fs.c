/* The namespace: mkdir, mknod, unlink, rmdir, rename, link, symlink,
 * readlink, each resolved by the VFS and done by the filesystem holding the
 * name. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "kernel/sys/syscall.h"
#include "kernel/vfs/path.h"
#include "kernel/vfs/vfs.h"
#include "mem/uaccess.h"

#define LINUX_AT_REMOVEDIR	  0x200
#define LINUX_AT_SYMLINK_FOLLOW	  0x400
#define LINUX_AT_EMPTY_PATH	  0x1000
#define LINUX_RENAME_NOREPLACE	  1
#define LINUX_RENAME_EXCHANGE	  2
#define LINUX_RENAME_WHITEOUT	  4

static const struct fs_ops *ops_of(const struct vpath *p) { return p->mnt->fs->ops; }

/* A name about to be created: resolved without following a final symlink,
 * and refused when it exists. */
static int new_name(struct task *t, int dirfd, uint64_t upath, struct vpath *p)
{
	struct stat st;
	int rc = path_at(t, dirfd, upath, VFS_PARENT | VFS_NOFOLLOW, p);
	if (rc)
		return rc;
	return vfs_lstat(t, p, &st) == 0 ? -EEXIST : 0;
}

static int64_t do_mkdirat(struct task *t, int dirfd, uint64_t upath, int mode)
{
	struct vpath p;
	int rc = new_name(t, dirfd, upath, &p);
	if (rc)
		return rc;
	return ops_of(&p)->mkdir(t, p.mnt->fs, p.rel, mode & ~(int)t->proc->umask & 07777);
}

int64_t sys_mkdir(struct task *t, const uint64_t *a) { return do_mkdirat(t, LINUX_AT_FDCWD, a[0], (int)a[1]); }
int64_t sys_mkdirat(struct task *t, const uint64_t *a) { return do_mkdirat(t, (int)a[0], a[1], (int)a[2]); }

static int64_t do_mknodat(struct task *t, int dirfd, uint64_t upath, uint32_t mode, uint32_t dev)
{
	struct vpath p;
	uint32_t type = mode & S_IFMT;
	if (type && type != S_IFREG && type != S_IFIFO && type != S_IFSOCK && type != S_IFCHR &&
	    type != S_IFBLK)
		return -EINVAL;
	int rc = new_name(t, dirfd, upath, &p);
	if (rc)
		return rc;
	int m = (int)((mode & 07777 & ~t->proc->umask) | (type ? type : S_IFREG));
	return ops_of(&p)->mknod(t, p.mnt->fs, p.rel, m, dev);
}

int64_t sys_mknod(struct task *t, const uint64_t *a)
{
	return do_mknodat(t, LINUX_AT_FDCWD, a[0], (uint32_t)a[1], (uint32_t)a[2]);
}
int64_t sys_mknodat(struct task *t, const uint64_t *a)
{
	return do_mknodat(t, (int)a[0], a[1], (uint32_t)a[2], (uint32_t)a[3]);
}

static int64_t do_unlinkat(struct task *t, int dirfd, uint64_t upath, int flags)
{
	struct vpath p;
	if (flags & ~LINUX_AT_REMOVEDIR)
		return -EINVAL;
	int rc = path_at(t, dirfd, upath, VFS_NOFOLLOW, &p);
	if (rc)
		return rc;
	if (!p.rel[0])
		return -EBUSY; /* a mount point */
	if (flags & LINUX_AT_REMOVEDIR)
		return ops_of(&p)->rmdir(t, p.mnt->fs, p.rel);
	return ops_of(&p)->unlink(t, p.mnt->fs, p.rel);
}

int64_t sys_unlink(struct task *t, const uint64_t *a) { return do_unlinkat(t, LINUX_AT_FDCWD, a[0], 0); }
int64_t sys_rmdir(struct task *t, const uint64_t *a)
{
	return do_unlinkat(t, LINUX_AT_FDCWD, a[0], LINUX_AT_REMOVEDIR);
}
int64_t sys_unlinkat(struct task *t, const uint64_t *a) { return do_unlinkat(t, (int)a[0], a[1], (int)a[2]); }

static int64_t do_renameat(struct task *t, int olddir, uint64_t oldp, int newdir, uint64_t newp,
			   unsigned flags)
{
	struct vpath from, to;
	if (flags & ~(unsigned)(LINUX_RENAME_NOREPLACE | LINUX_RENAME_EXCHANGE) ||
	    flags == (LINUX_RENAME_NOREPLACE | LINUX_RENAME_EXCHANGE))
		return -EINVAL;
	int rc = path_at(t, olddir, oldp, VFS_NOFOLLOW, &from);
	if (!rc)
		rc = path_at(t, newdir, newp, VFS_PARENT | VFS_NOFOLLOW, &to);
	if (rc)
		return rc;
	if (from.mnt->fs != to.mnt->fs)
		return -EXDEV;
	if (!from.rel[0] || !to.rel[0])
		return -EBUSY;
	return ops_of(&from)->rename(t, from.mnt->fs, from.rel, to.rel, (int)flags);
}

int64_t sys_rename(struct task *t, const uint64_t *a)
{
	return do_renameat(t, LINUX_AT_FDCWD, a[0], LINUX_AT_FDCWD, a[1], 0);
}
int64_t sys_renameat(struct task *t, const uint64_t *a)
{
	return do_renameat(t, (int)a[0], a[1], (int)a[2], a[3], 0);
}
int64_t sys_renameat2(struct task *t, const uint64_t *a)
{
	return do_renameat(t, (int)a[0], a[1], (int)a[2], a[3], (unsigned)a[4]);
}

static int64_t do_linkat(struct task *t, int olddir, uint64_t oldp, int newdir, uint64_t newp,
			 int flags)
{
	struct vpath from, to;
	if (flags & ~(LINUX_AT_SYMLINK_FOLLOW | LINUX_AT_EMPTY_PATH))
		return -EINVAL;
	int rc = path_at(t, olddir, oldp, flags & LINUX_AT_SYMLINK_FOLLOW ? 0 : VFS_NOFOLLOW, &from);
	if (!rc)
		rc = new_name(t, newdir, newp, &to);
	if (rc)
		return rc;
	if (from.mnt->fs != to.mnt->fs)
		return -EXDEV;
	return ops_of(&from)->link(t, from.mnt->fs, from.rel, to.rel);
}

int64_t sys_link(struct task *t, const uint64_t *a)
{
	return do_linkat(t, LINUX_AT_FDCWD, a[0], LINUX_AT_FDCWD, a[1], 0);
}
int64_t sys_linkat(struct task *t, const uint64_t *a)
{
	return do_linkat(t, (int)a[0], a[1], (int)a[2], a[3], (int)a[4]);
}

static int64_t do_symlinkat(struct task *t, uint64_t utarget, int dirfd, uint64_t upath)
{
	char target[VFS_PATH_MAX];
	struct vpath p;
	int rc = path_copy(t, utarget, target);
	if (!rc && !target[0])
		rc = -ENOENT;
	if (!rc)
		rc = new_name(t, dirfd, upath, &p);
	return rc ? rc : ops_of(&p)->symlink(t, p.mnt->fs, target, p.rel);
}

int64_t sys_symlink(struct task *t, const uint64_t *a) { return do_symlinkat(t, a[0], LINUX_AT_FDCWD, a[1]); }
int64_t sys_symlinkat(struct task *t, const uint64_t *a) { return do_symlinkat(t, a[0], (int)a[1], a[2]); }

static int64_t do_readlinkat(struct task *t, int dirfd, uint64_t upath, uint64_t ubuf, int64_t size)
{
	struct vpath p;
	char target[VFS_PATH_MAX];
	if (size <= 0)
		return -EINVAL;
	int rc = path_at(t, dirfd, upath, VFS_NOFOLLOW, &p);
	if (rc)
		return rc;
	struct stat st;
	rc = vfs_lstat(t, &p, &st);
	if (rc)
		return rc;
	if (!S_ISLNK(st.st_mode))
		return -EINVAL;
	int n = ops_of(&p)->readlink(t, p.mnt->fs, p.rel, target, sizeof target);
	if (n < 0)
		return n;
	if (n > size)
		n = (int)size;
	rc = copy_to_user(t->proc->mm, ubuf, target, (size_t)n);
	return rc < 0 ? rc : n;
}

int64_t sys_readlink(struct task *t, const uint64_t *a)
{
	return do_readlinkat(t, LINUX_AT_FDCWD, a[0], a[1], (int)a[2]);
}
int64_t sys_readlinkat(struct task *t, const uint64_t *a)
{
	return do_readlinkat(t, (int)a[0], a[1], a[2], (int)a[3]);
}
