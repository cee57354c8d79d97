/* Sockets are host sockets, held non-blocking by hexvm: a guest that asked
 * for blocking calls parks until the host descriptor is ready, so a server
 * waiting in accept stops nothing else. Socket addresses have the same
 * layout in both ABIs; AF_UNIX paths are guest paths, reached through the
 * directory of the hostfs that holds them (other filesystems cannot hold a
 * socket: EOPNOTSUPP). The abstract namespace passes through. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "host/hostcwd.h"
#include "kernel/abi/layout.h"
#include "kernel/sys/sock_ident.h"
#include "kernel/sys/sockaddr.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/sched.h"
#include "kernel/task/timer.h"
#include "kernel/task/signal.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/fs/hostfs.h"
#include "kernel/vfs/hostio.h"
#include "kernel/vfs/path.h"
#include "mem/mm.h"
#include "mem/uaccess.h"

#define L_SOCK_NONBLOCK 04000
#define L_SOCK_CLOEXEC	02000000
#define DONTWAIT_ARG 3 /* the flags argument of sendto and recvfrom */

static int64_t host_rc(long rc) { return rc < 0 ? -errno : rc; }

struct file *socket_of(struct task *t, int fd, int64_t *err)
{
	struct file *f = fd_lookup(t->proc->fds, fd);
	*err = !f ? -EBADF : (f->ops || !f->is_socket) ? -ENOTSOCK : 0;
	return *err ? NULL : f;
}

static int64_t install(struct task *t, int hfd, int type_flags)
{
	struct file *f = file_from_host(hfd, O_RDWR | (type_flags & L_SOCK_NONBLOCK ? O_NONBLOCK : 0),
					"socket:[]");
	if (!f) {
		close(hfd);
		return -ENOMEM;
	}
	f->is_socket = 1;
	return fd_alloc_new(t->proc->fds, f, type_flags & L_SOCK_CLOEXEC);
}

int64_t sys_socket(struct task *t, const uint64_t *a)
{
	int type = (int)a[1];
	int hfd = socket((int)a[0], (type & ~(L_SOCK_NONBLOCK | L_SOCK_CLOEXEC)) | SOCK_NONBLOCK |
					    SOCK_CLOEXEC,
			 (int)a[2]);
	return hfd < 0 ? -errno : install(t, hfd, type);
}

int64_t sys_socketpair(struct task *t, const uint64_t *a)
{
	int type = (int)a[1], hfd[2];
	if (socketpair((int)a[0],
		       (type & ~(L_SOCK_NONBLOCK | L_SOCK_CLOEXEC)) | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       (int)a[2], hfd) < 0)
		return -errno;
	int64_t fd0 = install(t, hfd[0], type);
	if (fd0 < 0) {
		close(hfd[1]);
		return fd0;
	}
	int64_t fd1 = install(t, hfd[1], type);
	if (fd1 < 0) {
		fd_close(t->proc->fds, (int)fd0);
		return fd1;
	}
	sock_ident_pair(t, fd_lookup(t->proc->fds, (int)fd0), fd_lookup(t->proc->fds, (int)fd1));
	uint8_t raw[8];
	put32(raw, 0, (uint32_t)fd0);
	put32(raw, 4, (uint32_t)fd1);
	return copy_to_user(t->proc->mm, a[3], raw, 8);
}

int64_t sock_addr_from_guest(struct task *t, uint64_t uaddr, uint64_t len,
			     struct sockaddr_storage *ss, socklen_t *hlen, int *dirfd, int creating)
{
	*dirfd = -1;
	if (len > sizeof *ss)
		return -EINVAL;
	if (copy_from_user(t->proc->mm, ss, uaddr, (size_t)len))
		return -EFAULT;
	*hlen = (socklen_t)len;
	struct sockaddr_un *un = (struct sockaddr_un *)ss;
	if (len <= offsetof(struct sockaddr_un, sun_path) || un->sun_family != AF_UNIX ||
	    !un->sun_path[0])
		return 0;
	char path[sizeof un->sun_path + 1];
	size_t plen = strnlen(un->sun_path, len - offsetof(struct sockaddr_un, sun_path));
	memcpy(path, un->sun_path, plen);
	path[plen] = 0;
	struct vpath vp;
	int rc = path_resolve(t, LINUX_AT_FDCWD, path, creating ? VFS_PARENT | VFS_NOFOLLOW : 0, &vp);
	if (rc)
		return rc;
	if (strcmp(vp.mnt->fs->type, "hostfs"))
		return -EOPNOTSUPP;
	if (strlen(vp.rel) >= sizeof un->sun_path)
		return -ENAMETOOLONG;
	memset(un->sun_path, 0, sizeof un->sun_path);
	memcpy(un->sun_path, vp.rel, strlen(vp.rel));
	*hlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(vp.rel) + 1);
	*dirfd = hostfs_dirfd(vp.mnt->fs);
	return 0;
}

