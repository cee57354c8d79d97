/* memfs nodes and directories: lifetime, lookup, attributes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/vfs/fs/memfs_node.h"
#include "kernel/vm.h"

#define DIRENT_BYTES 20 /* a directory's st_size grows by this per entry, as in tmpfs */

int64_t memfs_now(const struct memfs *m) { return vm_realtime_ns(m->vm, NULL); }

struct memfs_node *memfs_node_new(struct memfs *m, uint32_t mode, const struct memfs_cred *c)
{
	struct memfs_node *n = calloc(1, sizeof *n);
	if (!n)
		return NULL;
	n->m = m;
	n->ino = m->next_ino++;
	n->mode = mode;
	n->uid = c->uid;
	n->gid = c->gid;
	n->atime = n->mtime = n->ctime = memfs_now(m);
	return n;
}

static void node_free(struct memfs_node *n)
{
	if (S_ISREG(n->mode)) {
		memfs_data_free(&n->u.file);
	} else if (S_ISLNK(n->mode)) {
		free(n->u.target);
	} else if (S_ISDIR(n->mode)) {
		/* a removed directory is empty but for whiteouts */
		for (size_t i = 0; i < n->u.dir.n; i++)
			free(n->u.dir.ents[i]);
		free(n->u.dir.ents);
		free(n->u.dir.buckets);
	}
	free(n);
}

void memfs_node_maybe_free(struct memfs_node *n)
{
	if (n && !n->names && !n->opens)
		node_free(n);
}

void memfs_tree_free(struct memfs_node *n)
{
	if (S_ISDIR(n->mode)) {
		struct memfs_dir *d = &n->u.dir;
		for (size_t i = 0; i < d->n; i++) {
			struct memfs_node *child = d->ents[i]->node;
			if (child && --child->names == 0) /* hard links go with their last name */
				memfs_tree_free(child);
			free(d->ents[i]);
		}
		d->n = d->whiteouts = d->subdirs = 0;
		d->parent = NULL;
	}
	memfs_node_maybe_free(n);
}

static uint32_t stat_nlink(const struct memfs_node *n)
{
	if (!S_ISDIR(n->mode))
		return n->names;
	return n->names ? 2 + n->u.dir.subdirs : 0;
}

static uint64_t stat_size(const struct memfs_node *n)
{
	if (S_ISREG(n->mode))
		return n->u.file.size;
	if (S_ISLNK(n->mode))
		return strlen(n->u.target);
	if (S_ISDIR(n->mode))
		return (2 + n->u.dir.n - n->u.dir.whiteouts) * DIRENT_BYTES;
	return 0;
}

static struct timespec ts_of(int64_t ns)
{
	return (struct timespec){.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};
}

void memfs_stat(const struct memfs_node *n, struct stat *st)
{
	memset(st, 0, sizeof *st);
	st->st_dev = n->m->fs.dev;
	st->st_ino = n->ino;
	st->st_mode = n->mode;
	st->st_nlink = stat_nlink(n);
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	st->st_rdev = n->rdev;
	st->st_size = (off_t)stat_size(n);
	st->st_blksize = 4096;
	st->st_blocks = S_ISREG(n->mode) ? (blkcnt_t)memfs_data_blocks(&n->u.file) : 0;
	st->st_atim = ts_of(n->atime);
	st->st_mtim = ts_of(n->mtime);
	st->st_ctim = ts_of(n->ctime);
}

/* Directories: entries in an array by id (for readdir) and in hash chains
 * by name (for lookup). */

static uint32_t name_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

struct memfs_entry *memfs_dir_find(const struct memfs_dir *d, const char *name, size_t len)
{
	if (!d->nbuckets)
		return NULL;
	uint32_t h = name_hash(name, len);
	for (struct memfs_entry *e = d->buckets[h & (d->nbuckets - 1)]; e; e = e->hnext)
		if (e->hash == h && !memcmp(e->name, name, len) && !e->name[len])
			return e;
	return NULL;
}

static int rehash(struct memfs_dir *d, size_t nbuckets)
{
	struct memfs_entry **b = calloc(nbuckets, sizeof *b);
	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < d->n; i++) {
		struct memfs_entry *e = d->ents[i];
		e->hnext = b[e->hash & (nbuckets - 1)];
		b[e->hash & (nbuckets - 1)] = e;
	}
	free(d->buckets);
	d->buckets = b;
	d->nbuckets = nbuckets;
	return 0;
}

static void link_target(struct memfs_node *dir, struct memfs_node *node)
{
	if (!node) {
		dir->u.dir.whiteouts++;
		return;
	}
	node->names++;
	if (S_ISDIR(node->mode)) {
		dir->u.dir.subdirs++;
		node->u.dir.parent = dir;
	}
}

static void unlink_target(struct memfs_node *dir, struct memfs_node *node)
{
	if (!node) {
		dir->u.dir.whiteouts--;
		return;
	}
	node->names--;
	if (S_ISDIR(node->mode)) {
		dir->u.dir.subdirs--;
		if (!node->names)
			node->u.dir.parent = NULL;
	}
}

struct memfs_entry *memfs_dir_add(struct memfs_node *dir, const char *name, size_t len,
				  struct memfs_node *node)
{
	struct memfs_dir *d = &dir->u.dir;
	if (d->n >= d->nbuckets && rehash(d, d->nbuckets ? d->nbuckets * 2 : 8))
		return NULL;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		struct memfs_entry **ents = realloc(d->ents, cap * sizeof *ents);
		if (!ents)
			return NULL;
		d->ents = ents;
		d->cap = cap;
	}
	struct memfs_entry *e = malloc(sizeof *e + len + 1);
	if (!e)
		return NULL;
	memcpy(e->name, name, len);
	e->name[len] = 0;
	e->hash = name_hash(name, len);
	e->id = d->next_id++;
	e->node = node;
	e->hnext = d->buckets[e->hash & (d->nbuckets - 1)];
	d->buckets[e->hash & (d->nbuckets - 1)] = e;
	d->ents[d->n++] = e;
	link_target(dir, node);
	return e;
}

