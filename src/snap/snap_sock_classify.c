/* Where each socket of a snapshot is connected (from the host's own
 * pairing, host/unixdiag.h), which of them reach outside the machine, and
 * which are kept, refused or left out. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "kernel/vfs/fs/hostfs.h"
#include "kernel/vfs/vfs.h"
#include "snap/snap_sock.h"

static long find(const struct snap_socks *ss, uint32_t ino)
{
	for (size_t k = 0; k < ss->n; k++)
		if (ss->v[k].ino == ino && ss->v[k].diag)
			return (long)k;
	return -1;
}

static int lists(const struct unix_diag_sock *listener, uint32_t ino)
{
	for (uint32_t k = 0; listener->state == 10 && k < listener->nicons; k++)
		if (listener->icons[k] == ino)
			return 1;
	return 0;
}

/* A connected socket whose peer shows no inode waits in a listener's queue
 * (1: of the machine's, *listener its index; 2: of one outside it), or its
 * peer is gone (0). */
static int waiting_in(const struct snap_socks *ss, uint32_t ino, long *listener)
{
	for (size_t k = 0; k < ss->n; k++)
		if (ss->v[k].diag && lists(ss->v[k].diag, ino)) {
			*listener = (long)k;
			return 1;
		}
	for (size_t k = 0; k < ss->diag.n; k++)
		if (lists(&ss->diag.v[k], ino))
			return 2;
	return 0;
}

static void name_of_diag(const struct unix_diag_sock *d, struct sock_name *n)
{
	memset(n, 0, sizeof *n);
	if (!d->name_len)
		return;
	n->kind = d->name[0] ? SN_PATH : SN_ABSTRACT;
	n->len = d->name[0] ? (uint8_t)strnlen(d->name, d->name_len) : (uint8_t)(d->name_len - 1);
	memcpy(n->bytes, d->name + (d->name[0] ? 0 : 1), n->len);
}

/* Whether the file at a bound path is still this socket's (the guest may
 * have removed or replaced it). */
static int file_present(struct snap_save *s, const struct snap_sock *so)
{
	struct mount *root = vfs_mount_of(s->vm, "/", NULL);
	char path[UNIX_NAME_MAX + 1];
	struct stat st;
	if (!root || strcmp(root->fs->type, "hostfs") || so->img.name.kind != SN_PATH)
		return 0;
	memcpy(path, so->img.name.bytes, so->img.name.len);
	path[so->img.name.len] = 0;
	return !fstatat(hostfs_dirfd(root->fs), path, &st, AT_SYMLINK_NOFOLLOW) &&
	       S_ISSOCK(st.st_mode) && unix_diag_is_file(so->diag, (uint64_t)st.st_dev,
							 (uint64_t)st.st_ino);
}

static void place_listener(struct snap_socks *ss, struct snap_sock *so)
{
	const struct unix_diag_sock *d = so->diag;
	so->img.state = SS_LISTENING;
	so->img.backlog = d->wqueue;
	so->img.pending = calloc(d->nicons + 1, sizeof *so->img.pending);
	for (uint32_t k = 0; so->img.pending && k < d->nicons; k++) {
		long c = find(ss, d->icons[k]);
		if (c < 0)
			so->outside = "a connection from outside the machine waits in its queue";
		so->img.pending[so->img.npending++] = (uint32_t)(c + 1);
	}
	if (!so->img.pending)
		so->outside = "out of memory";
}