/* bind and connect of a path socket run in the hostfs directory. */
static int64_t in_dir(int dirfd, int (*call)(int, const struct sockaddr *, socklen_t), int fd,
		      const struct sockaddr_storage *ss, socklen_t len)
{
	int saved;
	int64_t rc = host_cwd_enter(dirfd, &saved);
	if (!rc)
		rc = host_rc(call(fd, (const struct sockaddr *)ss, len));
	host_cwd_leave(saved);
	return rc;
}

/* The path a guest's AF_UNIX address names (*glen bytes, up to sun_path's
 * first NUL, as Linux keeps it), or NULL: none, abstract, or another family. */
static const char *guest_path(struct task *t, uint64_t uaddr, uint64_t len,
			      struct sockaddr_un *un, size_t *glen)
{
	size_t off = offsetof(struct sockaddr_un, sun_path);
	if (len <= off || len > sizeof *un || copy_from_user(t->proc->mm, un, uaddr, (size_t)len) ||
	    un->sun_family != AF_UNIX || !un->sun_path[0])
		return NULL;
	*glen = strnlen(un->sun_path, (size_t)len - off);
	return un->sun_path;
}

int64_t sys_bind(struct task *t, const uint64_t *a)
{
	struct sockaddr_storage ss;
	struct sockaddr_un un;
	socklen_t len;
	size_t glen = 0;
	int64_t rc;
	int dirfd;
	struct file *f = socket_of(t, (int)a[0], &rc);
	if (f && !(rc = sock_addr_from_guest(t, a[1], a[2], &ss, &len, &dirfd, 1)))
		rc = in_dir(dirfd, bind, f->host_fd, &ss, len);
	const char *path = rc ? NULL : guest_path(t, a[1], a[2], &un, &glen);
	if (!rc)
		sock_ident_bound(t->vm, f, path, glen, (const struct sockaddr *)&ss, len);
	return rc;
}

/* A blocking connect parks until the host finished it, then reports how. */
int64_t sys_connect(struct task *t, const uint64_t *a)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int64_t rc;
	int dirfd, err = 0;
	struct file *f = socket_of(t, (int)a[0], &rc);
	if (!f)
		return rc;
	if (t->resuming) {
		socklen_t el = sizeof err;
		getsockopt(f->host_fd, SOL_SOCKET, SO_ERROR, &err, &el);
		if (!err)
			sock_ident_connected(t, f);
		return -err;
	}
	rc = sock_addr_from_guest(t, a[1], a[2], &ss, &len, &dirfd, 0);
	if (!rc)
		rc = in_dir(dirfd, connect, f->host_fd, &ss, len);
	if (!rc)
		sock_ident_connected(t, f);
	if (rc == -EINPROGRESS && !(f->flags & O_NONBLOCK))
		return sched_park_host(t, f->host_fd, POLLOUT, -KERN_ERESTARTSYS);
	return rc == -EAGAIN ? hostio_wait(t, f, rc, POLLOUT) : rc;
}

int64_t sys_listen(struct task *t, const uint64_t *a)
{
	int64_t rc;
	struct file *f = socket_of(t, (int)a[0], &rc);
	if (f && !(rc = host_rc(listen(f->host_fd, (int)a[1]))))
		sock_ident_listening(t, f);
	return rc;
}

static int64_t addr_out(struct task *t, uint64_t uaddr, uint64_t ulen,
			const struct sockaddr_storage *ss, socklen_t len)
{
	uint8_t raw[4];
	if (!uaddr)
		return 0;
	if (copy_from_user(t->proc->mm, raw, ulen, 4))
		return -EFAULT;
	uint32_t room = get32(raw, 0);
	if (copy_to_user(t->proc->mm, uaddr, ss, room < len ? room : len))
		return -EFAULT;
	put32(raw, 0, len);
	return copy_to_user(t->proc->mm, ulen, raw, 4);
}

