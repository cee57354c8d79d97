/* Control messages between guest and host layouts (see sockmsg_ctl.h). */
#include "kernel/sys/sockmsg_ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/abi/layout.h"
#include "kernel/sys/scm_flight.h"
#include "kernel/sys/syscall.h"
#include "kernel/task/process.h"
#include "kernel/vfs/file.h"
#include "kernel/vm.h"
#include "mem/uaccess.h"

#define L_SOL_SOCKET	   1
#define L_SCM_RIGHTS	   1
#define L_SCM_CREDENTIALS  2
#define L_MSG_CTRUNC	   0x08
#define L_MSG_PEEK	   0x02
#define L_MSG_CMSG_CLOEXEC 0x40000000

/* The guest's cmsghdr: its size, and the alignment of lengths (a long). */
static size_t hdr_size(int is64) { return is64 ? 16 : 12; }
static size_t align_up(size_t n, int is64)
{
	size_t a = is64 ? 8 : 4;
	return (n + a - 1) & ~(a - 1);
}

static struct cmsghdr *host_append(struct host_ctl *c, int level, int type, size_t len)
{
	struct cmsghdr *h = (struct cmsghdr *)(c->u.buf + c->len);
	h->cmsg_len = CMSG_LEN(len);
	h->cmsg_level = level;
	h->cmsg_type = type;
	c->len += CMSG_SPACE(len);
	return h;
}

/* A guest descriptor as it travels: a host socket as itself, anything else
 * as a placeholder of this machine. */
static int travelling_fd(struct task *t, int fd, struct host_ctl *c)
{
	struct file *f = fd_lookup(t->proc->fds, fd);
	if (!f)
		return -EBADF;
	if (!f->ops && f->is_socket)
		return f->host_fd;
	int host = scm_flight_send(t->vm, f);
	if (host >= 0)
		c->placeholders[c->n_placeholders++] = host;
	return host;
}

/* Every SCM_RIGHTS of the message goes in one host SCM_RIGHTS, in order,
 * as Linux gathers them. */
static int rights_to_host(struct task *t, const uint8_t *raw, size_t controllen, struct host_ctl *c)
{
	int is64 = sys_is64(t), fds[CTL_FDS_MAX], n = 0;
	size_t hdr = hdr_size(is64);
	for (size_t off = 0; off + hdr <= controllen;) {
		size_t len = (size_t)get_long(raw, (unsigned)off, is64);
		int level = (int)get32(raw, (unsigned)(off + (is64 ? 8 : 4)));
		int type = (int)get32(raw, (unsigned)(off + (is64 ? 12 : 8)));
		if (level == L_SOL_SOCKET && type == L_SCM_RIGHTS)
			for (size_t k = 0; k < (len - hdr) / 4; k++) {
				if (n == CTL_FDS_MAX)
					return -EINVAL;
				fds[n] = travelling_fd(
					t, (int)get32(raw, (unsigned)(off + hdr + 4 * k)), c);
				if (fds[n] < 0)
					return fds[n];
				n++;
			}
		off += align_up(len, is64);
	}
	if (n)
		memcpy(CMSG_DATA(host_append(c, SOL_SOCKET, SCM_RIGHTS, sizeof(int) * (size_t)n)),
		       fds, sizeof(int) * (size_t)n);
	return 0;
}

/* A guest's SCM_CREDENTIALS, checked as Linux checks them, go to the host
 * as hexvm's own (the host checks those); the guest's are kept in c. */
static int creds_to_host(struct task *t, const uint8_t *data, struct host_ctl *c)
{
	struct sock_cred g = {(int32_t)get32(data, 0), get32(data, 4), get32(data, 8)};
	int rc = sock_cred_check(t, &g);
	if (rc)
		return rc;
	struct ucred host = {getpid(), getuid(), getgid()};
	memcpy(CMSG_DATA(host_append(c, SOL_SOCKET, SCM_CREDENTIALS, sizeof host)), &host,
	       sizeof host);
	c->cred = g;
	c->has_cred = 1;
	return 0;
}

/* Checks the headers and carries SCM_CREDENTIALS; other levels mean
 * nothing to a Unix socket. */