static void place(struct snap_save *s, size_t k)
{
	struct snap_socks *ss = s->socks;
	struct snap_sock *so = &ss->v[k];
	const struct unix_diag_sock *d = so->diag;
	long other = -1;
	so->img.type = d->type;
	so->img.shutdown = d->shutdown;
	name_of_diag(d, &so->img.name);
	if (d->state == 10)
		place_listener(ss, so);
	else if (d->has_peer && d->peer) {
		if ((other = find(ss, d->peer)) < 0)
			so->outside = "it is connected to a socket outside the machine";
		so->img.state = SS_CONNECTED;
	} else if (d->has_peer) {
		int w = waiting_in(ss, so->ino, &other);
		if (w == 2)
			so->outside = "it waits to be accepted by a listener outside the machine";
		so->img.state = w ? SS_WAITING : SS_PEER_GONE;
		so->early = w == 1 && d->wqueue > 0;
	} else
		so->img.state = SS_UNCONNECTED;
	so->img.peer = (uint32_t)(other + 1);
}

/* A connected stream socket not known to come from accept whose name a
 * listener of the machine has came from it (a socket received in a
 * message: hexvm's mark stayed with the description that accepted it). */
static void guess_accepted(struct snap_socks *ss, struct snap_sock *so)
{
	if (so->img.accepted || so->img.type == SOCK_DGRAM || !so->img.name.kind ||
	    (so->img.state != SS_CONNECTED && so->img.state != SS_PEER_GONE))
		return;
	for (size_t k = 0; k < ss->n; k++) {
		const struct sock_image *l = &ss->v[k].img;
		if (ss->v[k].diag && l->state == SS_LISTENING && l->type == so->img.type &&
		    l->name.kind == so->img.name.kind && l->name.len == so->img.name.len &&
		    !memcmp(l->name.bytes, so->img.name.bytes, l->name.len))
			so->img.accepted = 1;
	}
}

static int spread_outside(struct snap_socks *ss, struct snap_sock *so)
{
	static const char *const left = "it is connected to a socket that reaches outside the machine";
	if ((so->img.state == SS_CONNECTED || so->img.state == SS_WAITING) &&
	    ss->v[so->img.peer - 1].outside) {
		so->outside = left;
		return 1;
	}
	for (uint32_t k = 0; so->img.state == SS_LISTENING && k < so->img.npending; k++)
		if (ss->v[so->img.pending[k] - 1].outside) {
			so->outside = "a connection that reaches outside the machine waits in its queue";
			return 1;
		}
	return 0;
}

void snap_socks_classify(struct snap_save *s)
{
	struct snap_socks *ss = s->socks;
	for (size_t k = 0; k < ss->n; k++)
		if (ss->v[k].diag && !ss->v[k].outside)
			place(s, k);
	for (size_t k = 0; k < ss->n; k++)
		if (ss->v[k].diag && !ss->v[k].outside) {
			guess_accepted(ss, &ss->v[k]);
			ss->v[k].img.present = !ss->v[k].img.accepted && file_present(s, &ss->v[k]);
		}
	for (int changed = 1; changed;) {
		changed = 0;
		for (size_t k = 0; k < ss->n; k++)
			if (!ss->v[k].outside && ss->v[k].diag)
				changed |= spread_outside(ss, &ss->v[k]);
	}
}

/* "pid 3 fd 4", or what a socket only in flight is. */
static const char *where(const struct snap_sock *so, char *buf, size_t size)
{
	if (so->pid)
		snprintf(buf, size, "pid %d fd %d", so->pid, so->fd);
	else
		snprintf(buf, size, "a socket in flight in a message");
	return buf;
}

/* What a kept socket brings along: its peer, listener or waiting clients,
 * and the sockets in flight in its messages. 1 when something was added. */
