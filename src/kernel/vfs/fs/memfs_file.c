/* memfs: opening, and the operations of open files. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/vfs/file.h"
#include "kernel/vfs/fs/memfs_node.h"

/* What a struct file of memfs holds. File operations get no task, so the
 * opener's ids stand in for the caller's in fchmod, fchown and futimens. */
struct memfs_open {
	struct memfs_node *node;
	struct memfs_cred cred;
};

static struct memfs_node *node_of(const struct file *f)
{
	return ((const struct memfs_open *)f->priv)->node;
}

static const struct memfs_cred *cred_of(const struct file *f)
{
	return &((const struct memfs_open *)f->priv)->cred;
}

static int readable(const struct file *f)
{
	return !(f->flags & O_PATH) && (f->flags & O_ACCMODE) != O_WRONLY;
}

static int writable(const struct file *f)
{
	return !(f->flags & O_PATH) && (f->flags & O_ACCMODE) != O_RDONLY;
}

static int64_t mf_pread(struct file *f, void *buf, size_t n, uint64_t off)
{
	struct memfs_node *node = node_of(f);
	if (!readable(f))
		return -EBADF;
	if (S_ISDIR(node->mode))
		return -EISDIR;
	if (!S_ISREG(node->mode))
		return -EINVAL;
	return memfs_data_read(&node->u.file, buf, n, off);
}

