/* MAP_SHARED mappings of host files in a snapshot. Such a mapping is the
 * host file itself mapped into the guest's window (sys_mm.c), so its pages
 * hold what the file holds: the snapshot refers to the file (section SFIL:
 * guest path, access mode, size and content hash, as for an open host file)
 * instead of holding the pages, and the restore opens the path through the
 * restored machine's filesystems and maps it again, refusing a file that
 * changed unless --allow-changed-files. */
#ifndef HEXVM_SNAP_SNAP_SHARED_FILE_H
#define HEXVM_SNAP_SNAP_SHARED_FILE_H

#include <stdint.h>

#include "snap/snap_ctx.h"

struct vma;

/* A host file a snapshot refers to, by host identity while saving. */
struct snap_shared_file {
	uint64_t dev, ino;
	int acc; /* O_RDONLY or O_RDWR: how the mapping's description was opened */
};

/* Before anything is written: puts what the guest stored through shared
 * file mappings, and hexvm's own write buffers, into the files, so that
 * their contents can be hashed, and are on disk before the snapshot is. */
void snap_settle_shared_files(struct snap_save *s);
/* The id of the file behind shared mapping v, written (SFIL) the first time
 * an address space maps it; 0 with the save failed. */
uint32_t snap_shared_file_id(struct snap_save *s, const struct vma *v);
void snap_shared_files_free(struct snap_save *s);

int snap_load_shared_file(struct snap_load *l, struct snap_rd *r);
/* A host descriptor of shared file id (0: none) for a restored mapping to
 * keep, or -1: none, or r failed. */
int snap_shared_file_fd(struct snap_load *l, uint32_t id, struct snap_rd *r);

#endif
