/* hostfs: a host directory shown in the guest. Every operation is the host
 * call relative to a descriptor of that directory with the path hexvm's
 * resolver produced, whose components it has already checked are no
 * symlinks (but perhaps the last); so neither ".." nor a symlink takes the
 * guest outside the directory. Host files are opened non-blocking, so that
 * a FIFO never stops the machine: FIFOs are served by kernel pipes. */
#include "kernel/vfs/fs/hostfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/vfs/file.h"
#include "kernel/vfs/hostcache.h"
#include "kernel/vfs/pipe.h"
#include "kernel/vm.h"


struct hostfs {
	int dir; /* the shown directory */
};

static int dirfd_of(const struct fs *fs) { return ((const struct hostfs *)fs->priv)->dir; }
int hostfs_dirfd(const struct fs *fs) { return dirfd_of(fs); }
static const char *host_rel(const char *rel) { return rel[0] ? rel : "."; }
static int result(int rc) { return rc < 0 ? -errno : rc; }

static int h_lstat(struct task *t, struct fs *fs, const char *rel, struct stat *st)
{
	return result(fstatat(dirfd_of(fs), host_rel(rel), st, AT_SYMLINK_NOFOLLOW));
}

static int h_readlink(struct task *t, struct fs *fs, const char *rel, char *buf, size_t size)
{
	ssize_t n = readlinkat(dirfd_of(fs), host_rel(rel), buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return (int)n;
}

static int64_t open_fifo(struct task *t, const struct stat *st, int flags, const char *rel,
			 struct file **out)
{
	return fifo_open(t, (uint64_t)st->st_dev, (uint64_t)st->st_ino, flags, rel, out);
}

static int64_t h_open(struct task *t, struct fs *fs, const char *rel, int flags, int mode,
		      struct file **out)
{
	struct stat st;
	if (t->resuming) /* a FIFO open that waited for the other side */
		return fifo_open(t, 0, 0, flags, rel, out);
	int hfd = openat(dirfd_of(fs), host_rel(rel), flags | O_NONBLOCK | O_CLOEXEC, (mode_t)mode);
	if (hfd < 0) {
		int err = errno;
		if (err == ENXIO && fstatat(dirfd_of(fs), host_rel(rel), &st, 0) == 0 &&
		    S_ISFIFO(st.st_mode))
			return open_fifo(t, &st, flags, rel, out);
		return -err;
	}
	int known = !(flags & LINUX_O_PATH) && fstat(hfd, &st) == 0;
	if (known && S_ISFIFO(st.st_mode)) {
		close(hfd);
		return open_fifo(t, &st, flags, rel, out);
	}
	/* only files that can block care; regular files ignore the flag */
	if (known && !(flags & O_NONBLOCK) && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		fcntl(hfd, F_SETFL, flags & ~O_NONBLOCK & ~O_ACCMODE);
	*out = file_from_host(hfd, flags, rel);
	if (!*out) {
		close(hfd);
		return -ENOMEM;
	}
	if (known)
		hostcache_open(t->vm, *out, &st);
	return 0;
}

static int h_mkdir(struct task *t, struct fs *fs, const char *rel, int mode)
{
	return result(mkdirat(dirfd_of(fs), host_rel(rel), (mode_t)mode));
}

static int h_mknod(struct task *t, struct fs *fs, const char *rel, int mode, uint64_t dev)
{
	return result(mknodat(dirfd_of(fs), host_rel(rel), (mode_t)mode, (dev_t)dev));
}

static int h_unlink(struct task *t, struct fs *fs, const char *rel)
{
	return result(unlinkat(dirfd_of(fs), host_rel(rel), 0));
}

static int h_rmdir(struct task *t, struct fs *fs, const char *rel)
{
	return result(unlinkat(dirfd_of(fs), host_rel(rel), AT_REMOVEDIR));
}

static int h_symlink(struct task *t, struct fs *fs, const char *target, const char *rel)
{
	return result(symlinkat(target, dirfd_of(fs), host_rel(rel)));
}

static int h_link(struct task *t, struct fs *fs, const char *from, const char *to)
{
	return result(linkat(dirfd_of(fs), host_rel(from), dirfd_of(fs), host_rel(to), 0));
}

static int h_rename(struct task *t, struct fs *fs, const char *from, const char *to, int flags)
{
	int d = dirfd_of(fs);
	if (flags)
		return result(renameat2(d, host_rel(from), d, host_rel(to), (unsigned)flags));
	return result(renameat(d, host_rel(from), d, host_rel(to)));
}

static int h_chmod(struct task *t, struct fs *fs, const char *rel, int mode)
{
	return result(fchmodat(dirfd_of(fs), host_rel(rel), (mode_t)mode, 0));
}

static int h_chown(struct task *t, struct fs *fs, const char *rel, uint32_t uid, uint32_t gid)
{
	return result(fchownat(dirfd_of(fs), host_rel(rel), (uid_t)uid, (gid_t)gid,
			       AT_SYMLINK_NOFOLLOW));
}

static int h_utimens(struct task *t, struct fs *fs, const char *rel, const struct timespec *ts)
{
	return result(utimensat(dirfd_of(fs), host_rel(rel), ts, AT_SYMLINK_NOFOLLOW));
}

static int h_truncate(struct task *t, struct fs *fs, const char *rel, uint64_t len)
{
	int fd = openat(dirfd_of(fs), host_rel(rel), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = result(ftruncate(fd, (off_t)len));
	close(fd);
	return rc;
}

static int h_access(struct task *t, struct fs *fs, const char *rel, int mode)
{
	return result(faccessat(dirfd_of(fs), host_rel(rel), mode, 0));
}

static void h_destroy(struct fs *fs)
{
	close(dirfd_of(fs));
	free(fs->priv);
	free(fs);
}

static const struct fs_ops hostfs_ops = {
	.lstat = h_lstat,
	.readlink = h_readlink,
	.open = h_open,
	.mkdir = h_mkdir,
	.mknod = h_mknod,
	.unlink = h_unlink,
	.rmdir = h_rmdir,
	.symlink = h_symlink,
	.link = h_link,
	.rename = h_rename,
	.chmod = h_chmod,
	.chown = h_chown,
	.utimens = h_utimens,
	.truncate = h_truncate,
	.access = h_access,
	.destroy = h_destroy,
};

struct fs *hostfs_create(const char *host_dir)
{
	struct fs *fs = calloc(1, sizeof *fs);
	struct hostfs *h = calloc(1, sizeof *h);
	int dir = open(host_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!fs || !h || dir < 0) {
		int err = dir < 0 ? errno : ENOMEM;
		if (dir >= 0)
			close(dir);
		free(fs);
		free(h);
		errno = err;
		return NULL;
	}
	h->dir = dir;
	fs->ops = &hostfs_ops;
	fs->type = "hostfs";
	fs->priv = h;
	return fs;
}