static int64_t mf_pwrite(struct file *f, const void *buf, size_t n, uint64_t off)
{
	struct memfs_node *node = node_of(f);
	if (!writable(f))
		return -EBADF;
	if (!S_ISREG(node->mode))
		return -EINVAL;
	int64_t rc = memfs_data_write(&node->u.file, buf, n, off);
	if (rc > 0) {
		memfs_node_written(node, off, (uint64_t)rc);
		node->mtime = node->ctime = memfs_now(node->m);
		/* writing a setuid file makes it an ordinary one, as in Linux */
		if (cred_of(f)->uid != 0 && (node->mode & S_ISUID))
			node->mode &= ~(uint32_t)S_ISUID;
		if (cred_of(f)->uid != 0 &&
		    (node->mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
			node->mode &= ~(uint32_t)S_ISGID;
	}
	return rc;
}

static unsigned char dt_type(uint32_t mode) { return (unsigned char)IFTODT(mode); }

static void fill_dirent(struct vfs_dirent *out, const struct memfs_node *n, const char *name)
{
	out->ino = n->ino;
	out->type = dt_type(n->mode);
	strcpy(out->name, name);
}

/* Cookies: 0 is ".", 1 is "..", id + 2 the entry with that id (or the next
 * one still there). */
static int mf_readdir(struct task *t, struct file *f, uint64_t *pos, struct vfs_dirent *out)
{
	struct memfs_node *dir = node_of(f);
	if (f->flags & O_PATH)
		return -EBADF;
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (!dir->names) /* removed */
		return -ENOENT;
	if (*pos < 2) {
		fill_dirent(out, *pos ? dir->u.dir.parent : dir, *pos ? ".." : ".");
		(*pos)++;
		return 1;
	}
	struct memfs_entry *e = memfs_dir_next(&dir->u.dir, *pos - 2);
	if (!e)
		return 0;
	fill_dirent(out, e->node, e->name);
	*pos = e->id + 3;
	return 1;
}

static int mf_truncate(struct file *f, uint64_t len)
{
	if (!writable(f))
		return -EINVAL;
	return memfs_node_truncate(node_of(f), len, 1);
}

static int mf_chmod(struct file *f, int mode)
{
	return f->flags & O_PATH ? -EBADF : memfs_node_chmod(cred_of(f), node_of(f), mode);
}

static int mf_chown(struct file *f, uint32_t uid, uint32_t gid)
{
	return f->flags & O_PATH ? -EBADF : memfs_node_chown(cred_of(f), node_of(f), uid, gid);
}

static int mf_utimens(struct file *f, const struct timespec *ts)
{
	return f->flags & O_PATH ? -EBADF : memfs_node_utimens(cred_of(f), node_of(f), ts);
}

static int mf_stat(struct file *f, struct stat *st)
{
	memfs_stat(node_of(f), st);
	return 0;
}

static int mf_map_host(struct file *f)
{
	struct memfs_node *node = node_of(f);
	return S_ISREG(node->mode) ? memfs_data_host(&node->u.file) : -ENODEV;
}

static void mf_release(struct file *f)
{
	struct memfs_node *n = node_of(f);
	struct memfs *m = n->m;
	free(f->priv);
	n->opens--;
	memfs_node_maybe_free(n);
	if (!--m->open_files && m->destroyed)
		free(m);
}

static const struct file_ops memfs_file_ops = {
	.name = "memfs",
	.splice = FILE_SPLICE_READ | FILE_SPLICE_WRITE,
	.pread = mf_pread,
	.pwrite = mf_pwrite,
	.readdir = mf_readdir,
	.truncate = mf_truncate,
	.chmod = mf_chmod,
	.chown = mf_chown,
	.utimens = mf_utimens,
	.stat = mf_stat,
	.map_host = mf_map_host,
	.release = mf_release,
};

static int64_t open_node(struct memfs *m, const struct memfs_cred *c, struct memfs_node *n,
			 int flags, const char *rel, struct file **out)
{
	struct memfs_open *o = malloc(sizeof *o);
	if (!o)
		return -ENOMEM;
	*o = (struct memfs_open){n, *c};
	struct file *f = file_new(&memfs_file_ops, o, flags, rel);
	if (!f) {
		free(o);
		return -ENOMEM;
	}
	n->opens++;
	m->open_files++;
	*out = f;
	return 0;
}

/* The checks of opening an existing node: type, then permission. */
static int may_open(const struct memfs_cred *c, const struct memfs_node *n, int flags)
{
	int acc = flags & O_ACCMODE, trunc = (flags & O_TRUNC) != 0;
	if ((flags & O_DIRECTORY) && !S_ISDIR(n->mode))
		return -ENOTDIR;
	if (flags & O_PATH)
		return 0;
	if (S_ISLNK(n->mode)) /* reached only with O_NOFOLLOW */
		return -ELOOP;
	if (S_ISDIR(n->mode) && (acc != O_RDONLY || trunc || (flags & O_CREAT)))
		return -EISDIR;
	/* the caller serves FIFOs and devices, after lstat tells it what they are */
	if (S_ISFIFO(n->mode) || S_ISCHR(n->mode) || S_ISBLK(n->mode))
		return -EOPNOTSUPP;
	if (S_ISSOCK(n->mode))
		return -ENXIO;
	int mask = (acc != O_WRONLY ? R_OK : 0) | (acc != O_RDONLY || trunc ? W_OK : 0);
	return memfs_node_may(c, n, mask);
}

int64_t memfs_open(struct task *t, struct fs *fs, const char *rel, int flags, int mode,
		   struct file **out)
{
	struct memfs *m = memfs_of(fs);
	struct memfs_cred c = memfs_cred_of(t);
	struct memfs_where w;
	int rc = memfs_walk(m, &c, rel, &w);
	if (rc)
		return rc;
	struct memfs_node *n = w.node;
	if (!n) {
		if (!(flags & O_CREAT))
			return -ENOENT;
		/* the creator may write what it made, whatever the mode says */
		rc = memfs_create_node(m, &c, rel, S_IFREG | ((uint32_t)mode & 07777), &n);
		if (rc)
			return rc;
		return open_node(m, &c, n, flags, rel, out);
	}
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	rc = may_open(&c, n, flags);
	if (rc)
		return rc;
	if ((flags & O_TRUNC) && !(flags & O_PATH) && S_ISREG(n->mode)) {
		rc = memfs_node_truncate(n, 0, 1);
		if (rc)
			return rc;
	}
	return open_node(m, &c, n, flags, rel, out);
}
