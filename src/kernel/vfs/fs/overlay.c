/* overlay: the filesystem operations. Each finds which layer shows rel
 * (memfs_lookup_kind of the upper), checks what Linux checks on the merged
 * attributes before anything is copied up (so that a refused call leaves no
 * trace), copies up, and lets the upper memfs do the change. */
#include "kernel/vfs/fs/overlay.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/vfs/fs/overlay_impl.h"

#define RENAME_NOREPLACE_FLAG 1
#define RENAME_EXCHANGE_FLAG  2

static enum memfs_kind kind_of(struct overlay *o, const char *rel)
{
	return memfs_lookup_kind(o->upper, rel);
}

static int o_lstat(struct task *t, struct fs *fs, const char *rel, struct stat *st)
{
	struct overlay *o = overlay_of(fs);
	return ovl_lstat(t, o, rel, kind_of(o, rel), st);
}

static int o_readlink(struct task *t, struct fs *fs, const char *rel, char *buf, size_t size)
{
	struct overlay *o = overlay_of(fs);
	enum memfs_kind k = kind_of(o, rel);
	if (k == MEMFS_HIDDEN)
		return -ENOENT;
	struct fs *layer = ovl_in_upper(k) ? o->upper : o->lower;
	return layer->ops->readlink(t, layer, rel, buf, size);
}

/* 1 with *st when only the lower layer has rel, 0 when the upper has it,
 * else -errno. */
static int lower_only(struct task *t, struct overlay *o, const char *rel, struct stat *st)
{
	enum memfs_kind k = kind_of(o, rel);
	if (ovl_in_upper(k))
		return 0;
	int rc = ovl_lstat(t, o, rel, k, st);
	return rc ? rc : 1;
}

/* Whether the caller may add a name to rel's directory. */
static int may_create(struct task *t, struct overlay *o, const char *rel)
{
	char parent[VFS_PATH_MAX];
	struct stat st;
	struct memfs_cred c = memfs_cred_of(t);
	ovl_parent(rel, parent);
	int rc = ovl_lstat(t, o, parent, kind_of(o, parent), &st);
	if (!rc && !S_ISDIR(st.st_mode))
		rc = -ENOTDIR;
	return rc ? rc : memfs_permission(&c, &st, W_OK | X_OK);
}

/* Whether the caller may remove rel, whose attributes are st. */
static int may_delete(struct task *t, struct overlay *o, const char *rel, const struct stat *st)
{
	char parent[VFS_PATH_MAX];
	struct stat pst;
	struct memfs_cred c = memfs_cred_of(t);
	ovl_parent(rel, parent);
	int rc = ovl_lstat(t, o, parent, kind_of(o, parent), &pst);
	return rc ? rc : memfs_may_delete(&c, &pst, st);
}

/* Before a new name rel: it must not exist, the caller must be allowed,
 * and its directory must be in the upper layer. *k: rel's kind. */
static int prepare_create(struct task *t, struct overlay *o, const char *rel, enum memfs_kind *k)
{
	struct stat st;
	*k = kind_of(o, rel);
	int rc = ovl_lstat(t, o, rel, *k, &st);
	if (!rc)
		return -EEXIST;
	if (rc != -ENOENT)
		return rc;
	rc = may_create(t, o, rel);
	return rc ? rc : ovl_copy_up_parent(t, o, rel);
}

static int wants_write(int flags)
{
	return !(flags & O_PATH) && ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC));
}

/* Opening what only the lower layer has (its attributes in st). */
static int64_t open_lower(struct task *t, struct overlay *o, const char *rel, int flags, int mode,
			  const struct stat *st, struct file **out)
{
	struct memfs_cred c = memfs_cred_of(t);
	int acc = flags & O_ACCMODE;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (flags & O_PATH)
		return o->lower->ops->open(t, o->lower, rel, flags, mode, out);
	if (S_ISDIR(st->st_mode))
		return ovl_open_dir(t, o, rel, MEMFS_ABSENT, flags, out);
	if (!S_ISREG(st->st_mode)) /* FIFOs, devices: nothing of theirs gets written */
		return o->lower->ops->open(t, o->lower, rel, flags, mode, out);
	int mask = (acc != O_WRONLY ? R_OK : 0) | (wants_write(flags) ? W_OK : 0);
	int rc = memfs_permission(&c, st, mask);
	if (rc)
		return rc;
	if (!wants_write(flags))
		return ovl_open_lower_file(t, o, rel, flags, out);
	rc = ovl_copy_up(t, o, rel, !(flags & O_TRUNC), NULL);
	return rc ? rc : o->upper->ops->open(t, o->upper, rel, flags & ~O_EXCL, mode, out);
}

