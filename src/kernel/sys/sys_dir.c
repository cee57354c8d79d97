/* Directories: listing (getdents64 and the old getdents), the working
 * directory and the root. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/syscall.h"
#include "kernel/vfs/dirnames.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/path.h"
#include "kernel/vfs/vfs.h"
#include "mem/mm.h"
#include "mem/uaccess.h"

#define DIRENT_HEAD 19 /* d_ino, d_off, d_reclen, d_type */

/* Records of a directory hexvm serves itself, from its readdir op; an entry
 * that does not fit stays for the next call. */
static int64_t list_ops_dir(struct task *t, struct file *f, uint8_t *buf, size_t size)
{
	struct vfs_dirent e;
	size_t used = 0;
	for (;;) {
		uint64_t pos = f->pos;
		int rc = f->ops->readdir(t, f, &pos, &e);
		if (rc < 0)
			return used ? (int64_t)used : rc;
		if (rc == 0)
			break;
		size_t len = strlen(e.name), reclen = (DIRENT_HEAD + len + 1 + 7) & ~(size_t)7;
		if (used + reclen > size)
			return used ? (int64_t)used : -EINVAL;
		uint8_t *r = buf + used;
		memset(r, 0, reclen);
		put64(r, 0, e.ino);
		put64(r, 8, pos);
		put16(r, 16, reclen);
		r[18] = e.type;
		memcpy(r + DIRENT_HEAD, e.name, len);
		used += reclen;
		f->pos = pos;
	}
	return (int64_t)used;
}

/* A host directory's records, passed through: struct linux_dirent64 is the
 * same for both ABIs. One restored from a snapshot may leave out the names
 * it gave before (vfs/dirnames.h); *wrote: the bytes the host wrote. */
static int64_t list_host_dir(struct file *f, uint8_t *buf, size_t size, size_t *wrote)
{
	for (;;) {
		long got = syscall(SYS_getdents64, f->host_fd, buf, size);
		if (got < 0)
			return -errno;
		if ((size_t)got > *wrote)
			*wrote = (size_t)got;
		if (!f->dir_skip || got == 0)
			return got;
		size_t kept = dirnames_filter(f->dir_skip, buf, (size_t)got);
		if (kept)
			return (int64_t)kept;
	}
}

/* linux_dirent64 records of f into buf; *wrote: the bytes written there. */
static int64_t list_dir(struct task *t, struct file *f, uint8_t *buf, size_t n, size_t *wrote)
{
	int64_t got;
	*wrote = 0;
	if (f->ops)
		got = f->ops->readdir ? list_ops_dir(t, f, buf, n) : -ENOTDIR;
	else
		got = list_host_dir(f, buf, n, wrote);
	if (got > 0 && (size_t)got > *wrote)
		*wrote = (size_t)got;
	return got;
}

int64_t sys_getdents64(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(t->proc->fds, (int)a[0]);
	size_t n = (size_t)(a[2] > 1u << 20 ? 1u << 20 : a[2]);
	if (!f)
		return -EBADF;
	uint8_t *buf = user_ptr(t->proc->mm, a[1], n, GPROT_WRITE);
	if (!buf)
		return -EFAULT;
	size_t wrote;
	int64_t got = list_dir(t, f, buf, n, &wrote);
	if (wrote)
		user_wrote(t->proc->mm, a[1], wrote);
	return got;
}

/* The directory position of f, to come back to. */
static uint64_t dir_tell(struct file *f)
{
	return f->ops ? f->pos : (uint64_t)lseek(f->host_fd, 0, SEEK_CUR);
}

static void dir_seek(struct file *f, uint64_t pos)
{
	if (f->ops)
		f->pos = pos;
	else
		lseek(f->host_fd, (off_t)pos, SEEK_SET);
}

/* linux_dirent64 records turned into the old linux_dirent of the ABI (ino
 * and off as its longs, reclen, the name, a pad, the type in the last
 * byte) while they fit in `size`; the directory goes back to the first one
 * left out. The count of bytes, or -EINVAL (not even one fits) or
 * -EOVERFLOW (the first inode number does not fit an i386 long). */
