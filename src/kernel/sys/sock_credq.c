/* A socket's queue of credentials (see sock_credq.h). */
#include "kernel/sys/sock_credq.h"

#include <stdlib.h>
#include <string.h>

static int same(const struct sock_cred *a, const struct sock_cred *b)
{
	return a->pid == b->pid && a->uid == b->uid && a->gid == b->gid;
}

static int make_room(struct cred_queue *q)
{
	if (q->head && q->head + q->n == q->cap) {
		memmove(q->v, q->v + q->head, q->n * sizeof *q->v);
		q->head = 0;
	}
	if (q->n < q->cap)
		return 0;
	size_t cap = q->cap ? 2 * q->cap : 8;
	struct cred_run *v = realloc(q->v, cap * sizeof *v);
	if (!v)
		return -1;
	q->v = v;
	q->cap = cap;
	return 0;
}

int credq_push(struct cred_queue *q, const struct sock_cred *c, uint64_t n, int stream)
{
	struct cred_run *last = q->n ? &q->v[q->head + q->n - 1] : NULL;
	if (stream && last && same(&last->cred, c)) {
		last->left += n;
		return 0;
	}
	if (make_room(q))
		return -1;
	q->v[q->head + q->n++] = (struct cred_run){*c, stream ? n : 1};
	return 0;
}

int credq_take(struct cred_queue *q, uint64_t n, int stream, int peek, struct sock_cred *out)
{
	if (!q->n)
		return 0;
	*out = q->v[q->head].cred;
	if (!stream)
		n = 1;
	while (!peek && n && q->n) {
		struct cred_run *r = &q->v[q->head];
		uint64_t k = n < r->left ? n : r->left;
		r->left -= k;
		n -= k;
		if (!r->left)
			q->head++, q->n--;
	}
	if (!q->n)
		q->head = 0;
	return 1;
}

void credq_move(struct cred_queue *q, struct cred_queue *from, int stream)
{
	for (size_t k = 0; k < from->n; k++) {
		const struct cred_run *r = &from->v[from->head + k];
		credq_push(q, &r->cred, r->left, stream);
	}
	credq_free(from);
}

void credq_free(struct cred_queue *q)
{
	free(q->v);
	memset(q, 0, sizeof *q);
}
