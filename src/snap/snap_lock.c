/* Saving and restoring the advisory lock table. */
#include "snap/snap_lock.h"

#include <stdlib.h>

#include "kernel/vfs/file.h"
#include "kernel/vfs/lock.h"
#include "kernel/vm.h"

#define LOCKS_MAX (1u << 24)

/* The lock identity of every numbered description (ok[k] 0: it has none,
 * or is a socket that may be left out). */
struct file_keys {
	uint64_t (*key)[2];
	uint8_t *ok;
};

struct lock_writer {
	struct snap_save *s;
	struct snap_buf *b;
	struct file_keys keys;
};

static int keys_of_files(struct snap_save *s, struct file_keys *k)
{
	k->key = calloc(s->files.n + 1, sizeof *k->key);
	k->ok = calloc(s->files.n + 1, 1);
	if (!k->key || !k->ok)
		return -1;
	for (size_t i = 0; i < s->files.n; i++) {
		struct file *f = (struct file *)s->files.order[i];
		k->ok[i] = !f->is_socket && !lock_key(f, &k->key[i][0], &k->key[i][1]);
	}
	return 0;
}

/* A description of the lock's file: the restored lock takes its identity. */
static uint32_t file_with_key(const struct lock_writer *w, const struct lock_image *l)
{
	for (size_t i = 0; i < w->s->files.n; i++)
		if (w->keys.ok[i] && w->keys.key[i][0] == l->dev && w->keys.key[i][1] == l->ino)
			return (uint32_t)i + 1;
	return 0;
}

static void put_lock(void *arg, const struct lock_image *l)
{
	struct lock_writer *w = arg;
	uint32_t owner = l->own.ofd ? ids_find(&w->s->files, l->own.ofd) : 0;
	uint32_t file = file_with_key(w, l);
	if (l->own.ofd && !owner)
		snap_save_fail(w->s, "an advisory lock belongs to an open file description no "
				     "descriptor holds");
	else if (!file)
		snap_save_fail(w->s,
			       "an advisory lock of pid %d lies on a file that no descriptor "
			       "holds open",
			       l->own.pid);
	sb_u8(w->b, (uint8_t)l->own.kind);
	sb_i32(w->b, l->own.pid);
	sb_u32(w->b, owner);
	sb_u32(w->b, file);
	sb_u8(w->b, (uint8_t)l->type);
	sb_u64(w->b, l->start);
	sb_u64(w->b, l->end);
}

static void count_lock(void *arg, const struct lock_image *l) { ++*(uint64_t *)arg; }

int snap_save_locks(struct snap_save *s)
{
	if (!s->vm->locks || s->failed)
		return s->failed ? -1 : 0;
	struct snap_buf b = {0};
	struct lock_writer w = {s, &b, {NULL, NULL}};
	uint64_t n = 0;
	if (keys_of_files(s, &w.keys))
		snap_save_fail(s, "out of memory");
	else {
		lock_each(s->vm, count_lock, &n);
		sb_u64(&b, n);
		lock_each(s->vm, put_lock, &w);
		snap_emit(s, "LOCK", &b);
	}
	free(w.keys.key);
	free(w.keys.ok);
	sb_free(&b);
	return s->failed ? -1 : 0;
}

static int get_lock(struct snap_load *l, struct snap_rd *r)
{
	struct lock_image img = {0};
	img.own.kind = (enum lock_kind)sr_u8(r);
	img.own.pid = sr_i32(r);
	struct file *owner = vec_at(&l->files, sr_u32(r), r);
	struct file *file = vec_at(&l->files, sr_u32(r), r);
	img.type = sr_u8(r);
	img.start = sr_u64(r);
	img.end = sr_u64(r);
	int posix = img.own.kind == LOCK_POSIX;
	if (img.own.kind < LOCK_POSIX || img.own.kind > LOCK_FLOCK || posix != (img.own.pid > 0) ||
	    posix == (owner != NULL) || !file || (img.type != VLOCK_RD && img.type != VLOCK_WR) ||
	    img.start > img.end)
		sr_fail(r, "a lock is malformed");
	if (r->bad)
		return -1;
	if (lock_key(file, &img.dev, &img.ino)) {
		snap_load_fail(l, "%s: a locked file has no identity",
			       file_path(file) ? file_path(file) : "?");
		return -1;
	}
	if (lock_restore(l->vm, &img, owner)) {
		snap_load_fail(l, "out of memory");
		return -1;
	}
	return 0;
}

int snap_load_locks(struct snap_load *l, struct snap_rd *r)
{
	uint64_t n = sr_count(r, LOCKS_MAX);
	for (uint64_t k = 0; k < n && !r->bad && !l->failed; k++)
		get_lock(l, r);
	return snap_check(l, r, "LOCK");
}
