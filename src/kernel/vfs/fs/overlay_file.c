/* overlay: open files that need the overlay's help. Directories list the
 * upper entries, then the lower ones the upper neither has nor hides.
 * Lower regular files are wrapped so that fchmod, fchown and futimens copy
 * them up instead of reaching the lower layer. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/vfs/dirnames.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/fs/overlay_impl.h"

/* readdir cookies from here on count lower entries; below, they are the
 * upper directory's own. Cookies stay below 2^31 for 32-bit telldir. */
#define LOWER_PHASE ((uint64_t)1 << 30)

struct ovl_file {
	struct overlay *o;
	char *rel;		/* as opened: lower entries never move, so it stays right */
	struct memfs_cred cred; /* the opener's, for the operations without a task */
	struct file *upper;	/* the upper file, once there is one */
	struct file *lower;	/* a lower file served by ops, or NULL */
	DIR *host_dir;		/* a lower host directory, or NULL */
	uint64_t lower_pos;	/* the cookie of lower->ops->readdir */
	uint64_t ord;		/* lower entries read so far */
	/* restored from a snapshot where the lower host directory lists other
	 * names first: the names read before, which count as lower entries 0 ..
	 * skip_base - 1 and are left out of host_dir's listing until a seek
	 * goes back among them (vfs/dirnames.h); else NULL */
	struct dirnames *skip;
	uint64_t skip_base;
};

static struct ovl_file *ovl_file_of(const struct file *f) { return f->priv; }

static void forget_skip(struct ovl_file *d)
{
	if (d->skip)
		dirnames_free(d->skip);
	free(d->skip);
	d->skip = NULL;
	d->skip_base = 0;
}

static void ovl_file_free(struct ovl_file *d)
{
	forget_skip(d);
	file_put(d->upper);
	file_put(d->lower);
	if (d->host_dir)
		closedir(d->host_dir);
	free(d->rel);
	free(d);
}

/* The next raw lower entry: 1, 0 at the end, -errno. */
static int lower_next(struct task *t, struct ovl_file *d, struct vfs_dirent *out)
{
	if (d->lower) {
		int rc = d->lower->ops->readdir(t, d->lower, &d->lower_pos, out);
		d->ord += rc > 0;
		return rc;
	}
	struct dirent *de;
	do {
		errno = 0;
		de = readdir(d->host_dir);
	} while (de && d->skip && dirnames_has(d->skip, de->d_name));
	if (!de)
		return errno ? -errno : 0;
	out->ino = de->d_ino;
	out->type = de->d_type;
	strcpy(out->name, de->d_name);
	d->ord++;
	return 1;
}

/* Puts the lower cursor at entry number ord (counting from the start). */
static int lower_seek(struct task *t, struct ovl_file *d, uint64_t ord)
{
	struct vfs_dirent skip;
	if (ord == d->ord)
		return 0;
	if (ord < d->skip_base) /* back before the snapshot: the host's order from here */
		forget_skip(d);
	if (d->lower)
		d->lower_pos = 0;
	else
		rewinddir(d->host_dir);
	d->ord = d->skip_base;
	while (d->ord < ord) {
		int rc = lower_next(t, d, &skip);
		if (rc <= 0)
			return rc;
	}
	return 0;
}

/* Whether a lower entry shows: not one the upper has or hides. */
static int lower_visible(struct ovl_file *d, const struct vfs_dirent *e)
{
	char path[VFS_PATH_MAX];
	if (!strcmp(e->name, ".") || !strcmp(e->name, ".."))
		return !d->upper; /* the upper's come first */
	if (ovl_join(path, d->rel, e->name))
		return 0;
	return memfs_lookup_kind(d->o->upper, path) == MEMFS_ABSENT;
}

static int lower_readdir(struct task *t, struct ovl_file *d, uint64_t *pos, struct vfs_dirent *out)
{
	if (!d->lower && !d->host_dir)
		return 0;
	int rc = lower_seek(t, d, *pos - LOWER_PHASE);
	while (!rc && (rc = lower_next(t, d, out)) > 0) {
		*pos = LOWER_PHASE + d->ord;
		if (lower_visible(d, out))
			return 1;
		rc = 0;
	}
	return rc;
}

