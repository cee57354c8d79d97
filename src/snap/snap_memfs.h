/* memfs files in snapshots beyond the overlay's upper layer (FSUP): the
 * tree of /dev/shm (section FSHM, after FSUP), and MAP_SHARED mappings of
 * memfs files, which name the file (its filesystem and inode number) so
 * that after a restore they and the file's descriptors share one host
 * object again. A mapping whose file has no name left is saved as a memfd
 * (snap_memfd.h), which its mappings share in the same way. */
#ifndef HEXVM_SNAP_SNAP_MEMFS_H
#define HEXVM_SNAP_SNAP_MEMFS_H

#include <stdint.h>

#include "snap/snap_ctx.h"

struct vma;

/* The memfs a mapping's file lives in, in a vma's record. */
enum snap_memfs_where {
	SNAP_MEMFS_NONE = 0,
	SNAP_MEMFS_UPPER = 1, /* the overlay's upper layer */
	SNAP_MEMFS_SHM = 2,   /* /dev/shm */
};

void snap_save_shm_fs(struct snap_save *s, struct snap_buf *b);
int snap_load_shm_fs(struct snap_load *l, struct snap_rd *r);

/* Where shared mapping v's file lives (SNAP_MEMFS_NONE: it maps no named
 * memfs file) and its inode number there. */
uint32_t snap_memfs_of_vma(struct snap_save *s, const struct vma *v, uint64_t *ino);
/* A host descriptor of that file's object for a restored mapping to keep
 * (-1: r failed). */
int snap_memfs_fd(struct snap_load *l, uint32_t where, uint64_t ino, struct snap_rd *r);

#endif
