/* sendmsg/recvmsg (msghdr with guest pointers; the control messages are
 * sockmsg_ctl.c's), socket options, and i386's
 * socketcall, which multiplexes every socket call through one number. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "host/hostcwd.h"
#include "kernel/abi/layout.h"
#include "kernel/sys/sock_ident.h"
#include "kernel/sys/sockaddr.h"
#include "kernel/sys/sockmsg_ctl.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/signal.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/hostio.h"
#include "mem/mm.h"
#include "mem/uaccess.h"

#define IOV_MAX_L   1024
#define DONTWAIT_ARG 2 /* the flags argument of sendmsg and recvmsg */
#define L_SOL_SOCKET 1
#define L_SO_RCVTIMEO 20
#define L_SO_SNDTIMEO 21
#define L_SO_PEERCRED 17
#define L_MSG_CMSG_CLOEXEC 0x40000000

/* The guest msghdr, host-shaped. */
struct gmsg {
	uint64_t name, namelen, iov, iovlen, control, controllen;
	int flags;
};

static int read_msghdr(struct task *t, uint64_t addr, struct gmsg *m)
{
	uint8_t raw[56];
	int is64 = sys_is64(t);
	unsigned w = is64 ? 8 : 4;
	if (copy_from_user(t->proc->mm, raw, addr, is64 ? 56 : 28))
		return -EFAULT;
	m->name = get_long(raw, 0, is64);
	m->namelen = get32(raw, w);
	m->iov = get_long(raw, 2 * w, is64);
	m->iovlen = get_long(raw, 3 * w, is64);
	m->control = get_long(raw, 4 * w, is64);
	m->controllen = get_long(raw, 5 * w, is64);
	m->flags = (int)get32(raw, 6 * w);
	return 0;
}

static int load_iov(struct task *t, const struct gmsg *m, int prot, struct iovec *iov)
{
	int is64 = sys_is64(t);
	unsigned esize = is64 ? 16 : 8;
	uint8_t raw[16];
	if (m->iovlen > IOV_MAX_L)
		return -EMSGSIZE;
	for (uint64_t k = 0; k < m->iovlen; k++) {
		if (copy_from_user(t->proc->mm, raw, m->iov + k * esize, esize))
			return -EFAULT;
		uint64_t base = get_long(raw, 0, is64), len = get_long(raw, is64 ? 8 : 4, is64);
		iov[k].iov_base = user_ptr(t->proc->mm, base, (size_t)len, prot);
		iov[k].iov_len = (size_t)len;
		if (!iov[k].iov_base && len)
			return -EFAULT;
	}
	return 0;
}

/* The socket, the guest msghdr and its buffers, of sendmsg or recvmsg. */
static int64_t msg_setup(struct task *t, const uint64_t *a, int prot, struct file **f,
			 struct gmsg *m, struct iovec *iov)
{
	int64_t rc;
	*f = socket_of(t, (int)a[0], &rc);
	if (!*f)
		return rc;
	rc = read_msghdr(t, a[1], m);
	return rc ? rc : load_iov(t, m, prot, iov);
}