static int dir_readdir(struct task *t, struct ovl_file *d, uint64_t *pos, struct vfs_dirent *out)
{
	/* a listing that starts over sees an upper copy made since the open */
	if (!*pos && !d->upper && memfs_lookup_kind(d->o->upper, d->rel) == MEMFS_MERGED)
		d->o->upper->ops->open(NULL, d->o->upper, d->rel, O_RDONLY | O_DIRECTORY, 0,
				       &d->upper);
	if (*pos < LOWER_PHASE && d->upper) {
		uint64_t p = *pos;
		int rc = d->upper->ops->readdir(t, d->upper, &p, out);
		if (rc) {
			*pos = p;
			return rc;
		}
	}
	if (*pos < LOWER_PHASE)
		*pos = LOWER_PHASE;
	return lower_readdir(t, d, pos, out);
}

static int of_readdir(struct task *t, struct file *f, uint64_t *pos, struct vfs_dirent *out)
{
	return dir_readdir(t, ovl_file_of(f), pos, out);
}

/* The upper copy, made now if need be. There is no task here: a file's
 * contents come from the lower file already open. */
static int need_upper(struct ovl_file *d)
{
	if (d->upper)
		return 0;
	int rc = ovl_copy_up(NULL, d->o, d->rel, 1, d->lower);
	if (!rc)
		rc = (int)d->o->upper->ops->open(NULL, d->o->upper, d->rel, O_RDONLY, 0, &d->upper);
	return rc;
}

static int of_stat(struct file *f, struct stat *st)
{
	struct ovl_file *d = ovl_file_of(f);
	if (d->upper)
		return d->upper->ops->stat(d->upper, st);
	if (d->lower)
		return d->lower->ops->stat(d->lower, st);
	return fstat(dirfd(d->host_dir), st) ? -errno : 0;
}

static int of_chmod(struct file *f, int mode)
{
	struct ovl_file *d = ovl_file_of(f);
	struct stat st;
	int rc = of_stat(f, &st);
	if (!rc)
		rc = memfs_may_chmod(&d->cred, &st);
	if (!rc)
		rc = need_upper(d);
	if (rc)
		return rc;
	/* the upper file acts for the kernel: apply memfs_node_chmod's rule here */
	if (d->cred.uid != 0 && d->cred.gid != st.st_gid)
		mode &= ~S_ISGID;
	return d->upper->ops->chmod(d->upper, mode);
}

static int of_chown(struct file *f, uint32_t uid, uint32_t gid)
{
	struct ovl_file *d = ovl_file_of(f);
	struct stat st;
	int rc = of_stat(f, &st);
	if (!rc)
		rc = memfs_may_chown(&d->cred, &st, uid, gid);
	if (!rc)
		rc = need_upper(d);
	return rc ? rc : d->upper->ops->chown(d->upper, uid, gid);
}

static int of_utimens(struct file *f, const struct timespec *ts)
{
	struct ovl_file *d = ovl_file_of(f);
	struct stat st;
	int rc = of_stat(f, &st);
	if (!rc)
		rc = memfs_may_utimens(&d->cred, &st, ts);
	if (!rc)
		rc = need_upper(d);
	return rc ? rc : d->upper->ops->utimens(d->upper, ts);
}

static void of_release(struct file *f) { ovl_file_free(ovl_file_of(f)); }

static const struct file_ops ovl_dir_ops = {
	.name = "overlay",
	.readdir = of_readdir,
	.chmod = of_chmod,
	.chown = of_chown,
	.utimens = of_utimens,
	.stat = of_stat,
	.release = of_release,
};

/* Takes over lower file lf: host directories are read with a stream of
 * their own descriptor. */