static int keep_around(struct snap_save *s, struct snap_sock *so)
{
	struct snap_socks *ss = s->socks;
	int added = 0;
	char at[64];
	uint32_t linked = so->img.state == SS_CONNECTED || so->img.state == SS_WAITING ? so->img.peer : 0;
	if (linked && !ss->v[linked - 1].kept)
		added = ss->v[linked - 1].kept = 1;
	for (uint32_t k = 0; so->img.state == SS_LISTENING && k < so->img.npending; k++)
		if (!ss->v[so->img.pending[k] - 1].kept)
			added = ss->v[so->img.pending[k] - 1].kept = 1;
	for (size_t m = 0; m < so->img.nmsgs; m++)
		for (uint32_t k = 0; k < so->img.msgs[m].nrefs; k++) {
			const struct sock_ref *r = &so->img.msgs[m].refs[k];
			struct snap_sock *carried = r->kind == SR_SOCKET ? &ss->v[r->id] : NULL;
			if (carried && carried->outside && !s->failed)
				snap_save_fail(s, "a message queued to %s carries a socket that reaches "
						  "outside the machine (%s), which cannot be restored",
					       where(so, at, sizeof at), carried->outside);
			if (carried && !carried->kept)
				added = carried->kept = 1;
		}
	return added;
}

/* The cases a kept socket cannot be restored in, each refused in a line. */
static void check_kept(struct snap_save *s, const struct snap_sock *so)
{
	const struct snap_socks *ss = s->socks;
	char at[64];
	const struct sock_image *peer = so->img.state == SS_CONNECTED ? &ss->v[so->img.peer - 1].img : NULL;
	if (so->unreadable)
		snap_save_fail(s, "%s: a datagram or seqpacket socket with a pending error and "
				  "messages queued, which reading them would clear", where(so, at, sizeof at));
	else if (so->early)
		snap_save_fail(s, "%s waits in a listener's accept queue with bytes it sent already, "
				  "which only accept could read: a snapshot cannot hold such a connection",
			       where(so, at, sizeof at));
	else if (peer && so->img.type == SOCK_DGRAM && !peer->name.kind &&
		 (peer->state != SS_CONNECTED || &ss->v[peer->peer - 1] != so))
		snap_save_fail(s, "%s: a datagram socket connected to an unnamed socket that is "
				  "connected elsewhere, which a snapshot cannot make again",
			       where(so, at, sizeof at));
}

static void number(struct snap_save *s)
{
	struct snap_socks *ss = s->socks;
	uint32_t id = 0;
	for (size_t k = 0; k < ss->n; k++)
		ss->v[k].id = ss->v[k].kept ? ++id : 0;
	for (size_t k = 0; k < ss->n; k++) {
		struct sock_image *img = &ss->v[k].img;
		if (!ss->v[k].kept)
			continue;
		if (img->state == SS_CONNECTED || img->state == SS_WAITING)
			img->peer = ss->v[img->peer - 1].id;
		else
			img->peer = 0;
		for (uint32_t j = 0; img->state == SS_LISTENING && j < img->npending; j++)
			img->pending[j] = ss->v[img->pending[j] - 1].id;
		for (size_t m = 0; m < img->nmsgs; m++)
			for (uint32_t j = 0; j < img->msgs[m].nrefs; j++) {
				struct sock_ref *r = &img->msgs[m].refs[j];
				if (r->kind == SR_SOCKET)
					r->id = ss->v[r->id].id;
				else
					ss->flights++;
			}
	}
}

void snap_socks_keep(struct snap_save *s)
{
	struct snap_socks *ss = s->socks;
	char at[64];
	for (size_t k = 0; k < ss->n; k++)
		ss->v[k].kept = ss->v[k].pid && !ss->v[k].outside;
	for (int added = 1; added && !s->failed;) {
		added = 0;
		for (size_t k = 0; k < ss->n; k++)
			if (ss->v[k].kept)
				added |= keep_around(s, &ss->v[k]);
	}
	for (size_t k = 0; k < ss->n && !s->failed; k++) {
		const struct snap_sock *so = &ss->v[k];
		if (so->kept)
			check_kept(s, so);
		else if (so->pid && !s->drop_sockets)
			snap_save_fail(s, "%s is a socket that cannot be restored: %s "
					  "(--snapshot-drop-sockets leaves it out)",
				       where(so, at, sizeof at), so->outside);
	}
	if (!s->failed)
		number(s);
}
