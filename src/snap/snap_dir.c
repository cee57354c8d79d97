/* Saving and restoring listings half done and made-up files. */
#include "snap/snap_dir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/vfs/dirnames.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/fs/overlay.h"
#include "kernel/vfs/fs/synth.h"
#include "snap/snap_fd.h"

#define NAMES_MAX   (1u << 24)
#define SYNTH_BYTES (1ull << 32)

static void put_names(struct snap_buf *b, const struct dirnames *d)
{
	sb_u64(b, d->n);
	for (size_t k = 0; k < d->n; k++)
		sb_str(b, d->names[k]);
}

/* Names as written; NULL entries or a bad count fail r. */
static void get_names(struct snap_rd *r, struct dirnames *d)
{
	uint64_t n = sr_count(r, NAMES_MAX);
	for (uint64_t k = 0; k < n && !r->bad; k++) {
		char *name = sr_str(r);
		if (!name || !name[0] || strchr(name, '/'))
			sr_fail(r, "a directory entry's name is malformed");
		else if (dirnames_add(d, name))
			sr_fail(r, "out of memory");
		free(name);
	}
}

/* The names the guest was given: those a restore left out of the listing,
 * then those a fresh listing gives before its host position. */
void snap_put_host_dir(struct snap_save *s, struct snap_buf *b, struct file *f)
{
	struct dirnames d = {0};
	off_t pos = lseek(f->host_fd, 0, SEEK_CUR); /* (an O_PATH one has none: no listing) */
	int rc = 0;
	for (size_t k = 0; !rc && f->dir_skip && k < f->dir_skip->n; k++)
		rc = dirnames_add(&d, f->dir_skip->names[k]);
	if (!rc)
		rc = dirnames_before(f->host_fd, pos > 0 ? (uint64_t)pos : 0, &d);
	if (rc)
		snap_save_fail(s, "%s: cannot read the directory again: %s", file_path(f),
			       strerror(-rc));
	put_names(b, &d);
	dirnames_free(&d);
}

struct file *snap_get_host_dir(struct snap_load *l, struct snap_rd *r, const char *path,
			       int flags)
{
	struct dirnames d = {0};
	uint64_t pos;
	get_names(r, &d);
	struct file *f = r->bad ? NULL : snap_reopen(l, path, flags);
	int rc = f ? (f->host_fd < 0 ? -ENOTDIR : dirnames_prefix(f->host_fd, &d, &pos)) : 0;
	if (rc == 0 && f && (f->dir_skip = malloc(sizeof *f->dir_skip)) != NULL) {
		*f->dir_skip = d; /* the host lists other names first */
		d = (struct dirnames){0};
	} else if (rc == 0 && f) {
		rc = -ENOMEM;
	}
	if (rc < 0) {
		snap_load_fail(l, "%s: cannot list the directory again: %s", path, strerror(-rc));
		file_put(f);
		f = NULL;
	}
	dirnames_free(&d);
	return f;
}

void snap_put_overlay_dir(struct snap_save *s, struct snap_buf *b, const struct file *f)
{
	struct dirnames d = {0};
	int had_upper = 0;
	if (ovl_dir_listing(f, &had_upper, &d))
		snap_save_fail(s, "%s: cannot read the directory again", file_path(f));
	sb_u64(b, f->pos);
	sb_u8(b, (uint8_t)had_upper);
	put_names(b, &d);
	dirnames_free(&d);
}

struct file *snap_get_overlay_dir(struct snap_load *l, struct snap_rd *r, const char *path,
				  int flags)
{
	struct dirnames d = {0};
	uint64_t pos = sr_u64(r);
	int had_upper = sr_u8(r);
	get_names(r, &d);
	struct file *f = r->bad ? NULL : snap_reopen(l, path, flags);
	if (f && (!f->ops || !f->ops->readdir || strcmp(f->ops->name, "overlay"))) {
		snap_load_fail(l, "%s: no overlay directory now", path);
		file_put(f);
		f = NULL;
	}
	if (f) {
		f->pos = pos;
		if (ovl_dir_resume(f, had_upper, &d)) {
			snap_load_fail(l, "out of memory");
			file_put(f);
			f = NULL;
		}
	}
	dirnames_free(&d);
	return f;
}

