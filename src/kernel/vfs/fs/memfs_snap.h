/* memfs trees in snapshots (the overlay's upper layer). */
#ifndef HEXVM_KERNEL_VFS_FS_MEMFS_SNAP_H
#define HEXVM_KERNEL_VFS_FS_MEMFS_SNAP_H

#include "kernel/vfs/vfs.h"
#include "snap/snap_buf.h"

/* Appends the tree of memfs `fs`; 0, or -1 when out of memory. */
int memfs_snap_save(struct fs *fs, struct snap_buf *b);
/* Replaces the tree of memfs `fs` (fresh, nothing open) with the one r
 * holds; 0, or -1 with r marked bad. */
int memfs_snap_load(struct fs *fs, struct snap_rd *r);

/* Shared mappings of memfs files: the inode number of the file whose bytes
 * host object (dev, ino) holds (0: none of the tree's), and the host
 * object holding file `ino`'s bytes, made now if need be (the file keeps
 * it; -ENOENT when no regular file of the tree has that number). */
uint64_t memfs_file_of_host(struct fs *fs, uint64_t dev, uint64_t ino);
int memfs_host_of_file(struct fs *fs, uint64_t ino);

#endif
