/* memfs trees in snapshots: every node reachable from the root once (hard
 * links are one node with several names), directory entries with their
 * ids (readdir cookies stay valid), whiteouts and opaque directories (the
 * overlay's upper layer), file contents chunk by chunk. Nodes that are open
 * but no longer named are not held: files are opened again by path. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kernel/vfs/fs/memfs_node.h"
#include "kernel/vfs/fs/memfs_snap.h"
#include "snap/snap_ids.h"

#define NODES_MAX (1u << 24)

static void number_tree(struct snap_ids *ids, struct memfs_node *n)
{
	int fresh;
	ids_get(ids, n, &fresh);
	if (!fresh || !S_ISDIR(n->mode))
		return;
	for (size_t k = 0; k < n->u.dir.n; k++)
		if (n->u.dir.ents[k]->node)
			number_tree(ids, n->u.dir.ents[k]->node);
}

/* A hosted file's bytes are saved as the chunks memfs would hold: it is
 * hosted again when a restored mapping maps it. */
static void put_file_data(struct snap_buf *b, const struct memfs_data *d)
{
	size_t n;
	int owned;
	struct memfs_chunk *chunks = memfs_data_view(d, &n, &owned);
	if (!chunks && n) {
		b->oom = 1;
		return;
	}
	sb_u64(b, d->size);
	sb_u64(b, n);
	for (size_t k = 0; k < n; k++) {
		sb_u64(b, chunks[k].idx);
		sb_u32(b, chunks[k].cap);
		sb_bytes(b, chunks[k].data, chunks[k].cap);
	}
	memfs_view_free(chunks, n, owned);
}

static void put_node(struct snap_buf *b, const struct memfs_node *n)
{
	sb_u64(b, n->ino);
	sb_u32(b, n->mode);
	sb_u32(b, n->uid);
	sb_u32(b, n->gid);
	sb_u64(b, n->rdev);
	sb_i64(b, n->atime);
	sb_i64(b, n->mtime);
	sb_i64(b, n->ctime);
	if (S_ISREG(n->mode)) {
		put_file_data(b, &n->u.file);
	} else if (S_ISLNK(n->mode)) {
		sb_str(b, n->u.target);
	}
}

static void put_entries(struct snap_buf *b, struct snap_ids *ids, const struct memfs_node *n)
{
	if (S_ISDIR(n->mode)) {
		const struct memfs_dir *d = &n->u.dir;
		sb_u32(b, (uint32_t)d->opaque);
		sb_u64(b, d->next_id);
		sb_u64(b, d->n);
		for (size_t k = 0; k < d->n; k++) {
			sb_u64(b, d->ents[k]->id);
			sb_str(b, d->ents[k]->name);
			sb_u32(b, ids_find(ids, d->ents[k]->node));
		}
	}
}

int memfs_snap_save(struct fs *fs, struct snap_buf *b)
{
	struct memfs *m = memfs_of(fs);
	struct snap_ids ids = {0};
	number_tree(&ids, m->root);
	sb_u64(b, m->next_ino);
	sb_u64(b, ids.n);
	for (size_t k = 0; k < ids.n; k++)
		put_node(b, ids.order[k]);
	for (size_t k = 0; k < ids.n; k++)
		put_entries(b, &ids, ids.order[k]);
	int oom = ids.oom;
	ids_free(&ids);
	return oom || b->oom ? -1 : 0;
}

static void get_file_data(struct snap_rd *r, struct memfs_data *d)
{
	d->size = sr_u64(r);
	uint64_t n = sr_count(r, (d->size >> MEMFS_CHUNK_SHIFT) + 1);
	d->chunks = n ? calloc((size_t)n, sizeof *d->chunks) : NULL;
	if (n && !d->chunks) {
		sr_fail(r, "out of memory");
		return;
	}
	for (uint64_t k = 0; k < n && !r->bad; k++) {
		struct memfs_chunk *c = &d->chunks[k];
		c->idx = sr_u64(r);
		c->cap = sr_u32(r);
		if (c->cap > MEMFS_CHUNK || (k && c->idx <= d->chunks[k - 1].idx)) {
			sr_fail(r, "a file's chunks are malformed");
			break;
		}
		c->data = malloc(c->cap ? c->cap : 1);
		if (c->data)
			sr_bytes(r, c->data, c->cap);
		d->n = d->cap = (size_t)k + 1;
	}
}

