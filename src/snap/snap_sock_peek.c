/* Reading a socket for a snapshot without changing it: its options and
 * names, and its receive queue by MSG_PEEK, walked with SO_PEEK_OFF (its
 * own peek offset and SO_PASSCRED are set back afterwards). A stream's
 * bytes come as runs that end where Linux's reads end too: at a change of
 * credentials and after a message that carried descriptors (whose first
 * byte a search with shorter peeks finds). A pending error (POLLERR) is
 * never read: a datagram read would clear it, so a datagram or seqpacket
 * socket with one and messages queued is refused. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "kernel/sys/scm_flight.h"
#include "kernel/sys/sockmsg_ctl.h"
#include "kernel/vfs/file.h"
#include "snap/snap_fd.h"
#include "snap/snap_sock.h"

#define RECV_SHUTDOWN 1

struct peeked {
	uint8_t *data;
	size_t len;
	int creds;
	struct sock_name from;
	int fds[CTL_FDS_MAX];
	int nfds;
};

static void close_fds(struct peeked *p)
{
	for (int k = 0; k < p->nfds; k++)
		close(p->fds[k]);
	p->nfds = 0;
}

void sock_name_of(const struct sockaddr_un *sa, unsigned len, struct sock_name *n)
{
	size_t plen = len > offsetof(struct sockaddr_un, sun_path)
			      ? len - offsetof(struct sockaddr_un, sun_path)
			      : 0;
	memset(n, 0, sizeof *n);
	if (plen > UNIX_NAME_MAX)
		plen = UNIX_NAME_MAX;
	if (!plen || sa->sun_family != AF_UNIX)
		return;
	if (sa->sun_path[0]) {
		n->kind = SN_PATH;
		n->len = (uint8_t)strnlen(sa->sun_path, plen);
		memcpy(n->bytes, sa->sun_path, n->len);
	} else {
		n->kind = SN_ABSTRACT;
		n->len = (uint8_t)(plen - 1);
		memcpy(n->bytes, sa->sun_path + 1, n->len);
	}
}

static int set_int(int fd, int name, int v)
{
	return setsockopt(fd, SOL_SOCKET, name, &v, sizeof v);
}

/* One peek at the socket's peek offset `off`: up to room bytes into
 * p->data (with trunc, a datagram's whole length is returned), the
 * credentials, sender and descriptors. Bytes, or -errno. */
static ssize_t peek_at(int fd, size_t off, size_t room, int trunc, struct peeked *p)
{
	union {
		char buf[CTL_HOST_MAX];
		struct cmsghdr align;
	} *ctl = malloc(sizeof *ctl);
	struct sockaddr_un from;
	struct iovec iov = {p->data, room};
	struct msghdr m = {&from, sizeof from, &iov, 1, ctl ? ctl->buf : NULL, ctl ? CTL_HOST_MAX : 0, 0};
	if (!ctl)
		return -ENOMEM;
	if (set_int(fd, SO_PEEK_OFF, (int)off)) {
		free(ctl);
		return -errno;
	}
	ssize_t n = recvmsg(fd, &m, MSG_PEEK | MSG_DONTWAIT | MSG_CMSG_CLOEXEC | (trunc ? MSG_TRUNC : 0));
	int err = errno;
	p->nfds = 0;
	p->creds = 0;
	sock_name_of(&from, n >= 0 ? m.msg_namelen : 0, &p->from);
	for (struct cmsghdr *c = n >= 0 ? CMSG_FIRSTHDR(&m) : NULL; c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int got = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			memcpy(p->fds + p->nfds, CMSG_DATA(c), sizeof(int) * (size_t)got);
			p->nfds += got;
		} else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred u;
			memcpy(&u, CMSG_DATA(c), sizeof u);
			p->creds = u.pid != 0; /* (a message sent without them shows pid 0) */
		}
	}
	free(ctl);
	if (n >= 0 && (m.msg_flags & MSG_CTRUNC)) {
		close_fds(p);
		return -EMSGSIZE;
	}
	return n < 0 ? -err : n;
}

/* The descriptions the received host descriptors stand for, into m. */
static int take_refs(struct snap_save *s, size_t k, struct peeked *p, struct sock_msg *m)
{
	m->refs = calloc((size_t)p->nfds + 1, sizeof *m->refs);
	if (!m->refs)
		return -1;
	for (int j = 0; j < p->nfds; j++) {
		struct stat st;
		struct file *f = scm_flight_find(s->vm, p->fds[j]);
		struct sock_ref *ref = &m->refs[m->nrefs++];
		if (f) {
			snap_number_file(s, f);
			*ref = (struct sock_ref){SR_FILE, 0, f};
			close(p->fds[j]);
		} else if (!fstat(p->fds[j], &st) && S_ISSOCK(st.st_mode)) {
			int added = 0;
			long i = snap_sock_index(s, (uint32_t)st.st_ino, p->fds[j], &added);
			if (!added)
				close(p->fds[j]);
			if (i < 0)
				return -1;
			*ref = (struct sock_ref){SR_SOCKET, (uint32_t)i, NULL};
		} else {
			close(p->fds[j]);
			m->nrefs--;
			s->socks->v[k].outside = "a message queued to it carries a descriptor from "
						 "outside the machine";
		}
	}
	p->nfds = 0;
	return 0;
}

/* The message of p's bytes [at, at + len), with p's descriptors. */
static int keep(struct snap_save *s, size_t k, struct peeked *p, size_t at, size_t len)
{
	struct sock_msg m = {(uint8_t)p->creds, p->from, malloc(len ? len : 1), len, 0, NULL};
	if (m.data)
		memcpy(m.data, p->data + at, len);
	if (!m.data || take_refs(s, k, p, &m) || sock_image_push(&s->socks->v[k].img, &m)) {
		free(m.data);
		free(m.refs);
		return -1;
	}
	return 0;
}

