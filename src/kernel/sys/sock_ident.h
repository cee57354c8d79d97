/* What Linux keeps with an AF_UNIX socket that the host socket behind it
 * cannot give the guest: the name as the guest bound it (hexvm binds the
 * host socket at a path relative to a hostfs directory, which the host then
 * reports), and the credentials of guest processes (the host reports
 * hexvm's own for every socket of the machine). Kept with the socket's
 * description (struct file's sock). */
#ifndef HEXVM_KERNEL_SYS_SOCK_IDENT_H
#define HEXVM_KERNEL_SYS_SOCK_IDENT_H

#include <stdint.h>
#include <sys/socket.h>

#include "host/unixdiag.h"
#include "kernel/sys/sock_credq.h"

struct file;
struct task;
struct vm;

/* A name: a path as the guest gave it, and as the host was given it; an
 * abstract name (its leading NUL too) is the same in both. */
struct sock_bound {
	uint8_t guest_len, host_len; /* 0: none */
	char guest[UNIX_NAME_MAX], host[UNIX_NAME_MAX];
};

/* A connection a listener holds until it is accepted: its client's
 * credentials, and the senders of what the client sent meanwhile. */
struct sock_waiting {
	uint32_t client_ino;
	struct sock_cred cred;
	struct cred_queue early;
};

struct sock_ident {
	struct sock_bound name; /* its own, from bind (an accepted socket: its listener's) */
	struct sock_bound peer; /* its peer's, as the peer bound it, taken when connected */
	/* host inodes: its own; its peer's, once known; a client's listener until
	 * it is accepted (else 0) */
	uint32_t ino, peer_ino, listener_ino;
	uint8_t stream;	   /* SOCK_STREAM: credentials go with runs of bytes */
	uint8_t listening;
	uint8_t has_cred, has_peer_cred; /* the field holds something */
	struct sock_cred cred;		 /* what its peer's SO_PEERCRED gives */
	struct sock_cred peer_cred;	 /* what its own SO_PEERCRED gives */
	struct cred_queue queued;	 /* the senders of what is queued to it */
	struct sock_waiting *waiting;	 /* a listener's connections, oldest first */
	size_t nwaiting, capwaiting;
};

/* f's ident, made on first use; NULL out of memory. */
struct sock_ident *sock_ident_of(struct file *f);
/* What goes with f's description (struct file's sock_free). */
void sock_ident_free(struct sock_ident *id);
/* The calling process's credentials. */
struct sock_cred sock_cred_of(const struct task *t);

/* After a bind of f: the guest's path (glen bytes; NULL for an abstract
 * name) and the host's sockaddr; the machine remembers the name
 * (vm->sock_names). */
void sock_ident_bound(struct vm *vm, struct file *f, const char *guest, size_t glen,
		      const struct sockaddr *host, socklen_t hlen);
/* Adds a name to those the machine bound (vm->sock_names), replacing the
 * one of the same host name. */
void sock_name_remember(struct vm *vm, const struct sock_bound *b);
/* The machine's name for a host path name (len bytes of sun_path), looked
 * for in f first, then in every socket of the machine, then among the names
 * it bound; NULL: none. */
const struct sock_bound *sock_bound_find(struct vm *vm, struct file *f, const char *host,
					 size_t len);
/* An address a host call gave for a socket of f's (its own, its peer's, a
 * sender's), made the guest's: a path name the machine bound becomes the
 * name as the guest bound it, with Linux's length. */
void sock_addr_to_guest(struct vm *vm, struct file *f, struct sockaddr_storage *ss,
			socklen_t *len);
/* The socket of the machine bound at this host name (the listener, with
 * listening), or NULL. */
struct file *sock_named(struct vm *vm, const char *host, size_t len, int listening);
/* The connection of client waiting in a listener (NULL: none). */
struct sock_waiting *sock_waiting_of(struct sock_ident *listener, uint32_t client);
/* The name of a host AF_UNIX address (*plen bytes): a path, or an abstract
 * name with its leading NUL; NULL: none. */
const char *sock_host_path(const struct sockaddr_storage *ss, socklen_t len, size_t *plen);
/* The socket of the machine whose host socket has inode ino, or NULL. */
struct file *sock_file_by_ino(struct vm *vm, uint32_t ino);


/* The moments Linux takes a socket's names and credentials (AF_UNIX
 * sockets only; the others are left as the host gives them). */
void sock_ident_pair(struct task *t, struct file *a, struct file *b);
void sock_ident_listening(struct task *t, struct file *f);
void sock_ident_connected(struct task *t, struct file *f);
/* f, accepted from listener, connected to the client at ss (len bytes). */
void sock_ident_accepted(struct task *t, struct file *listener, struct file *f,
			 const struct sockaddr_storage *ss, socklen_t len);

/* Credentials in messages (sock_cred.c). After a send of n bytes on f (to:
 * the host address it went to, or NULL): the credentials that went with it
 * (explicit_cred: what the guest gave in SCM_CREDENTIALS; NULL: the
 * sender's own), queued with the socket that receives it. */
void sock_cred_sent(struct task *t, struct file *f, const struct sock_cred *explicit_cred,
		    int64_t n, const struct sockaddr_storage *to, socklen_t tolen);
/* After a receive of n bytes on f: the credentials they were sent with
 * (1; 0: unknown), taken from f's queue unless peek. */
int sock_cred_received(struct file *f, int64_t n, int peek, struct sock_cred *out);
/* The machine's socket f is connected to, by the host's own pairing
 * (sock_diag), or NULL. */
struct file *sock_peer_of(struct vm *vm, const struct file *f);
/* A guest's SCM_CREDENTIALS as Linux checks them: 0, -EPERM (another
 * process's pid, an id the sender lacks, unprivileged) or -ESRCH. */
int sock_cred_check(struct task *t, const struct sock_cred *c);

#endif
