/* sendmsg/recvmsg (msghdr with guest pointers and SCM_RIGHTS descriptors
 * translated between guest and host), socket options, and i386's
 * socketcall, which multiplexes every socket call through one number. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/sockaddr.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/signal.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/hostio.h"
#include "mem/mm.h"
#include "mem/uaccess.h"

#define IOV_MAX_L   1024
#define DONTWAIT_ARG 2 /* the flags argument of sendmsg and recvmsg */
#define FDS_MAX	    253 /* SCM_MAX_FD */
#define L_SOL_SOCKET 1
#define L_SCM_RIGHTS 1
#define L_SO_RCVTIMEO 20
#define L_SO_SNDTIMEO 21
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

/* SCM_RIGHTS of the guest: its descriptors' host descriptors (only files
 * the host holds can travel through a host socket). */
static int rights_out(struct task *t, const struct gmsg *m, char *ctl, size_t *ctllen)
{
	uint8_t raw[16 + 4 * FDS_MAX];
	int is64 = sys_is64(t);
	size_t hdr = is64 ? 16 : 12;
	*ctllen = 0;
	if (!m->control || !m->controllen)
		return 0;
	if (m->controllen > sizeof raw || copy_from_user(t->proc->mm, raw, m->control, (size_t)m->controllen))
		return -EINVAL;
	uint64_t len = get_long(raw, 0, is64);
	int level = (int)get32(raw, is64 ? 8 : 4), type = (int)get32(raw, is64 ? 12 : 8);
	if (level != L_SOL_SOCKET || type != L_SCM_RIGHTS || len < hdr || len > m->controllen)
		return -EINVAL;
	int n = (int)((len - hdr) / 4), host[FDS_MAX];
	for (int k = 0; k < n; k++) {
		struct file *f = fd_lookup(t->proc->fds, (int)get32(raw, (unsigned)(hdr + 4 * (size_t)k)));
		if (!f)
			return -EBADF;
		if (f->ops)
			return -EOPNOTSUPP; /* a kernel pipe has no host descriptor to send */
		host[k] = f->host_fd;
	}
	struct cmsghdr *c = (struct cmsghdr *)ctl;
	c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	memcpy(CMSG_DATA(c), host, sizeof(int) * (size_t)n);
	*ctllen = CMSG_SPACE(sizeof(int) * (size_t)n);
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
	char ctl[CMSG_SPACE(sizeof(int) * FDS_MAX)];
	size_t ctllen;
	struct file *f;
	int64_t rc = msg_setup(t, a, GPROT_READ, &f, &m, iov);
	if (!rc)
		rc = rights_out(t, &m, ctl, &ctllen);
	if (rc)
		return rc;
	struct sockaddr_storage to;
	socklen_t tolen = 0;
	int dirfd = -1;
	if (m.name && (rc = sock_addr_from_guest(t, m.name, m.namelen, &to, &tolen, &dirfd, 0)))
		return rc;
	if (dirfd >= 0 && fchdir(dirfd) < 0)
		return -errno;
	struct msghdr hm = {m.name ? &to : NULL, tolen, iov, (size_t)m.iovlen, ctllen ? ctl : NULL,
			    ctllen, 0};
	ssize_t n = sendmsg(f->host_fd, &hm, (int)a[2] | MSG_NOSIGNAL);
	if (n < 0 && errno == EPIPE && !((int)a[2] & MSG_NOSIGNAL))
		signal_send_sigpipe(t);
	if (n < 0 && ((int)a[DONTWAIT_ARG] & MSG_DONTWAIT))
		return -errno;
	return hostio_wait(t, f, n < 0 ? -errno : n, POLLOUT);
}

/* A received host descriptor as a guest descriptor, or -1 (it is closed). */
static int install_received(struct task *t, int host, int flags)
{
	int fl = fcntl(host, F_GETFL);
	struct file *f = file_from_host(host, fl < 0 ? O_RDWR : fl, NULL);
	int fd = f ? fd_alloc(t->proc->fds, f, 0, flags & L_MSG_CMSG_CLOEXEC) : -ENOMEM;
	if (fd < 0) {
		if (f)
			file_put(f);
		else
			close(host);
		return -1;
	}
	f->is_socket = 1; /* (the common case: a socket passed on) */
	return fd;
}

/* Received host descriptors become guest descriptors in a guest cmsghdr.
 * As Linux: those that do not fit the guest's buffer are closed and
 * MSG_CTRUNC set (*ctrunc), and *used is the space the message takes,
 * aligned to a long, at most the buffer's length. */