/* Where, in a run of `n` stream bytes at `off` that ends with a message
 * carrying descriptors, that message begins: the shortest peek that gets
 * them reaches its first byte. */
static ssize_t fds_start(int fd, size_t off, size_t n, struct peeked *scratch)
{
	size_t lo = 1, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		ssize_t got = peek_at(fd, off, mid, 0, scratch);
		if (got < 0)
			return got;
		hi = scratch->nfds ? mid : hi;
		lo = scratch->nfds ? lo : mid + 1;
		close_fds(scratch);
	}
	return (ssize_t)lo - 1;
}

static int peek_stream(struct snap_save *s, size_t k, int fd)
{
	int total = 0;
	if (ioctl(fd, FIONREAD, &total) < 0 || total <= 0)
		return 0; /* (never read past the bytes: a stream read there takes the error) */
	struct peeked p = {.data = malloc((size_t)total)}, probe = {.data = malloc((size_t)total)};
	int rc = p.data && probe.data ? 0 : -1;
	for (size_t off = 0; !rc && off < (size_t)total;) {
		ssize_t n = peek_at(fd, off, (size_t)total - off, 0, &p), start = 0;
		if (n <= 0)
			rc = -1;
		else if (p.nfds && (start = fds_start(fd, off, (size_t)n, &probe)) < 0)
			rc = -1;
		else if (start > 0) {
			struct peeked plain = p;
			plain.nfds = 0;
			rc = keep(s, k, &plain, 0, (size_t)start);
		}
		if (!rc && n > 0)
			rc = keep(s, k, &p, (size_t)start, (size_t)(n - start));
		close_fds(&p);
		off += n > 0 ? (size_t)n : 0;
	}
	free(p.data);
	free(probe.data);
	return rc;
}

/* Datagrams and seqpackets, one peek each (a longer one when a message
 * did not fit). A zero-length one is marked peeked by the kernel, which
 * is what lets the next peek at the same offset pass it. */
static int peek_messages(struct snap_save *s, size_t k, int fd, int seqpacket, int shut)
{
	size_t room = 1 << 16, off = 0;
	struct peeked p = {.data = malloc(room)};
	int rc = p.data ? 0 : -1;
	while (!rc) {
		ssize_t n = peek_at(fd, off, room, 1, &p);
		if (n == -EAGAIN || (n == 0 && seqpacket && (shut & RECV_SHUTDOWN) && !p.from.kind &&
				     !p.nfds && !p.creds))
			break; /* (seqpacket's end of file reads as an empty message) */
		if (n < 0) {
			rc = -1;
			break;
		}
		if ((size_t)n > room) {
			close_fds(&p);
			uint8_t *more = realloc(p.data, (size_t)n);
			rc = more ? 0 : -1;
			p.data = more ? more : p.data;
			room = more ? (size_t)n : room;
			continue;
		}
		rc = keep(s, k, &p, 0, (size_t)n);
		off += (size_t)n;
	}
	close_fds(&p);
	free(p.data);
	return rc;
}

static void read_opts(struct snap_sock *so)
{
	so->img.nopts = 0;
	for (size_t j = 0; j < sock_opt_nkinds && so->img.nopts < SOCK_OPTS_MAX; j++) {
		uint8_t val[32];
		socklen_t len = sizeof val;
		if (!getsockopt(so->host_fd, SOL_SOCKET, sock_opt_kinds[j].host_name, val, &len))
			sock_opt_from_host(&sock_opt_kinds[j], val, len, &so->img.opts[so->img.nopts++]);
	}
}

static int opt_int(const struct snap_sock *so, int host_name)
{
	int v = 0;
	socklen_t len = sizeof v;
	getsockopt(so->host_fd, SOL_SOCKET, host_name, &v, &len);
	return v;
}

void snap_sock_peek(struct snap_save *s, size_t k)
{
	struct snap_sock *so = &s->socks->v[k];
	int fd = so->host_fd, type = so->diag->type, shut = so->diag->shutdown;
	struct pollfd pfd = {fd, 0, 0};
	struct sockaddr_un peer;
	socklen_t plen = sizeof peer;
	read_opts(so);
	so->img.host_flags = fcntl(fd, F_GETFL);
	so->img.error = poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLERR);
	if (so->diag->has_peer && !getpeername(fd, (struct sockaddr *)&peer, &plen))
		sock_name_of(&peer, plen, &so->img.peer_name);
	if (type != SOCK_DGRAM && so->diag->state != 1 /* connected */)
		return; /* (listening or unconnected: no queue to read) */
	if (so->img.error && type != SOCK_STREAM) {
		int inq = 0;
		pfd.events = POLLIN;
		poll(&pfd, 1, 0);
		so->unreadable = (ioctl(fd, FIONREAD, &inq) == 0 && inq > 0) ||
				 ((pfd.revents & POLLIN) && !(shut & RECV_SHUTDOWN));
		return;
	}
	int passcred = opt_int(so, SO_PASSCRED), peek_off = opt_int(so, SO_PEEK_OFF);
	set_int(fd, SO_PASSCRED, 1);
	/* (so is not used past here: the table grows with the sockets messages carry) */
	int rc = type == SOCK_STREAM ? peek_stream(s, k, fd)
				     : peek_messages(s, k, fd, type == SOCK_SEQPACKET, shut);
	set_int(fd, SO_PASSCRED, passcred);
	set_int(fd, SO_PEEK_OFF, peek_off);
	if (rc && !s->failed)
		snap_save_fail(s, "cannot read the messages queued to a socket (out of memory, or "
				  "the host refused to show them)");
}
