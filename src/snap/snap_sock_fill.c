/* Once every description exists: each socket's queue is filled again by
 * the socket that sent to it (its peer, its gone peer's stand-in, or for a
 * datagram the socket of the sender's address, else a stand-in of that
 * address), message by message, with the descriptions they carried and
 * with credentials exactly where they were (the receiver's SO_PASSCRED,
 * set for those messages only, makes the host attach them; a sender's
 * would bind it). Then the stand-ins go (one that leaves bytes unread
 * behind gives the socket its pending ECONNRESET, as a peer closing with
 * unread bytes does), shutdowns and options are applied, and the scratch
 * directory is removed. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/hostcwd.h"
#include "kernel/sys/scm_flight.h"
#include "kernel/sys/sockmsg_ctl.h"
#include "kernel/vfs/file.h"
#include "snap/snap_sock_impl.h"

struct sender {
	int fd;
	int own;	    /* a stand-in to close after the message */
	struct sock_addr to; /* to.len 0: fd is connected to the receiver */
};

static int is_connected_to(const struct sock_made *m, size_t k)
{
	return m->img.state == SS_CONNECTED && m->img.peer == k + 1;
}

/* A socket of the machine that can send to unnamed socket k: its peer, or
 * its stand-in, or any datagram socket connected to it. */
static int sender_to_unnamed(struct snap_sock_load *sl, size_t k)
{
	const struct sock_made *m = &sl->v[k];
	if (m->img.state == SS_CONNECTED && is_connected_to(&sl->v[m->img.peer - 1], k))
		return sl->v[m->img.peer - 1].fd;
	if (m->temp >= 0)
		return m->temp;
	for (size_t j = 0; j < sl->n; j++)
		if (is_connected_to(&sl->v[j], k))
			return sl->v[j].fd;
	return -1;
}

/* Who sends datagram msg to named socket k. */
static int dgram_sender(struct snap_load *l, size_t k, const struct sock_msg *msg, struct sender *s)
{
	struct snap_sock_load *sl = l->socks;
	sock_addr_of(l, &sl->v[k], &s->to);
	for (size_t j = 0; j < sl->n; j++) {
		const struct sock_made *c = &sl->v[j];
		if (c->fd >= 0 && sock_name_eq(&c->img.name, &msg->from) &&
		    (msg->from.kind || is_connected_to(c, k))) {
			s->fd = c->fd;
			if (is_connected_to(c, k))
				s->to.len = 0;
			return 0;
		}
	}
	if (sl->v[k].temp >= 0 && sock_name_eq(&sl->v[k].img.peer_name, &msg->from)) {
		s->fd = sl->v[k].temp;
		return 0;
	}
	struct sock_addr mine;
	s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	s->own = 1;
	if (s->fd < 0 || (msg->from.kind && sock_bind_name(l, s->fd, &msg->from, 1, &mine)))
		return -1;
	if (msg->from.kind)
		sock_drop_stand_in_file(l, &mine);
	return 0;
}

static int sender_of(struct snap_load *l, size_t k, const struct sock_msg *msg, struct sender *s)
{
	struct snap_sock_load *sl = l->socks;
	const struct sock_made *m = &sl->v[k];
	memset(s, 0, sizeof *s);
	s->fd = -1;
	if (m->img.type != SOCK_DGRAM)
		s->fd = m->img.state == SS_CONNECTED ? sl->v[m->img.peer - 1].fd : m->temp;
	else if (!m->img.name.kind)
		s->fd = sender_to_unnamed(sl, k);
	else if (dgram_sender(l, k, msg, s))
		return -1;
	return s->fd >= 0 ? 0 : -1;
}

/* The host descriptors msg carries: its sockets', and placeholders for
 * the other descriptions (sent as a guest's sendmsg sends them). */
static int travelling(struct snap_load *l, const struct sock_msg *msg, int *fds, int *placeholder)
{
	for (uint32_t k = 0; k < msg->nrefs; k++) {
		const struct sock_ref *r = &msg->refs[k];
		placeholder[k] = 0;
		if (r->kind == SR_SOCKET) {
			fds[k] = r->id <= l->socks->n ? l->socks->v[r->id - 1].fd : -1;
		} else {
			struct file *f = r->id <= l->files.n ? l->files.v[r->id - 1] : NULL;
			fds[k] = f ? scm_flight_send(l->vm, f) : -1;
			placeholder[k] = fds[k] >= 0;
		}
		if (fds[k] < 0)
			return -1;
	}
	return 0;
}

