/* The virtual filesystem: a mount table of filesystems, and path resolution
 * done by hexvm (., .., symlinks, mount points, the process root), so that
 * no guest path reaches the host unchecked.
 *
 * A filesystem is driven by path: every fs operation gets `rel`, the path
 * inside that filesystem ("" for its root, else "a/b/c": no leading slash,
 * no "." or ".." components, no symlinks except possibly the last
 * component). Results are Linux-style: 0 or a length, else -errno. */
#ifndef HEXVM_KERNEL_VFS_VFS_H
#define HEXVM_KERNEL_VFS_VFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

struct file;
struct task;
struct vm;
struct fs;

#define VFS_PATH_MAX 4096
#define VFS_NAME_MAX 255
#define VFS_LINKS_MAX 40 /* symlinks followed in one resolution, then ELOOP */

struct fs_ops {
	/* Attributes of rel without following a final symlink. */
	int (*lstat)(struct task *t, struct fs *fs, const char *rel, struct stat *st);
	/* The target of symlink rel, NUL-terminated in buf; its length. */
	int (*readlink)(struct task *t, struct fs *fs, const char *rel, char *buf, size_t size);
	/* Opens rel (O_CREAT, O_EXCL, O_TRUNC, O_DIRECTORY, O_PATH, O_APPEND,
	 * O_NONBLOCK honoured; `mode` already has the umask applied). The file's
	 * path is set by the caller. 0 with *out, or -errno (or -KERN_EPARK). */
	int64_t (*open)(struct task *t, struct fs *fs, const char *rel, int flags, int mode,
			struct file **out);
	int (*mkdir)(struct task *t, struct fs *fs, const char *rel, int mode);
	/* S_IFREG, S_IFIFO, S_IFSOCK, S_IFCHR, S_IFBLK in mode */
	int (*mknod)(struct task *t, struct fs *fs, const char *rel, int mode, uint64_t dev);
	int (*unlink)(struct task *t, struct fs *fs, const char *rel);
	int (*rmdir)(struct task *t, struct fs *fs, const char *rel);
	int (*symlink)(struct task *t, struct fs *fs, const char *target, const char *rel);
	/* Both paths are in this filesystem (the caller returns EXDEV otherwise). */
	int (*link)(struct task *t, struct fs *fs, const char *from, const char *to);
	/* flags: RENAME_NOREPLACE (1), RENAME_EXCHANGE (2) */
	int (*rename)(struct task *t, struct fs *fs, const char *from, const char *to, int flags);
	int (*chmod)(struct task *t, struct fs *fs, const char *rel, int mode);
	/* (uint32_t)-1 leaves an id unchanged; rel is not followed if it is a symlink */
	int (*chown)(struct task *t, struct fs *fs, const char *rel, uint32_t uid, uint32_t gid);
	/* ts[0] atime, ts[1] mtime, with UTIME_NOW / UTIME_OMIT; NULL: both now;
	 * rel is not followed if it is a symlink */
	int (*utimens)(struct task *t, struct fs *fs, const char *rel, const struct timespec *ts);
	int (*truncate)(struct task *t, struct fs *fs, const char *rel, uint64_t len);
	/* F_OK / R_OK / W_OK / X_OK for the caller's ids */
	int (*access)(struct task *t, struct fs *fs, const char *rel, int mode);
	/* Optional: whether symlink rel is one of Linux's "magic" links, 0 or
	 * VFS_MAGIC_OPENS (procfs fd/N: opening it opens what it stands for
	 * instead of following the text; lstat/readlink still see the link)
	 * or VFS_MAGIC_TEXT (exe, cwd, root: followed by their text, which
	 * names the same object). */
	int (*magic_link)(struct task *t, struct fs *fs, const char *rel);
	/* Optional: releases the filesystem's own state at unmount. */
	void (*destroy)(struct fs *fs);
};

struct fs {
	const struct fs_ops *ops;
	const char *type; /* "hostfs", "memfs", "tmpfs" (a memfs at /dev/shm), "proc", "devtmpfs", "overlay" for /proc/mounts */
	uint64_t dev;	  /* st_dev for its own inodes (hostfs reports the host's) */
	void *priv;
};

struct mount {
	char *path; /* canonical guest path where it is mounted ("/" or "/a/b") */
	struct fs *fs;
	char *source; /* for /proc/mounts */
	struct mount *next;
};

/* A resolved guest path: where it lives, and its canonical guest path. */
struct vpath {
	struct mount *mnt;
	const char *rel; /* points into `path`, inside mnt */
	char path[VFS_PATH_MAX];
	int magic; /* the final component is a magic link, not followed */
};

#define VFS_MAGIC_OPENS 1
#define VFS_MAGIC_TEXT	2

/* Resolution flags */
#define VFS_NOFOLLOW  1 /* a final symlink is the result, not followed */
#define VFS_DIRECTORY 2 /* the result must be a directory (a trailing "/" implies it) */
#define VFS_PARENT    4 /* the final component need not exist (create, rename, unlink) */
#define VFS_EMPTY_OK  8 /* "" names the starting directory (AT_EMPTY_PATH) */
/* openat2's RESOLVE_* restrictions */
#define VFS_NO_SYMLINKS	  16  /* following any symlink is ELOOP */
#define VFS_NO_MAGICLINKS 32  /* following a /proc magic link is ELOOP */
#define VFS_BENEATH	  64  /* leaving the start (absolute, "..", a link) is EXDEV */
#define VFS_IN_ROOT	  128 /* the start is the root for "/", ".." and links */
#define VFS_NO_XDEV	  256 /* reaching another mount is EXDEV */

/* Resolves guest `path` for task t, relative paths from `start` (a canonical
 * guest directory path; NULL: the working directory). 0 with *out, or
 * -ENOENT, -ENOTDIR, -ELOOP, -ENAMETOOLONG ... */
int vfs_resolve(struct task *t, const char *start, const char *path, int flags,
		struct vpath *out);
/* lstat of a resolved path (each filesystem reports its own st_dev; hostfs
 * the host's). */
int vfs_lstat(struct task *t, const struct vpath *p, struct stat *st);

/* The mount table */
struct mount *vfs_mount(struct vm *vm, const char *path, struct fs *fs, const char *source);
/* The mount a canonical guest path lives in, and the rest of the path. */
struct mount *vfs_mount_of(const struct vm *vm, const char *path, const char **rel);
void vfs_unmount_all(struct vm *vm);
/* A fresh st_dev number for a filesystem hexvm serves itself. */
uint64_t vfs_new_dev(struct vm *vm);

/* Entries of directories hexvm serves itself (getdents64 formats them). */
struct vfs_dirent {
	uint64_t ino;
	unsigned char type; /* DT_DIR, DT_REG, DT_LNK ... */
	char name[VFS_NAME_MAX + 1];
};

#endif