void memfs_dir_set(struct memfs_node *dir, struct memfs_entry *e, struct memfs_node *node)
{
	unlink_target(dir, e->node);
	e->node = node;
	link_target(dir, node);
}

/* The index in d->ents of the first entry whose id is >= id. */
static size_t ent_search(const struct memfs_dir *d, uint64_t id)
{
	size_t lo = 0, hi = d->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->ents[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void memfs_dir_remove(struct memfs_node *dir, struct memfs_entry *e)
{
	struct memfs_dir *d = &dir->u.dir;
	unlink_target(dir, e->node);
	struct memfs_entry **pp = &d->buckets[e->hash & (d->nbuckets - 1)];
	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	size_t i = ent_search(d, e->id);
	memmove(&d->ents[i], &d->ents[i + 1], (d->n - i - 1) * sizeof *d->ents);
	d->n--;
	free(e);
}

struct memfs_entry *memfs_dir_next(const struct memfs_dir *d, uint64_t id)
{
	for (size_t i = ent_search(d, id); i < d->n; i++)
		if (d->ents[i]->node)
			return d->ents[i];
	return NULL;
}

/* Permission rules */

struct memfs_cred memfs_cred_of(const struct task *t)
{
	if (!t)
		return (struct memfs_cred){0, 0};
	return (struct memfs_cred){t->proc->uid, t->proc->gid};
}

static int may(const struct memfs_cred *c, uint32_t mode, uint32_t uid, uint32_t gid, int mask)
{
	mask &= R_OK | W_OK | X_OK;
	if (c->uid == 0) /* root may execute only what someone may */
		return !(mask & X_OK) || S_ISDIR(mode) || (mode & 0111) ? 0 : -EACCES;
	uint32_t bits = c->uid == uid ? mode >> 6 : c->gid == gid ? mode >> 3 : mode;
	return (mask & ~bits & 7) ? -EACCES : 0;
}

int memfs_permission(const struct memfs_cred *c, const struct stat *st, int mask)
{
	return may(c, st->st_mode, st->st_uid, st->st_gid, mask);
}

int memfs_may_chmod(const struct memfs_cred *c, const struct stat *st)
{
	return c->uid == 0 || c->uid == st->st_uid ? 0 : -EPERM;
}

int memfs_may_chown(const struct memfs_cred *c, const struct stat *st, uint32_t uid, uint32_t gid)
{
	if (c->uid == 0)
		return 0;
	/* an owner may only give the file to its own group */
	if (c->uid != st->st_uid || (uid != (uint32_t)-1 && uid != st->st_uid))
		return -EPERM;
	return gid == (uint32_t)-1 || gid == st->st_gid || gid == c->gid ? 0 : -EPERM;
}

int memfs_may_utimens(const struct memfs_cred *c, const struct stat *st, const struct timespec *ts)
{
	if (c->uid == 0 || c->uid == st->st_uid)
		return 0;
	/* setting both to now needs only write permission */
	int now = !ts || ((ts[0].tv_nsec == UTIME_NOW || ts[0].tv_nsec == UTIME_OMIT) &&
			  (ts[1].tv_nsec == UTIME_NOW || ts[1].tv_nsec == UTIME_OMIT));
	if (!now)
		return -EPERM;
	return may(c, st->st_mode, st->st_uid, st->st_gid, W_OK);
}

int memfs_may_delete(const struct memfs_cred *c, const struct stat *dir, const struct stat *victim)
{
	int rc = may(c, dir->st_mode, dir->st_uid, dir->st_gid, W_OK | X_OK);
	if (rc)
		return rc;
	if ((dir->st_mode & S_ISVTX) && c->uid != 0 && c->uid != dir->st_uid &&
	    c->uid != victim->st_uid)
		return -EPERM;
	return 0;
}

int memfs_node_may(const struct memfs_cred *c, const struct memfs_node *n, int mask)
{
	return may(c, n->mode, n->uid, n->gid, mask);
}

/* Lookup */

int memfs_walk(struct memfs *m, const struct memfs_cred *c, const char *rel, struct memfs_where *w)
{
	struct memfs_node *cur = m->root;
	*w = (struct memfs_where){.node = cur};
	const char *p = rel + strspn(rel, "/");
	while (*p) {
		size_t len = strcspn(p, "/");
		const char *next = p + len + strspn(p + len, "/");
		if (len > VFS_NAME_MAX)
			return -ENAMETOOLONG;
		if (!S_ISDIR(cur->mode))
			return -ENOTDIR;
		int rc = memfs_node_may(c, cur, X_OK);
		if (rc)
			return rc;
		struct memfs_entry *e = memfs_dir_find(&cur->u.dir, p, len);
		if (!*next) {
			*w = (struct memfs_where){cur, e, e ? e->node : NULL, p, len};
			return 0;
		}
		if (!e || !e->node)
			return -ENOENT;
		cur = e->node;
		p = next;
	}
	return 0;
}

int memfs_walk_node(struct memfs *m, const struct memfs_cred *c, const char *rel,
		    struct memfs_where *w)
{
	int rc = memfs_walk(m, c, rel, w);
	return rc ? rc : w->node ? 0 : -ENOENT;
}
