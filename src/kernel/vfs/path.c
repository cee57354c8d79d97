/* Guest path arguments → host path and directory descriptor. */
#include "kernel/vfs/path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "kernel/vfs/file.h"
#include "kernel/vm.h"
#include "mem/uaccess.h"

#define LINUX_AT_FDCWD (-100)

/* Until procfs lands, /proc/self/exe (and /proc/PID/exe of the caller)
 * names the guest's executable, never hexvm's. */
static void own_exe(struct task *t, char *path)
{
	char self[32];
	snprintf(self, sizeof self, "/proc/%d/exe", t->proc->pid);
	if (t->proc->exe && (!strcmp(path, "/proc/self/exe") || !strcmp(path, self)))
		snprintf(path, PATH_MAX, "%s", t->proc->exe);
}

int path_from_user_at(struct task *t, int dirfd, uint64_t upath, char *out, int *hostdir,
		      int flags)
{
	long n = strncpy_from_user(t->proc->mm, out, upath, PATH_MAX);
	if (n < 0)
		return (int)n;
	if (n == 0 && !(flags & PATH_EMPTY_OK))
		return -ENOENT;
	if (!(flags & PATH_THE_LINK))
		own_exe(t, out);
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
