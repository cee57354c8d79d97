/* Making the machine's sockets again, connected as they were, with host
 * calls only (socketpair, bind, listen, connect, accept), in an order that
 * has what each step needs: first the sockets and socketpairs, then the
 * names and listeners, then connections through listeners (an accepted
 * socket's name is its listener's: it is made by accepting), and last the
 * clients waiting in listeners' queues, in queue order. A socket whose
 * peer is gone gets a stand-in peer, closed once its queue is filled. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "snap/snap_sock_impl.h"

static struct sock_made *at(struct snap_sock_load *sl, uint32_t id) { return &sl->v[id - 1]; }

static int fail_errno(struct snap_load *l, const char *what)
{
	snap_load_fail(l, "cannot make the machine's sockets again (%s: %s)", what, strerror(errno));
	return -1;
}

static int new_socket(struct snap_load *l, uint32_t type)
{
	int fd = socket(AF_UNIX, (int)type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fail_errno(l, "socket");
	return fd;
}

static int new_pair(struct snap_load *l, uint32_t type, int *a, int *b)
{
	int fds[2];
	if (socketpair(AF_UNIX, (int)type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds))
		return fail_errno(l, "socketpair");
	*a = fds[0];
	*b = fds[1];
	return 0;
}

/* Sockets made by socket() or socketpair(); accepted ones come later. */
static int make_plain(struct snap_load *l, size_t k)
{
	struct snap_sock_load *sl = l->socks;
	struct sock_made *m = &sl->v[k], *p;
	const struct sock_image *img = &m->img;
	if (m->fd >= 0 || img->accepted)
		return 0;
	switch (img->state) {
	case SS_CONNECTED:
		p = at(sl, img->peer);
		if (img->type == SOCK_DGRAM ? p->img.state == SS_CONNECTED && p->img.peer == k + 1
					    : !p->img.accepted) {
			if (p->fd >= 0) {
				snap_load_fail(l, "section SOCK: a socket is paired twice");
				return -1;
			}
			return new_pair(l, img->type, &m->fd, &p->fd);
		}
		break;
	case SS_PEER_GONE:
		if (!img->peer_name.kind)
			return new_pair(l, img->type, &m->fd, &m->temp);
		break;
	}
	return (m->fd = new_socket(l, img->type)) < 0 ? -1 : 0;
}

static int bind_and_listen(struct snap_load *l, size_t k)
{
	struct sock_made *m = &l->socks->v[k];
	struct sock_addr a;
	if (m->img.name.kind && !m->img.accepted) {
		m->in_scratch = m->img.name.kind == SN_PATH && !m->img.present;
		if (sock_bind_name(l, m->fd, &m->img.name, m->in_scratch, &a))
			return -1;
	}
	if (m->img.state == SS_LISTENING && listen(m->fd, (int)m->img.backlog))
		return fail_errno(l, "listen");
	return 0;
}

/* client connected through a listener of `name`: one of the machine's when
 * it has one, else a stand-in for one accept. The accepted end, or -1. */
static int connect_through(struct snap_load *l, int client, uint32_t type, const struct sock_name *name)
{
	struct snap_sock_load *sl = l->socks;
	struct sock_addr a;
	int lfd = -1, stand_in = 1;
	for (size_t k = 0; k < sl->n && stand_in; k++)
		if (sl->v[k].img.state == SS_LISTENING && sl->v[k].img.type == type &&
		    sock_name_eq(&sl->v[k].img.name, name)) {
			lfd = sl->v[k].fd;
			sock_addr_of(l, &sl->v[k], &a);
			stand_in = 0;
		}
	if (stand_in && ((lfd = new_socket(l, type)) < 0 || sock_bind_name(l, lfd, name, 1, &a) ||
			 listen(lfd, 1))) {
		if (lfd >= 0)
			close(lfd);
		return l->failed ? -1 : fail_errno(l, "listen");
	}
	int rc = sock_connect_to(client, &a), s = -1;
	if (rc)
		errno = -rc;
	else
		s = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (stand_in) {
		close(lfd);
		sock_drop_stand_in_file(l, &a);
	}
	return s < 0 ? fail_errno(l, rc ? "connect" : "accept") : s;
}