static int64_t do_accept(struct task *t, const uint64_t *a, int flags)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int64_t rc;
	struct file *f = socket_of(t, (int)a[0], &rc);
	if (!f)
		return rc;
	if (flags & ~(L_SOCK_NONBLOCK | L_SOCK_CLOEXEC))
		return -EINVAL;
	int hfd = accept4(f->host_fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (hfd < 0)
		return hostio_wait(t, f, -errno, POLLIN);
	int64_t fd = install(t, hfd, flags);
	if (fd >= 0) {
		struct file *nf = fd_lookup(t->proc->fds, (int)fd);
		nf->sock_accepted = 1;
		sock_ident_accepted(t, f, nf, &ss, len);
		sock_addr_to_guest(t->vm, nf, &ss, &len);
	}
	if (fd >= 0 && (rc = addr_out(t, a[1], a[2], &ss, len))) {
		fd_close(t->proc->fds, (int)fd);
		return rc;
	}
	return fd;
}

int64_t sys_accept(struct task *t, const uint64_t *a) { return do_accept(t, a, 0); }
int64_t sys_accept4(struct task *t, const uint64_t *a) { return do_accept(t, a, (int)a[3]); }

static int64_t name_of(struct task *t, const uint64_t *a, int peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int64_t rc;
	struct file *f = socket_of(t, (int)a[0], &rc);
	if (!f)
		return rc;
	int r = peer ? getpeername(f->host_fd, (struct sockaddr *)&ss, &len)
		     : getsockname(f->host_fd, (struct sockaddr *)&ss, &len);
	if (r < 0)
		return -errno;
	sock_addr_to_guest(t->vm, f, &ss, &len);
	return addr_out(t, a[1], a[2], &ss, len);
}

int64_t sys_getsockname(struct task *t, const uint64_t *a) { return name_of(t, a, 0); }
int64_t sys_getpeername(struct task *t, const uint64_t *a) { return name_of(t, a, 1); }

int64_t sys_shutdown(struct task *t, const uint64_t *a)
{
	int64_t rc;
	struct file *f = socket_of(t, (int)a[0], &rc);
	return f ? host_rc(shutdown(f->host_fd, (int)a[1])) : rc;
}

int64_t sys_sendto(struct task *t, const uint64_t *a)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	int64_t rc;
	int dirfd;
	struct file *f = socket_of(t, (int)a[0], &rc);
	if (!f)
		return rc;
	const void *buf = user_ptr(t->proc->mm, a[1], (size_t)a[2], GPROT_READ);
	if (!buf && a[2])
		return -EFAULT;
	int saved = -1;
	if (a[4] && (rc = sock_addr_from_guest(t, a[4], a[5], &ss, &len, &dirfd, 0)))
		return rc;
	if (a[4] && (rc = host_cwd_enter(dirfd, &saved)))
		return rc;
	ssize_t n = sendto(f->host_fd, buf, (size_t)a[2], (int)a[3] | MSG_NOSIGNAL,
			   a[4] ? (struct sockaddr *)&ss : NULL, len);
	int err = errno;
	host_cwd_leave(saved);
	errno = err;
	sock_cred_sent(t, f, NULL, n, a[4] ? &ss : NULL, len);
	if (n < 0 && errno == EPIPE && !((int)a[3] & MSG_NOSIGNAL))
		signal_send_sigpipe(t);
	if (n < 0 && ((int)a[DONTWAIT_ARG] & MSG_DONTWAIT))
		return -errno;
	return hostio_wait(t, f, n < 0 ? -errno : n, POLLOUT);
}

int64_t sys_recvfrom(struct task *t, const uint64_t *a)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	int64_t rc;
	struct file *f = socket_of(t, (int)a[0], &rc);
	if (!f)
		return rc;
	void *buf = user_ptr(t->proc->mm, a[1], (size_t)a[2], GPROT_WRITE);
	if (!buf && a[2])
		return -EFAULT;
	ssize_t n = recvfrom(f->host_fd, buf, (size_t)a[2], (int)a[3] | MSG_DONTWAIT,
			     (struct sockaddr *)&ss, &len);
	if (n < 0)
		return ((int)a[DONTWAIT_ARG] & MSG_DONTWAIT) ? -errno : hostio_wait(t, f, -errno, POLLIN);
	user_wrote(t->proc->mm, a[1], (size_t)n);
	struct sock_cred sender;
	sock_cred_received(f, n, (int)a[3] & MSG_PEEK, &sender);
	sock_addr_to_guest(t->vm, f, &ss, &len);
	rc = a[4] ? addr_out(t, a[4], a[5], &ss, len) : 0;
	return rc ? rc : n;
}