int64_t sys_sendmsg(struct task *t, const uint64_t *a)
{
	struct gmsg m;
	struct iovec iov[IOV_MAX_L];
	struct sockaddr_storage to;
	socklen_t tolen = 0;
	int dirfd = -1, saved = -1;
	struct file *f;
	int64_t rc = msg_setup(t, a, GPROT_READ, &f, &m, iov);
	if (!rc && m.name)
		rc = sock_addr_from_guest(t, m.name, m.namelen, &to, &tolen, &dirfd, 0);
	struct host_ctl *ctl = rc ? NULL : malloc(sizeof *ctl);
	if (!rc && !ctl)
		rc = -ENOMEM;
	if (!rc)
		rc = ctl_to_host(t, m.control, m.controllen, ctl);
	if (rc) {
		free(ctl);
		return rc;
	}
	struct msghdr hm = {m.name ? &to : NULL, tolen, iov, (size_t)m.iovlen,
			    ctl->len ? ctl->u.buf : NULL, ctl->len, 0};
	ssize_t n = -1;
	if ((rc = host_cwd_enter(dirfd, &saved)) != 0)
		errno = (int)-rc;
	else
		n = sendmsg(f->host_fd, &hm, (int)a[2] | MSG_NOSIGNAL);
	int err = errno;
	host_cwd_leave(saved);
	errno = err;
	ctl_sent(t, ctl, n >= 0);
	sock_cred_sent(t, f, ctl->has_cred ? &ctl->cred : NULL, n, m.name ? &to : NULL, tolen);
	free(ctl);
	if (n < 0 && errno == EPIPE && !((int)a[2] & MSG_NOSIGNAL))
		signal_send_sigpipe(t);
	if (n < 0 && ((int)a[DONTWAIT_ARG] & MSG_DONTWAIT))
		return -errno;
	return hostio_wait(t, f, n < 0 ? -errno : n, POLLOUT);
}

int64_t sys_recvmsg(struct task *t, const uint64_t *a)
{
	struct gmsg m;
	struct iovec iov[IOV_MAX_L];
	struct sockaddr_storage name;
	uint64_t used;
	struct file *f;
	int64_t rc = msg_setup(t, a, GPROT_WRITE, &f, &m, iov);
	struct host_ctl *ctl = rc ? NULL : malloc(sizeof *ctl);
	if (rc || !ctl)
		return rc ? rc : -ENOMEM;
	struct msghdr hm = {&name, sizeof name, iov, (size_t)m.iovlen, ctl->u.buf, CTL_HOST_MAX, 0};
	ssize_t n = recvmsg(f->host_fd, &hm, ((int)a[2] & ~L_MSG_CMSG_CLOEXEC) | MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0) {
		free(ctl);
		return ((int)a[DONTWAIT_ARG] & MSG_DONTWAIT) ? -errno : hostio_wait(t, f, -errno, POLLIN);
	}
	for (uint64_t k = 0; k < m.iovlen; k++)
		if (iov[k].iov_len)
			user_wrote(t->proc->mm, (uint64_t)((uint8_t *)iov[k].iov_base - t->proc->mm->base),
				   iov[k].iov_len);
	struct sock_cred sender;
	int known = sock_cred_received(f, n, (int)a[2] & MSG_PEEK, &sender);
	rc = ctl_to_guest(t, known ? &sender : NULL, &hm, m.control, m.controllen, (int)a[2], &used,
			  &hm.msg_flags);
	free(ctl);
	if (rc)
		return rc;
	int is64 = sys_is64(t);
	unsigned w = is64 ? 8 : 4;
	uint8_t raw[8];
	sock_addr_to_guest(t->vm, f, &name, &hm.msg_namelen);
	socklen_t nlen = hm.msg_namelen < m.namelen ? hm.msg_namelen : (socklen_t)m.namelen;
	if (m.name && copy_to_user(t->proc->mm, m.name, &name, nlen))
		return -EFAULT;
	put32(raw, 0, hm.msg_namelen);
	if (copy_to_user(t->proc->mm, a[1] + w, raw, 4))
		return -EFAULT;
	put_long(raw, 0, used, is64);
	if (copy_to_user(t->proc->mm, a[1] + 5 * w, raw, w))
		return -EFAULT;
	/* the host call's MSG_CMSG_CLOEXEC is hexvm's; the guest sees its own */
	int mflags = (hm.msg_flags & ~L_MSG_CMSG_CLOEXEC) | ((int)a[2] & L_MSG_CMSG_CLOEXEC);
	put32(raw, 0, (uint32_t)mflags);
	if (copy_to_user(t->proc->mm, a[1] + 6 * w, raw, 4))
		return -EFAULT;
	return n;
}

/* i386's struct timeval is two 32-bit fields. */
static int is_time_opt(int level, int name)
{
	return level == L_SOL_SOCKET && (name == L_SO_RCVTIMEO || name == L_SO_SNDTIMEO);
}