static int others_to_host(struct task *t, const uint8_t *raw, size_t controllen, struct host_ctl *c)
{
	int is64 = sys_is64(t);
	size_t hdr = hdr_size(is64);
	for (size_t off = 0; off + hdr <= controllen;) {
		size_t len = (size_t)get_long(raw, (unsigned)off, is64);
		int level = (int)get32(raw, (unsigned)(off + (is64 ? 8 : 4)));
		int type = (int)get32(raw, (unsigned)(off + (is64 ? 12 : 8)));
		if (len < hdr || len > controllen - off)
			return -EINVAL;
		if (level == L_SOL_SOCKET && type == L_SCM_CREDENTIALS) {
			int rc = len - hdr != 12 ? -EINVAL : creds_to_host(t, raw + off + hdr, c);
			if (rc)
				return rc;
		} else if (level == L_SOL_SOCKET && type != L_SCM_RIGHTS)
			return -EINVAL;
		off += align_up(len, is64);
	}
	return 0;
}

int ctl_to_host(struct task *t, uint64_t control, uint64_t controllen, struct host_ctl *out)
{
	out->len = 0;
	out->n_placeholders = 0;
	out->has_cred = 0;
	if (!control || controllen < hdr_size(sys_is64(t)))
		return 0;
	if (controllen > CTL_GUEST_MAX)
		return -ENOBUFS;
	uint8_t *raw = malloc((size_t)controllen);
	int rc = raw ? 0 : -ENOMEM;
	if (!rc && copy_from_user(t->proc->mm, raw, control, (size_t)controllen))
		rc = -EFAULT;
	if (!rc)
		rc = others_to_host(t, raw, (size_t)controllen, out);
	if (!rc)
		rc = rights_to_host(t, raw, (size_t)controllen, out);
	free(raw);
	if (rc)
		ctl_sent(t, out, 0);
	return rc;
}

void ctl_sent(struct task *t, struct host_ctl *c, int sent)
{
	for (int k = 0; k < c->n_placeholders; k++)
		scm_flight_sent(t->vm, c->placeholders[k], sent);
	c->n_placeholders = 0;
}

/* The guest's view of a received host descriptor: a description of this
 * machine coming back, or a host file (a socket, most often). */
/* The machine's own description of the socket host_fd is (one socket is one
 * open file on Linux: no call opens a socket again), found in the machine's
 * descriptor tables; or NULL. */
static struct file *machine_socket(struct vm *vm, const struct stat *st)
{
	for (struct process *p = vm->procs; p; p = p->next)
		for (int fd = 0; p->fds && fd < p->fds->size; fd++) {
			struct file *f = p->fds->files[fd];
			struct stat fst;
			if (f && f->is_socket && !f->ops && !fstat(f->host_fd, &fst) &&
			    fst.st_dev == st->st_dev && fst.st_ino == st->st_ino)
				return f;
		}
	return NULL;
}

/* A received socket is the sender's very description when the sender is in
 * the machine, so that both see one set of status flags as on Linux. One
 * from outside keeps the status flags it came with, while the host holds
 * it non-blocking as it does every socket; so does one that only the
 * message still held (its last description gave the host description the
 * guest's flags when it went, file_put). */
static struct file *received_file(struct task *t, int host_fd, int peek)
{
	struct file *f = scm_flight_receive(t->vm, host_fd, peek);
	if (f)
		return f;
	struct stat st;
	int is_socket = !fstat(host_fd, &st) && S_ISSOCK(st.st_mode);
	if (is_socket && (f = machine_socket(t->vm, &st))) {
		close(host_fd);
		return file_get(f);
	}
	int fl = fcntl(host_fd, F_GETFL);
	f = file_from_host(host_fd, fl < 0 ? O_RDWR : fl, NULL);
	if (!f) {
		close(host_fd);
		return NULL;
	}
	f->is_socket = is_socket;
	if (is_socket && fl >= 0)
		fcntl(host_fd, F_SETFL, fl | O_NONBLOCK);
	return f;
}

struct guest_ctl {
	uint8_t *buf;
	size_t room, used;
	int is64, flags, msg_flags;
	const struct sock_cred *sender; /* the guest's credentials of hexvm's, or NULL */
};

