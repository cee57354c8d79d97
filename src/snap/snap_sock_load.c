/* Reading section SOCK: every socket record, checked so that a damaged or
 * made-up snapshot cannot connect what no machine could have connected;
 * then the sockets are made (snap_sock_make.c). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/sys/sockmsg_ctl.h"
#include "kernel/vfs/fs/hostfs.h"
#include "kernel/vfs/vfs.h"
#include "kernel/vm.h"
#include "snap/snap_sock_impl.h"

#define SOCKS_MAX (1u << 20)
#define MSGS_MAX  (1u << 24)
#define MSG_LEN_MAX (1u << 30)

/* A path name must stay below the root: relative, without "..". */
static int name_ok(const struct sock_name *n)
{
	if (n->kind > SN_ABSTRACT || (n->kind == SN_NONE && n->len) || (n->kind && !n->len))
		return 0;
	if (n->kind != SN_PATH)
		return 1;
	if (n->bytes[0] == '/' || memchr(n->bytes, 0, n->len))
		return 0;
	for (size_t k = 0; k < n->len; k++)
		if (n->bytes[k] == '.' && (k == 0 || n->bytes[k - 1] == '/') && k + 1 < n->len &&
		    n->bytes[k + 1] == '.' && (k + 2 == n->len || n->bytes[k + 2] == '/'))
			return 0;
	return 1;
}

static void get_name(struct snap_rd *r, struct sock_name *n)
{
	memset(n, 0, sizeof *n);
	n->kind = sr_u8(r);
	uint32_t len = sr_u32(r);
	if (len > UNIX_NAME_MAX) {
		sr_fail(r, "a socket name is too long");
		return;
	}
	n->len = (uint8_t)len;
	sr_bytes(r, n->bytes, len);
	if (!r->bad && !name_ok(n))
		sr_fail(r, "a malformed socket name");
}

static void get_msg(struct snap_rd *r, struct sock_msg *m, uint32_t nsocks)
{
	m->creds = sr_u8(r);
	get_name(r, &m->from);
	m->len = (size_t)sr_count(r, MSG_LEN_MAX);
	const uint8_t *data = sr_view(r, m->len);
	m->data = malloc(m->len ? m->len : 1);
	if (data && m->data)
		memcpy(m->data, data, m->len);
	m->nrefs = (uint32_t)sr_count(r, CTL_FDS_MAX);
	m->refs = calloc(m->nrefs + 1, sizeof *m->refs);
	if (!m->data || !m->refs)
		sr_fail(r, "out of memory");
	for (uint32_t k = 0; k < m->nrefs && !r->bad; k++) {
		m->refs[k].kind = sr_u8(r);
		m->refs[k].id = sr_u32(r);
		if ((m->refs[k].kind != SR_FILE && m->refs[k].kind != SR_SOCKET) || !m->refs[k].id ||
		    (m->refs[k].kind == SR_SOCKET && m->refs[k].id > nsocks))
			sr_fail(r, "a description in flight is malformed");
	}
}

static void get_sock(struct snap_rd *r, struct sock_image *img, uint32_t nsocks)
{
	uint8_t b[5];
	img->type = sr_u32(r);
	sr_bytes(r, b, sizeof b);
	img->state = b[0], img->shutdown = b[1], img->error = b[2], img->accepted = b[3];
	img->present = b[4];
	get_name(r, &img->name);
	get_name(r, &img->peer_name);
	img->peer = sr_u32(r);
	img->backlog = sr_u32(r);
	img->npending = (uint32_t)sr_count(r, nsocks);
	img->pending = calloc(img->npending + 1, sizeof *img->pending);
	for (uint32_t k = 0; img->pending && k < img->npending; k++)
		img->pending[k] = sr_u32(r);
	img->host_flags = sr_i32(r);
	img->nopts = (uint32_t)sr_count(r, SOCK_OPTS_MAX);
	for (uint32_t k = 0; k < img->nopts && !r->bad; k++) {
		img->opts[k].name = sr_u32(r);
		img->opts[k].len = sr_u8(r);
		if (img->opts[k].len > sizeof img->opts[k].val)
			sr_fail(r, "a socket option is too long");
		else
			sr_bytes(r, img->opts[k].val, img->opts[k].len);
	}
	uint64_t n = sr_count(r, MSGS_MAX);
	for (uint64_t k = 0; k < n && !r->bad; k++) {
		struct sock_msg m = {0};
		get_msg(r, &m, nsocks);
		if (sock_image_push(img, &m)) {
			free(m.data);
			free(m.refs);
			sr_fail(r, "out of memory");
		}
	}
	if (!r->bad)
		sock_get_ident(r, img);
	if (!img->pending)
		sr_fail(r, "out of memory");
}

