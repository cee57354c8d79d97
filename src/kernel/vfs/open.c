/* Opening a guest path. Host files are opened non-blocking so that a FIFO
 * never stops the machine in open: FIFOs are recognised and served by a
 * kernel pipe, with Linux's open rules, inside the machine. */
#include "kernel/vfs/open.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/task/sched.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/pipe.h"
#include "kernel/vm.h"

int64_t vfs_open(struct task *t, int hostdir, const char *path, int flags, int mode,
		 struct file **out)
{
	struct stat st;
	if (t->resuming) /* a FIFO open that waited: the host file is not needed again */
		return fifo_open(t, 0, 0, flags, path, out);
	int hfd = openat(hostdir, path, flags | O_NONBLOCK | O_CLOEXEC,
			 (mode_t)(mode & ~(int)t->proc->umask & 07777));
	if (hfd < 0) {
		int err = errno;
		if (err == ENXIO && fstatat(hostdir, path, &st, 0) == 0 && S_ISFIFO(st.st_mode))
			return fifo_open(t, (uint64_t)st.st_dev, (uint64_t)st.st_ino, flags, path, out);
		return -err;
	}
	if (fstat(hfd, &st) == 0 && S_ISFIFO(st.st_mode)) {
		close(hfd);
		return fifo_open(t, (uint64_t)st.st_dev, (uint64_t)st.st_ino, flags, path, out);
	}
	/* only files that can block care; regular files ignore the flag */
	if (!(flags & O_NONBLOCK) && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		fcntl(hfd, F_SETFL, flags & ~O_NONBLOCK & ~O_ACCMODE);
	*out = file_from_host(hfd, flags, path);
	if (!*out) {
		close(hfd);
		return -ENOMEM;
	}
	return 0;
}
