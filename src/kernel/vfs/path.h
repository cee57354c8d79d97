/* Guest path arguments of system calls: copied in, resolved against a
 * directory descriptor or the working directory, and opened. */
#ifndef HEXVM_KERNEL_VFS_PATH_H
#define HEXVM_KERNEL_VFS_PATH_H

#include <stdint.h>

#include "kernel/vfs/vfs.h"

struct task;
struct file;

#define LINUX_AT_FDCWD (-100)

/* Copies the guest string at upath into buf (VFS_PATH_MAX bytes): 0,
 * -EFAULT or -ENAMETOOLONG. */
int path_copy(struct task *t, uint64_t upath, char *buf);
/* Resolves `path` relative to dirfd (LINUX_AT_FDCWD: the working directory;
 * -EBADF, -ENOTDIR for a descriptor that is no directory). */
int path_resolve(struct task *t, int dirfd, const char *path, int flags, struct vpath *out);
/* path_copy, then path_resolve. */
int path_at(struct task *t, int dirfd, uint64_t upath, int flags, struct vpath *out);
/* The guest-visible form of a canonical path: without the process root. */
const char *path_visible(const struct task *t, const char *canonical);
/* Opens a resolved path with the guest's open flags (without O_CLOEXEC);
 * mode before the umask. The file's path becomes the canonical path. */
int64_t path_open(struct task *t, const struct vpath *p, int flags, int mode, struct file **out);

#endif
