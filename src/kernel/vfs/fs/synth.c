/* Made-up files: snapshots served read-only, listings, attributes. A file's
 * contents are generated once, at open, and never change while it is open,
 * so that a reader going through it in small reads sees one consistent text
 * (Linux's seq_file gives the same for the small files it serves). */
#include "kernel/vfs/fs/synth.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/vfs/file.h"
#include "kernel/vm.h"

struct snapshot {
	struct stat st;
	char *data;
	size_t len;
	struct vfs_dirent *ents;
	size_t n;
};

/* The array p (capacity *cap elements of elem bytes) with room for need
 * elements: p itself, a larger copy, or NULL (and *failed set). */
static void *grow(void *p, size_t *cap, size_t need, size_t elem, int *failed)
{
	if (*failed)
		return NULL;
	if (need <= *cap)
		return p;
	size_t cap2 = *cap ? *cap : 16;
	while (cap2 < need)
		cap2 *= 2;
	void *n = realloc(p, cap2 * elem);
	if (!n) {
		*failed = 1;
		return NULL;
	}
	*cap = cap2;
	return n;
}

void sbuf_add(struct sbuf *b, const void *data, size_t n)
{
	char *d = grow(b->data, &b->cap, b->len + n + 1, 1, &b->failed);
	if (!d)
		return;
	b->data = d;
	memcpy(d + b->len, data, n);
	b->len += n;
	d[b->len] = 0;
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	char *d = grow(b->data, &b->cap, b->len + (size_t)n + 1, 1, &b->failed);
	if (!d)
		return;
	b->data = d;
	va_start(ap, fmt);
	vsnprintf(d + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void synth_dir_add(struct synth_dir *d, uint64_t ino, unsigned char type, const char *name)
{
	struct vfs_dirent *ents = grow(d->ents, &d->cap, d->n + 1, sizeof *ents, &d->failed);
	if (!ents)
		return;
	d->ents = ents;
	struct vfs_dirent *e = &ents[d->n++];
	e->ino = ino;
	e->type = type;
	snprintf(e->name, sizeof e->name, "%s", name);
}

static int64_t snap_pread(struct file *f, void *buf, size_t n, uint64_t off)
{
	const struct snapshot *s = f->priv;
	if (off >= s->len)
		return 0;
	if (n > s->len - off)
		n = (size_t)(s->len - off);
	memcpy(buf, s->data + off, n);
	return (int64_t)n;
}

static int snap_readdir(struct task *t, struct file *f, uint64_t *pos, struct vfs_dirent *out)
{
	const struct snapshot *s = f->priv;
	if (*pos >= s->n)
		return 0;
	*out = s->ents[(*pos)++];
	return 1;
}

static int snap_stat(struct file *f, struct stat *st)
{
	*st = ((const struct snapshot *)f->priv)->st;
	return 0;
}

static void snap_release(struct file *f)
{
	struct snapshot *s = f->priv;
	free(s->data);
	free(s->ents);
	free(s);
}

static const struct file_ops text_ops = {
	.name = "synth",
	.pread = snap_pread,
	.stat = snap_stat,
	.release = snap_release,
};

static const struct file_ops spliced_text_ops = {
	.name = "synth",
	.splice = FILE_SPLICE_READ,
	.pread = snap_pread,
	.stat = snap_stat,
	.release = snap_release,
};

static const struct file_ops dir_ops = {
	.name = "synth",
	.readdir = snap_readdir,
	.stat = snap_stat,
	.release = snap_release,
};

static const struct file_ops path_ops = {
	.name = "synth",
	.stat = snap_stat,
	.release = snap_release,
};

/* Owns data and ents from the start: they are freed on every failure. */
static int open_snapshot(const struct file_ops *ops, const struct stat *st, char *data, size_t len,
			 struct vfs_dirent *ents, size_t n, int flags, struct file **out)
{
	struct snapshot *s = calloc(1, sizeof *s);
	struct file *f = s ? file_new(ops, s, flags, NULL) : NULL;
	if (!f) {
		free(s);
		free(data);
		free(ents);
		return -ENOMEM;
	}
	s->st = *st;
	s->data = data;
	s->len = len;
	s->ents = ents;
	s->n = n;
	*out = f;
	return 0;
}

int synth_open_text(struct sbuf *b, const struct stat *st, int flags, int spliced,
		    struct file **out)
{
	if (b->failed) {
		free(b->data);
		return -ENOMEM;
	}
	return open_snapshot(spliced ? &spliced_text_ops : &text_ops, st, b->data, b->len, NULL, 0,
			     flags, out);
}

int synth_open_dir(struct synth_dir *d, const struct stat *st, int flags, struct file **out)
{
	if (d->failed) {
		free(d->ents);
		return -ENOMEM;
	}
	return open_snapshot(&dir_ops, st, NULL, 0, d->ents, d->n, flags, out);
}

int synth_open_path(const struct stat *st, int flags, struct file **out)
{
	return open_snapshot(&path_ops, st, NULL, 0, NULL, 0, flags, out);
}

static const struct file_ops *const image_ops[] = {&text_ops, &dir_ops, &path_ops};

int synth_image_of(const struct file *f, struct synth_image *img)
{
	for (int k = 0; k < 3; k++)
		if (f->ops == image_ops[k]) {
			const struct snapshot *s = f->priv;
			*img = (struct synth_image){k, s->st, s->data, s->len, s->ents, s->n};
			return 0;
		}
	return -1;
}

int synth_restore(const struct synth_image *img, int flags, struct file **out)
{
	char *data = img->len ? malloc(img->len) : NULL;
	struct vfs_dirent *ents = img->n ? malloc(img->n * sizeof *ents) : NULL;
	if (img->kind < 0 || img->kind > 2 || (img->len && !data) || (img->n && !ents)) {
		free(data);
		free(ents);
		return -ENOMEM;
	}
	if (img->len)
		memcpy(data, img->data, img->len);
	if (img->n)
		memcpy(ents, img->ents, img->n * sizeof *ents);
	return open_snapshot(image_ops[img->kind], &img->st, data, img->len, ents, img->n, flags,
			     out);
}

int64_t synth_boot_ns(const struct vm *vm, const struct task *t)
{
	const struct cpu *c = t ? &t->cpu : NULL;
	return vm_realtime_ns(vm, c) - vm_monotonic_ns(vm, c);
}

void synth_stat(struct stat *st, uint64_t dev, uint64_t ino, int mode, uint32_t uid, uint32_t gid,
		int64_t time_ns)
{
	struct timespec ts = {.tv_sec = time_ns / 1000000000, .tv_nsec = time_ns % 1000000000};
	memset(st, 0, sizeof *st);
	st->st_dev = (dev_t)dev;
	st->st_ino = (ino_t)ino;
	st->st_mode = (mode_t)mode;
	st->st_nlink = S_ISDIR(mode) ? 2 : 1;
	st->st_uid = (uid_t)uid;
	st->st_gid = (gid_t)gid;
	st->st_blksize = 1024;
	st->st_atim = st->st_mtim = st->st_ctim = ts;
}

int synth_access(const struct task *t, const struct stat *st, int mode)
{
	const struct process *p = t->proc;
	int perm = (int)st->st_mode;
	mode &= R_OK | W_OK | X_OK;
	if (p->uid == 0) /* reads and writes anything; runs what anyone may run */
		return (mode & X_OK) && !S_ISDIR(st->st_mode) && !(perm & 0111) ? -EACCES : 0;
	int bits = p->uid == st->st_uid ? perm >> 6 : p->gid == st->st_gid ? perm >> 3 : perm;
	return (bits & mode) == mode ? 0 : -EACCES;
}

int synth_open_check(const struct task *t, const struct stat *st, int flags)
{
	int acc = flags & LINUX_O_ACCMODE;
	if ((flags & (LINUX_O_CREAT | LINUX_O_EXCL)) == (LINUX_O_CREAT | LINUX_O_EXCL))
		return -EEXIST;
	if ((flags & LINUX_O_DIRECTORY) && !S_ISDIR(st->st_mode))
		return -ENOTDIR;
	if (flags & LINUX_O_PATH)
		return 0;
	/* the resolver leaves a final symlink unfollowed only for O_NOFOLLOW */
	if (S_ISLNK(st->st_mode))
		return -ELOOP;
	if (S_ISDIR(st->st_mode) && acc != LINUX_O_RDONLY)
		return -EISDIR;
	int want = acc == LINUX_O_RDWR ? R_OK | W_OK : acc == LINUX_O_WRONLY ? W_OK : R_OK;
	if (flags & LINUX_O_TRUNC)
		want |= W_OK;
	return synth_access(t, st, want);
}

/* Creating a name fails as on a directory that may not be written. */
int synth_mkdir(struct task *t, struct fs *fs, const char *rel, int mode) { return -EACCES; }

int synth_mknod(struct task *t, struct fs *fs, const char *rel, int mode, uint64_t dev)
{
	return -EACCES;
}

int synth_symlink(struct task *t, struct fs *fs, const char *target, const char *rel)
{
	return -EACCES;
}

int synth_truncate(struct task *t, struct fs *fs, const char *rel, uint64_t len) { return -EACCES; }

/* The rest is what Linux gives when an inode lacks the operation. */
int synth_unlink(struct task *t, struct fs *fs, const char *rel) { return -EPERM; }
int synth_rmdir(struct task *t, struct fs *fs, const char *rel) { return -EPERM; }
int synth_link(struct task *t, struct fs *fs, const char *from, const char *to) { return -EPERM; }

int synth_rename(struct task *t, struct fs *fs, const char *from, const char *to, int flags)
{
	return -EPERM;
}

int synth_chmod(struct task *t, struct fs *fs, const char *rel, int mode) { return -EPERM; }

int synth_chown(struct task *t, struct fs *fs, const char *rel, uint32_t uid, uint32_t gid)
{
	return -EPERM;
}

int synth_utimens(struct task *t, struct fs *fs, const char *rel, const struct timespec *ts)
{
	return -EPERM;
}
