/* Helpers for filesystems whose contents hexvm makes up (procfs, devfs):
 * text generated into a buffer, served read-only by an open file that keeps
 * the snapshot taken at open; directories listed from a snapshot of their
 * entries; attributes and permission checks; and the fs ops of a
 * filesystem whose names nobody can change. */
#ifndef HEXVM_KERNEL_VFS_FS_SYNTH_H
#define HEXVM_KERNEL_VFS_FS_SYNTH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "kernel/vfs/vfs.h"

/* The guest's open flags (Linux x86 values), whatever the host's are. */
#define LINUX_O_ACCMODE	  03
#define LINUX_O_RDONLY	  0
#define LINUX_O_WRONLY	  01
#define LINUX_O_RDWR	  02
#define LINUX_O_CREAT	  0100
#define LINUX_O_EXCL	  0200
#define LINUX_O_NOCTTY	  0400
#define LINUX_O_TRUNC	  01000
#define LINUX_O_NONBLOCK  04000
#define LINUX_O_LARGEFILE 0100000
#define LINUX_O_DIRECTORY 0200000
#define LINUX_O_NOFOLLOW  0400000
#define LINUX_O_CLOEXEC	  02000000

/* A growing text; after an allocation failure it stays as it was and
 * `failed` is set, so generators need not check every append. */
struct sbuf {
	char *data;
	size_t len, cap;
	int failed;
};

void sbuf_add(struct sbuf *b, const void *data, size_t n);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A directory listing under construction, with the same failure rule. */
struct synth_dir {
	struct vfs_dirent *ents;
	size_t n, cap;
	int failed;
};

void synth_dir_add(struct synth_dir *d, uint64_t ino, unsigned char type, const char *name);

/* Open files over a snapshot, with st as their fstat. Both take over what
 * b or d holds, also when they fail (-ENOMEM). A text splice reads only
 * when `spliced` says (Linux's seq files differ). */
int synth_open_text(struct sbuf *b, const struct stat *st, int flags, int spliced,
		    struct file **out);
int synth_open_dir(struct synth_dir *d, const struct stat *st, int flags, struct file **out);
/* An O_PATH file: its attributes only. */
int synth_open_path(const struct stat *st, int flags, struct file **out);

/* An open made-up file as a snapshot holds it: what it shows was made at
 * its open, and the restored file shows the same, whatever the restored
 * machine would make now. kind: 0 text, 1 directory, 2 O_PATH. */
struct synth_image {
	int kind;
	struct stat st;
	const char *data;
	size_t len;
	const struct vfs_dirent *ents;
	size_t n;
};

/* f's image (pointing into f): 0, or -1 when f is no made-up file. */
int synth_image_of(const struct file *f, struct synth_image *img);
/* A file showing a copy of img: 0, or -ENOMEM. */
int synth_restore(const struct synth_image *img, int flags, struct file **out);

/* The realtime the machine started at (monotonic zero), as t sees the
 * clocks (t may be NULL): the times of inodes that have no others. */
int64_t synth_boot_ns(const struct vm *vm, const struct task *t);
/* Attributes of a made-up inode, every time set to time_ns (realtime). */
void synth_stat(struct stat *st, uint64_t dev, uint64_t ino, int mode, uint32_t uid, uint32_t gid,
		int64_t time_ns);
/* access(2) for the caller's ids against st's mode: 0 or -EACCES. */
int synth_access(const struct task *t, const struct stat *st, int mode);
/* The checks of open(2) for an existing inode with attributes st: access
 * mode against permissions (writing a directory is EISDIR), O_DIRECTORY,
 * O_CREAT|O_EXCL, a final symlink opened without following it (ELOOP).
 * Nothing is checked for O_PATH but the last two. */
int synth_open_check(const struct task *t, const struct stat *st, int flags);

/* The fs ops that would change names or attributes: refused as Linux
 * refuses them on a filesystem without those operations. */
int synth_mkdir(struct task *t, struct fs *fs, const char *rel, int mode);
int synth_mknod(struct task *t, struct fs *fs, const char *rel, int mode, uint64_t dev);
int synth_unlink(struct task *t, struct fs *fs, const char *rel);
int synth_rmdir(struct task *t, struct fs *fs, const char *rel);
int synth_symlink(struct task *t, struct fs *fs, const char *target, const char *rel);
int synth_link(struct task *t, struct fs *fs, const char *from, const char *to);
int synth_rename(struct task *t, struct fs *fs, const char *from, const char *to, int flags);
int synth_chmod(struct task *t, struct fs *fs, const char *rel, int mode);
int synth_chown(struct task *t, struct fs *fs, const char *rel, uint32_t uid, uint32_t gid);
int synth_utimens(struct task *t, struct fs *fs, const char *rel, const struct timespec *ts);
int synth_truncate(struct task *t, struct fs *fs, const char *rel, uint64_t len);

#define SYNTH_READ_ONLY_OPS                                                                        \
	.mkdir = synth_mkdir, .mknod = synth_mknod, .unlink = synth_unlink, .rmdir = synth_rmdir,  \
	.symlink = synth_symlink, .link = synth_link, .rename = synth_rename,                      \
	.chmod = synth_chmod, .chown = synth_chown, .utimens = synth_utimens,                      \
	.truncate = synth_truncate

#endif
