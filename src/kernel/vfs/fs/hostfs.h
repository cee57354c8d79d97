/* hostfs: a host directory as a guest filesystem. */
#ifndef HEXVM_KERNEL_VFS_FS_HOSTFS_H
#define HEXVM_KERNEL_VFS_FS_HOSTFS_H

#include "kernel/vfs/vfs.h"

/* NULL (errno set) when host_dir cannot be opened as a directory. */
struct fs *hostfs_create(const char *host_dir);

/* The host directory descriptor behind a hostfs (for AF_UNIX paths). */
int hostfs_dirfd(const struct fs *fs);

#endif
