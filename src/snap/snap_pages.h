/* The pages of address spaces in a snapshot: only mapped ones, all-zero
 * pages left out, pages still as a host file holds them (a program's text)
 * by reference to that file (snap_hostmap.h), the rest by content in PAGE
 * sections of at most SNAP_PAGE_CHUNK pages. Restoring copies or
 * decompresses every PAGE section straight into guest memory, on every
 * core, once every address space is mapped. */
#ifndef HEXVM_SNAP_SNAP_PAGES_H
#define HEXVM_SNAP_SNAP_PAGES_H

#include <stdint.h>

#include "snap/snap_ctx.h"

struct mm;

/* Sections PAGE (and HFIL, PREF) for mm, whose id is `id`. */
int snap_save_pages(struct snap_save *s, struct mm *mm, uint32_t id);

/* A PAGE section met while loading: kept for snap_load_all_pages. */
int snap_queue_pages(struct snap_load *l, struct snap_section *sec);
/* Every kept PAGE section into its address space, checksums checked on the way. */
int snap_load_all_pages(struct snap_load *l);

#endif
