/* memfs: the filesystem operations, by path. */
#include "kernel/vfs/fs/memfs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/vfs/fs/memfs_node.h"

#define RENAME_NOREPLACE_FLAG 1
#define RENAME_EXCHANGE_FLAG  2
#define NSEC		      1000000000L

static void touch_dir(struct memfs_node *dir) { dir->mtime = dir->ctime = memfs_now(dir->m); }

int memfs_create_node(struct memfs *m, const struct memfs_cred *c, const char *rel, uint32_t mode,
		      struct memfs_node **out)
{
	struct memfs_where w;
	int rc = memfs_walk(m, c, rel, &w);
	if (rc)
		return rc;
	if (!w.dir || w.node)
		return -EEXIST;
	rc = memfs_node_may(c, w.dir, W_OK | X_OK);
	if (rc)
		return rc;
	struct memfs_node *n = memfs_node_new(m, mode, c);
	if (!n)
		return -ENOMEM;
	if (w.dir->mode & S_ISGID) { /* BSD group semantics, inherited by subdirectories */
		n->gid = w.dir->gid;
		if (S_ISDIR(mode))
			n->mode |= S_ISGID;
	}
	if (w.ent) {
		memfs_dir_set(w.dir, w.ent, n); /* over a whiteout */
	} else if (!memfs_dir_add(w.dir, w.name, w.len, n)) {
		memfs_node_maybe_free(n);
		return -ENOMEM;
	}
	touch_dir(w.dir);
	*out = n;
	return 0;
}

static int m_lstat(struct task *t, struct fs *fs, const char *rel, struct stat *st)
{
	struct memfs_cred c = memfs_cred_of(t);
	struct memfs_where w;
	int rc = memfs_walk_node(memfs_of(fs), &c, rel, &w);
	if (!rc)
		memfs_stat(w.node, st);
	return rc;
}

static int m_readlink(struct task *t, struct fs *fs, const char *rel, char *buf, size_t size)
{
	struct memfs_cred c = memfs_cred_of(t);
	struct memfs_where w;
	int rc = memfs_walk_node(memfs_of(fs), &c, rel, &w);
	if (rc)
		return rc;
	if (!S_ISLNK(w.node->mode))
		return -EINVAL;
	if (!size)
		return -EINVAL;
	size_t n = strlen(w.node->u.target);
	if (n > size - 1) /* readlink truncates silently */
		n = size - 1;
	memcpy(buf, w.node->u.target, n);
	buf[n] = 0;
	return (int)n;
}

static int m_mkdir(struct task *t, struct fs *fs, const char *rel, int mode)
{
	struct memfs_cred c = memfs_cred_of(t);
	struct memfs_node *n;
	return memfs_create_node(memfs_of(fs), &c, rel, S_IFDIR | ((uint32_t)mode & 01777), &n);
}

static int m_mknod(struct task *t, struct fs *fs, const char *rel, int mode, uint64_t dev)
{
	struct memfs_cred c = memfs_cred_of(t);
	uint32_t type = (uint32_t)mode & S_IFMT;
	if (!type)
		type = S_IFREG;
	if (type != S_IFREG && type != S_IFIFO && type != S_IFSOCK && type != S_IFCHR &&
	    type != S_IFBLK)
		return -EINVAL;
	if ((type == S_IFCHR || type == S_IFBLK) && c.uid != 0)
		return -EPERM;
	struct memfs_node *n;
	int rc = memfs_create_node(memfs_of(fs), &c, rel, type | ((uint32_t)mode & 07777), &n);
	if (!rc && (type == S_IFCHR || type == S_IFBLK))
		n->rdev = dev;
	return rc;
}

