/* AF_UNIX sockets whose every end is in the machine, in a snapshot (section
 * SOCK, docs/snapshot-format.md): socketpairs, connected pairs, listeners
 * with the connections waiting in them, and unconnected sockets, each with
 * its address, options, shutdown state and the messages queued to it
 * (bytes, message boundaries, credentials, descriptions in flight). The
 * save reads them without changing them (snap_sock_peek.c); the restore
 * makes host sockets connected the same way (snap_sock_make.c) and queues
 * the same messages again (snap_sock_fill.c). Sockets that reach outside
 * the machine are refused, or left out with --snapshot-drop-sockets. */
#ifndef HEXVM_SNAP_SNAP_SOCK_H
#define HEXVM_SNAP_SNAP_SOCK_H

#include <stddef.h>
#include <stdint.h>

#include "host/unixdiag.h"
#include "kernel/sys/sock_ident.h"
#include "snap/snap_buf.h"
#include "snap/snap_ctx.h"

struct file;

/* What a socket is connected to (format values). */
enum sock_state {
	SS_UNCONNECTED, /* bound or not */
	SS_LISTENING,	/* backlog, waiting clients */
	SS_CONNECTED,	/* to a socket of the machine (peer) */
	SS_PEER_GONE,	/* its peer closed (peer_name: what getpeername still gives) */
	SS_WAITING,	/* a client in a listener's queue, not yet accepted (peer: the listener) */
};

enum sock_name_kind { SN_NONE, SN_PATH, SN_ABSTRACT };

/* A socket address as the guest sees it: a path (relative to the root
 * host directory, as hexvm binds it) or an abstract name. */
struct sock_name {
	uint8_t kind, len;
	char bytes[UNIX_NAME_MAX];
};

/* A description travelling with a message: one of the machine's files
 * (a placeholder's, sys/scm_flight.h) or one of its sockets, by id. */
enum sock_ref_kind { SR_FILE = 1, SR_SOCKET };
struct sock_ref {
	uint8_t kind;
	uint32_t id;	   /* in the snapshot: a file id or a socket id */
	const void *file;  /* while saving: the struct file of SR_FILE */
};

struct sock_msg {
	uint8_t creds;	      /* it carries the sender's credentials */
	struct sock_name from; /* a datagram's sender address */
	uint8_t *data;
	size_t len;
	uint32_t nrefs;
	struct sock_ref *refs;
};

#define SOCK_OPTS_MAX 24
struct sock_opt {
	uint32_t name; /* SOL_SOCKET option, Linux's number */
	uint8_t len;
	uint8_t val[16]; /* little-endian: u32s, or i64 seconds and microseconds */
};

struct sock_image {
	uint32_t type; /* Linux SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_SEQPACKET 5 */
	uint8_t state, shutdown, error, accepted, present;
	struct sock_name name, peer_name;
	uint32_t peer;	  /* SS_CONNECTED: the peer's id; SS_WAITING: the listener's */
	uint32_t backlog; /* SS_LISTENING */
	uint32_t *pending, npending; /* SS_LISTENING: waiting clients' ids, in order */
	int32_t host_flags;	     /* the host descriptor's status flags (O_NONBLOCK) */
	struct sock_opt opts[SOCK_OPTS_MAX];
	uint32_t nopts;
	struct sock_msg *msgs; /* its receive queue, in order */
	size_t nmsgs, msgs_cap;
	struct sock_ident *ident; /* its guest names and credentials, or NULL */
};

/* The address a host call gave (len bytes of sa). */
struct sockaddr_un;
void sock_name_of(const struct sockaddr_un *sa, unsigned len, struct sock_name *n);

void sock_image_free(struct sock_image *img);
/* Appends a message (taking data and refs); 0 or -1 out of memory. */
int sock_image_push(struct sock_image *img, const struct sock_msg *m);