/* SCM_RIGHTS: as many descriptors as there is room for; the rest dropped. */
static int rights_to_guest(struct task *t, struct guest_ctl *g, const int *host, int n)
{
	size_t hdr = hdr_size(g->is64), room = g->room - g->used;
	int fit = room <= hdr ? 0 : (int)((room - hdr) / 4), got = 0;
	for (int k = 0; k < n; k++) {
		struct file *f = received_file(t, host[k], g->flags & L_MSG_PEEK);
		if (!f || k >= fit)
			goto drop;
		int fd = fd_alloc(t->proc->fds, f, 0, g->flags & L_MSG_CMSG_CLOEXEC);
		if (fd < 0)
			goto drop;
		put32(g->buf, (unsigned)(g->used + hdr + 4 * (size_t)got++), (uint32_t)fd);
		continue;
	drop:
		file_put(f);
		fit = k; /* (Linux stops at the first one it cannot install) */
	}
	if (got < n)
		g->msg_flags |= L_MSG_CTRUNC;
	if (!got)
		return 0;
	size_t len = hdr + 4 * (size_t)got;
	put_long(g->buf, (unsigned)g->used, len, g->is64);
	put32(g->buf, (unsigned)g->used + (g->is64 ? 8 : 4), L_SOL_SOCKET);
	put32(g->buf, (unsigned)g->used + (g->is64 ? 12 : 8), L_SCM_RIGHTS);
	g->used += align_up(len, g->is64) < room ? align_up(len, g->is64) : room;
	return 0;
}

/* Whether a received SCM_CREDENTIALS is hexvm's own: one a process of the
 * machine sent. */
static int creds_are_hexvms(const struct cmsghdr *c)
{
	struct ucred u;
	if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_CREDENTIALS ||
	    c->cmsg_len < CMSG_LEN(sizeof u))
		return 0;
	memcpy(&u, CMSG_DATA(c), sizeof u);
	return u.pid == getpid();
}

/* Any other message (SCM_CREDENTIALS): cut to the room left, as put_cmsg does. */
static void other_to_guest(struct guest_ctl *g, const struct cmsghdr *c)
{
	const void *data = g->sender && creds_are_hexvms(c) ? (const void *)g->sender : CMSG_DATA(c);
	size_t hdr = hdr_size(g->is64), room = g->room - g->used;
	size_t dlen = c->cmsg_len - CMSG_LEN(0), len = hdr + dlen;
	if (room < hdr) {
		g->msg_flags |= L_MSG_CTRUNC;
		return;
	}
	if (room < len) {
		g->msg_flags |= L_MSG_CTRUNC;
		len = room;
	}
	put_long(g->buf, (unsigned)g->used, len, g->is64);
	put32(g->buf, (unsigned)g->used + (g->is64 ? 8 : 4), (uint32_t)c->cmsg_level);
	put32(g->buf, (unsigned)g->used + (g->is64 ? 12 : 8), (uint32_t)c->cmsg_type);
	memcpy(g->buf + g->used + hdr, data, len - hdr);
	g->used += align_up(len, g->is64) < room ? align_up(len, g->is64) : room;
}

int ctl_to_guest(struct task *t, const struct sock_cred *sender, struct msghdr *hm,
		 uint64_t control, uint64_t controllen, int flags, uint64_t *used, int *msg_flags)
{
	struct guest_ctl g = {NULL, control ? (size_t)controllen : 0, 0, sys_is64(t), flags, 0,
			      sender};
	if (g.room > CTL_GUEST_MAX)
		g.room = CTL_GUEST_MAX;
	g.buf = calloc(g.room + 1, 1);
	if (!g.buf)
		return -ENOMEM;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(hm); c; c = CMSG_NXTHDR(hm, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			rights_to_guest(t, &g, (const int *)CMSG_DATA(c),
					(int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int)));
		else
			other_to_guest(&g, c);
	*used = g.used;
	*msg_flags |= g.msg_flags;
	int rc = g.used && copy_to_user(t->proc->mm, control, g.buf, g.used) ? -EFAULT : 0;
	free(g.buf);
	return rc;
}
