/* Calls on names in the filesystem: access, mkdir, unlink, rename, links,
 * modes, truncation, directory listing, the working directory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/process.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/path.h"
#include "mem/mm.h"
#include "mem/uaccess.h"

#define LINUX_AT_FDCWD		  (-100)
#define LINUX_AT_REMOVEDIR	  0x200
#define LINUX_AT_SYMLINK_NOFOLLOW 0x100
#define LINUX_AT_EACCESS	  0x200

static int64_t ok_or_errno(int rc) { return rc < 0 ? -errno : 0; }

/* One guest path: copied and resolved against dirfd, or the error. */
struct upath {
	char name[PATH_MAX];
	int dir;
};

static int get_path(struct task *t, int dirfd, uint64_t addr, struct upath *p)
{
	return path_from_user(t, dirfd, addr, p->name, &p->dir);
}

static int64_t do_faccessat(struct task *t, int dirfd, uint64_t upath, int mode, int flags)
{
	struct upath p;
	int rc = get_path(t, dirfd, upath, &p);
	if (rc < 0)
		return rc;
	int hflags = (flags & LINUX_AT_SYMLINK_NOFOLLOW ? AT_SYMLINK_NOFOLLOW : 0) |
		     (flags & LINUX_AT_EACCESS ? AT_EACCESS : 0);
	return ok_or_errno(faccessat(p.dir, p.name, mode, hflags));
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

static int64_t do_mkdirat(struct task *t, int dirfd, uint64_t upath, int mode)
{
	struct upath p;
	int rc = get_path(t, dirfd, upath, &p);
	if (rc < 0)
		return rc;
	return ok_or_errno(mkdirat(p.dir, p.name, (mode_t)(mode & ~(int)t->proc->umask & 07777)));
}

int64_t sys_mkdir(struct task *t, const uint64_t *a)
{
	return do_mkdirat(t, LINUX_AT_FDCWD, a[0], (int)a[1]);
}
int64_t sys_mkdirat(struct task *t, const uint64_t *a)
{
	return do_mkdirat(t, (int)a[0], a[1], (int)a[2]);
}

/* Regular files, FIFOs and sockets; device nodes are the host's to refuse. */
static int64_t do_mknodat(struct task *t, int dirfd, uint64_t upath, uint32_t mode, uint32_t dev)
{
	struct upath p;
	int rc = get_path(t, dirfd, upath, &p);
	if (rc < 0)
		return rc;
	mode_t m = (mode_t)((mode & ~S_IFMT & ~t->proc->umask & 07777) | (mode & S_IFMT));
	if (!(mode & S_IFMT))
		m |= S_IFREG;
	return ok_or_errno(mknodat(p.dir, p.name, m, (dev_t)dev));
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
	struct upath p;
	int rc = get_path(t, dirfd, upath, &p);
	if (rc < 0)
		return rc;
	if (flags & ~LINUX_AT_REMOVEDIR)
		return -EINVAL;
	return ok_or_errno(unlinkat(p.dir, p.name, flags & LINUX_AT_REMOVEDIR ? AT_REMOVEDIR : 0));
}

int64_t sys_unlink(struct task *t, const uint64_t *a)
{
	return do_unlinkat(t, LINUX_AT_FDCWD, a[0], 0);
}
int64_t sys_rmdir(struct task *t, const uint64_t *a)
{
	return do_unlinkat(t, LINUX_AT_FDCWD, a[0], LINUX_AT_REMOVEDIR);
}
int64_t sys_unlinkat(struct task *t, const uint64_t *a)
{
	return do_unlinkat(t, (int)a[0], a[1], (int)a[2]);
}

static int64_t do_renameat(struct task *t, int olddir, uint64_t oldp, int newdir, uint64_t newp,
			   unsigned flags)
{
	struct upath from, to;
	int rc = get_path(t, olddir, oldp, &from);
	if (rc == 0)
		rc = get_path(t, newdir, newp, &to);
	if (rc < 0)
		return rc;
	if (flags)
		return -EINVAL; /* RENAME_NOREPLACE and friends come with the VFS */
	return ok_or_errno(renameat(from.dir, from.name, to.dir, to.name));
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

/* The one procfs link programs rely on before the VFS brings procfs: the
 * guest's own executable, not hexvm's. */
static int own_exe_link(struct task *t, const char *path, char *target)
{
	char self[32];
	snprintf(self, sizeof self, "/proc/%d/exe", t->proc->pid);
	if (strcmp(path, "/proc/self/exe") && strcmp(path, self))
		return 0;
	if (!realpath(t->proc->exe, target))
		snprintf(target, PATH_MAX, "%s", t->proc->exe);
	return 1;
}

static int64_t do_readlinkat(struct task *t, int dirfd, uint64_t upath, uint64_t ubuf, int64_t size)
{
	struct upath p;
	char target[PATH_MAX];
	int rc = path_from_user_at(t, dirfd, upath, p.name, &p.dir, PATH_THE_LINK);
	if (rc < 0)
		return rc;
	if (size <= 0)
		return -EINVAL;
	ssize_t n = own_exe_link(t, p.name, target)
			    ? (ssize_t)strlen(target)
			    : readlinkat(p.dir, p.name, target, sizeof target);
	if (n < 0)
		return -errno;
	if (n > size)
		n = size;
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

int64_t sys_symlink(struct task *t, const uint64_t *a)
{
	char target[PATH_MAX];
	struct upath p;
	long n = strncpy_from_user(t->proc->mm, target, a[0], sizeof target);
	if (n < 0)
		return n;
	int rc = get_path(t, LINUX_AT_FDCWD, a[1], &p);
	return rc < 0 ? rc : ok_or_errno(symlinkat(target, p.dir, p.name));
}

int64_t sys_link(struct task *t, const uint64_t *a)
{
	struct upath from, to;
	int rc = get_path(t, LINUX_AT_FDCWD, a[0], &from);
	if (rc == 0)
		rc = get_path(t, LINUX_AT_FDCWD, a[1], &to);
	return rc < 0 ? rc : ok_or_errno(linkat(from.dir, from.name, to.dir, to.name, 0));
}

int64_t sys_chmod(struct task *t, const uint64_t *a)
{
	struct upath p;
	int rc = get_path(t, LINUX_AT_FDCWD, a[0], &p);
	return rc < 0 ? rc : ok_or_errno(fchmodat(p.dir, p.name, (mode_t)(a[1] & 07777), 0));
}

int64_t sys_fchmod(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(t->proc->fds, (int)a[0]);
	return f ? ok_or_errno(fchmod(f->host_fd, (mode_t)(a[1] & 07777))) : -EBADF;
}

int64_t sys_truncate(struct task *t, const uint64_t *a)
{
	struct upath p;
	int rc = get_path(t, LINUX_AT_FDCWD, a[0], &p);
	return rc < 0 ? rc : ok_or_errno(truncate(p.name, (off_t)sys_sarg(t, a[1])));
}

int64_t sys_truncate64_32(struct task *t, const uint64_t *a)
{
	struct upath p;
	int rc = get_path(t, LINUX_AT_FDCWD, a[0], &p);
	return rc < 0 ? rc : ok_or_errno(truncate(p.name, (off_t)(a[1] | a[2] << 32)));
}

int64_t sys_ftruncate(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(t->proc->fds, (int)a[0]);
	return f ? ok_or_errno(ftruncate(f->host_fd, (off_t)sys_sarg(t, a[1]))) : -EBADF;
}

int64_t sys_ftruncate64_32(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(t->proc->fds, (int)a[0]);
	return f ? ok_or_errno(ftruncate(f->host_fd, (off_t)(a[1] | a[2] << 32))) : -EBADF;
}

/* struct linux_dirent64 is the same for both ABIs, so the host's records are
 * passed through. */
int64_t sys_getdents64(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(t->proc->fds, (int)a[0]);
	size_t n = (size_t)(a[2] > 1u << 20 ? 1u << 20 : a[2]);
	if (!f)
		return -EBADF;
	void *buf = user_ptr(t->proc->mm, a[1], n, GPROT_WRITE);
	if (!buf)
		return -EFAULT;
	long got = syscall(SYS_getdents64, f->host_fd, buf, n);
	if (got < 0)
		return -errno;
	user_wrote(t->proc->mm, a[1], (size_t)got);
	return got;
}

int64_t sys_getcwd(struct task *t, const uint64_t *a)
{
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd))
		return -errno;
	size_t len = strlen(cwd) + 1;
	if (len > a[1])
		return -ERANGE;
	int rc = copy_to_user(t->proc->mm, a[0], cwd, len);
	return rc < 0 ? rc : (int64_t)len;
}

/* The host's working directory is the running process's; each process
 * keeps its own as a directory descriptor. */
static int64_t took_new_cwd(struct task *t, int rc)
{
	if (rc < 0)
		return -errno;
	int fd = process_cwd_open();
	if (fd < 0)
		return -errno;
	if (t->proc->cwd_fd >= 0)
		close(t->proc->cwd_fd);
	t->proc->cwd_fd = fd;
	return 0;
}

int64_t sys_chdir(struct task *t, const uint64_t *a)
{
	struct upath p;
	int rc = get_path(t, LINUX_AT_FDCWD, a[0], &p);
	return rc < 0 ? rc : took_new_cwd(t, chdir(p.name));
}

int64_t sys_fchdir(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(t->proc->fds, (int)a[0]);
	if (!f)
		return -EBADF;
	if (f->ops)
		return -ENOTDIR;
	return took_new_cwd(t, fchdir(f->host_fd));
}

int64_t sys_umask(struct task *t, const uint64_t *a)
{
	uint32_t old = t->proc->umask;
	t->proc->umask = (uint32_t)a[0] & 0777;
	return old;
}

/* utimensat: times are two timespecs (64-bit fields, or 32-bit for i386's
 * time32 call); UTIME_NOW and UTIME_OMIT pass through. */
static int64_t do_utimensat(struct task *t, const uint64_t *a, int wide)
{
	struct timespec ts[2];
	uint8_t raw[32];
	struct upath p;
	unsigned size = wide ? 16 : 8;
	int hflags = ((int)a[3] & LINUX_AT_SYMLINK_NOFOLLOW) ? AT_SYMLINK_NOFOLLOW : 0;
	if (a[2]) {
		if (copy_from_user(t->proc->mm, raw, a[2], 2 * size))
			return -EFAULT;
		for (int k = 0; k < 2; k++) {
			unsigned o = (unsigned)k * size;
			ts[k].tv_sec =
				wide ? (time_t)get64(raw, o) : (time_t)(int32_t)get32(raw, o);
			ts[k].tv_nsec =
				wide ? (long)get64(raw, o + 8) : (long)(int32_t)get32(raw, o + 4);
		}
	}
	if (a[1] == 0) { /* futimens */
		struct file *f = fd_lookup(t->proc->fds, (int)a[0]);
		if (!f)
			return -EBADF;
		return ok_or_errno(futimens(f->host_fd, a[2] ? ts : NULL));
	}
	int rc = get_path(t, (int)a[0], a[1], &p);
	return rc < 0 ? rc : ok_or_errno(utimensat(p.dir, p.name, a[2] ? ts : NULL, hflags));
}

int64_t sys_utimensat(struct task *t, const uint64_t *a) { return do_utimensat(t, a, 1); }
int64_t sys_utimensat32(struct task *t, const uint64_t *a) { return do_utimensat(t, a, 0); }
