/* fcntl: descriptor flags, status flags, record locks (sys_lock.c) and a
 * memfd's seals (kernel/vfs/memfd.c). */
#include <errno.h>
#include <fcntl.h>

#include "kernel/sys/syscall.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/memfd.h"

#define L_F_ADD_SEALS 1033
#define L_F_GET_SEALS 1034

static struct fdtable *fds(struct task *t) { return t->proc->fds; }

int64_t sys_fcntl(struct task *t, const uint64_t *a)
{
	int fd = (int)a[0], cmd = (int)a[1];
	struct file *f = fd_lookup(fds(t), fd);
	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((int)a[2] < 0 || (int)a[2] >= fds(t)->limit)
			return -EINVAL;
		return fd_alloc(fds(t), file_get(f), (int)a[2], cmd == F_DUPFD_CLOEXEC);
	case F_GETFD: return fds(t)->cloexec[fd] ? FD_CLOEXEC : 0;
	case F_SETFD: fds(t)->cloexec[fd] = (a[2] & FD_CLOEXEC) != 0; return 0;
	case F_GETFL: {
		if (f->ops)
			return f->flags;
		int hf = fcntl(f->host_fd, F_GETFL); /* O_NONBLOCK is the guest's, not the host's */
		return hf < 0 ? -errno : (hf & ~O_NONBLOCK) | (f->flags & O_NONBLOCK);
	}
	case F_SETFL: {
		int settable = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME;
		if (!f->ops && fcntl(f->host_fd, F_SETFL, (int)a[2] & settable) < 0)
			return -errno;
		f->flags = (f->flags & ~settable) | ((int)a[2] & settable);
		return 0;
	}
	case L_F_ADD_SEALS: return memfd_add_seals(f, (unsigned)a[2]);
	case L_F_GET_SEALS: return memfd_get_seals(f);
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case 12: /* i386's F_GETLK64, F_SETLK64, F_SETLKW64 */
	case 13:
	case 14:
	case 36: /* F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW */
	case 37:
	case 38: return fcntl_lock(t, f, cmd, a[2]);
	default: return -EINVAL;
	}
}
