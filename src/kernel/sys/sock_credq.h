/* The credentials of what is queued to a socket, oldest first: a run of a
 * stream's bytes or one message each (sock_cred.c keeps one per socket of
 * the machine, as Linux keeps them with each queued buffer). */
#ifndef HEXVM_KERNEL_SYS_SOCK_CREDQ_H
#define HEXVM_KERNEL_SYS_SOCK_CREDQ_H

#include <stddef.h>
#include <stdint.h>

/* Linux's struct ucred, in guest ids. */
struct sock_cred {
	int32_t pid;
	uint32_t uid, gid;
};

struct cred_run {
	struct sock_cred cred;
	uint64_t left; /* a stream's bytes; a message: 1 */
};

struct cred_queue {
	struct cred_run *v;
	size_t head, n, cap; /* v[head .. head + n) */
};

/* Appends n units sent with c (a stream's run joins the last one when the
 * credentials are the same); 0, or -1 out of memory. */
int credq_push(struct cred_queue *q, const struct sock_cred *c, uint64_t n, int stream);
/* The credentials of the oldest in *out (1; 0: the queue is empty), then
 * unless peek n units taken: a stream's bytes, or one message. */
int credq_take(struct cred_queue *q, uint64_t n, int stream, int peek, struct sock_cred *out);
/* Appends what from holds to q (from then empty). */
void credq_move(struct cred_queue *q, struct cred_queue *from, int stream);
void credq_free(struct cred_queue *q);

#endif
