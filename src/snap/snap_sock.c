/* Which sockets a snapshot holds. Every socket description of the
 * machine's tables is looked up in the host's list of AF_UNIX sockets
 * (host/unixdiag.h) by its inode, and its queue is read, which may show
 * more sockets (those in flight in messages). A socket is inside the
 * machine when whatever it is connected to is: its peer, its listener, the
 * clients waiting in it. Those are held; the others are refused, or left
 * out with --snapshot-drop-sockets. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/sys/scm_flight.h"
#include "kernel/vfs/file.h"
#include "snap/snap_sock.h"

static struct snap_socks *socks_of(struct snap_save *s)
{
	if (!s->socks)
		s->socks = calloc(1, sizeof *s->socks);
	return s->socks;
}

long snap_sock_index(struct snap_save *s, uint32_t ino, int host_fd, int *added)
{
	struct snap_socks *ss = socks_of(s);
	*added = 0;
	if (!ss)
		return -1;
	for (size_t k = 0; k < ss->n; k++)
		if (ss->v[k].ino == ino)
			return (long)k;
	if (ss->n == ss->cap) {
		size_t cap = ss->cap ? ss->cap * 2 : 16;
		struct snap_sock *v = realloc(ss->v, cap * sizeof *v);
		if (!v)
			return -1;
		ss->v = v;
		ss->cap = cap;
	}
	ss->v[ss->n] = (struct snap_sock){.ino = ino, .host_fd = host_fd, .own_fd = 1};
	*added = 1;
	return (long)ss->n++;
}

void snap_sock_add_file(struct snap_save *s, struct file *f, int pid, int fd)
{
	struct stat st;
	int added;
	ids_get(&s->files, f, NULL);
	long k = fstat(f->host_fd, &st) ? -1 : snap_sock_index(s, (uint32_t)st.st_ino, f->host_fd, &added);
	if (k < 0) {
		snap_save_fail(s, "pid %d fd %d: a socket that cannot be looked at", pid, fd);
		return;
	}
	struct snap_sock *so = &s->socks->v[k];
	if (added) {
		so->own_fd = 0;
		so->pid = pid;
		so->fd = fd;
	}
	so->img.accepted |= f->sock_accepted != 0;
	if (sock_image_take_ident(&so->img, f))
		snap_save_fail(s, "out of memory");
}

const struct snap_sock *snap_sock_of_file(const struct snap_save *s, const struct file *f)
{
	struct stat st;
	if (!s->socks || fstat(f->host_fd, &st))
		return NULL;
	for (size_t k = 0; k < s->socks->n; k++)
		if (s->socks->v[k].ino == (uint32_t)st.st_ino)
			return s->socks->v[k].id ? &s->socks->v[k] : NULL;
	return NULL;
}

static void look(struct snap_save *s, size_t k)
{
	struct snap_socks *ss = s->socks;
	struct snap_sock *so = &ss->v[k];
	so->diag = ss->diag_rc ? NULL : unix_diag_find(&ss->diag, so->ino);
	if (!so->diag) {
		int domain = AF_UNIX;
		socklen_t len = sizeof domain;
		getsockopt(so->host_fd, SOL_SOCKET, SO_DOMAIN, &domain, &len);
		so->outside = domain == AF_INET || domain == AF_INET6 ? "it is a network socket"
			      : domain != AF_UNIX ? "it is no AF_UNIX socket"
			      : "the host does not show which sockets are connected (sock_diag)";
		return;
	}
	if (so->diag->type != SOCK_STREAM && so->diag->type != SOCK_DGRAM &&
	    so->diag->type != SOCK_SEQPACKET) {
		so->outside = "it is an AF_UNIX socket of a type snapshots do not hold";
		return;
	}
	snap_sock_peek(s, k);
}

void snap_socks_settle(struct snap_save *s)
{
	scm_flight_reap(s->vm);
	size_t flights = (size_t)scm_flight_count(s->vm), kept_flights = 0;
	struct snap_socks *ss = s->socks;
	if (ss) {
		ss->diag_rc = unix_diag_read(&ss->diag);
		for (size_t k = 0; k < ss->n && !s->failed; k++)
			look(s, k);
		if (!s->failed)
			snap_socks_classify(s);
		if (!s->failed)
			snap_socks_keep(s);
		if (!s->failed)
			kept_flights = ss->flights;
	}
	if (!s->failed && flights != kept_flights)
		snap_save_fail(s, "%zu descriptor%s in flight in messages on sockets that reach "
				  "outside the machine, which cannot be saved",
			       flights - kept_flights, flights - kept_flights == 1 ? " is" : "s are");
}

/* A name in the snapshot: kind, length and bytes. */
static void put_name(struct snap_buf *b, const struct sock_name *n)
{
	sb_u8(b, n->kind);
	sb_u32(b, n->len);
	sb_bytes(b, n->bytes, n->len);
}