/* A stand-in peer bound to name (a datagram socket's gone peer). */
static int named_stand_in(struct snap_load *l, uint32_t type, const struct sock_name *name,
			  struct sock_addr *a)
{
	int fd = new_socket(l, type);
	if (fd >= 0 && sock_bind_name(l, fd, name, 1, a)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int connect_stream(struct snap_load *l, struct sock_made *m)
{
	struct snap_sock_load *sl = l->socks;
	const struct sock_image *img = &m->img;
	struct sock_addr a;
	if (img->state == SS_CONNECTED && img->accepted)
		return (m->fd = connect_through(l, at(sl, img->peer)->fd, img->type, &img->name)) < 0;
	if (img->state != SS_PEER_GONE || (!img->accepted && !img->peer_name.kind))
		return 0;
	if (!img->accepted)
		return (m->temp = connect_through(l, m->fd, img->type, &img->peer_name)) < 0;
	/* accepted from a client that is gone: a stand-in client of its name */
	m->temp = new_socket(l, img->type);
	if (m->temp < 0 || (img->peer_name.kind && sock_bind_name(l, m->temp, &img->peer_name, 1, &a)))
		return -1;
	if (img->peer_name.kind)
		sock_drop_stand_in_file(l, &a);
	return (m->fd = connect_through(l, m->temp, img->type, &img->name)) < 0;
}

static int connect_dgram(struct snap_load *l, struct sock_made *m, size_t k)
{
	struct snap_sock_load *sl = l->socks;
	struct sock_made *p = m->img.state == SS_CONNECTED ? at(sl, m->img.peer) : NULL;
	struct sock_addr a;
	int rc = 0;
	if (p && !(p->img.state == SS_CONNECTED && p->img.peer == k + 1)) {
		sock_addr_of(l, p, &a);
		rc = sock_connect_to(m->fd, &a);
	} else if (m->img.state == SS_PEER_GONE && m->img.peer_name.kind) {
		if ((m->temp = named_stand_in(l, SOCK_DGRAM, &m->img.peer_name, &a)) < 0)
			return -1;
		rc = sock_connect_to(m->fd, &a);
		sock_drop_stand_in_file(l, &a);
	}
	errno = -rc;
	return rc ? fail_errno(l, "connect") : 0;
}

static int connect_waiting(struct snap_load *l, struct sock_made *listener)
{
	struct sock_addr a;
	sock_addr_of(l, listener, &a);
	for (uint32_t j = 0; j < listener->img.npending; j++) {
		int rc = sock_connect_to(at(l->socks, listener->img.pending[j])->fd, &a);
		errno = -rc;
		if (rc)
			return fail_errno(l, "connect");
	}
	return 0;
}

/* SO_SNDBUF and SO_RCVBUF before the queues are filled: the bytes they
 * held fit in them. */
static void size_buffers(struct sock_made *m)
{
	for (uint32_t j = 0; j < m->img.nopts; j++) {
		const struct sock_opt_kind *kind;
		uint8_t val[32];
		unsigned len;
		int size;
		if (!sock_opt_to_host(&m->img.opts[j], &kind, val, &len) && kind->form == SO_FORM_BUF) {
			memcpy(&size, val, sizeof size);
			size /= 2; /* (Linux doubles what it is given) */
			setsockopt(m->fd, SOL_SOCKET, kind->host_name, &size, sizeof size);
		}
	}
}

int sock_make_all(struct snap_load *l)
{
	struct snap_sock_load *sl = l->socks;
	for (size_t k = 0; k < sl->n && !l->failed; k++)
		make_plain(l, k);
	for (size_t k = 0; k < sl->n && !l->failed; k++)
		if (sl->v[k].fd >= 0)
			bind_and_listen(l, k);
	for (size_t k = 0; k < sl->n && !l->failed; k++)
		if (sl->v[k].img.type != SOCK_DGRAM)
			connect_stream(l, &sl->v[k]);
		else
			connect_dgram(l, &sl->v[k], k);
	for (size_t k = 0; k < sl->n && !l->failed; k++)
		if (sl->v[k].img.state == SS_LISTENING)
			connect_waiting(l, &sl->v[k]);
	for (size_t k = 0; k < sl->n && !l->failed; k++)
		size_buffers(&sl->v[k]);
	return l->failed ? -1 : 0;
}