static int64_t rights_in(struct task *t, const struct gmsg *m, struct msghdr *hm, int flags,
			 uint64_t *used, int *ctrunc)
{
	int is64 = sys_is64(t);
	size_t hdr = is64 ? 16 : 12, align = is64 ? 8 : 4;
	uint8_t raw[16 + 4 * FDS_MAX];
	*used = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(hm); c; c = CMSG_NXTHDR(hm, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		int n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int)), *host = (int *)CMSG_DATA(c);
		int room = m->controllen >= hdr ? (int)((m->controllen - hdr) / 4) : 0, shown = 0;
		for (int k = 0; k < n; k++) {
			int fd = k < room ? install_received(t, host[k], flags) : (close(host[k]), -1);
			if (fd >= 0)
				put32(raw, (unsigned)(hdr + 4 * (size_t)shown++), (uint32_t)fd);
		}
		*ctrunc = room < n;
		if (!shown)
			return 0; /* Linux writes no header without a descriptor */
		uint64_t len = hdr + 4 * (uint64_t)shown, space = (len + align - 1) & ~(align - 1);
		put_long(raw, 0, len, is64);
		put32(raw, is64 ? 8 : 4, L_SOL_SOCKET);
		put32(raw, is64 ? 12 : 8, L_SCM_RIGHTS);
		*used = space < m->controllen ? space : m->controllen;
		return copy_to_user(t->proc->mm, m->control, raw, (size_t)len);
	}
	return 0;
}

int64_t sys_recvmsg(struct task *t, const uint64_t *a)
{
	struct gmsg m;
	struct iovec iov[IOV_MAX_L];
	char ctl[CMSG_SPACE(sizeof(int) * FDS_MAX)], name[128];
	uint64_t used;
	struct file *f;
	int64_t rc = msg_setup(t, a, GPROT_WRITE, &f, &m, iov);
	if (rc)
		return rc;
	struct msghdr hm = {name, sizeof name, iov, (size_t)m.iovlen, ctl, sizeof ctl, 0};
	ssize_t n = recvmsg(f->host_fd, &hm, ((int)a[2] & ~L_MSG_CMSG_CLOEXEC) | MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n < 0)
		return ((int)a[DONTWAIT_ARG] & MSG_DONTWAIT) ? -errno : hostio_wait(t, f, -errno, POLLIN);
	for (uint64_t k = 0; k < m.iovlen; k++)
		if (iov[k].iov_len)
			user_wrote(t->proc->mm, (uint64_t)((uint8_t *)iov[k].iov_base - t->proc->mm->base),
				   iov[k].iov_len);
	int ctrunc = 0;
	rc = rights_in(t, &m, &hm, (int)a[2], &used, &ctrunc);
	if (rc)
		return rc;
	int is64 = sys_is64(t);
	unsigned w = is64 ? 8 : 4;
	uint8_t raw[8];
	socklen_t nlen = hm.msg_namelen < m.namelen ? hm.msg_namelen : (socklen_t)m.namelen;
	if (m.name && copy_to_user(t->proc->mm, m.name, name, nlen))
		return -EFAULT;
	put32(raw, 0, hm.msg_namelen);
	if (copy_to_user(t->proc->mm, a[1] + w, raw, 4))
		return -EFAULT;
	put_long(raw, 0, used, is64);
	if (copy_to_user(t->proc->mm, a[1] + 5 * w, raw, w))
		return -EFAULT;
	/* the host call's MSG_CMSG_CLOEXEC is hexvm's; the guest sees its own */
	int mflags = (hm.msg_flags & ~L_MSG_CMSG_CLOEXEC) | ((int)a[2] & L_MSG_CMSG_CLOEXEC);
	put32(raw, 0, (uint32_t)(mflags | (ctrunc ? MSG_CTRUNC : 0)));
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
		sys_getsockopt, sys_sendmsg,	  sys_recvmsg,	   sys_accept4,	   NULL,
		NULL};
	uint64_t call = a[0], args[6] = {0};
	uint8_t raw[24];
	if (call < 1 || call > 20 || !calls[call])
		return -EINVAL;
	if (copy_from_user(t->proc->mm, raw, a[1], 4u * nargs[call]))
		return -EFAULT;
	for (unsigned k = 0; k < nargs[call]; k++)
		args[k] = get32(raw, 4 * k);
	return calls[call](t, args);
}