static int keep_lower(struct ovl_file *d, struct file *lf, int dir)
{
	if (lf->ops || !dir) {
		d->lower = lf;
		return 0;
	}
	int fd = dup(lf->host_fd);
	d->host_dir = fd < 0 ? NULL : fdopendir(fd);
	int rc = d->host_dir ? 0 : -errno;
	if (!d->host_dir && fd >= 0)
		close(fd);
	file_put(lf);
	return rc;
}

/* The directory state; the upper layer checks the caller's permission
 * unless the kernel looks for itself. */
static int dir_new(struct task *t, struct overlay *o, const char *rel, enum memfs_kind k, int flags,
		   int kernel, struct ovl_file **out)
{
	struct ovl_file *d = calloc(1, sizeof *d);
	if (!d || !(d->rel = strdup(rel))) {
		free(d);
		return -ENOMEM;
	}
	d->o = o;
	d->cred = memfs_cred_of(t);
	int rc = 0;
	if (ovl_in_upper(k))
		rc = (int)o->upper->ops->open(kernel ? NULL : t, o->upper, rel, flags, 0,
					      &d->upper);
	if (!rc && (k == MEMFS_ABSENT || k == MEMFS_MERGED)) {
		struct file *lf;
		rc = (int)o->lower->ops->open(t, o->lower, rel, O_RDONLY | O_DIRECTORY, 0, &lf);
		if (!rc)
			rc = keep_lower(d, lf, 1);
		else if (k == MEMFS_MERGED && (rc == -ENOENT || rc == -ENOTDIR))
			rc = 0; /* a directory of the upper layer alone */
	}
	if (rc) {
		ovl_file_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

static int64_t new_file(const struct file_ops *ops, struct ovl_file *d, int flags, const char *rel,
			struct file **out)
{
	*out = file_new(ops, d, flags, rel);
	if (*out)
		return 0;
	ovl_file_free(d);
	return -ENOMEM;
}

int64_t ovl_open_dir(struct task *t, struct overlay *o, const char *rel, enum memfs_kind k,
		     int flags, struct file **out)
{
	struct ovl_file *d;
	if (k == MEMFS_ABSENT) { /* the upper would have checked these */
		struct stat st;
		struct memfs_cred c = memfs_cred_of(t);
		int rc = o->lower->ops->lstat(t, o->lower, rel, &st);
		if (!rc && ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_TRUNC | O_CREAT))))
			rc = -EISDIR;
		if (!rc)
			rc = memfs_permission(&c, &st, R_OK);
		if (rc)
			return rc;
	}
	int rc = dir_new(t, o, rel, k, flags, 0, &d);
	return rc ? rc : new_file(&ovl_dir_ops, d, flags, rel, out);
}

int ovl_dir_empty(struct task *t, struct overlay *o, const char *rel, enum memfs_kind k)
{
	struct ovl_file *d;
	struct vfs_dirent e;
	uint64_t pos = 0;
	/* rmdir needs no read permission */
	int rc = dir_new(t, o, rel, k, O_RDONLY | O_DIRECTORY, 1, &d);
	if (rc)
		return rc;
	while ((rc = dir_readdir(t, d, &pos, &e)) > 0)
		if (strcmp(e.name, ".") && strcmp(e.name, "..")) {
			rc = -ENOTEMPTY;
			break;
		}
	ovl_file_free(d);
	return rc;
}

/* Snapshots of a merged listing half done */

/* The first n names of a fresh listing of host directory dir, leaving out
 * those in skip (may be NULL), added to out. */