static const struct sock_image *img_at(const struct snap_sock_load *sl, uint32_t id)
{
	return id && id <= sl->n ? &sl->v[id - 1].img : NULL;
}

/* Whether socket k's links are ones a machine could have made. */
static int links_ok(const struct snap_sock_load *sl, uint32_t k)
{
	const struct sock_image *img = &sl->v[k].img, *peer = img_at(sl, img->peer);
	int stream = img->type != SOCK_DGRAM, linked = img->state == SS_CONNECTED || img->state == SS_WAITING;
	if ((img->type != SOCK_STREAM && img->type != SOCK_DGRAM && img->type != SOCK_SEQPACKET) ||
	    img->state > SS_WAITING || (linked && (!peer || peer == img)) || (!linked && img->peer) ||
	    (img->npending && img->state != SS_LISTENING) || (img->state == SS_WAITING && !stream))
		return 0;
	if (img->accepted && (!stream || !img->name.kind ||
			      (img->state != SS_CONNECTED && img->state != SS_PEER_GONE) ||
			      (peer && peer->accepted)))
		return 0;
	if (img->state == SS_CONNECTED && stream &&
	    (peer->state != SS_CONNECTED || peer->peer != k + 1 || peer->type != img->type))
		return 0;
	if (img->state == SS_CONNECTED && !stream && peer->type != SOCK_DGRAM)
		return 0;
	if (img->state == SS_CONNECTED && !stream && !peer->name.kind &&
	    (peer->state != SS_CONNECTED || peer->peer != k + 1))
		return 0;
	if (img->state == SS_WAITING && (peer->state != SS_LISTENING || peer->type != img->type))
		return 0;
	int listed = img->state != SS_WAITING;
	for (uint32_t j = 0; !listed && j < peer->npending; j++)
		listed = peer->pending[j] == k + 1;
	if (!listed)
		return 0;
	for (uint32_t j = 0; j < img->npending; j++) {
		const struct sock_image *c = img_at(sl, img->pending[j]);
		if (!c || c->state != SS_WAITING || c->peer != k + 1)
			return 0;
	}
	return img->nmsgs == 0 || !stream || img->state == SS_CONNECTED || img->state == SS_PEER_GONE;
}

static int root_dir(struct vm *vm)
{
	struct mount *root = vfs_mount_of(vm, "/", NULL);
	return root && !strcmp(root->fs->type, "hostfs") ? hostfs_dirfd(root->fs) : -1;
}

int snap_load_socks(struct snap_load *l, struct snap_rd *r)
{
	uint32_t n = (uint32_t)sr_count(r, SOCKS_MAX);
	struct snap_sock_load *sl = calloc(1, sizeof *sl);
	if (sl)
		sl->v = calloc(n + 1, sizeof *sl->v);
	if (!sl || !sl->v || l->socks) {
		free(sl);
		snap_load_fail(l, l->socks ? "section SOCK twice" : "out of memory");
		return -1;
	}
	l->socks = sl;
	sl->rootfd = root_dir(l->vm);
	sl->scratch_fd = -1;
	for (uint32_t k = 0; k < n && !r->bad; k++, sl->n++) {
		sl->v[k].fd = sl->v[k].temp = -1;
		get_sock(r, &sl->v[k].img, n);
	}
	if (!r->bad)
		sock_get_names(r, l->vm);
	for (uint32_t k = 0; k < sl->n && !r->bad; k++)
		if (!links_ok(sl, k))
			sr_fail(r, "sockets connected in a way no machine could have");
	if (snap_check(l, r, "SOCK"))
		return -1;
	return sock_make_all(l);
}

int snap_sock_dup(struct snap_load *l, uint32_t id, int *accepted)
{
	struct snap_sock_load *sl = l->socks;
	if (!sl || !id || id > sl->n || sl->v[id - 1].fd < 0)
		return -1;
	*accepted = sl->v[id - 1].img.accepted;
	return fcntl(sl->v[id - 1].fd, F_DUPFD_CLOEXEC, 3);
}

void snap_socks_release(struct snap_load *l)
{
	struct snap_sock_load *sl = l->socks;
	if (!sl)
		return;
	for (size_t k = 0; k < sl->n; k++) {
		if (sl->v[k].fd >= 0)
			close(sl->v[k].fd);
		if (sl->v[k].temp >= 0)
			close(sl->v[k].temp);
		sock_image_free(&sl->v[k].img);
	}
	sock_scratch_clean(sl);
	sock_created_drop(sl, l->failed);
	free(sl->v);
	free(sl);
	l->socks = NULL;
}
