/* Attributes by path or descriptor: access, modes, owners, times, sizes.
 * A path goes through the VFS to its filesystem; a descriptor's file does
 * it itself (host files with the host call on their descriptor). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/path.h"
#include "kernel/vfs/vfs.h"
#include "mem/uaccess.h"

#define LINUX_AT_EACCESS	  0x200
#define LINUX_AT_SYMLINK_NOFOLLOW 0x100
#define LINUX_AT_EMPTY_PATH	  0x1000

static int64_t host(int rc) { return rc < 0 ? -errno : 0; }
static const struct fs_ops *ops_of(const struct vpath *p) { return p->mnt->fs->ops; }

/* A path argument, or an open file instead of it: with AT_EMPTY_PATH and ""
 * the descriptor itself, and for a magic link (/proc/self/fd/N) the file it
 * stands for (*f set, p unused; put_target releases it). */
static int target_at(struct task *t, int dirfd, uint64_t upath, int flags, struct vpath *p,
		     struct file **f)
{
	char buf[VFS_PATH_MAX];
	int rc = path_copy(t, upath, buf);
	*f = NULL;
	if (rc)
		return rc;
	if (!buf[0] && (flags & LINUX_AT_EMPTY_PATH)) {
		*f = fd_lookup(t->proc->fds, dirfd);
		return *f ? (file_get(*f), 0) : -EBADF;
	}
	rc = path_resolve(t, dirfd, buf, flags & LINUX_AT_SYMLINK_NOFOLLOW ? VFS_NOFOLLOW : 0, p);
	if (!rc && p->magic) {
		int64_t opened = path_open(t, p, O_RDONLY | LINUX_O_PATH, 0, f);
		rc = opened < 0 ? (int)opened : 0;
	}
	return rc;
}

static int64_t do_faccessat(struct task *t, int dirfd, uint64_t upath, int mode, int flags)
{
	struct vpath p;
	if (mode & ~7)
		return -EINVAL;
	if (flags & ~(LINUX_AT_EACCESS | LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH))
		return -EINVAL;
	int rc = path_at(t, dirfd, upath, flags & LINUX_AT_SYMLINK_NOFOLLOW ? VFS_NOFOLLOW : 0, &p);
	return rc ? rc : ops_of(&p)->access(t, p.mnt->fs, p.rel, mode);
}

int64_t sys_access(struct task *t, const uint64_t *a)
{
	return do_faccessat(t, LINUX_AT_FDCWD, a[0], (int)a[1], 0);
}
int64_t sys_faccessat(struct task *t, const uint64_t *a)
{
	return do_faccessat(t, (int)a[0], a[1], (int)a[2], 0);
}
int64_t sys_faccessat2(struct task *t, const uint64_t *a)
{
	return do_faccessat(t, (int)a[0], a[1], (int)a[2], (int)a[3]);
}

/* Host descriptors opened O_PATH (for a /proc/self/fd/N link) refuse the
 * f* calls; the host's own /proc names the file for them. */
static const char *host_fd_path(int fd, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
	return buf;
}

static int64_t file_chmod(struct file *f, int mode)
{
	char path[40];
	if (f->ops)
		return f->ops->chmod ? f->ops->chmod(f, mode) : -EBADF;
	if (fchmod(f->host_fd, (mode_t)mode) == 0)
		return 0;
	if (errno != EBADF)
		return -errno;
	return host(chmod(host_fd_path(f->host_fd, path, sizeof path), (mode_t)mode));
}

static int64_t do_fchmodat(struct task *t, int dirfd, uint64_t upath, int mode, int flags)
{
	struct vpath p;
	struct file *f;
	int rc = target_at(t, dirfd, upath, flags, &p, &f);
	if (rc)
		return rc;
	if (f) {
		int64_t done = file_chmod(f, mode & 07777);
		file_put(f);
		return done;
	}
	struct stat st;
	if ((flags & LINUX_AT_SYMLINK_NOFOLLOW) && vfs_lstat(t, &p, &st) == 0 && S_ISLNK(st.st_mode))
		return -EOPNOTSUPP;
	return ops_of(&p)->chmod(t, p.mnt->fs, p.rel, mode & 07777);
}

int64_t sys_chmod(struct task *t, const uint64_t *a)
{
	return do_fchmodat(t, LINUX_AT_FDCWD, a[0], (int)a[1], 0);
}
int64_t sys_fchmodat(struct task *t, const uint64_t *a)
{
	return do_fchmodat(t, (int)a[0], a[1], (int)a[2], 0);
}
/* fchmodat with the flags fchmodat lacks: a symlink's own mode cannot
 * change (EOPNOTSUPP, as on Linux). */
