/* Address spaces in a snapshot: the map (vmas, brk, argument area), then
 * the pages (snap_pages.h); shared anonymous memory once for every address
 * space that maps it. */
#ifndef HEXVM_SNAP_SNAP_MEM_H
#define HEXVM_SNAP_SNAP_MEM_H

#include "snap/snap_ctx.h"

struct mm;

/* Sections SHMM (new shared memory it maps), MMAP, then its pages, for mm
 * (whose id is s->mms's). */
int snap_save_mm(struct snap_save *s, struct mm *mm);

int snap_load_shm(struct snap_load *l, struct snap_rd *r);
int snap_load_mm(struct snap_load *l, struct snap_rd *r);
/* Once every page is in: the final protections. */
int snap_load_mm_finish(struct snap_load *l);

#endif
