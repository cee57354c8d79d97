/* The guest's names and credentials of the machine's sockets (see
 * sock_ident.h). */
#include "kernel/sys/sock_ident.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "kernel/task/process.h"
#include "kernel/vfs/file.h"
#include "kernel/vm.h"

struct sock_ident *sock_ident_of(struct file *f)
{
	struct stat st;
	int type = 0;
	socklen_t len = sizeof type;
	if (f->sock || fstat(f->host_fd, &st) || !(f->sock = calloc(1, sizeof *f->sock)))
		return f->sock;
	f->sock_free = sock_ident_free;
	f->sock->ino = (uint32_t)st.st_ino;
	f->sock->stream = !getsockopt(f->host_fd, SOL_SOCKET, SO_TYPE, &type, &len) &&
			  type == SOCK_STREAM;
	return f->sock;
}

void sock_ident_free(struct sock_ident *id)
{
	credq_free(&id->queued);
	for (size_t k = 0; k < id->nwaiting; k++)
		credq_free(&id->waiting[k].early);
	free(id->waiting);
	free(id);
}

struct sock_cred sock_cred_of(const struct task *t)
{
	struct sock_cred c = {t->proc->pid, t->proc->uid, t->proc->gid};
	return c;
}

const char *sock_host_path(const struct sockaddr_storage *ss, socklen_t len, size_t *plen)
{
	const struct sockaddr_un *un = (const struct sockaddr_un *)ss;
	size_t off = offsetof(struct sockaddr_un, sun_path);
	if (len <= off || un->sun_family != AF_UNIX)
		return NULL;
	*plen = un->sun_path[0] ? strnlen(un->sun_path, len - off) : len - off;
	return un->sun_path;
}

static int same_host(const struct sock_bound *b, const char *host, size_t len)
{
	return b->guest_len && b->host_len == len && !memcmp(b->host, host, len);
}

/* For addresses of sockets gone since (a datagram's sender that closed). */
void sock_name_remember(struct vm *vm, const struct sock_bound *b)
{
	for (size_t k = 0; k < vm->n_sock_names; k++)
		if (same_host(&vm->sock_names[k], b->host, b->host_len)) {
			vm->sock_names[k] = *b;
			return;
		}
	if (vm->n_sock_names == vm->cap_sock_names) {
		size_t cap = vm->cap_sock_names ? 2 * vm->cap_sock_names : 16;
		struct sock_bound *v = realloc(vm->sock_names, cap * sizeof *v);
		if (!v)
			return;
		vm->sock_names = v;
		vm->cap_sock_names = cap;
	}
	vm->sock_names[vm->n_sock_names++] = *b;
}

void sock_ident_bound(struct vm *vm, struct file *f, const char *guest, size_t glen,
		      const struct sockaddr *host, socklen_t hlen)
{
	size_t plen;
	const char *hp = sock_host_path((const struct sockaddr_storage *)host, hlen, &plen);
	struct sock_ident *id = hp && plen ? sock_ident_of(f) : NULL;
	if (!id)
		return;
	if (!hp[0])
		guest = hp, glen = plen;
	if (!guest)
		return;
	memcpy(id->name.guest, guest, glen);
	id->name.guest_len = (uint8_t)glen;
	memcpy(id->name.host, hp, plen);
	id->name.host_len = (uint8_t)plen;
	sock_name_remember(vm, &id->name);
}


const struct sock_bound *sock_bound_find(struct vm *vm, struct file *f, const char *host,
					 size_t len)
{
	if (f && f->sock && same_host(&f->sock->name, host, len))
		return &f->sock->name;
	if (f && f->sock && same_host(&f->sock->peer, host, len))
		return &f->sock->peer;
	struct file *g = sock_named(vm, host, len, 0);
	if (g)
		return &g->sock->name;
	for (size_t k = 0; k < vm->n_sock_names; k++)
		if (same_host(&vm->sock_names[k], host, len))
			return &vm->sock_names[k];
	return NULL;
}

struct file *sock_named(struct vm *vm, const char *host, size_t len, int listening)
{
	for (struct process *p = vm->procs; p; p = p->next)
		for (int fd = 0; p->fds && fd < p->fds->size; fd++) {
			struct file *g = p->fds->files[fd];
			if (g && g->sock && same_host(&g->sock->name, host, len) &&
			    (!listening || g->sock->listening))
				return g;
		}
	return NULL;
}

struct sock_waiting *sock_waiting_of(struct sock_ident *listener, uint32_t client)
{
	for (size_t k = 0; listener && client && k < listener->nwaiting; k++)
		if (listener->waiting[k].client_ino == client)
			return &listener->waiting[k];
	return NULL;
}

void sock_addr_to_guest(struct vm *vm, struct file *f, struct sockaddr_storage *ss,
			socklen_t *len)
{
	size_t plen;
	const char *hp = sock_host_path(ss, *len, &plen);
	const struct sock_bound *b = hp && hp[0] ? sock_bound_find(vm, f, hp, plen) : NULL;
	if (!b)
		return;
	struct sockaddr_un *un = (struct sockaddr_un *)ss;
	size_t off = offsetof(struct sockaddr_un, sun_path);
	memset((char *)ss + off, 0, sizeof *ss - off);
	memcpy(un->sun_path, b->guest, b->guest_len);
	/* Linux gives the path and its NUL, even one that fills sun_path */
	*len = (socklen_t)(off + b->guest_len + 1);
}

/* Sockets without an ident are ones no credentials or names were taken for:
 * never bound, connected or accepted, no message sent. */
struct file *sock_file_by_ino(struct vm *vm, uint32_t ino)
{
	for (struct process *p = vm->procs; ino && p; p = p->next)
		for (int fd = 0; p->fds && fd < p->fds->size; fd++) {
			struct file *g = p->fds->files[fd];
			if (g && g->sock && g->sock->ino == ino)
				return g;
		}
	return NULL;
}
