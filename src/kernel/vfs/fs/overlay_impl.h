/* overlay internals shared by its files. */
#ifndef HEXVM_KERNEL_VFS_FS_OVERLAY_IMPL_H
#define HEXVM_KERNEL_VFS_FS_OVERLAY_IMPL_H

#include "kernel/vfs/fs/memfs.h"
#include "kernel/vfs/fs/overlay.h"

struct file;

struct overlay {
	struct fs fs;
	struct fs *upper, *lower;
};

static inline struct overlay *overlay_of(struct fs *fs) { return fs->priv; }
static inline int ovl_in_upper(enum memfs_kind k) { return k == MEMFS_MERGED || k == MEMFS_OPAQUE; }

/* The parent directory of rel into buf (VFS_PATH_MAX bytes): "" for a name
 * in the root. */
void ovl_parent(const char *rel, char *buf);
/* rel "/" name into buf (VFS_PATH_MAX bytes); 0 or -ENAMETOOLONG. */
int ovl_join(char *buf, const char *rel, const char *name);

/* Attributes of rel in the merged view, k being its upper kind. */
int ovl_lstat(struct task *t, struct overlay *o, const char *rel, enum memfs_kind k,
	      struct stat *st);
/* Whether the lower layer has rel. */
int ovl_lower_has(struct task *t, struct overlay *o, const char *rel);

/* Brings rel, and the directories above it, into the upper layer (a no-op
 * for what is there already), with the lower's attributes. data: copy a
 * regular file's contents (not when it is truncated anyway); src: an open
 * lower file to read them from, else the lower is opened. */
int ovl_copy_up(struct task *t, struct overlay *o, const char *rel, int data, struct file *src);
/* Brings the directory that is to hold rel into the upper layer. */
int ovl_copy_up_parent(struct task *t, struct overlay *o, const char *rel);

/* Opens directory rel for reading, merging the layers k says show. */
int64_t ovl_open_dir(struct task *t, struct overlay *o, const char *rel, enum memfs_kind k,
		     int flags, struct file **out);
/* Opens lower-only regular file rel for reading (never writes it). */
int64_t ovl_open_lower_file(struct task *t, struct overlay *o, const char *rel, int flags,
			    struct file **out);
/* 0 when merged directory rel holds nothing, -ENOTEMPTY, or -errno. */
int ovl_dir_empty(struct task *t, struct overlay *o, const char *rel, enum memfs_kind k);

#endif
