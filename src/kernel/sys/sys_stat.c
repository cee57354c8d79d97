/* stat in its ABI shapes: x86-64 struct stat, i386 struct stat64, statx. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/path.h"
#include "mem/uaccess.h"

#define LINUX_AT_SYMLINK_NOFOLLOW 0x100
#define LINUX_AT_EMPTY_PATH	  0x1000
#define LINUX_STATX_BASIC_STATS	  0x7ffu

static void fill_stat64_x86_64(uint8_t *p, const struct stat *st)
{
	memset(p, 0, 144);
	put64(p, 0, st->st_dev);
	put64(p, 8, st->st_ino);
	put64(p, 16, st->st_nlink);
	put32(p, 24, st->st_mode);
	put32(p, 28, st->st_uid);
	put32(p, 32, st->st_gid);
	put64(p, 40, st->st_rdev);
	put64(p, 48, (uint64_t)st->st_size);
	put64(p, 56, (uint64_t)st->st_blksize);
	put64(p, 64, (uint64_t)st->st_blocks);
	put64(p, 72, (uint64_t)st->st_atim.tv_sec);
	put64(p, 80, (uint64_t)st->st_atim.tv_nsec);
	put64(p, 88, (uint64_t)st->st_mtim.tv_sec);
	put64(p, 96, (uint64_t)st->st_mtim.tv_nsec);
	put64(p, 104, (uint64_t)st->st_ctim.tv_sec);
	put64(p, 112, (uint64_t)st->st_ctim.tv_nsec);
}

static void fill_stat64_i386(uint8_t *p, const struct stat *st)
{
	memset(p, 0, 96);
	put64(p, 0, st->st_dev);
	put32(p, 12, st->st_ino);
	put32(p, 16, st->st_mode);
	put32(p, 20, st->st_nlink);
	put32(p, 24, st->st_uid);
	put32(p, 28, st->st_gid);
	put64(p, 32, st->st_rdev);
	put64(p, 44, (uint64_t)st->st_size);
	put32(p, 52, (uint64_t)st->st_blksize);
	put64(p, 56, (uint64_t)st->st_blocks);
	put32(p, 64, (uint64_t)st->st_atim.tv_sec);
	put32(p, 68, (uint64_t)st->st_atim.tv_nsec);
	put32(p, 72, (uint64_t)st->st_mtim.tv_sec);
	put32(p, 76, (uint64_t)st->st_mtim.tv_nsec);
	put32(p, 80, (uint64_t)st->st_ctim.tv_sec);
	put32(p, 84, (uint64_t)st->st_ctim.tv_nsec);
	put64(p, 88, st->st_ino);
}

static void put_timestamp(uint8_t *p, unsigned off, const struct timespec *ts)
{
	put64(p, off, (uint64_t)ts->tv_sec);
	put32(p, off + 8, (uint64_t)ts->tv_nsec);
}

static void fill_statx(uint8_t *p, const struct stat *st)
{
	memset(p, 0, 256);
	put32(p, 0, LINUX_STATX_BASIC_STATS);
	put32(p, 4, (uint64_t)st->st_blksize);
	put32(p, 16, st->st_nlink);
	put32(p, 20, st->st_uid);
	put32(p, 24, st->st_gid);
	put16(p, 28, st->st_mode);
	put64(p, 32, st->st_ino);
	put64(p, 40, (uint64_t)st->st_size);
	put64(p, 48, (uint64_t)st->st_blocks);
	put_timestamp(p, 64, &st->st_atim);
	put_timestamp(p, 96, &st->st_ctim);
	put_timestamp(p, 112, &st->st_mtim);
	put32(p, 128, major(st->st_rdev));
	put32(p, 132, minor(st->st_rdev));
	put32(p, 136, major(st->st_dev));
	put32(p, 140, minor(st->st_dev));
}

static int do_fstat(struct task *t, int fd, struct stat *st)
{
	struct file *f = fd_lookup(t->proc->fds, fd);
	if (!f)
		return -EBADF;
	if (f->ops)
		return f->ops->stat ? f->ops->stat(f, st) : -EBADF;
	return fstat(f->host_fd, st) < 0 ? -errno : 0;
}

/* stat of a path (dirfd, path, flags), or of dirfd itself for "" with
 * AT_EMPTY_PATH. A magic link (/proc/PID/fd/N) followed describes the file
 * it stands for. */
