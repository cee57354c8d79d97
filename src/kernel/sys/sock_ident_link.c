/* When Linux takes an AF_UNIX socket's names and credentials: socketpair,
 * listen, connect and accept (see sock_ident.h). */
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
	if (id)
		set_creds(id, sock_cred_of(t), sock_cred_of(t));
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
	struct file *server = hp ? sock_named(t->vm, hp, plen) : NULL;
	if (server)
		id->peer = server->sock->name;
	if (is_dgram(f)) {
		id->peer_ino = server ? server->sock->ino : 0;
		return;
	}
	id->cred = sock_cred_of(t);
	id->has_cred = 1;
	id->has_peer_cred = server && server->sock->has_cred;
	if (id->has_peer_cred)
		id->peer_cred = server->sock->cred;
}

/* An accepted socket has its listener's name and credentials, and its
 * client's as its peer's. */
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
	struct file *named = hp ? sock_named(t->vm, hp, plen) : NULL;
	if (named)
		id->peer = named->sock->name;
	struct file *client = sock_peer_of(t->vm, f);
	if (!client)
		return;
	struct sock_ident *cid = client->sock;
	id->has_peer_cred = cid->has_cred;
	id->peer_cred = cid->cred;
	id->peer_ino = cid->ino;
	cid->peer_ino = id->ino;
	credq_move(&id->queued, &cid->early, id->stream);
}
