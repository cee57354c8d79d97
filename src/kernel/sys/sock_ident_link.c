/* When Linux takes an AF_UNIX socket's names and credentials: socketpair,
 * listen, connect and accept (see sock_ident.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kernel/sys/sock_ident.h"
#include "kernel/task/process.h"
#include "kernel/vfs/file.h"
#include "kernel/vm.h"

static int is_unix(const struct file *f)
{
	int domain = 0;
	socklen_t len = sizeof domain;
	return !getsockopt(f->host_fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) && domain == AF_UNIX;
}

static int is_dgram(const struct file *f)
{
	int type = 0;
	socklen_t len = sizeof type;
	return !getsockopt(f->host_fd, SOL_SOCKET, SO_TYPE, &type, &len) && type == SOCK_DGRAM;
}

static void set_creds(struct sock_ident *id, struct sock_cred own, struct sock_cred peer)
{
	id->cred = own;
	id->peer_cred = peer;
	id->has_cred = id->has_peer_cred = 1;
}

/* Both ends have their maker's credentials, as their own and their peer's. */
void sock_ident_pair(struct task *t, struct file *a, struct file *b)
{
	struct sock_cred c = sock_cred_of(t);
	struct sock_ident *ia = sock_ident_of(a), *ib = sock_ident_of(b);
	if (!ia || !ib)
		return;
	set_creds(ia, c, c);
	set_creds(ib, c, c);
	ia->peer_ino = ib->ino;
	ib->peer_ino = ia->ino;
}

/* A listener's SO_PEERCRED is its own, what its clients will see. */
void sock_ident_listening(struct task *t, struct file *f)
{
	struct sock_ident *id = is_unix(f) ? sock_ident_of(f) : NULL;
	if (!id)
		return;
	set_creds(id, sock_cred_of(t), sock_cred_of(t));
	id->listening = 1;
}

/* The listener holds the client's credentials until it is accepted, the
 * client gone or not, in the order Linux queues connections. */
static void wait_in(struct sock_ident *listener, const struct sock_ident *client)
{
	if (listener->nwaiting == listener->capwaiting) {
		size_t cap = listener->capwaiting ? 2 * listener->capwaiting : 4;
		struct sock_waiting *v = realloc(listener->waiting, cap * sizeof *v);
		if (!v)
			return;
		listener->waiting = v;
		listener->capwaiting = cap;
	}
	listener->waiting[listener->nwaiting++] =
		(struct sock_waiting){client->ino, client->cred, {NULL, 0, 0, 0}};
}

/* The waiting connection an accept took: its client's (known by the host's
 * pairing while the client is open), else the oldest. 0 when none. */
static int take_waiting(struct sock_ident *listener, uint32_t client, struct sock_waiting *out)
{
	struct sock_waiting *w = sock_waiting_of(listener, client);
	if (!w && (client || !listener->nwaiting))
		return 0;
	if (!w)
		w = &listener->waiting[0];
	*out = *w;
	size_t at = (size_t)(w - listener->waiting);
	memmove(w, w + 1, (listener->nwaiting - at - 1) * sizeof *w);
	listener->nwaiting--;
	return 1;
}

/* A client takes the name of the socket it reached and, of a stream, the
 * listener's credentials; its own go to the connection it made. (Its peer
 * has no inode of its own until accepted.) */
void sock_ident_connected(struct task *t, struct file *f)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	size_t plen;
	struct sock_ident *id = is_unix(f) ? sock_ident_of(f) : NULL;
	if (!id || getpeername(f->host_fd, (struct sockaddr *)&ss, &len))
		return;
	const char *hp = sock_host_path(&ss, len, &plen);
	int dgram = is_dgram(f);
	struct file *server = hp ? sock_named(t->vm, hp, plen, !dgram) : NULL;
	if (server)
		id->peer = server->sock->name;
	if (dgram) {
		id->peer_ino = server ? server->sock->ino : 0;
		return;
	}
	id->cred = sock_cred_of(t);
	id->has_cred = 1;
	id->has_peer_cred = server && server->sock->has_cred;
	if (!server)
		return;
	id->peer_cred = server->sock->cred;
	id->listener_ino = server->sock->ino;
	wait_in(server->sock, id);
}

/* An accepted socket has its listener's name and credentials, its
 * client's as its peer's, and the senders of what the client sent. */
void sock_ident_accepted(struct task *t, struct file *listener, struct file *f,
			 const struct sockaddr_storage *ss, socklen_t len)
{
	size_t plen;
	struct sock_ident *id = listener->sock ? sock_ident_of(f) : NULL;
	if (!id)
		return;
	id->name = listener->sock->name;
	id->cred = listener->sock->cred;
	id->has_cred = listener->sock->has_cred;
	const char *hp = sock_host_path(ss, len, &plen);
	struct file *named = hp ? sock_named(t->vm, hp, plen, 0) : NULL;
	if (named)
		id->peer = named->sock->name;
	struct file *client = sock_peer_of(t->vm, f);
	struct sock_ident *cid = client ? client->sock : NULL;
	struct sock_waiting w;
	int waited = take_waiting(listener->sock, cid ? cid->ino : 0, &w);
	if (waited) {
		id->has_peer_cred = 1;
		id->peer_cred = w.cred;
		credq_move(&id->queued, &w.early, id->stream);
	}
	if (!cid)
		return;
	id->has_peer_cred = cid->has_cred;
	id->peer_cred = cid->cred;
	id->peer_ino = cid->ino;
	cid->peer_ino = id->ino;
	cid->listener_ino = 0;
}