static void put_msg(struct snap_save *s, struct snap_buf *b, const struct sock_msg *m)
{
	sb_u8(b, m->creds);
	put_name(b, &m->from);
	sb_u64(b, m->len);
	sb_bytes(b, m->data, m->len);
	sb_u64(b, m->nrefs);
	for (uint32_t k = 0; k < m->nrefs; k++) {
		const struct sock_ref *r = &m->refs[k];
		sb_u8(b, r->kind);
		sb_u32(b, r->kind == SR_FILE ? ids_find(&s->files, r->file) : r->id);
	}
}

static void put_sock(struct snap_save *s, struct snap_buf *b, const struct sock_image *img)
{
	sb_u32(b, img->type);
	uint8_t bytes[] = {img->state, img->shutdown, img->error, img->accepted, img->present};
	sb_bytes(b, bytes, sizeof bytes);
	put_name(b, &img->name);
	put_name(b, &img->peer_name);
	sb_u32(b, img->peer);
	sb_u32(b, img->backlog);
	sb_u64(b, img->npending);
	for (uint32_t k = 0; k < img->npending; k++)
		sb_u32(b, img->pending[k]);
	sb_i32(b, img->host_flags);
	sb_u64(b, img->nopts);
	for (uint32_t k = 0; k < img->nopts; k++) {
		sb_u32(b, img->opts[k].name);
		sb_u8(b, img->opts[k].len);
		sb_bytes(b, img->opts[k].val, img->opts[k].len);
	}
	sb_u64(b, img->nmsgs);
	for (size_t k = 0; k < img->nmsgs; k++)
		put_msg(s, b, &img->msgs[k]);
	sock_put_ident(b, img->ident);
}

void snap_save_socks(struct snap_save *s)
{
	struct snap_socks *ss = s->socks;
	struct snap_buf b = {0};
	uint32_t n = 0;
	for (size_t k = 0; ss && k < ss->n; k++)
		n += ss->v[k].id != 0;
	if (!n)
		return;
	sb_u64(&b, n);
	for (size_t k = 0; k < ss->n; k++)
		if (ss->v[k].id)
			put_sock(s, &b, &ss->v[k].img);
	sock_put_names(&b, s->vm);
	snap_emit(s, "SOCK", &b);
	sb_free(&b);
}

void snap_socks_summary(const struct snap_save *s, char *line, size_t size)
{
	size_t n = 0, listening = 0, waiting = 0, msgs = 0, bytes = 0;
	for (size_t k = 0; s->socks && k < s->socks->n; k++) {
		const struct snap_sock *so = &s->socks->v[k];
		if (!so->id)
			continue;
		n++;
		listening += so->img.state == SS_LISTENING;
		waiting += so->img.state == SS_WAITING;
		msgs += so->img.nmsgs;
		for (size_t j = 0; j < so->img.nmsgs; j++)
			bytes += so->img.msgs[j].len;
	}
	snprintf(line, size, "sockets: %zu (%zu listening, %zu waiting to be accepted), %zu queued "
			     "message%s holding %zu bytes",
		 n, listening, waiting, msgs, msgs == 1 ? "" : "s", bytes);
}

void snap_socks_free(struct snap_save *s)
{
	struct snap_socks *ss = s->socks;
	if (!ss)
		return;
	for (size_t k = 0; k < ss->n; k++) {
		if (ss->v[k].own_fd)
			close(ss->v[k].host_fd);
		sock_image_free(&ss->v[k].img);
	}
	free(ss->v);
	unix_diag_free(&ss->diag);
	free(ss);
	s->socks = NULL;
}
