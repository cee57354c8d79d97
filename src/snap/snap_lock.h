/* The machine's advisory locks in a snapshot (section LOCK): each with its
 * owner (a process, or an open file description by id) and range. A lock's
 * file is named by a description of the same file, since its identity (the
 * host's device and inode) is not the same on another host or in a copy of
 * the files: the restore takes the identity of the reopened description. */
#ifndef HEXVM_SNAP_SNAP_LOCK_H
#define HEXVM_SNAP_SNAP_LOCK_H

#include "snap/snap_ctx.h"

/* Section LOCK, when there are locks; after the files are numbered. */
int snap_save_locks(struct snap_save *s);
/* Restores the locks; the FILE section must be restored already. */
int snap_load_locks(struct snap_load *l, struct snap_rd *r);

#endif
