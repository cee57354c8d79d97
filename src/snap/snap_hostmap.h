/* Pages of private file mappings that still hold what the host file holds
 * (a program's text and read-only data, a library's): a snapshot records
 * them as (file, offset, length) instead of their bytes, and the file once
 * by its guest path and identity (size and content hash, as an open host
 * file's). Clean means equal to the file's bytes when the snapshot is
 * taken, compared page by page, whatever the protection or history of the
 * mapping. Only files a host directory shows (hostfs, or an overlay's
 * lower layer where the upper neither has nor hides them) are referred
 * to: an overlay's own files are in the snapshot, mapped pages of them
 * are kept by content. Restoring opens the file through the restored
 * machine's filesystems and refuses, whatever --allow-changed-files says,
 * when it is missing or other than it was: guest memory cannot be made of
 * other bytes. */
#ifndef HEXVM_SNAP_SNAP_HOSTMAP_H
#define HEXVM_SNAP_SNAP_HOSTMAP_H

#include <stddef.h>
#include <stdint.h>

#include "snap/snap_ctx.h"

struct vma;
struct hostmap_file;

/* The host file behind private mapping v when its clean pages may be
 * referred to, or NULL (anonymous, shared, not a host file, or
 * --snapshot-copy-mapped). */
struct hostmap_file *hostmap_file_of(struct snap_save *s, const struct vma *v);
/* The file's bytes for [at, at + len) of v into buf: how many there are
 * (fewer at the end of the file). */
size_t hostmap_read(struct hostmap_file *f, const struct vma *v, uint64_t at, size_t len,
		    uint8_t *buf);
/* The page at guest address at, which holds the file's bytes from
 * file_off, is to be restored from the file. */
void hostmap_ref(struct snap_save *s, struct hostmap_file *f, uint64_t at, uint64_t file_off);
/* Writes the files referred to that are not in the snapshot yet (HFIL),
 * then the references of address space id (PREF). */
int hostmap_emit(struct snap_save *s, uint32_t id);
void hostmap_free(struct snap_save *s);

int snap_load_hostfile(struct snap_load *l, struct snap_rd *r);
int snap_load_pagerefs(struct snap_load *l, struct snap_rd *r);

#endif