static int m_symlink(struct task *t, struct fs *fs, const char *target, const char *rel)
{
	struct memfs_cred c = memfs_cred_of(t);
	size_t len = strlen(target);
	if (!len)
		return -ENOENT;
	if (len >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	char *copy = strdup(target);
	if (!copy)
		return -ENOMEM;
	struct memfs_node *n;
	int rc = memfs_create_node(memfs_of(fs), &c, rel, S_IFLNK | 0777, &n);
	if (rc)
		free(copy);
	else
		n->u.target = copy;
	return rc;
}

/* Whether c may remove w's last name. */
static int may_delete(const struct memfs_cred *c, const struct memfs_where *w)
{
	struct stat dir, victim;
	memfs_stat(w->dir, &dir);
	memfs_stat(w->node, &victim);
	return memfs_may_delete(c, &dir, &victim);
}

static int m_unlink(struct task *t, struct fs *fs, const char *rel)
{
	struct memfs_cred c = memfs_cred_of(t);
	struct memfs_where w;
	int rc = memfs_walk_node(memfs_of(fs), &c, rel, &w);
	if (rc)
		return rc;
	if (!w.dir || S_ISDIR(w.node->mode))
		return -EISDIR;
	rc = may_delete(&c, &w);
	if (rc)
		return rc;
	struct memfs_node *n = w.node;
	memfs_dir_remove(w.dir, w.ent);
	n->ctime = memfs_now(n->m);
	touch_dir(w.dir);
	memfs_node_maybe_free(n);
	return 0;
}

static int m_rmdir(struct task *t, struct fs *fs, const char *rel)
{
	struct memfs_cred c = memfs_cred_of(t);
	struct memfs_where w;
	int rc = memfs_walk_node(memfs_of(fs), &c, rel, &w);
	if (rc)
		return rc;
	if (!w.dir)
		return -EBUSY;
	if (!S_ISDIR(w.node->mode))
		return -ENOTDIR;
	if (!memfs_dir_empty(&w.node->u.dir)) /* whiteouts go with it */
		return -ENOTEMPTY;
	rc = may_delete(&c, &w);
	if (rc)
		return rc;
	struct memfs_node *n = w.node;
	memfs_dir_remove(w.dir, w.ent);
	touch_dir(w.dir);
	memfs_node_maybe_free(n);
	return 0;
}

static int m_link(struct task *t, struct fs *fs, const char *from, const char *to)
{
	struct memfs *m = memfs_of(fs);
	struct memfs_cred c = memfs_cred_of(t);
	struct memfs_where a, b;
	int rc = memfs_walk_node(m, &c, from, &a);
	if (rc)
		return rc;
	if (S_ISDIR(a.node->mode))
		return -EPERM;
	rc = memfs_walk(m, &c, to, &b);
	if (rc)
		return rc;
	if (!b.dir || b.node)
		return -EEXIST;
	rc = memfs_node_may(&c, b.dir, W_OK | X_OK);
	if (rc)
		return rc;
	if (b.ent)
		memfs_dir_set(b.dir, b.ent, a.node);
	else if (!memfs_dir_add(b.dir, b.name, b.len, a.node))
		return -ENOMEM;
	a.node->ctime = memfs_now(m);
	touch_dir(b.dir);
	return 0;
}

/* Whether directory `anc` is dir or one of its ancestors. */
static int is_ancestor(const struct memfs_node *anc, const struct memfs_node *dir)
{
	for (; dir; dir = dir->u.dir.parent == dir ? NULL : dir->u.dir.parent)
		if (dir == anc)
			return 1;
	return 0;
}

/* Whether c may move the node at `from` into directory `to_dir`. */
static int may_move(const struct memfs_cred *c, const struct memfs_where *from,
		    const struct memfs_node *to_dir)
{
	if (S_ISDIR(from->node->mode) && is_ancestor(from->node, to_dir))
		return -EINVAL;
	int rc = may_delete(c, from);
	/* a directory that changes parent has its ".." rewritten */
	if (!rc && S_ISDIR(from->node->mode) && from->dir != to_dir)
		rc = memfs_node_may(c, from->node, W_OK);
	return rc;
}

static int check_replace(const struct memfs_node *from, const struct memfs_node *to)
{
	if (S_ISDIR(from->mode) && !S_ISDIR(to->mode))
		return -ENOTDIR;
	if (!S_ISDIR(from->mode) && S_ISDIR(to->mode))
		return -EISDIR;
	if (S_ISDIR(to->mode) && !memfs_dir_empty(&to->u.dir))
		return -ENOTEMPTY;
	return 0;
}

static int check_rename(const struct memfs_cred *c, const struct memfs_where *a,
			const struct memfs_where *b, int flags)
{
	int rc = may_move(c, a, b->dir);
	if (rc)
		return rc;
	if (flags & RENAME_EXCHANGE_FLAG)
		return may_move(c, b, a->dir);
	if (!b->node)
		return memfs_node_may(c, b->dir, W_OK | X_OK);
	rc = check_replace(a->node, b->node);
	return rc ? rc : may_delete(c, b);
}

static int m_rename(struct task *t, struct fs *fs, const char *from, const char *to, int flags)
{
	struct memfs *m = memfs_of(fs);
	struct memfs_cred c = memfs_cred_of(t);
	struct memfs_where a, b;
	if ((flags & ~(RENAME_NOREPLACE_FLAG | RENAME_EXCHANGE_FLAG)) ||
	    flags == (RENAME_NOREPLACE_FLAG | RENAME_EXCHANGE_FLAG))
		return -EINVAL;
	int rc = memfs_walk_node(m, &c, from, &a);
	if (!rc)
		rc = memfs_walk(m, &c, to, &b);
	if (rc)
		return rc;
	if (!a.dir || !b.dir)
		return -EBUSY;
	if (b.node && (flags & RENAME_NOREPLACE_FLAG))
		return -EEXIST;
	if (!b.node && (flags & RENAME_EXCHANGE_FLAG))
		return -ENOENT;
	if (a.node == b.node) /* the same file: nothing to do */
		return 0;
	rc = check_rename(&c, &a, &b, flags);
	if (rc)
		return rc;
	struct memfs_node *moved = a.node, *old = b.node;
	if (flags & RENAME_EXCHANGE_FLAG) {
		memfs_dir_set(a.dir, a.ent, old);
		memfs_dir_set(b.dir, b.ent, moved);
		old->ctime = memfs_now(m);
	} else {
		if (b.ent)
			memfs_dir_set(b.dir, b.ent, moved);
		else if (!memfs_dir_add(b.dir, b.name, b.len, moved))
			return -ENOMEM;
		memfs_dir_remove(a.dir, a.ent);
		if (old) {
			old->ctime = memfs_now(m);
			memfs_node_maybe_free(old);
		}
	}
	moved->ctime = memfs_now(m);
	touch_dir(a.dir);
	touch_dir(b.dir);
	return 0;
}

int memfs_node_chmod(const struct memfs_cred *c, struct memfs_node *n, int mode)
{
	struct stat st;
	memfs_stat(n, &st);
	int rc = memfs_may_chmod(c, &st);
	if (rc)
		return rc;
	if (S_ISLNK(n->mode))
		return -EOPNOTSUPP;
	uint32_t bits = (uint32_t)mode & 07777;
	if (c->uid != 0 && c->gid != n->gid) /* setgid only for a group one is in */
		bits &= ~(uint32_t)S_ISGID;
	n->mode = (n->mode & S_IFMT) | bits;
	n->ctime = memfs_now(n->m);
	return 0;
}

int memfs_node_chown(const struct memfs_cred *c, struct memfs_node *n, uint32_t uid, uint32_t gid)
{
	struct stat st;
	memfs_stat(n, &st);
	int rc = memfs_may_chown(c, &st, uid, gid);
	if (rc)
		return rc;
	if (uid != (uint32_t)-1)
		n->uid = uid;
	if (gid != (uint32_t)-1)
		n->gid = gid;
	/* as Linux: a chown of a non-directory drops setuid, and setgid-with-exec */
	if (!S_ISDIR(n->mode)) {
		n->mode &= ~(uint32_t)S_ISUID;
		if (n->mode & S_IXGRP)
			n->mode &= ~(uint32_t)S_ISGID;
	}
	n->ctime = memfs_now(n->m);
	return 0;
}

static int set_time(int64_t *t, const struct timespec *ts, int64_t now)
{
	if (ts->tv_nsec == UTIME_OMIT)
		return 0;
	if (ts->tv_nsec == UTIME_NOW) {
		*t = now;
		return 1;
	}
	*t = (int64_t)ts->tv_sec * NSEC + ts->tv_nsec;
	return 1;
}

int memfs_node_utimens(const struct memfs_cred *c, struct memfs_node *n, const struct timespec *ts)
{
	for (int i = 0; ts && i < 2; i++)
		if ((ts[i].tv_nsec < 0 || ts[i].tv_nsec >= NSEC) && ts[i].tv_nsec != UTIME_NOW &&
		    ts[i].tv_nsec != UTIME_OMIT)
			return -EINVAL;
	if (ts && ts[0].tv_nsec == UTIME_OMIT && ts[1].tv_nsec == UTIME_OMIT)
		return 0;
	struct stat st;
	memfs_stat(n, &st);
	int rc = memfs_may_utimens(c, &st, ts);
	if (rc)
		return rc;
	static const struct timespec both_now[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
	int64_t now = memfs_now(n->m);
	set_time(&n->atime, ts ? &ts[0] : &both_now[0], now);
	set_time(&n->mtime, ts ? &ts[1] : &both_now[1], now);
	n->ctime = now;
	return 0;
}

int memfs_node_truncate(struct memfs_node *n, uint64_t len, int touch)
{
	if (S_ISDIR(n->mode))
		return -EISDIR;
	if (!S_ISREG(n->mode))
		return -EINVAL;
	uint64_t old = n->u.file.size;
	int rc = memfs_data_truncate(&n->u.file, len);
	if (!rc && (touch || old != len))
		n->mtime = n->ctime = memfs_now(n->m);
	if (!rc && old != len) /* the pages from the shorter end on */
		memfs_node_written(n, (old < len ? old : len) & ~(uint64_t)4095, UINT64_MAX);
	return rc;
}

/* The path operations that change a node's attributes, one shape. */
static int attr_node(struct task *t, struct fs *fs, const char *rel, struct memfs_cred *c,
		     struct memfs_node **n)
{
	struct memfs_where w;
	*c = memfs_cred_of(t);
	int rc = memfs_walk_node(memfs_of(fs), c, rel, &w);
	*n = w.node;
	return rc;
}

static int m_chmod(struct task *t, struct fs *fs, const char *rel, int mode)
{
	struct memfs_cred c;
	struct memfs_node *n;
	int rc = attr_node(t, fs, rel, &c, &n);
	return rc ? rc : memfs_node_chmod(&c, n, mode);
}

static int m_chown(struct task *t, struct fs *fs, const char *rel, uint32_t uid, uint32_t gid)
{
	struct memfs_cred c;
	struct memfs_node *n;
	int rc = attr_node(t, fs, rel, &c, &n);
	return rc ? rc : memfs_node_chown(&c, n, uid, gid);
}

static int m_utimens(struct task *t, struct fs *fs, const char *rel, const struct timespec *ts)
{
	struct memfs_cred c;
	struct memfs_node *n;
	int rc = attr_node(t, fs, rel, &c, &n);
	return rc ? rc : memfs_node_utimens(&c, n, ts);
}

static int m_truncate(struct task *t, struct fs *fs, const char *rel, uint64_t len)
{
	struct memfs_cred c;
	struct memfs_node *n;
	int rc = attr_node(t, fs, rel, &c, &n);
	if (!rc && !S_ISDIR(n->mode))
		rc = memfs_node_may(&c, n, W_OK);
	return rc ? rc : memfs_node_truncate(n, len, 0);
}

static int m_access(struct task *t, struct fs *fs, const char *rel, int mode)
{
	struct memfs_cred c;
	struct memfs_node *n;
	int rc = attr_node(t, fs, rel, &c, &n);
	return rc ? rc : memfs_node_may(&c, n, mode);
}

static void m_destroy(struct fs *fs)
{
	struct memfs *m = memfs_of(fs);
	m->root->names = 0;
	memfs_tree_free(m->root);
	m->destroyed = 1;
	if (!m->open_files)
		free(m);
}

static const struct fs_ops memfs_ops = {
	.lstat = m_lstat,
	.readlink = m_readlink,
	.open = memfs_open,
	.mkdir = m_mkdir,
	.mknod = m_mknod,
	.unlink = m_unlink,
	.rmdir = m_rmdir,
	.symlink = m_symlink,
	.link = m_link,
	.rename = m_rename,
	.chmod = m_chmod,
	.chown = m_chown,
	.utimens = m_utimens,
	.truncate = m_truncate,
	.access = m_access,
	.destroy = m_destroy,
};

void memfs_on_host_write(struct fs *fs, memfs_written_fn *fn) { memfs_of(fs)->host_written = fn; }

void memfs_node_written(const struct memfs_node *n, uint64_t off, uint64_t len)
{
	const struct memfs_data *d = &n->u.file;
	if (d->hosted && n->m->host_written)
		n->m->host_written(n->m->vm, d->host_dev, d->host_ino, off, len);
}

struct fs *memfs_create(struct vm *vm)
{
	struct memfs *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	static const struct memfs_cred root = {0, 0};
	m->vm = vm;
	m->next_ino = 1;
	m->root = memfs_node_new(m, S_IFDIR | 01777, &root);
	if (!m->root) {
		free(m);
		return NULL;
	}
	m->root->names = 1; /* pinned */
	m->root->u.dir.parent = m->root;
	m->fs.ops = &memfs_ops;
	m->fs.type = "memfs";
	m->fs.dev = vfs_new_dev(vm);
	m->fs.priv = m;
	return &m->fs;
}