static int send_msg(struct snap_load *l, const struct sender *s, const struct sock_msg *msg)
{
	int fds[CTL_FDS_MAX], placeholder[CTL_FDS_MAX] = {0};
	union {
		char buf[CMSG_SPACE(sizeof(int) * CTL_FDS_MAX)];
		struct cmsghdr align;
	} ctl;
	int rc = travelling(l, msg, fds, placeholder);
	size_t done = 0;
	do {
		struct iovec iov = {msg->data + done, msg->len - done};
		struct msghdr mh = {s->to.len ? (void *)&s->to.sa : NULL, s->to.len, &iov, 1, NULL, 0, 0};
		if (!done && msg->nrefs) {
			mh.msg_control = ctl.buf;
			mh.msg_controllen = CMSG_SPACE(sizeof(int) * msg->nrefs);
			struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int) * msg->nrefs);
			memcpy(CMSG_DATA(c), fds, sizeof(int) * msg->nrefs);
		}
		int saved = -1;
		if (!rc && s->to.len && host_cwd_enter(s->to.dirfd, &saved))
			rc = -1;
		ssize_t n = rc ? -1 : sendmsg(s->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
		host_cwd_leave(saved);
		rc = n < 0 || (n == 0 && msg->len) ? -1 : 0;
		done += n > 0 ? (size_t)n : 0;
	} while (!rc && done < msg->len);
	for (uint32_t k = 0; k < msg->nrefs; k++)
		if (placeholder[k])
			scm_flight_sent(l->vm, fds[k], !rc);
	return rc;
}

static int fill(struct snap_load *l, size_t k)
{
	struct sock_made *m = &l->socks->v[k];
	int creds = 0, rc = 0;
	for (size_t j = 0; j < m->img.nmsgs && !rc; j++) {
		const struct sock_msg *msg = &m->img.msgs[j];
		struct sender s;
		if (msg->creds != creds) {
			creds = msg->creds;
			setsockopt(m->fd, SOL_SOCKET, SO_PASSCRED, &creds, sizeof creds);
		}
		rc = sender_of(l, k, msg, &s) || send_msg(l, &s, msg) ? -1 : 0;
		if (s.own && s.fd >= 0)
			close(s.fd);
	}
	if (creds) {
		creds = 0;
		setsockopt(m->fd, SOL_SOCKET, SO_PASSCRED, &creds, sizeof creds);
	}
	if (rc && !l->failed)
		snap_load_fail(l, "cannot queue a socket's messages again (%s)", strerror(errno));
	return rc;
}

static void apply_opts(const struct sock_made *m)
{
	for (uint32_t j = 0; j < m->img.nopts; j++) {
		const struct sock_opt_kind *kind;
		uint8_t val[32], now[32];
		unsigned len;
		socklen_t nlen = sizeof now;
		if (sock_opt_to_host(&m->img.opts[j], &kind, val, &len) || kind->form == SO_FORM_BUF)
			continue; /* (buffer sizes were set before the queue was filled) */
		if (getsockopt(m->fd, SOL_SOCKET, kind->host_name, now, &nlen) == 0 && nlen == len &&
		    !memcmp(now, val, len))
			continue;
		setsockopt(m->fd, SOL_SOCKET, kind->host_name, val, len);
	}
}

/* The stand-in goes, the shutdowns are made, options and flags set. */
static void finish_one(struct sock_made *m)
{
	if (m->temp >= 0) {
		if (m->img.error && m->img.type != SOCK_DGRAM && write(m->fd, "", 1) < 0)
			m->img.error = 0; /* (nothing else to do: the restore goes on without it) */
		close(m->temp);
		m->temp = -1;
	}
	int stream = m->img.type != SOCK_DGRAM, how = m->img.shutdown & 3;
	if (how && !(stream && m->img.state == SS_PEER_GONE))
		shutdown(m->fd, how == 3 ? SHUT_RDWR : how == 1 ? SHUT_RD : SHUT_WR);
	apply_opts(m);
	if (m->img.host_flags >= 0)
		fcntl(m->fd, F_SETFL, m->img.host_flags & (O_NONBLOCK | O_APPEND));
}

int snap_socks_finish(struct snap_load *l)
{
	struct snap_sock_load *sl = l->socks;
	if (!sl)
		return 0;
	for (size_t k = 0; k < sl->n && !l->failed; k++)
		fill(l, k);
	for (size_t k = 0; k < sl->n && !l->failed; k++)
		finish_one(&sl->v[k]);
	sock_scratch_clean(sl);
	return l->failed ? -1 : 0;
}
