/* The host's AF_UNIX sockets as its kernel sees them (Linux's sock_diag,
 * UNIX_DIAG): each socket's inode, type, state, peer, bound name, the
 * connections waiting in a listener's queue, queue lengths and shutdown
 * state. A snapshot asks it which of the machine's sockets are connected
 * to each other: the kernel's own pairing, however the pair was made
 * (socketpair, connect and accept, a socket passed in a message), with
 * nothing hexvm must keep up to date. Reading it changes nothing. Elsewhere
 * unix_diag_read fails with -ENOSYS. */
#ifndef HEXVM_HOST_UNIXDIAG_H
#define HEXVM_HOST_UNIXDIAG_H

#include <stddef.h>
#include <stdint.h>

#define UNIX_NAME_MAX 108 /* sun_path */

struct unix_diag_sock {
	uint32_t ino;	 /* the socket's inode (st_ino of a descriptor of it) */
	uint8_t type;	 /* SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET */
	uint8_t state;	 /* 1 connected, 7 unconnected, 10 listening (the TCP_* numbers) */
	uint8_t shutdown; /* 1 receive, 2 send: the directions shut down */
	uint8_t has_peer; /* connected: peer holds the peer's inode, 0 when the peer
			   * is closed or waits in a listener's queue */
	uint32_t peer;
	uint32_t *icons; /* a listener's waiting connections: their clients' inodes, in order */
	uint32_t nicons;
	uint32_t rqueue, wqueue; /* a listener: waiting connections and backlog; else
				  * bytes to read and bytes sent that the peer holds */
	uint8_t name_len;	 /* the bound address: sun_path's bytes (0: none) */
	char name[UNIX_NAME_MAX];
	uint8_t has_vfs; /* bound to a path: the socket file's device and inode */
	uint32_t vfs_dev, vfs_ino;
};

struct unix_diag {
	struct unix_diag_sock *v; /* by inode */
	size_t n;
};

/* Every AF_UNIX socket of the host's network namespace: 0 or -errno. */
int unix_diag_read(struct unix_diag *d);
/* The socket with this inode, or NULL. */
const struct unix_diag_sock *unix_diag_find(const struct unix_diag *d, uint32_t ino);
/* Whether the socket is bound to the file (dev, ino) of a stat. */
int unix_diag_is_file(const struct unix_diag_sock *s, uint64_t st_dev, uint64_t st_ino);
/* The socket whose bound path is the file (dev, ino) of a stat, or NULL. */
const struct unix_diag_sock *unix_diag_bound_to(const struct unix_diag *d, uint64_t st_dev,
						uint64_t st_ino);
void unix_diag_free(struct unix_diag *d);

#endif
