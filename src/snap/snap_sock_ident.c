/* A socket's guest names and credentials in a snapshot (the end of its SOCK
 * record, kernel/sys/sock_ident.h): the names as the guest bound them, the
 * SO_PEERCRED credentials and the senders of what is queued to it. Host
 * names and inodes are not saved: the restored host socket has its own,
 * read from it when its description is made. At the end of SOCK, the names
 * the machine bound (vm->sock_names), each with its host name: a restore
 * binds a name again at the same host name, relative to its directory. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "kernel/vfs/file.h"
#include "kernel/vm.h"
#include "snap/snap_sock_impl.h"

#define RUNS_MAX (1u << 24)

int sock_image_take_ident(struct sock_image *img, const struct file *f)
{
	if (!f->sock || img->ident)
		return 0;
	img->ident = calloc(1, sizeof *img->ident);
	if (!img->ident)
		return -1;
	*img->ident = *f->sock;
	memset(&img->ident->queued, 0, sizeof img->ident->queued);
	img->ident->waiting = NULL; /* (clients waiting with bytes refuse a snapshot) */
	img->ident->nwaiting = img->ident->capwaiting = 0;
	const struct cred_queue *q = &f->sock->queued;
	for (size_t k = 0; k < q->n; k++)
		if (credq_push(&img->ident->queued, &q->v[q->head + k].cred, q->v[q->head + k].left,
			       0))
			return -1;
	return 0;
}

static void put_cred(struct snap_buf *b, const struct sock_cred *c)
{
	sb_i32(b, c->pid);
	sb_u32(b, c->uid);
	sb_u32(b, c->gid);
}

static void put_guest_name(struct snap_buf *b, const struct sock_bound *n)
{
	sb_u8(b, n->guest_len);
	sb_bytes(b, n->guest, n->guest_len);
}

void sock_put_names(struct snap_buf *b, const struct vm *vm)
{
	sb_u64(b, vm->n_sock_names);
	for (size_t k = 0; k < vm->n_sock_names; k++) {
		const struct sock_bound *n = &vm->sock_names[k];
		sb_u8(b, n->host_len);
		sb_bytes(b, n->host, n->host_len);
		put_guest_name(b, n);
	}
}

void sock_put_ident(struct snap_buf *b, const struct sock_ident *id)
{
	sb_u8(b, id != NULL);
	if (!id)
		return;
	put_guest_name(b, &id->name);
	put_guest_name(b, &id->peer);
	uint8_t flags[] = {id->stream, id->has_cred, id->has_peer_cred};
	sb_bytes(b, flags, sizeof flags);
	put_cred(b, &id->cred);
	put_cred(b, &id->peer_cred);
	sb_u64(b, id->queued.n);
	for (size_t k = 0; k < id->queued.n; k++) {
		put_cred(b, &id->queued.v[id->queued.head + k].cred);
		sb_u64(b, id->queued.v[id->queued.head + k].left);
	}
}

static void get_cred(struct snap_rd *r, struct sock_cred *c)
{
	c->pid = sr_i32(r);
	c->uid = sr_u32(r);
	c->gid = sr_u32(r);
}

static void get_guest_name(struct snap_rd *r, struct sock_bound *n)
{
	n->guest_len = sr_u8(r);
	if (n->guest_len > sizeof n->guest)
		sr_fail(r, "a socket's guest name is too long");
	else
		sr_bytes(r, n->guest, n->guest_len);
	if (!r->bad && n->guest_len && n->guest[0] && memchr(n->guest, 0, n->guest_len))
		sr_fail(r, "a malformed guest socket name");
}

void sock_get_names(struct snap_rd *r, struct vm *vm)
{
	uint64_t n = sr_count(r, RUNS_MAX);
	for (uint64_t k = 0; k < n && !r->bad; k++) {
		struct sock_bound b = {0};
		b.host_len = sr_u8(r);
		if (b.host_len > sizeof b.host) {
			sr_fail(r, "a socket's host name is too long");
			return;
		}
		sr_bytes(r, b.host, b.host_len);
		get_guest_name(r, &b);
		if (!r->bad && (!b.host_len || !b.guest_len ||
				(b.host[0] && memchr(b.host, 0, b.host_len))))
			sr_fail(r, "a malformed socket name");
		if (!r->bad)
			sock_name_remember(vm, &b);
	}
}

void sock_get_ident(struct snap_rd *r, struct sock_image *img)
{
	if (!sr_u8(r))
		return;
	struct sock_ident *id = img->ident = calloc(1, sizeof *id);
	if (!id) {
		sr_fail(r, "out of memory");
		return;
	}
	get_guest_name(r, &id->name);
	get_guest_name(r, &id->peer);
	uint8_t flags[3];
	sr_bytes(r, flags, sizeof flags);
	id->stream = flags[0], id->has_cred = flags[1], id->has_peer_cred = flags[2];
	get_cred(r, &id->cred);
	get_cred(r, &id->peer_cred);
	uint64_t n = sr_count(r, RUNS_MAX);
	for (uint64_t k = 0; k < n && !r->bad; k++) {
		struct sock_cred c;
		get_cred(r, &c);
		uint64_t left = sr_u64(r);
		if (!left || (!id->stream && left != 1))
			sr_fail(r, "a malformed run of credentials");
		else if (credq_push(&id->queued, &c, left, 0))
			sr_fail(r, "out of memory");
	}
}

/* The host's name of a restored socket (getsockname or getpeername) as the
 * host side of a guest name. */
static void host_name(int fd, int peer, struct sock_bound *n)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	size_t plen;
	int rc = peer ? getpeername(fd, (struct sockaddr *)&ss, &len)
		      : getsockname(fd, (struct sockaddr *)&ss, &len);
	const char *hp = rc ? NULL : sock_host_path(&ss, len, &plen);
	n->host_len = hp ? (uint8_t)plen : 0;
	if (hp)
		memcpy(n->host, hp, plen);
}

static uint32_t ino_of(int fd)
{
	struct stat st;
	return fd >= 0 && !fstat(fd, &st) ? (uint32_t)st.st_ino : 0;
}

int snap_sock_give_ident(struct snap_load *l, uint32_t id, struct file *f)
{
	struct snap_sock_load *sl = l->socks;
	const struct sock_made *m = &sl->v[id - 1];
	if (!m->img.ident)
		return 0;
	struct sock_ident *si = calloc(1, sizeof *si);
	if (!si)
		return -1;
	*si = *m->img.ident;
	memset(&si->queued, 0, sizeof si->queued);
	credq_move(&si->queued, &m->img.ident->queued, si->stream);
	f->sock = si;
	f->sock_free = sock_ident_free;
	si->ino = ino_of(f->host_fd);
	si->listening = m->img.state == SS_LISTENING;
	si->listener_ino = 0;
	host_name(f->host_fd, 0, &si->name);
	host_name(f->host_fd, 1, &si->peer);
	int linked = m->img.state == SS_CONNECTED && m->img.peer;
	si->peer_ino = linked ? ino_of(sl->v[m->img.peer - 1].fd) : 0;
	return 0;
}