/* Reads one node's attributes and contents; a directory's entries only
 * after every node exists (they refer forward). */
static struct memfs_node *get_node(struct snap_rd *r, struct memfs *m)
{
	struct memfs_node *n = calloc(1, sizeof *n);
	if (!n) {
		sr_fail(r, "out of memory");
		return NULL;
	}
	n->m = m;
	n->ino = sr_u64(r);
	n->mode = sr_u32(r);
	n->uid = sr_u32(r);
	n->gid = sr_u32(r);
	n->rdev = sr_u64(r);
	n->atime = sr_i64(r);
	n->mtime = sr_i64(r);
	n->ctime = sr_i64(r);
	if (S_ISREG(n->mode))
		get_file_data(r, &n->u.file);
	else if (S_ISLNK(n->mode) && !(n->u.target = sr_str(r)))
		sr_fail(r, "a symlink has no target");
	return n;
}

static void get_entries(struct snap_rd *r, struct memfs_node *dir, struct memfs_node **nodes,
			uint64_t count)
{
	struct memfs_dir *d = &dir->u.dir;
	d->opaque = (int)sr_u32(r);
	uint64_t next_id = sr_u64(r), n = sr_count(r, NODES_MAX);
	for (uint64_t k = 0; k < n && !r->bad; k++) {
		uint64_t id = sr_u64(r);
		char *name = sr_str(r);
		uint32_t node = sr_u32(r);
		struct memfs_node *target = node && node <= count ? nodes[node - 1] : NULL;
		if (!name || node > count || id < d->next_id || id >= next_id ||
		    (target && S_ISDIR(target->mode) && (target == nodes[0] || target->names))) {
			sr_fail(r, "a directory entry is malformed");
			free(name);
			break;
		}
		d->next_id = id;
		if (!memfs_dir_add(dir, name, strlen(name), target))
			sr_fail(r, "out of memory");
		free(name);
	}
	d->next_id = next_id;
}

int memfs_snap_load(struct fs *fs, struct snap_rd *r)
{
	struct memfs *m = memfs_of(fs);
	uint64_t next_ino = sr_u64(r), count = sr_count(r, NODES_MAX);
	struct memfs_node **nodes = calloc((size_t)count + 1, sizeof *nodes);
	if (!count || !nodes) {
		free(nodes);
		sr_fail(r, count ? "out of memory" : "the tree has no root");
		return -1;
	}
	for (uint64_t k = 0; k < count && !r->bad; k++)
		nodes[k] = get_node(r, m);
	if (!r->bad && !S_ISDIR(nodes[0]->mode))
		sr_fail(r, "the tree's root is no directory");
	for (uint64_t k = 0; k < count && !r->bad; k++)
		if (S_ISDIR(nodes[k]->mode))
			get_entries(r, nodes[k], nodes, count);
	if (!r->bad) {
		memfs_tree_free(m->root);
		m->root = nodes[0];
		m->root->names = 1;
		m->root->u.dir.parent = m->root;
		m->next_ino = next_ino;
	}
	free(nodes);
	return r->bad ? -1 : 0;
}

/* The regular file numbered ino, or whose host object is (dev, ino) when
 * by_host, in the tree below n. */
static struct memfs_node *find_file(struct memfs_node *n, int by_host, uint64_t dev, uint64_t ino)
{
	if (S_ISREG(n->mode)) {
		const struct memfs_data *d = &n->u.file;
		int hit = by_host ? d->hosted && d->host_dev == dev && d->host_ino == ino
				  : n->ino == ino;
		return hit ? n : NULL;
	}
	if (!S_ISDIR(n->mode))
		return NULL;
	for (size_t k = 0; k < n->u.dir.n; k++) {
		struct memfs_node *c = n->u.dir.ents[k]->node;
		struct memfs_node *found = c ? find_file(c, by_host, dev, ino) : NULL;
		if (found)
			return found;
	}
	return NULL;
}

uint64_t memfs_file_of_host(struct fs *fs, uint64_t dev, uint64_t ino)
{
	struct memfs_node *n = find_file(memfs_of(fs)->root, 1, dev, ino);
	return n ? n->ino : 0;
}

int memfs_host_of_file(struct fs *fs, uint64_t ino)
{
	struct memfs_node *n = find_file(memfs_of(fs)->root, 0, 0, ino);
	return n ? memfs_data_host(&n->u.file) : -ENOENT;
}
