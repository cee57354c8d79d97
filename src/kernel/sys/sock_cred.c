/* SCM_CREDENTIALS between guest processes. The host attaches hexvm's own
 * pid and ids to every message of the machine, so the machine keeps the
 * guest's with the socket that receives each message (its queue of
 * credentials, sock_credq.h): the receiver takes them in the order the
 * host delivers what they came with. */
#include <errno.h>
#include <sys/un.h>

#include "kernel/sys/sock_ident.h"
#include "kernel/task/process.h"
#include "kernel/vfs/file.h"
#include "kernel/vm.h"

static int has_id(uint32_t id, uint32_t r, uint32_t e, uint32_t s)
{
	return id == r || id == e || id == s;
}

int sock_cred_check(struct task *t, const struct sock_cred *c)
{
	const struct process *p = t->proc;
	int root = p->uid == 0; /* CAP_SYS_ADMIN, CAP_SETUID and CAP_SETGID */
	if ((c->pid != p->pid && !root) || (!has_id(c->uid, p->ruid, p->uid, p->suid) && !root) ||
	    (!has_id(c->gid, p->rgid, p->gid, p->sgid) && !root))
		return -EPERM;
	return process_find(t->vm, c->pid) ? 0 : -ESRCH;
}

struct file *sock_peer_of(struct vm *vm, const struct file *f)
{
	struct unix_diag d;
	const struct unix_diag_sock *s;
	if (!f->sock || unix_diag_read(&d))
		return NULL;
	s = unix_diag_find(&d, f->sock->ino);
	struct file *peer = s && s->has_peer ? sock_file_by_ino(vm, s->peer) : NULL;
	unix_diag_free(&d);
	return peer;
}

/* Where what f sends is queued: the socket a datagram's address names,
 * else its peer's; a client not yet accepted has its listener keep it. */
static struct cred_queue *queue_to(struct vm *vm, struct sock_ident *id,
				   const struct sockaddr_storage *to, socklen_t tolen)
{
	size_t plen;
	if (to && !id->stream) {
		const char *hp = sock_host_path(to, tolen, &plen);
		struct file *rx = hp ? sock_named(vm, hp, plen, 0) : NULL;
		return rx ? &rx->sock->queued : NULL;
	}
	struct file *rx = sock_file_by_ino(vm, id->peer_ino);
	if (rx)
		return &rx->sock->queued;
	struct file *listener = id->peer_ino ? NULL : sock_file_by_ino(vm, id->listener_ino);
	struct sock_waiting *w = listener ? sock_waiting_of(listener->sock, id->ino) : NULL;
	return w ? &w->early : NULL;
}

void sock_cred_sent(struct task *t, struct file *f, const struct sock_cred *explicit_cred,
		    int64_t n, const struct sockaddr_storage *to, socklen_t tolen)
{
	if (n < 0) /* (the caller's errno stays as it is) */
		return;
	struct sock_ident *id = sock_ident_of(f);
	struct cred_queue *q = id ? queue_to(t->vm, id, to, tolen) : NULL;
	struct sock_cred own = sock_cred_of(t);
	if (q && (n || !id->stream))
		credq_push(q, explicit_cred ? explicit_cred : &own, (uint64_t)n, id->stream);
}

int sock_cred_received(struct file *f, int64_t n, int peek, struct sock_cred *out)
{
	if (!f->sock || n < 0 || (!n && f->sock->stream))
		return 0;
	return credq_take(&f->sock->queued, (uint64_t)n, f->sock->stream, peek, out);
}
