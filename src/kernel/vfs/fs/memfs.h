/* memfs: a filesystem held entirely in hexvm's memory, like Linux's tmpfs.
 * Every transfer is a memcpy, never a host call; it is the writable layer
 * of an overlay too, hence whiteouts and opaque directories, which plain
 * use never creates.
 *
 * The task of an fs operation may be NULL: the kernel acting for itself
 * (an overlay copy-up). Such calls skip permission checks, and what they
 * create belongs to root. */
#ifndef HEXVM_KERNEL_VFS_FS_MEMFS_H
#define HEXVM_KERNEL_VFS_FS_MEMFS_H

#include <stdint.h>

#include "kernel/vfs/vfs.h"

struct task;

/* st_dev is a fresh vfs_new_dev(vm); NULL when out of memory. */
struct fs *memfs_create(struct vm *vm);

/* Told when the bytes of a file that a host object holds (one mapped once)
 * change, [off, off + len), with that object's host identity: the kernel
 * drops what it decoded from private mappings of it. */
typedef void memfs_written_fn(struct vm *vm, uint64_t dev, uint64_t ino, uint64_t off,
			      uint64_t len);
void memfs_on_host_write(struct fs *fs, memfs_written_fn *fn);

/* Writes the tree into host directory host_dir (created if missing): files
 * with their contents, directories, symlinks, FIFOs and hard links, with
 * their modes (devices and sockets are left out). A whiteout removes what
 * host_dir has at its path, and an opaque directory what it does not hold
 * itself, so that exporting an overlay's upper layer onto a copy of the
 * lower gives the merged tree. 0 or -errno (the first host error). */
int memfs_export(struct fs *fs, const char *host_dir);

/* What the upper layer of an overlay says about path rel of the lower. */
enum memfs_kind {
	MEMFS_ABSENT, /* not here, and nothing hides the lower's rel */
	MEMFS_HIDDEN, /* not here, and the lower's rel is hidden: a whiteout, an
		       * opaque directory or a non-directory on the way */
	MEMFS_MERGED, /* here, and a directory merges with the lower's rel */
	MEMFS_OPAQUE, /* here, and the lower's rel is hidden */
};
enum memfs_kind memfs_lookup_kind(struct fs *fs, const char *rel);

/* Puts a whiteout at rel, whose parent directory must exist and which must
 * be absent (or already a whiteout). 0 or -errno. */
int memfs_whiteout(struct fs *fs, const char *rel);
/* Marks directory rel opaque: whatever a lower layer has below it is hidden. */
int memfs_set_opaque(struct fs *fs, const char *rel);

/* Who asks, for the permission rules below. */
struct memfs_cred {
	uint32_t uid, gid;
};
/* The task's ids; root for NULL. */
struct memfs_cred memfs_cred_of(const struct task *t);

/* The permission rules memfs applies to its own files, on the attributes in
 * st; the overlay applies them to lower files before it copies them up.
 * Each gives 0 or -EACCES / -EPERM. mask: R_OK | W_OK | X_OK. */
int memfs_permission(const struct memfs_cred *c, const struct stat *st, int mask);
int memfs_may_chmod(const struct memfs_cred *c, const struct stat *st);
int memfs_may_chown(const struct memfs_cred *c, const struct stat *st, uint32_t uid, uint32_t gid);
/* ts as for fs_ops utimens */
int memfs_may_utimens(const struct memfs_cred *c, const struct stat *st, const struct timespec *ts);
/* Removing or replacing `victim` in directory `dir` (write and search on
 * the directory, and the sticky bit's rule). */
int memfs_may_delete(const struct memfs_cred *c, const struct stat *dir, const struct stat *victim);

#endif
