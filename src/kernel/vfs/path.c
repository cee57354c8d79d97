/* Guest path arguments → host path and directory descriptor. */
#include "kernel/vfs/path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>

#include "kernel/vfs/file.h"
#include "kernel/vm.h"
#include "mem/uaccess.h"

#define LINUX_AT_FDCWD (-100)

int path_from_user_at(struct task *t, int dirfd, uint64_t upath, char *out, int *hostdir,
		      int allow_empty)
{
	long n = strncpy_from_user(t->proc->mm, out, upath, PATH_MAX);
	if (n < 0)
		return (int)n;
	if (n == 0 && !allow_empty)
		return -ENOENT;
	if (out[0] == '/' || dirfd == LINUX_AT_FDCWD) {
		*hostdir = AT_FDCWD;
		return 0;
	}
	struct file *f = fd_lookup(t->proc->fds, dirfd);
	if (!f)
		return -EBADF;
	*hostdir = f->host_fd;
	return 0;
}