int64_t sys_setsockopt(struct task *t, const uint64_t *a)
{
	uint8_t val[256];
	int level = (int)a[1], name = (int)a[2];
	size_t len = (size_t)a[4];
	int64_t rc;
	struct file *f = socket_of(t, (int)a[0], &rc);
	if (!f)
		return rc;
	if (len > sizeof val)
		return -EINVAL;
	if (copy_from_user(t->proc->mm, val, a[3], len))
		return -EFAULT;
	if (!sys_is64(t) && is_time_opt(level, name) && len >= 8) {
		int64_t tv[2] = {(int32_t)get32(val, 0), (int32_t)get32(val, 4)};
		memcpy(val, tv, 16);
		len = 16;
	}
	return setsockopt(f->host_fd, level, name, val, (socklen_t)len) < 0 ? -errno : 0;
}

int64_t sys_getsockopt(struct task *t, const uint64_t *a)
{
	uint8_t val[256], raw[4];
	int level = (int)a[1], name = (int)a[2];
	int64_t rc;
	struct file *f = socket_of(t, (int)a[0], &rc);
	if (!f)
		return rc;
	if (copy_from_user(t->proc->mm, raw, a[4], 4))
		return -EFAULT;
	socklen_t room = get32(raw, 0), len = sizeof val;
	if (getsockopt(f->host_fd, level, name, val, &len) < 0)
		return -errno;
	/* the host knows only hexvm's: the guest's were taken when connected */
	if (level == L_SOL_SOCKET && name == L_SO_PEERCRED && f->sock && f->sock->has_peer_cred)
		memcpy(val, &f->sock->peer_cred, len = sizeof f->sock->peer_cred);
	if (!sys_is64(t) && is_time_opt(level, name) && len >= 16) {
		int64_t tv[2];
		memcpy(tv, val, 16);
		put32(val, 0, (uint64_t)tv[0]);
		put32(val, 4, (uint64_t)tv[1]);
		len = 8;
	}
	if (len > room)
		len = room;
	if (copy_to_user(t->proc->mm, a[3], val, len))
		return -EFAULT;
	put32(raw, 0, len);
	return copy_to_user(t->proc->mm, a[4], raw, 4);
}

/* socketcall's send and recv: sendto and recvfrom without an address. */
static int64_t sc_send(struct task *t, const uint64_t *a)
{
	uint64_t b[6] = {a[0], a[1], a[2], a[3], 0, 0};
	return sys_sendto(t, b);
}

static int64_t sc_recv(struct task *t, const uint64_t *a)
{
	uint64_t b[6] = {a[0], a[1], a[2], a[3], 0, 0};
	return sys_recvfrom(t, b);
}

/* socketcall(call, args): the arguments are an array of 32-bit longs. */
int64_t sys_socketcall(struct task *t, const uint64_t *a)
{
	static const uint8_t nargs[21] = {0, 3, 3, 3, 2, 3, 3, 3, 4, 4, 4, 6, 6, 2, 5, 5, 3, 3, 4, 5, 4};
	static syscall_fn *const calls[21] = {
		NULL,		 sys_socket,	  sys_bind,	   sys_connect,	   sys_listen,
		sys_accept,	 sys_getsockname, sys_getpeername, sys_socketpair, sc_send,
		sc_recv,	 sys_sendto,	  sys_recvfrom,	   sys_shutdown,   sys_setsockopt,
		sys_getsockopt, sys_sendmsg,	  sys_recvmsg,	   sys_accept4,	   sys_recvmmsg,
		sys_sendmmsg};
	uint64_t call = a[0], args[6] = {0};
	uint8_t raw[24];
	if (call < 1 || call > 20)
		return -EINVAL;
	if (copy_from_user(t->proc->mm, raw, a[1], 4u * nargs[call]))
		return -EFAULT;
	for (unsigned k = 0; k < nargs[call]; k++)
		args[k] = get32(raw, 4 * k);
	return calls[call](t, args);
}