static int64_t o_open(struct task *t, struct fs *fs, const char *rel, int flags, int mode,
		      struct file **out)
{
	struct overlay *o = overlay_of(fs);
	enum memfs_kind k = kind_of(o, rel);
	struct stat st;
	if (ovl_in_upper(k)) {
		int rc = o->upper->ops->lstat(t, o->upper, rel, &st);
		if (!rc && S_ISDIR(st.st_mode) && !(flags & O_PATH))
			return ovl_open_dir(t, o, rel, k, flags, out);
		return o->upper->ops->open(t, o->upper, rel, flags, mode, out);
	}
	int rc = ovl_lstat(t, o, rel, k, &st);
	if (!rc)
		return open_lower(t, o, rel, flags, mode, &st, out);
	if (rc != -ENOENT || !(flags & O_CREAT))
		return rc;
	rc = may_create(t, o, rel);
	if (!rc)
		rc = ovl_copy_up_parent(t, o, rel);
	return rc ? rc : o->upper->ops->open(t, o->upper, rel, flags, mode, out);
}

static int o_mkdir(struct task *t, struct fs *fs, const char *rel, int mode)
{
	struct overlay *o = overlay_of(fs);
	enum memfs_kind k;
	int rc = prepare_create(t, o, rel, &k);
	if (!rc)
		rc = o->upper->ops->mkdir(t, o->upper, rel, mode);
	/* over a whiteout: what the lower has there stays hidden */
	if (!rc && k == MEMFS_HIDDEN)
		rc = memfs_set_opaque(o->upper, rel);
	return rc;
}

static int o_mknod(struct task *t, struct fs *fs, const char *rel, int mode, uint64_t dev)
{
	struct overlay *o = overlay_of(fs);
	enum memfs_kind k;
	int rc = prepare_create(t, o, rel, &k);
	return rc ? rc : o->upper->ops->mknod(t, o->upper, rel, mode, dev);
}

static int o_symlink(struct task *t, struct fs *fs, const char *target, const char *rel)
{
	struct overlay *o = overlay_of(fs);
	enum memfs_kind k;
	int rc = prepare_create(t, o, rel, &k);
	return rc ? rc : o->upper->ops->symlink(t, o->upper, target, rel);
}

/* Removes rel (kind k) from the merged view: from the upper layer, and
 * with a whiteout over the lower's. */
static int remove_entry(struct task *t, struct overlay *o, const char *rel, enum memfs_kind k,
			int dir)
{
	int rc;
	if (ovl_in_upper(k))
		rc = dir ? o->upper->ops->rmdir(t, o->upper, rel)
			 : o->upper->ops->unlink(t, o->upper, rel);
	else
		rc = ovl_copy_up_parent(t, o, rel);
	if (!rc && k != MEMFS_OPAQUE && ovl_lower_has(t, o, rel))
		rc = memfs_whiteout(o->upper, rel);
	return rc;
}

static int o_unlink(struct task *t, struct fs *fs, const char *rel)
{
	struct overlay *o = overlay_of(fs);
	enum memfs_kind k = kind_of(o, rel);
	struct stat st;
	int rc = ovl_lstat(t, o, rel, k, &st);
	if (!rc && (!*rel || S_ISDIR(st.st_mode)))
		rc = -EISDIR;
	if (!rc)
		rc = may_delete(t, o, rel, &st);
	return rc ? rc : remove_entry(t, o, rel, k, 0);
}

static int o_rmdir(struct task *t, struct fs *fs, const char *rel)
{
	struct overlay *o = overlay_of(fs);
	enum memfs_kind k = kind_of(o, rel);
	struct stat st;
	int rc = ovl_lstat(t, o, rel, k, &st);
	if (!rc && !S_ISDIR(st.st_mode))
		rc = -ENOTDIR;
	if (!rc && !*rel)
		rc = -EBUSY;
	if (!rc)
		rc = ovl_dir_empty(t, o, rel, k);
	if (!rc)
		rc = may_delete(t, o, rel, &st);
	return rc ? rc : remove_entry(t, o, rel, k, 1);
}

static int o_link(struct task *t, struct fs *fs, const char *from, const char *to)
{
	struct overlay *o = overlay_of(fs);
	struct stat st;
	enum memfs_kind k;
	int rc = ovl_lstat(t, o, from, kind_of(o, from), &st);
	if (!rc && S_ISDIR(st.st_mode))
		rc = -EPERM;
	if (!rc)
		rc = prepare_create(t, o, to, &k);
	if (!rc)
		rc = ovl_copy_up(t, o, from, 1, NULL);
	return rc ? rc : o->upper->ops->link(t, o->upper, from, to);
}

