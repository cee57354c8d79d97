/* overlay: the merged view of one path, and copy-up. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/vfs/file.h"
#include "kernel/vfs/fs/overlay_impl.h"

#define COPY_BUF 65536

void ovl_parent(const char *rel, char *buf)
{
	const char *slash = strrchr(rel, '/');
	size_t n = slash ? (size_t)(slash - rel) : 0;
	memcpy(buf, rel, n);
	buf[n] = 0;
}

int ovl_join(char *buf, const char *rel, const char *name)
{
	size_t r = strlen(rel), n = strlen(name);
	if (r + n + 2 > VFS_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(buf, rel, r);
	if (r)
		buf[r++] = '/';
	memcpy(buf + r, name, n + 1);
	return 0;
}

int ovl_lstat(struct task *t, struct overlay *o, const char *rel, enum memfs_kind k,
	      struct stat *st)
{
	if (ovl_in_upper(k))
		return o->upper->ops->lstat(t, o->upper, rel, st);
	if (k == MEMFS_HIDDEN)
		return -ENOENT;
	return o->lower->ops->lstat(t, o->lower, rel, st);
}

int ovl_lower_has(struct task *t, struct overlay *o, const char *rel)
{
	struct stat st;
	return o->lower->ops->lstat(t, o->lower, rel, &st) == 0;
}

static int64_t read_lower(struct file *src, void *buf, size_t n, uint64_t off)
{
	if (src->ops)
		return src->ops->pread ? src->ops->pread(src, buf, n, off) : -EINVAL;
	ssize_t r = pread(src->host_fd, buf, n, (off_t)off);
	return r < 0 ? -errno : r;
}

static int all_zero(const uint8_t *p, size_t n)
{
	return n == 0 || (p[0] == 0 && !memcmp(p, p + 1, n - 1));
}

/* Copies src's bytes into dst; runs of zeros stay holes. */
static int copy_data(struct file *src, struct file *dst)
{
	uint8_t *buf = malloc(COPY_BUF);
	if (!buf)
		return -ENOMEM;
	uint64_t off = 0;
	int64_t n;
	while ((n = read_lower(src, buf, COPY_BUF, off)) > 0) {
		int64_t w =
			all_zero(buf, (size_t)n) ? n : dst->ops->pwrite(dst, buf, (size_t)n, off);
		if (w != n) {
			n = w < 0 ? w : -EIO;
			break;
		}
		off += (uint64_t)n;
	}
	free(buf);
	return n < 0 ? (int)n : dst->ops->truncate(dst, off);
}

static int copy_file(struct task *t, struct overlay *o, const char *rel, int data, struct file *src)
{
	struct fs *u = o->upper, *l = o->lower;
	struct file *dst, *opened = NULL;
	int rc = (int)u->ops->open(NULL, u, rel, O_WRONLY | O_CREAT | O_EXCL, 0600, &dst);
	if (rc)
		return rc;
	if (data && !src)
		rc = (int)l->ops->open(t, l, rel, O_RDONLY, 0, &opened);
	if (data && !rc)
		rc = copy_data(src ? src : opened, dst);
	file_put(opened);
	file_put(dst);
	if (rc) /* no half copy stays behind */
		u->ops->unlink(NULL, u, rel);
	return rc;
}

static int copy_link(struct task *t, struct overlay *o, const char *rel)
{
	char target[VFS_PATH_MAX];
	int rc = o->lower->ops->readlink(t, o->lower, rel, target, sizeof target);
	return rc < 0 ? rc : o->upper->ops->symlink(NULL, o->upper, target, rel);
}

/* Creates rel in the upper layer as the lower's st says it is. */
static int copy_node(struct task *t, struct overlay *o, const char *rel, const struct stat *st,
		     int data, struct file *src)
{
	struct fs *u = o->upper;
	int rc;
	if (S_ISDIR(st->st_mode))
		rc = u->ops->mkdir(NULL, u, rel, 0700);
	else if (S_ISREG(st->st_mode))
		rc = copy_file(t, o, rel, data, src);
	else if (S_ISLNK(st->st_mode))
		rc = copy_link(t, o, rel);
	else
		rc = u->ops->mknod(NULL, u, rel, (int)(st->st_mode & S_IFMT) | 0600, st->st_rdev);
	if (rc)
		return rc;
	/* owner before mode: a chown drops setuid bits */
	u->ops->chown(NULL, u, rel, st->st_uid, st->st_gid);
	if (!S_ISLNK(st->st_mode))
		u->ops->chmod(NULL, u, rel, (int)(st->st_mode & 07777));
	const struct timespec ts[2] = {st->st_atim, st->st_mtim};
	return u->ops->utimens(NULL, u, rel, ts);
}

/* Copies up the one path rel, whose parent is in the upper layer already. */
static int copy_up_one(struct task *t, struct overlay *o, const char *rel, int need_dir, int data,
		       struct file *src)
{
	enum memfs_kind k = memfs_lookup_kind(o->upper, rel);
	if (ovl_in_upper(k))
		return 0;
	if (k == MEMFS_HIDDEN)
		return -ENOENT;
	struct stat st, pst;
	int rc = o->lower->ops->lstat(t, o->lower, rel, &st);
	if (rc)
		return rc;
	if (need_dir && !S_ISDIR(st.st_mode))
		return -ENOTDIR;
	/* the parent's times stay: a copy-up changes nothing the guest sees */
	char parent[VFS_PATH_MAX];
	ovl_parent(rel, parent);
	rc = o->upper->ops->lstat(NULL, o->upper, parent, &pst);
	if (!rc)
		rc = copy_node(t, o, rel, &st, data, src);
	if (!rc) {
		const struct timespec ts[2] = {pst.st_atim, pst.st_mtim};
		rc = o->upper->ops->utimens(NULL, o->upper, parent, ts);
	}
	return rc;
}

/* Each directory on the way down, then rel itself unless only_parents. */
static int copy_up_path(struct task *t, struct overlay *o, const char *rel, int only_parents,
			int data, struct file *src)
{
	char path[VFS_PATH_MAX];
	size_t len = strlen(rel);
	if (len >= sizeof path)
		return -ENAMETOOLONG;
	memcpy(path, rel, len + 1);
	for (size_t i = 0; i < len; i++) {
		if (path[i] != '/')
			continue;
		path[i] = 0;
		int rc = copy_up_one(t, o, path, 1, 0, NULL);
		path[i] = '/';
		if (rc)
			return rc;
	}
	return only_parents ? 0 : copy_up_one(t, o, rel, 0, data, src);
}

int ovl_copy_up(struct task *t, struct overlay *o, const char *rel, int data, struct file *src)
{
	return copy_up_path(t, o, rel, 0, data, src);
}

int ovl_copy_up_parent(struct task *t, struct overlay *o, const char *rel)
{
	return copy_up_path(t, o, rel, 1, 0, NULL);
}
