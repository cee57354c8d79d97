/* Guest path arguments of system calls. */
#include "kernel/vfs/path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kernel/task/sched.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/pipe.h"
#include "kernel/vm.h"
#include "mem/uaccess.h"

int path_copy(struct task *t, uint64_t upath, char *buf)
{
	long n = strncpy_from_user(t->proc->mm, buf, upath, VFS_PATH_MAX);
	if (n < 0)
		return (int)n;
	return n >= VFS_PATH_MAX ? -ENAMETOOLONG : 0;
}

int path_resolve(struct task *t, int dirfd, const char *path, int flags, struct vpath *out)
{
	const char *start = NULL;
	/* IN_ROOT makes dirfd the root of absolute paths too */
	if ((path[0] != '/' || (flags & VFS_IN_ROOT)) && dirfd != LINUX_AT_FDCWD) {
		struct file *f = fd_lookup(t->proc->fds, dirfd);
		if (!f)
			return -EBADF;
		start = file_path(f);
		if (!start || start[0] != '/')
			return -ENOTDIR;
	}
	return vfs_resolve(t, start, path, flags, out);
}

int path_at(struct task *t, int dirfd, uint64_t upath, int flags, struct vpath *out)
{
	char buf[VFS_PATH_MAX];
	int rc = path_copy(t, upath, buf);
	return rc ? rc : path_resolve(t, dirfd, buf, flags, out);
}

const char *path_visible(const struct task *t, const char *canonical)
{
	const char *root = t->proc->root;
	size_t n = root ? strlen(root) : 1;
	if (n <= 1 || strncmp(canonical, root, n) || (canonical[n] && canonical[n] != '/'))
		return canonical;
	return canonical[n] ? canonical + n : "/";
}

/* f's path becomes the canonical one it was opened by. 0 or -ENOMEM. */
static int name_file(struct file *f, const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	free(f->path);
	f->path = copy;
	return 0;
}

int64_t path_open(struct task *t, const struct vpath *p, int flags, int mode, struct file **out)
{
	struct fs *fs = p->mnt->fs;
	struct stat st;
	int64_t rc = fs->ops->open(t, fs, p->rel, flags, mode & ~(int)t->proc->umask & 07777, out);
	/* filesystems in memory leave FIFOs to the kernel's pipes */
	if (rc == -EOPNOTSUPP && fs->ops->lstat(t, fs, p->rel, &st) == 0 && S_ISFIFO(st.st_mode))
		rc = fifo_open(t, (uint64_t)st.st_dev, (uint64_t)st.st_ino, flags, p->path, out);
	/* a FIFO open waiting for its other side holds its file already: it is
	 * named now, as a snapshot finds the FIFO again by the name */
	if (rc == -KERN_EPARK && t->park.pending && !p->magic)
		name_file(t->park.pending, p->path);
	if (rc < 0)
		return rc;
	if (!p->magic && name_file(*out, p->path)) {
		file_put(*out);
		return -ENOMEM;
	}
	return 0;
}