/* Whether rel (kind k) is a directory the lower layer has too. */
static int lower_dir(struct task *t, struct overlay *o, const char *rel, enum memfs_kind k,
		     const struct stat *st)
{
	return S_ISDIR(st->st_mode) &&
	       (k == MEMFS_ABSENT || (k == MEMFS_MERGED && ovl_lower_has(t, o, rel)));
}

/* The checks of rename on the merged view, before anything changes. */
static int check_rename(struct task *t, struct overlay *o, const char *from, const char *to,
			int flags, const struct stat *a, const struct stat *b)
{
	size_t n = strlen(from);
	enum memfs_kind ka = kind_of(o, from), kb = kind_of(o, to);
	if (S_ISDIR(a->st_mode) && !strncmp(from, to, n) && to[n] == '/')
		return -EINVAL; /* into itself */
	/* overlayfs without redirect_dir cannot move a lower directory */
	if (lower_dir(t, o, from, ka, a) ||
	    ((flags & RENAME_EXCHANGE_FLAG) && lower_dir(t, o, to, kb, b)))
		return -EXDEV;
	int rc = may_delete(t, o, from, a);
	if (rc || !b)
		return rc ? rc : may_create(t, o, to);
	if (flags & RENAME_EXCHANGE_FLAG)
		return may_delete(t, o, to, b);
	if (S_ISDIR(a->st_mode) && !S_ISDIR(b->st_mode))
		return -ENOTDIR;
	if (!S_ISDIR(a->st_mode) && S_ISDIR(b->st_mode))
		return -EISDIR;
	if (S_ISDIR(b->st_mode) && (rc = ovl_dir_empty(t, o, to, kb)))
		return rc;
	return may_delete(t, o, to, b);
}

/* Brings both names into the upper layer for the rename: a lower target
 * that gets replaced becomes a whiteout the source moves onto. */
static int prepare_rename(struct task *t, struct overlay *o, const char *from, const char *to,
			  int flags, int to_exists)
{
	int rc = ovl_copy_up(t, o, from, 1, NULL);
	if (!rc)
		rc = ovl_copy_up_parent(t, o, to);
	if (rc || !to_exists)
		return rc;
	if (flags & RENAME_EXCHANGE_FLAG)
		return ovl_copy_up(t, o, to, 1, NULL);
	return ovl_in_upper(kind_of(o, to)) ? 0 : memfs_whiteout(o->upper, to);
}

/* After the upper rename: a directory moved onto a name the lower has must
 * not merge with it, and the lower's entry under the old name stays hidden. */
static int finish_rename(struct task *t, struct overlay *o, const char *from, const char *to,
			 int flags, enum memfs_kind ka, const struct stat *a, const struct stat *b)
{
	int rc = 0;
	if (S_ISDIR(a->st_mode) && ovl_lower_has(t, o, to))
		rc = memfs_set_opaque(o->upper, to);
	if (flags & RENAME_EXCHANGE_FLAG) {
		if (!rc && S_ISDIR(b->st_mode) && ovl_lower_has(t, o, from))
			rc = memfs_set_opaque(o->upper, from);
		return rc;
	}
	if (!rc && ka != MEMFS_OPAQUE && ovl_lower_has(t, o, from))
		rc = memfs_whiteout(o->upper, from);
	return rc;
}

