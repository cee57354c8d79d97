/* memfs contents in a host object: memfs_data's operations on a hosted
 * file (memfs_data->hosted). */
#ifndef HEXVM_KERNEL_VFS_FS_MEMFS_HOST_H
#define HEXVM_KERNEL_VFS_FS_MEMFS_HOST_H

#include "kernel/vfs/fs/memfs_node.h"

int64_t memfs_host_read(const struct memfs_data *d, void *buf, size_t n, uint64_t off);
int64_t memfs_host_write(struct memfs_data *d, const void *buf, size_t n, uint64_t off);
int memfs_host_truncate(struct memfs_data *d, uint64_t len);
uint64_t memfs_host_blocks(const struct memfs_data *d);

#endif