/* The options saved (the SOL_SOCKET options a guest can set and read). */
struct sock_opt_kind {
	uint32_t linux_name;
	int host_name;
	uint8_t form; /* SO_FORM_* */
};
enum { SO_FORM_INT, SO_FORM_BUF, SO_FORM_LINGER, SO_FORM_TIMEVAL };
extern const struct sock_opt_kind sock_opt_kinds[];
extern const size_t sock_opt_nkinds;
/* Host form of a saved option: 0, or -1 when it is none this host knows. */
int sock_opt_to_host(const struct sock_opt *o, const struct sock_opt_kind **kind, void *val,
		     unsigned *len);
/* Saved form of an option read from the host. */
void sock_opt_from_host(const struct sock_opt_kind *kind, const void *val, unsigned len,
			struct sock_opt *o);

/* The guest's names and credentials of a socket (snap_sock_ident.c): taken
 * from its description (0, or -1 out of memory), written and read at the
 * end of its record, and given to a restored description of socket id. */
int sock_image_take_ident(struct sock_image *img, const struct file *f);
void sock_put_ident(struct snap_buf *b, const struct sock_ident *id);
void sock_get_ident(struct snap_rd *r, struct sock_image *img);
int snap_sock_give_ident(struct snap_load *l, uint32_t id, struct file *f);
/* The names the machine bound, at the end of SOCK. */
void sock_put_names(struct snap_buf *b, const struct vm *vm);
void sock_get_names(struct snap_rd *r, struct vm *vm);

/* Saving. */
struct snap_sock {
	struct sock_image img;
	uint32_t ino;
	int host_fd, own_fd; /* own_fd: host_fd came from a message and is closed at the end */
	int pid, fd;	     /* its first descriptor, for messages (pid 0: only in messages) */
	const struct unix_diag_sock *diag; /* NULL: no AF_UNIX socket of the host */
	const char *outside;		    /* why it reaches outside the machine, or NULL */
	int unreadable; /* a pending error that reading its queued messages would clear */
	int early;	/* it waits in a listener's queue and has sent bytes there */
	int kept;
	uint32_t id; /* in the snapshot; 0: left out */
};

struct snap_socks {
	struct snap_sock *v;
	size_t n, cap;
	struct unix_diag diag;
	int diag_rc;
	size_t flights; /* placeholders found in the queues kept */
};

/* A socket description of a descriptor table (pid, fd), numbered in s. */
void snap_sock_add_file(struct snap_save *s, struct file *f, int pid, int fd);
/* Once every table is numbered: reads every socket, finds which reach
 * outside the machine, and refuses what cannot be held. */
void snap_socks_settle(struct snap_save *s);
/* Where each socket is connected, which reach outside the machine
 * (snap_sock_classify.c); then which are kept, which refused. */
void snap_socks_classify(struct snap_save *s);
void snap_socks_keep(struct snap_save *s);
/* The index of the socket with this inode (adding it, host_fd then owned,
 * when new), or -1 out of memory. */
long snap_sock_index(struct snap_save *s, uint32_t ino, int host_fd, int *added);
/* The socket a description is (NULL: none, or left out). */
const struct snap_sock *snap_sock_of_file(const struct snap_save *s, const struct file *f);
/* Reads the socket's state and queue without changing it (snap_sock_peek.c). */
void snap_sock_peek(struct snap_save *s, size_t k);
/* Section SOCK; and the summary's line. */
void snap_save_socks(struct snap_save *s);
void snap_socks_summary(const struct snap_save *s, char *line, size_t size);
void snap_socks_free(struct snap_save *s);

/* Restoring: SOCK makes every socket connected as it was (snap_sock_make.c);
 * FILE gives their descriptions host descriptors; then the queues are filled
 * and shutdowns and options applied (snap_sock_fill.c). */
int snap_load_socks(struct snap_load *l, struct snap_rd *r);
/* A description of socket id: a new host descriptor of it, or -1. */
int snap_sock_dup(struct snap_load *l, uint32_t id, int *accepted);
int snap_socks_finish(struct snap_load *l);
void snap_socks_release(struct snap_load *l);

#endif