static int o_rename(struct task *t, struct fs *fs, const char *from, const char *to, int flags)
{
	struct overlay *o = overlay_of(fs);
	struct stat a, b = {0};
	if ((flags & ~(RENAME_NOREPLACE_FLAG | RENAME_EXCHANGE_FLAG)) ||
	    flags == (RENAME_NOREPLACE_FLAG | RENAME_EXCHANGE_FLAG))
		return -EINVAL;
	enum memfs_kind ka = kind_of(o, from);
	int rc = ovl_lstat(t, o, from, ka, &a);
	if (rc)
		return rc;
	if (!*from || !*to)
		return -EBUSY;
	rc = ovl_lstat(t, o, to, kind_of(o, to), &b);
	if (rc && rc != -ENOENT)
		return rc;
	int to_exists = !rc;
	if (to_exists && (flags & RENAME_NOREPLACE_FLAG))
		return -EEXIST;
	if (!to_exists && (flags & RENAME_EXCHANGE_FLAG))
		return -ENOENT;
	if (to_exists && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return 0; /* one file under both names: nothing to do */
	rc = check_rename(t, o, from, to, flags, &a, to_exists ? &b : NULL);
	if (!rc)
		rc = prepare_rename(t, o, from, to, flags, to_exists);
	if (!rc)
		rc = o->upper->ops->rename(t, o->upper, from, to, flags);
	return rc ? rc : finish_rename(t, o, from, to, flags, ka, &a, &b);
}

static int o_chmod(struct task *t, struct fs *fs, const char *rel, int mode)
{
	struct overlay *o = overlay_of(fs);
	struct memfs_cred c = memfs_cred_of(t);
	struct stat st;
	int rc = lower_only(t, o, rel, &st);
	if (rc == 1) {
		rc = memfs_may_chmod(&c, &st);
		if (!rc)
			rc = ovl_copy_up(t, o, rel, 1, NULL);
	}
	return rc ? rc : o->upper->ops->chmod(t, o->upper, rel, mode);
}

static int o_chown(struct task *t, struct fs *fs, const char *rel, uint32_t uid, uint32_t gid)
{
	struct overlay *o = overlay_of(fs);
	struct memfs_cred c = memfs_cred_of(t);
	struct stat st;
	int rc = lower_only(t, o, rel, &st);
	if (rc == 1) {
		rc = memfs_may_chown(&c, &st, uid, gid);
		if (!rc)
			rc = ovl_copy_up(t, o, rel, 1, NULL);
	}
	return rc ? rc : o->upper->ops->chown(t, o->upper, rel, uid, gid);
}

static int o_utimens(struct task *t, struct fs *fs, const char *rel, const struct timespec *ts)
{
	struct overlay *o = overlay_of(fs);
	struct memfs_cred c = memfs_cred_of(t);
	struct stat st;
	int rc = lower_only(t, o, rel, &st);
	if (rc == 1) {
		rc = memfs_may_utimens(&c, &st, ts);
		if (!rc)
			rc = ovl_copy_up(t, o, rel, 1, NULL);
	}
	return rc ? rc : o->upper->ops->utimens(t, o->upper, rel, ts);
}

static int o_truncate(struct task *t, struct fs *fs, const char *rel, uint64_t len)
{
	struct overlay *o = overlay_of(fs);
	struct memfs_cred c = memfs_cred_of(t);
	struct stat st;
	int rc = lower_only(t, o, rel, &st);
	if (rc == 1) {
		rc = S_ISDIR(st.st_mode)    ? -EISDIR
		     : !S_ISREG(st.st_mode) ? -EINVAL
					    : memfs_permission(&c, &st, W_OK);
		if (!rc) /* contents a truncation to 0 would drop are not copied */
			rc = ovl_copy_up(t, o, rel, len != 0, NULL);
	}
	return rc ? rc : o->upper->ops->truncate(t, o->upper, rel, len);
}

static int o_access(struct task *t, struct fs *fs, const char *rel, int mode)
{
	struct overlay *o = overlay_of(fs);
	struct memfs_cred c = memfs_cred_of(t);
	struct stat st;
	int rc = lower_only(t, o, rel, &st);
	if (rc == 1) /* the guest's ids, not the host's, on the lower's attributes */
		return memfs_permission(&c, &st, mode);
	return rc ? rc : o->upper->ops->access(t, o->upper, rel, mode);
}

static void o_destroy(struct fs *fs)
{
	struct overlay *o = overlay_of(fs);
	o->upper->ops->destroy(o->upper);
	if (o->lower->ops->destroy)
		o->lower->ops->destroy(o->lower);
	free(o);
}

static const struct fs_ops overlay_ops = {
	.lstat = o_lstat,
	.readlink = o_readlink,
	.open = o_open,
	.mkdir = o_mkdir,
	.mknod = o_mknod,
	.unlink = o_unlink,
	.rmdir = o_rmdir,
	.symlink = o_symlink,
	.link = o_link,
	.rename = o_rename,
	.chmod = o_chmod,
	.chown = o_chown,
	.utimens = o_utimens,
	.truncate = o_truncate,
	.access = o_access,
	.destroy = o_destroy,
};

struct fs *overlay_create(struct vm *vm, struct fs *upper, struct fs *lower)
{
	struct overlay *o = calloc(1, sizeof *o);
	if (!o)
		return NULL;
	o->upper = upper;
	o->lower = lower;
	o->fs.ops = &overlay_ops;
	o->fs.type = "overlay";
	o->fs.priv = o;
	/* the root is always in the upper layer: it shows the lower's attributes */
	struct stat st;
	if (!lower->ops->lstat(NULL, lower, "", &st)) {
		upper->ops->chown(NULL, upper, "", st.st_uid, st.st_gid);
		upper->ops->chmod(NULL, upper, "", (int)(st.st_mode & 07777));
		const struct timespec ts[2] = {st.st_atim, st.st_mtim};
		upper->ops->utimens(NULL, upper, "", ts);
	}
	return &o->fs;
}

struct fs *overlay_upper(struct fs *overlay) { return overlay_of(overlay)->upper; }

struct fs *overlay_lower_alone(struct fs *overlay, const char *rel)
{
	struct overlay *o = overlay_of(overlay);
	return kind_of(o, rel) == MEMFS_ABSENT ? o->lower : NULL;
}
