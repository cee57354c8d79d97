/* fcntl: descriptor flags, status flags, record locks (sys_lock.c), a
 * memfd's seals (kernel/vfs/memfd.c) and a pipe's size. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "kernel/sys/syscall.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/memfd.h"
#include "kernel/vfs/pipe.h"

#define L_F_SETPIPE_SZ	   1031
#define L_F_GETPIPE_SZ	   1032
#define L_F_ADD_SEALS	   1033
#define L_F_GET_SEALS	   1034
#define PIPE_MAX_SIZE_USER (1u << 20) /* /proc/sys/fs/pipe-max-size */
#define PAGE		   4096u

static struct fdtable *fds(struct task *t) { return t->proc->fds; }

/* Linux's round_pipe_size: a page at least, a power of two. */
static uint64_t round_pipe_size(uint64_t want)
{
	uint64_t size = PAGE;
	while (size < want)
		size <<= 1;
	return size;
}

/* A kernel pipe's size is hexvm's; a host pipe's (a FIFO, the pipes hexvm
 * was given) the host's. Anything else is no pipe: EBADF. */
static int64_t pipe_size_cmd(struct task *t, struct file *f, int cmd, uint64_t arg)
{
	struct pipe *p = pipe_of_file(f);
	struct stat st;
	if (!p) {
		if (f->ops || fstat(f->host_fd, &st) || !S_ISFIFO(st.st_mode))
			return -EBADF;
		int rc = cmd == L_F_GETPIPE_SZ ? fcntl(f->host_fd, F_GETPIPE_SZ)
					       : fcntl(f->host_fd, F_SETPIPE_SZ, (int)arg);
		return rc < 0 ? -errno : rc;
	}
	if (cmd == L_F_GETPIPE_SZ)
		return (int64_t)pipe_size(p);
	uint64_t size = round_pipe_size((unsigned)arg);
	if ((unsigned)arg > PIPE_SIZE_MAX || size > PIPE_SIZE_MAX)
		return -EINVAL;
	if (size > PIPE_MAX_SIZE_USER && t->proc->uid)
		return -EPERM;
	int rc = pipe_resize(p, (size_t)size);
	return rc ? rc : (int64_t)size;
}

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
		/* O_NONBLOCK is the guest's, not the host's, and so is
		 * O_LARGEFILE, which a 64-bit host always has */
		int hf = fcntl(f->host_fd, F_GETFL), guest_only = O_NONBLOCK | LINUX_O_LARGEFILE;
		return hf < 0 ? -errno : (hf & ~guest_only) | (f->flags & guest_only);
	}
	case F_SETFL: {
		int settable = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME;
		/* sockets stay non-blocking on the host: a guest's blocking call
		 * parks its thread, never hexvm */
		int host = ((int)a[2] & settable) | (f->is_socket ? O_NONBLOCK : 0);
		if (!f->ops && fcntl(f->host_fd, F_SETFL, host) < 0)
			return -errno;
		f->flags = (f->flags & ~settable) | ((int)a[2] & settable);
		return 0;
	}
	case L_F_SETPIPE_SZ:
	case L_F_GETPIPE_SZ: return pipe_size_cmd(t, f, cmd, a[2]);
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
