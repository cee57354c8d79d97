/* AF_UNIX sockets through sock_diag (see unixdiag.h). */
#include "host/unixdiag.h"

#include <errno.h>

#if defined(__linux__)
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int push(struct unix_diag *d, size_t *cap, const struct unix_diag_sock *s)
{
	if (d->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct unix_diag_sock *v = realloc(d->v, ncap * sizeof *v);
		if (!v)
			return -ENOMEM;
		d->v = v;
		*cap = ncap;
	}
	d->v[d->n++] = *s;
	return 0;
}

static int take_attr(struct unix_diag_sock *s, const struct nlattr *a)
{
	const uint8_t *p = (const uint8_t *)a + NLA_HDRLEN;
	size_t len = a->nla_len - NLA_HDRLEN;
	switch (a->nla_type) {
	case UNIX_DIAG_NAME:
		s->name_len = (uint8_t)(len < UNIX_NAME_MAX ? len : UNIX_NAME_MAX);
		memcpy(s->name, p, s->name_len);
		break;
	case UNIX_DIAG_PEER:
		if (len >= 4) {
			s->has_peer = 1;
			memcpy(&s->peer, p, 4);
		}
		break;
	case UNIX_DIAG_ICONS:
		free(s->icons);
		s->icons = malloc(len ? len : 1);
		if (!s->icons)
			return -ENOMEM;
		memcpy(s->icons, p, len);
		s->nicons = (uint32_t)(len / 4);
		break;
	case UNIX_DIAG_RQLEN:
		if (len >= sizeof(struct unix_diag_rqlen)) {
			const struct unix_diag_rqlen *q = (const void *)p;
			s->rqueue = q->udiag_rqueue;
			s->wqueue = q->udiag_wqueue;
		}
		break;
	case UNIX_DIAG_VFS:
		if (len >= sizeof(struct unix_diag_vfs)) {
			const struct unix_diag_vfs *v = (const void *)p;
			s->has_vfs = 1;
			s->vfs_dev = v->udiag_vfs_dev;
			s->vfs_ino = v->udiag_vfs_ino;
		}
		break;
	case UNIX_DIAG_SHUTDOWN:
		if (len >= 1)
			s->shutdown = p[0];
		break;
	}
	return 0;
}

static int take_msg(struct unix_diag *d, size_t *cap, const struct nlmsghdr *h)
{
	const struct unix_diag_msg *m = NLMSG_DATA(h);
	struct unix_diag_sock s = {.ino = m->udiag_ino, .type = m->udiag_type,
				   .state = m->udiag_state};
	const uint8_t *at = (const uint8_t *)(m + 1);
	long rem = (long)h->nlmsg_len - (long)NLMSG_LENGTH(sizeof *m);
	while (rem >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)at;
		if (a->nla_len < NLA_HDRLEN || a->nla_len > rem || take_attr(&s, a)) {
			free(s.icons);
			return a->nla_len < NLA_HDRLEN || a->nla_len > rem ? -EPROTO : -ENOMEM;
		}
		rem -= NLA_ALIGN(a->nla_len);
		at += NLA_ALIGN(a->nla_len);
	}
	if (push(d, cap, &s)) {
		free(s.icons);
		return -ENOMEM;
	}
	return 0;
}

static int ask(int nl)
{
	struct {
		struct nlmsghdr h;
		struct unix_diag_req r;
	} req = {{sizeof req, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, 1, 0},
		 {AF_UNIX, 0, 0, ~0u, 0,
		  UDIAG_SHOW_NAME | UDIAG_SHOW_VFS | UDIAG_SHOW_PEER | UDIAG_SHOW_ICONS |
			  UDIAG_SHOW_RQLEN,
		  {~0u, ~0u}}};
	return send(nl, &req, sizeof req, 0) == (ssize_t)sizeof req ? 0 : -errno;
}

/* The replies until NLMSG_DONE: 0, or -errno. */
static int collect(int nl, struct unix_diag *d)
{
	static const size_t room = 1 << 16;
	char *buf = malloc(room);
	size_t cap = 0;
	int rc = buf ? 1 : -ENOMEM;
	while (rc == 1) {
		ssize_t n = recv(nl, buf, room, 0);
		if (n <= 0) {
			rc = n < 0 ? -errno : -EPROTO;
			break;
		}
		int len = (int)n;
		for (const struct nlmsghdr *h = (const void *)buf; rc == 1 && NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE)
				rc = 0;
			else if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				rc = e->error ? e->error : -EPROTO;
			} else if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY)
				rc = take_msg(d, &cap, h) ? -ENOMEM : 1;
		}
	}
	free(buf);
	return rc;
}

static int by_ino(const void *a, const void *b)
{
	uint32_t x = ((const struct unix_diag_sock *)a)->ino, y = ((const struct unix_diag_sock *)b)->ino;
	return x < y ? -1 : x > y;
}

int unix_diag_read(struct unix_diag *d)
{
	*d = (struct unix_diag){0};
	int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nl < 0)
		return -errno;
	int rc = ask(nl);
	if (!rc)
		rc = collect(nl, d);
	close(nl);
	if (rc) {
		unix_diag_free(d);
		return rc;
	}
	qsort(d->v, d->n, sizeof *d->v, by_ino);
	return 0;
}

const struct unix_diag_sock *unix_diag_find(const struct unix_diag *d, uint32_t ino)
{
	struct unix_diag_sock key = {.ino = ino};
	return d->n ? bsearch(&key, d->v, d->n, sizeof key, by_ino) : NULL;
}

int unix_diag_is_file(const struct unix_diag_sock *s, uint64_t st_dev, uint64_t st_ino)
{
	/* the kernel's own device encoding: 12 bits of major above 20 of minor */
	uint32_t dev = (uint32_t)(major(st_dev) << 20 | minor(st_dev));
	return s->has_vfs && s->vfs_ino == (uint32_t)st_ino && s->vfs_dev == dev;
}

const struct unix_diag_sock *unix_diag_bound_to(const struct unix_diag *d, uint64_t st_dev,
						uint64_t st_ino)
{
	for (size_t k = 0; k < d->n; k++)
		if (unix_diag_is_file(&d->v[k], st_dev, st_ino))
			return &d->v[k];
	return NULL;
}

void unix_diag_free(struct unix_diag *d)
{
	for (size_t k = 0; k < d->n; k++)
		free(d->v[k].icons);
	free(d->v);
	*d = (struct unix_diag){0};
}

#else

int unix_diag_read(struct unix_diag *d)
{
	d->v = NULL;
	d->n = 0;
	return -ENOSYS;
}

const struct unix_diag_sock *unix_diag_find(const struct unix_diag *d, uint32_t ino)
{
	(void)d;
	(void)ino;
	return NULL;
}

int unix_diag_is_file(const struct unix_diag_sock *s, uint64_t st_dev, uint64_t st_ino)
{
	(void)s;
	(void)st_dev;
	(void)st_ino;
	return 0;
}

const struct unix_diag_sock *unix_diag_bound_to(const struct unix_diag *d, uint64_t st_dev,
						uint64_t st_ino)
{
	(void)d;
	(void)st_dev;
	(void)st_ino;
	return NULL;
}

void unix_diag_free(struct unix_diag *d) { (void)d; }

#endif