static int first_names(DIR *dir, struct dirnames *skip, uint64_t n, struct dirnames *out)
{
	int fd = openat(dirfd(dir), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *fresh = fd < 0 ? NULL : fdopendir(fd);
	int rc = fresh ? 0 : -errno;
	if (!fresh && fd >= 0)
		close(fd);
	for (uint64_t k = 0; !rc && k < n;) {
		errno = 0;
		struct dirent *de = readdir(fresh);
		if (!de) {
			rc = errno ? -errno : 0;
			break;
		}
		if (!skip || !dirnames_has(skip, de->d_name)) {
			rc = dirnames_add(out, de->d_name);
			k++;
		}
	}
	if (fresh)
		closedir(fresh);
	return rc;
}

int ovl_dir_listing(const struct file *f, int *had_upper, struct dirnames *lower_read)
{
	struct ovl_file *d = ovl_file_of(f);
	/* the entries given: ord may be one ahead, read and found too big */
	uint64_t given = f->pos > LOWER_PHASE ? f->pos - LOWER_PHASE : 0;
	*had_upper = d->upper != NULL;
	if (!d->host_dir || !given)
		return 0;
	for (size_t k = 0; d->skip && k < d->skip->n && k < given; k++)
		if (dirnames_add(lower_read, d->skip->names[k]))
			return -ENOMEM;
	return given > d->skip_base
		       ? first_names(d->host_dir, d->skip, given - d->skip_base, lower_read)
		       : 0;
}

/* Whether the lower host directory lists exactly names first; if so, its
 * stream is left after them, else at its start. */
static int lists_first(struct ovl_file *d, const struct dirnames *names)
{
	rewinddir(d->host_dir);
	for (size_t k = 0; k < names->n; k++) {
		struct dirent *de = readdir(d->host_dir);
		if (!de || strcmp(de->d_name, names->names[k])) {
			rewinddir(d->host_dir);
			return 0;
		}
	}
	return 1;
}

int ovl_dir_resume(struct file *f, int had_upper, struct dirnames *lower_read)
{
	struct ovl_file *d = ovl_file_of(f);
	if (!had_upper && d->upper) { /* made since the open: the listing goes on without it */
		file_put(d->upper);
		d->upper = NULL;
	}
	if (!d->host_dir || !lower_read->n || lists_first(d, lower_read)) {
		d->ord = lower_read->n;
		dirnames_free(lower_read);
		return 0;
	}
	if (!(d->skip = malloc(sizeof *d->skip)))
		return -ENOMEM;
	*d->skip = *lower_read;
	*lower_read = (struct dirnames){0};
	d->ord = d->skip_base = d->skip->n;
	return 0;
}

/* Lower regular files */

static int64_t lf_pread(struct file *f, void *buf, size_t n, uint64_t off)
{
	struct ovl_file *d = ovl_file_of(f);
	/* once copied up (written through another descriptor), the upper has it */
	if (!d->upper && ovl_in_upper(memfs_lookup_kind(d->o->upper, d->rel)))
		d->o->upper->ops->open(NULL, d->o->upper, d->rel, O_RDONLY, 0, &d->upper);
	struct file *src = d->upper ? d->upper : d->lower;
	if (src->ops)
		return src->ops->pread(src, buf, n, off);
	ssize_t r = pread(src->host_fd, buf, n, (off_t)off);
	return r < 0 ? -errno : r;
}

static int lf_stat(struct file *f, struct stat *st)
{
	struct ovl_file *d = ovl_file_of(f);
	struct file *src = d->upper ? d->upper : d->lower;
	if (src->ops)
		return src->ops->stat(src, st);
	return fstat(src->host_fd, st) ? -errno : 0;
}

static const struct file_ops ovl_lower_file_ops = {
	.name = "overlay",
	.splice = FILE_SPLICE_READ,
	.pread = lf_pread,
	.chmod = of_chmod,
	.chown = of_chown,
	.utimens = of_utimens,
	.stat = lf_stat,
	.release = of_release,
};

int64_t ovl_open_lower_file(struct task *t, struct overlay *o, const char *rel, int flags,
			    struct file **out)
{
	struct ovl_file *d = calloc(1, sizeof *d);
	struct file *lf;
	if (!d || !(d->rel = strdup(rel))) {
		free(d);
		return -ENOMEM;
	}
	d->o = o;
	d->cred = memfs_cred_of(t);
	int64_t rc = o->lower->ops->open(t, o->lower, rel, flags, 0, &lf);
	if (rc) {
		ovl_file_free(d);
		return rc;
	}
	keep_lower(d, lf, 0);
	return new_file(&ovl_lower_file_ops, d, flags, rel, out);
}