static int do_fstatat(struct task *t, int dirfd, uint64_t upath, int flags, struct stat *st)
{
	char path[VFS_PATH_MAX];
	struct vpath p;
	int rc = path_copy(t, upath, path);
	if (rc)
		return rc;
	if (!path[0] && (flags & LINUX_AT_EMPTY_PATH))
		return do_fstat(t, dirfd, st);
	rc = path_resolve(t, dirfd, path, flags & LINUX_AT_SYMLINK_NOFOLLOW ? VFS_NOFOLLOW : 0, &p);
	if (rc)
		return rc;
	if (!p.magic)
		return vfs_lstat(t, &p, st);
	struct file *f;
	int64_t opened = path_open(t, &p, O_RDONLY | LINUX_O_PATH, 0, &f);
	if (opened < 0)
		return (int)opened;
	rc = f->ops ? (f->ops->stat ? f->ops->stat(f, st) : -EBADF)
		    : (fstat(f->host_fd, st) < 0 ? -errno : 0);
	file_put(f);
	return rc;
}

static int64_t out_stat(struct task *t, uint64_t ubuf, const struct stat *st, int i386)
{
	uint8_t buf[144];
	if (i386) {
		fill_stat64_i386(buf, st);
		return copy_to_user(t->proc->mm, ubuf, buf, 96);
	}
	fill_stat64_x86_64(buf, st);
	return copy_to_user(t->proc->mm, ubuf, buf, 144);
}

static int64_t stat_at(struct task *t, int dirfd, uint64_t upath, int flags, uint64_t ubuf,
		       int i386)
{
	struct stat st;
	int rc = do_fstatat(t, dirfd, upath, flags, &st);
	return rc < 0 ? rc : out_stat(t, ubuf, &st, i386);
}

static int64_t stat_fd(struct task *t, int fd, uint64_t ubuf, int i386)
{
	struct stat st;
	int rc = do_fstat(t, fd, &st);
	return rc < 0 ? rc : out_stat(t, ubuf, &st, i386);
}

int64_t sys_stat(struct task *t, const uint64_t *a)
{
	return stat_at(t, LINUX_AT_FDCWD, a[0], 0, a[1], 0);
}
int64_t sys_lstat(struct task *t, const uint64_t *a)
{
	return stat_at(t, LINUX_AT_FDCWD, a[0], LINUX_AT_SYMLINK_NOFOLLOW, a[1], 0);
}
int64_t sys_fstat(struct task *t, const uint64_t *a) { return stat_fd(t, (int)a[0], a[1], 0); }
int64_t sys_newfstatat(struct task *t, const uint64_t *a)
{
	return stat_at(t, (int)a[0], a[1], (int)a[3], a[2], 0);
}
int64_t sys_stat64(struct task *t, const uint64_t *a)
{
	return stat_at(t, LINUX_AT_FDCWD, a[0], 0, a[1], 1);
}
int64_t sys_lstat64(struct task *t, const uint64_t *a)
{
	return stat_at(t, LINUX_AT_FDCWD, a[0], LINUX_AT_SYMLINK_NOFOLLOW, a[1], 1);
}
int64_t sys_fstat64(struct task *t, const uint64_t *a) { return stat_fd(t, (int)a[0], a[1], 1); }
int64_t sys_fstatat64(struct task *t, const uint64_t *a)
{
	return stat_at(t, (int)a[0], a[1], (int)a[3], a[2], 1);
}

int64_t sys_statx(struct task *t, const uint64_t *a)
{
	struct stat st;
	uint8_t buf[256];
	int rc = do_fstatat(t, (int)a[0], a[1], (int)a[2], &st);
	if (rc < 0)
		return rc;
	fill_statx(buf, &st);
	return copy_to_user(t->proc->mm, a[4], buf, sizeof buf);
}