int64_t sys_fchmodat2(struct task *t, const uint64_t *a)
{
	int flags = (int)a[3];
	if (flags & ~(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH))
		return -EINVAL;
	return do_fchmodat(t, (int)a[0], a[1], (int)a[2], flags);
}
int64_t sys_fchmod(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(t->proc->fds, (int)a[0]);
	return f ? file_chmod(f, (int)a[1] & 07777) : -EBADF;
}

static int64_t file_chown(struct file *f, uint32_t uid, uint32_t gid)
{
	if (f->ops)
		return f->ops->chown ? f->ops->chown(f, uid, gid) : 0;
	return host(fchownat(f->host_fd, "", (uid_t)uid, (gid_t)gid, AT_EMPTY_PATH));
}

static int64_t do_fchownat(struct task *t, int dirfd, uint64_t upath, uint64_t uid, uint64_t gid,
			   int flags)
{
	struct vpath p;
	struct file *f;
	if (flags & ~(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH))
		return -EINVAL;
	int rc = target_at(t, dirfd, upath, flags, &p, &f);
	if (rc)
		return rc;
	if (f) {
		int64_t done = file_chown(f, (uint32_t)uid, (uint32_t)gid);
		file_put(f);
		return done;
	}
	return ops_of(&p)->chown(t, p.mnt->fs, p.rel, (uint32_t)uid, (uint32_t)gid);
}

int64_t sys_chown(struct task *t, const uint64_t *a)
{
	return do_fchownat(t, LINUX_AT_FDCWD, a[0], a[1], a[2], 0);
}
int64_t sys_lchown(struct task *t, const uint64_t *a)
{
	return do_fchownat(t, LINUX_AT_FDCWD, a[0], a[1], a[2], LINUX_AT_SYMLINK_NOFOLLOW);
}
int64_t sys_fchownat(struct task *t, const uint64_t *a)
{
	return do_fchownat(t, (int)a[0], a[1], a[2], a[3], (int)a[4]);
}
int64_t sys_fchown(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(t->proc->fds, (int)a[0]);
	return f ? file_chown(f, (uint32_t)a[1], (uint32_t)a[2]) : -EBADF;
}

static int64_t do_truncate(struct task *t, uint64_t upath, int64_t len)
{
	struct vpath p;
	struct file *f;
	if (len < 0)
		return -EINVAL;
	int rc = path_at(t, LINUX_AT_FDCWD, upath, 0, &p);
	if (rc || !p.magic)
		return rc ? rc : ops_of(&p)->truncate(t, p.mnt->fs, p.rel, (uint64_t)len);
	int64_t opened = path_open(t, &p, O_WRONLY, 0, &f); /* what the link stands for */
	if (opened < 0)
		return opened;
	int64_t done = f->ops ? (f->ops->truncate ? f->ops->truncate(f, (uint64_t)len) : -EINVAL)
			      : host(ftruncate(f->host_fd, (off_t)len));
	file_put(f);
	return done;
}