static void put_stat(struct snap_buf *b, const struct stat *st)
{
	uint64_t words[] = {st->st_dev,	    st->st_ino,		  st->st_mode,
			    st->st_nlink,   st->st_uid,		  st->st_gid,
			    st->st_rdev,    (uint64_t)st->st_size, (uint64_t)st->st_blksize,
			    (uint64_t)st->st_blocks};
	for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
		sb_u64(b, words[k]);
	const struct timespec *ts[] = {&st->st_atim, &st->st_mtim, &st->st_ctim};
	for (int k = 0; k < 3; k++) {
		sb_i64(b, ts[k]->tv_sec);
		sb_i64(b, ts[k]->tv_nsec);
	}
}

static void get_stat(struct snap_rd *r, struct stat *st)
{
	memset(st, 0, sizeof *st);
	st->st_dev = (dev_t)sr_u64(r);
	st->st_ino = (ino_t)sr_u64(r);
	st->st_mode = (mode_t)sr_u64(r);
	st->st_nlink = (nlink_t)sr_u64(r);
	st->st_uid = (uid_t)sr_u64(r);
	st->st_gid = (gid_t)sr_u64(r);
	st->st_rdev = (dev_t)sr_u64(r);
	st->st_size = (off_t)sr_u64(r);
	st->st_blksize = (blksize_t)sr_u64(r);
	st->st_blocks = (blkcnt_t)sr_u64(r);
	struct timespec *ts[] = {&st->st_atim, &st->st_mtim, &st->st_ctim};
	for (int k = 0; k < 3; k++) {
		ts[k]->tv_sec = (time_t)sr_i64(r);
		ts[k]->tv_nsec = (long)sr_i64(r);
	}
}

void snap_put_synth(struct snap_buf *b, const struct file *f)
{
	struct synth_image img;
	synth_image_of(f, &img); /* (kind_of made sure it is one) */
	sb_u64(b, f->pos);
	sb_u8(b, (uint8_t)img.kind);
	put_stat(b, &img.st);
	sb_u64(b, img.len);
	sb_bytes(b, img.data, img.len);
	sb_u64(b, img.n);
	for (size_t k = 0; k < img.n; k++) {
		sb_u64(b, img.ents[k].ino);
		sb_u8(b, img.ents[k].type);
		sb_str(b, img.ents[k].name);
	}
}

static struct vfs_dirent *get_entries(struct snap_rd *r, size_t n)
{
	struct vfs_dirent *ents = n ? calloc(n, sizeof *ents) : NULL;
	if (n && !ents)
		sr_fail(r, "out of memory");
	for (size_t k = 0; k < n && !r->bad; k++) {
		ents[k].ino = sr_u64(r);
		ents[k].type = sr_u8(r);
		char *name = sr_str(r);
		if (!name || strlen(name) > VFS_NAME_MAX)
			sr_fail(r, "a directory entry's name is malformed");
		else
			strcpy(ents[k].name, name);
		free(name);
	}
	return ents;
}

struct file *snap_get_synth(struct snap_load *l, struct snap_rd *r, const char *path, int flags)
{
	struct synth_image img = {0};
	uint64_t pos = sr_u64(r);
	img.kind = sr_u8(r);
	get_stat(r, &img.st);
	img.len = (size_t)sr_count(r, SYNTH_BYTES);
	img.data = (const char *)sr_view(r, img.len);
	img.n = (size_t)sr_count(r, NAMES_MAX);
	struct vfs_dirent *ents = r->bad ? NULL : get_entries(r, img.n);
	img.ents = ents;
	struct file *f = NULL;
	if (!r->bad && img.kind > 2)
		sr_fail(r, "unknown kind of made-up file");
	if (!r->bad && synth_restore(&img, flags, &f))
		snap_load_fail(l, "out of memory");
	free(ents);
	if (f) {
		f->pos = pos;
		if (path && !(f->path = strdup(path))) {
			snap_load_fail(l, "out of memory");
			file_put(f);
			f = NULL;
		}
	}
	return f;
}
