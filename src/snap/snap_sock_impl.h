/* Restoring sockets: what snap_sock_load.c (reading SOCK),
 * snap_sock_make.c (making and connecting host sockets), snap_sock_addr.c
 * (binding names) and snap_sock_fill.c (queues, then the rest) share. */
#ifndef HEXVM_SNAP_SNAP_SOCK_IMPL_H
#define HEXVM_SNAP_SNAP_SOCK_IMPL_H

#include <sys/socket.h>
#include <sys/un.h>

#include "snap/snap_sock.h"

struct sock_made {
	struct sock_image img;
	int fd;		/* the host socket; -1 until made */
	int temp;	/* a stand-in for its gone peer until its queue is filled, or -1 */
	int in_scratch; /* its path name was bound in the scratch directory */
};

struct snap_sock_load {
	struct sock_made *v;
	size_t n;
	int rootfd;	    /* the root host directory (path names are relative to it), or -1 */
	char scratch[4096]; /* a directory for names whose file the machine no longer has */
	int scratch_fd;	    /* -1 until needed */
	char **made;	    /* paths made in it, deepest last, removed at the end */
	size_t nmade;
	char **created;	    /* socket files made in the root directory where there was
			     * none: removed again when the restore fails */
	size_t ncreated;
};

/* Where a name is reached: its sockaddr and the directory a path is
 * relative to (-1: none). */
struct sock_addr {
	struct sockaddr_un sa;
	socklen_t len;
	int dirfd;
};

/* Binds fd to name, in the root directory (the file there then is the
 * socket's; a stale socket file left there is replaced) or, with
 * scratch, in the scratch directory; *where: how to reach it. 0, or -1
 * with the load failed. */
int sock_bind_name(struct snap_load *l, int fd, const struct sock_name *name, int scratch,
		   struct sock_addr *where);
/* A stand-in's file in the scratch directory goes as soon as what it
 * connected is: the next stand-in of the same name needs its place. */
void sock_drop_stand_in_file(struct snap_load *l, const struct sock_addr *a);
/* How to reach socket k's own name. */
void sock_addr_of(struct snap_load *l, const struct sock_made *m, struct sock_addr *where);
/* connect / sendmsg to an address (in its directory). */
int sock_connect_to(int fd, const struct sock_addr *a);
/* Makes every socket and connects them as they were (snap_sock_make.c). */
int sock_make_all(struct snap_load *l);
/* Removes what the scratch directory holds. */
void sock_scratch_clean(struct snap_sock_load *sl);
/* Forgets the socket files made in the root directory, removing them when
 * the restore failed (at any later step). */
void sock_created_drop(struct snap_sock_load *sl, int failed);
/* Two names alike. */
int sock_name_eq(const struct sock_name *a, const struct sock_name *b);

#endif
