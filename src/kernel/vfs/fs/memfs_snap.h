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

#endif