static int64_t to_old_dirents(struct file *f, const uint8_t *in, size_t got, uint64_t start,
			      uint8_t *out, size_t size, int is64)
{
	size_t used = 0, word = is64 ? 8 : 4;
	uint64_t resume = start;
	for (size_t at = 0; at < got;) {
		uint64_t ino = get64(in, (unsigned)at), off = get64(in, (unsigned)at + 8);
		const char *name = (const char *)in + at + DIRENT_HEAD;
		size_t len = strlen(name), reclen = (2 * word + 2 + len + 2 + word - 1) & ~(word - 1);
		int overflow = !is64 && ino > UINT32_MAX;
		if (overflow || used + reclen > size) {
			dir_seek(f, resume);
			return used ? (int64_t)used : overflow ? -EOVERFLOW : -EINVAL;
		}
		uint8_t *r = out + used;
		memset(r, 0, reclen);
		put_long(r, 0, ino, is64);
		put_long(r, (unsigned)word, off, is64);
		put16(r, 2 * (unsigned)word, (uint16_t)reclen);
		memcpy(r + 2 * word + 2, name, len);
		r[reclen - 1] = in[at + 18];
		used += reclen;
		resume = off;
		uint16_t reclen64;
		memcpy(&reclen64, in + at + 16, 2);
		at += reclen64;
	}
	return (int64_t)used;
}

int64_t sys_getdents(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(t->proc->fds, (int)a[0]);
	size_t n = (size_t)(a[2] > 1u << 20 ? 1u << 20 : a[2]), wrote;
	if (!f)
		return -EBADF;
	uint8_t *buf = user_ptr(t->proc->mm, a[1], n, GPROT_WRITE);
	if (!buf)
		return -EFAULT;
	/* i386 records are smaller: read enough of the larger ones to fill n */
	uint8_t *tmp = malloc(2 * n + 64);
	if (!tmp)
		return -ENOMEM;
	uint64_t start = dir_tell(f);
	int64_t got = list_dir(t, f, tmp, 2 * n + 64, &wrote);
	if (got > 0)
		got = to_old_dirents(f, tmp, (size_t)got, start, buf, n, sys_is64(t));
	free(tmp);
	if (got > 0)
		user_wrote(t->proc->mm, a[1], (size_t)got);
	return got;
}

int64_t sys_getcwd(struct task *t, const uint64_t *a)
{
	const char *cwd = path_visible(t, t->proc->cwd);
	size_t len = strlen(cwd) + 1;
	if (len > a[1])
		return -ERANGE;
	int rc = copy_to_user(t->proc->mm, a[0], cwd, len);
	return rc < 0 ? rc : (int64_t)len;
}

/* A directory the caller may search becomes its working directory (or root). */
static int64_t set_dir(struct task *t, const struct vpath *p, char **slot)
{
	struct stat st;
	int rc = vfs_lstat(t, p, &st);
	if (rc)
		return rc;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	rc = p->mnt->fs->ops->access(t, p->mnt->fs, p->rel, X_OK);
	if (rc)
		return rc;
	char *copy = strdup(p->path);
	if (!copy)
		return -ENOMEM;
	free(*slot);
	*slot = copy;
	return 0;
}

int64_t sys_chdir(struct task *t, const uint64_t *a)
{
	struct vpath p;
	int rc = path_at(t, LINUX_AT_FDCWD, a[0], VFS_DIRECTORY, &p);
	return rc ? rc : set_dir(t, &p, &t->proc->cwd);
}

int64_t sys_fchdir(struct task *t, const uint64_t *a)
{
	struct file *f = fd_lookup(t->proc->fds, (int)a[0]);
	struct vpath p;
	if (!f)
		return -EBADF;
	const char *dir = file_path(f);
	if (!dir || dir[0] != '/')
		return -ENOTDIR;
	int rc = vfs_resolve(t, NULL, dir, VFS_DIRECTORY, &p);
	return rc ? rc : set_dir(t, &p, &t->proc->cwd);
}

/* Only root may; the working directory stays where it is, as on Linux. */
int64_t sys_chroot(struct task *t, const uint64_t *a)
{
	struct vpath p;
	if (t->proc->uid != 0)
		return -EPERM;
	int rc = path_at(t, LINUX_AT_FDCWD, a[0], VFS_DIRECTORY, &p);
	return rc ? rc : set_dir(t, &p, &t->proc->root);
}

int64_t sys_umask(struct task *t, const uint64_t *a)
{
	uint32_t old = t->proc->umask;
	t->proc->umask = (uint32_t)a[0] & 0777;
	return old;
}
