/* Owners and modes by path or descriptor: the chown family and fchmodat.
 * Guest and host ids are the same; the host decides what is permitted. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/sys/syscall.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/path.h"

#define LINUX_AT_FDCWD		 (-100)
#define LINUX_AT_SYMLINK_NOFOLLOW 0x100
#define LINUX_AT_EMPTY_PATH	 0x1000

static int64_t result(int rc) { return rc < 0 ? -errno : 0; }

/* -1 (as a 32-bit id) leaves that id as it is. */
static uid_t id_arg(uint64_t v) { return (uint32_t)v == 0xffffffffu ? (uid_t)-1 : (uid_t)(uint32_t)v; }

static int64_t do_fchownat(struct task *t, int dirfd, uint64_t upath, uint64_t uid, uint64_t gid,
			   int flags)
{
	char path[PATH_MAX];
	int hostdir;
	if (flags & ~(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH))
		return -EINVAL;
	int rc = path_from_user_at(t, dirfd, upath, path, &hostdir,
				   flags & LINUX_AT_EMPTY_PATH ? PATH_EMPTY_OK : 0);
	if (rc < 0)
		return rc;
	if (!path[0]) {
		struct file *f = fd_lookup(t->proc->fds, dirfd);
		if (!f)
			return -EBADF;
		return f->ops ? 0 : result(fchown(f->host_fd, id_arg(uid), (gid_t)id_arg(gid)));
	}
	int hflags = flags & LINUX_AT_SYMLINK_NOFOLLOW ? AT_SYMLINK_NOFOLLOW : 0;
	return result(fchownat(hostdir, path, id_arg(uid), (gid_t)id_arg(gid), hflags));
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
	if (!f)
		return -EBADF;
	return f->ops ? 0 : result(fchown(f->host_fd, id_arg(a[1]), (gid_t)id_arg(a[2])));
}

int64_t sys_fchmodat(struct task *t, const uint64_t *a)
{
	char path[PATH_MAX];
	int hostdir, rc = path_from_user(t, (int)a[0], a[1], path, &hostdir);
	return rc < 0 ? rc : result(fchmodat(hostdir, path, (mode_t)(a[2] & 07777), 0));
}