static int64_t do_ftruncate(struct task *t, int fd, int64_t len)
{
	struct file *f = fd_lookup(t->proc->fds, fd);
	if (!f)
		return -EBADF;
	if (len < 0 || (f->flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;
	if (f->ops)
		return f->ops->truncate ? f->ops->truncate(f, (uint64_t)len) : -EINVAL;
	int64_t rc = host(ftruncate(f->host_fd, (off_t)len));
	if (!rc)
		sys_host_file_changed(t, f, len, -1);
	return rc;
}

int64_t sys_truncate(struct task *t, const uint64_t *a) { return do_truncate(t, a[0], sys_sarg(t, a[1])); }
int64_t sys_truncate64_32(struct task *t, const uint64_t *a)
{
	return do_truncate(t, a[0], (int64_t)(a[1] | a[2] << 32));
}
int64_t sys_ftruncate(struct task *t, const uint64_t *a)
{
	return do_ftruncate(t, (int)a[0], sys_sarg(t, a[1]));
}
int64_t sys_ftruncate64_32(struct task *t, const uint64_t *a)
{
	return do_ftruncate(t, (int)a[0], (int64_t)(a[1] | a[2] << 32));
}

/* Sets the times of (dirfd, path) or, for a NULL path, of dirfd itself;
 * times NULL is now. */
static int64_t set_times(struct task *t, int dirfd, uint64_t upath, int flags,
			 const struct timespec *times)
{
	struct file *f = NULL;
	struct vpath p;
	if (!upath && dirfd == LINUX_AT_FDCWD)
		return -EFAULT; /* (no path to look up) */
	int rc = upath ? target_at(t, dirfd, upath, flags, &p, &f) : 0;
	if (rc)
		return rc;
	if (!upath && !(f = fd_lookup(t->proc->fds, dirfd)))
		return -EBADF;
	if (!f)
		return ops_of(&p)->utimens(t, p.mnt->fs, p.rel, times);
	char path[40];
	int64_t done = f->ops ? (f->ops->utimens ? f->ops->utimens(f, times) : 0)
			      : host(futimens(f->host_fd, times));
	if (done == -EBADF && !f->ops)
		done = host(utimensat(AT_FDCWD, host_fd_path(f->host_fd, path, sizeof path), times, 0));
	if (upath)
		file_put(f);
	return done;
}

/* utimensat: times are two timespecs (64-bit fields, or 32-bit for i386's
 * time32 call); UTIME_NOW and UTIME_OMIT pass through. A NULL path is
 * futimens on dirfd. */
static int64_t do_utimensat(struct task *t, const uint64_t *a, int wide)
{
	struct timespec ts[2];
	uint8_t raw[32];
	unsigned size = wide ? 16 : 8;
	if (a[2]) {
		if (copy_from_user(t->proc->mm, raw, a[2], 2 * size))
			return -EFAULT;
		for (int k = 0; k < 2; k++) {
			unsigned o = (unsigned)k * size;
			ts[k].tv_sec = wide ? (time_t)get64(raw, o) : (time_t)(int32_t)get32(raw, o);
			ts[k].tv_nsec = wide ? (long)get64(raw, o + 8) : (long)(int32_t)get32(raw, o + 4);
		}
	}
	return set_times(t, (int)a[0], a[1], (int)a[3], a[2] ? ts : NULL);
}

/* utimes and futimesat: two timevals of longs (NULL: now). */
static int64_t do_futimesat(struct task *t, int dirfd, uint64_t upath, uint64_t utv)
{
	struct timespec ts[2];
	uint8_t raw[32];
	int is64 = sys_is64(t);
	unsigned l = is64 ? 8 : 4;
	if (utv) {
		if (copy_from_user(t->proc->mm, raw, utv, 4 * l))
			return -EFAULT;
		for (int k = 0; k < 2; k++) {
			int64_t sec = is64 ? (int64_t)get64(raw, 2 * k * l) : (int32_t)get32(raw, 2 * k * l);
			int64_t usec = is64 ? (int64_t)get64(raw, (2 * k + 1) * l)
					    : (int32_t)get32(raw, (2 * k + 1) * l);
			if (usec < 0 || usec >= 1000000)
				return -EINVAL;
			ts[k].tv_sec = (time_t)sec;
			ts[k].tv_nsec = (long)(usec * 1000);
		}
	}
	return set_times(t, dirfd, upath, 0, utv ? ts : NULL);
}

int64_t sys_utimes(struct task *t, const uint64_t *a)
{
	return do_futimesat(t, LINUX_AT_FDCWD, a[0], a[1]);
}
int64_t sys_futimesat(struct task *t, const uint64_t *a)
{
	return do_futimesat(t, (int)a[0], a[1], a[2]);
}

/* utime: a struct utimbuf of two longs, seconds (NULL: now). */
int64_t sys_utime(struct task *t, const uint64_t *a)
{
	struct timespec ts[2];
	uint8_t raw[16];
	int is64 = sys_is64(t);
	unsigned l = is64 ? 8 : 4;
	if (a[1] && copy_from_user(t->proc->mm, raw, a[1], 2 * l))
		return -EFAULT;
	for (int k = 0; a[1] && k < 2; k++) {
		ts[k].tv_sec = is64 ? (time_t)get64(raw, k * l) : (time_t)(int32_t)get32(raw, k * l);
		ts[k].tv_nsec = 0;
	}
	return set_times(t, LINUX_AT_FDCWD, a[0], 0, a[1] ? ts : NULL);
}

int64_t sys_utimensat(struct task *t, const uint64_t *a) { return do_utimensat(t, a, 1); }
int64_t sys_utimensat32(struct task *t, const uint64_t *a) { return do_utimensat(t, a, 0); }
