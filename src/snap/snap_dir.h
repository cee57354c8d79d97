/* Listings half done in a snapshot: a host directory's and an overlay
 * directory's by the names already read (vfs/dirnames.h), and made-up
 * files (/proc, /dev directories and texts) by what they show, which was
 * made at their open. */
#ifndef HEXVM_SNAP_SNAP_DIR_H
#define HEXVM_SNAP_SNAP_DIR_H

#include "snap/snap_ctx.h"

struct file;

/* FILE kind 10: a host directory. */
void snap_put_host_dir(struct snap_save *s, struct snap_buf *b, struct file *f);
struct file *snap_get_host_dir(struct snap_load *l, struct snap_rd *r, const char *path,
			       int flags);
/* FILE kind 11: an overlay directory. */
void snap_put_overlay_dir(struct snap_save *s, struct snap_buf *b, const struct file *f);
struct file *snap_get_overlay_dir(struct snap_load *l, struct snap_rd *r, const char *path,
				  int flags);
/* FILE kind 12: a made-up file. */
void snap_put_synth(struct snap_buf *b, const struct file *f);
struct file *snap_get_synth(struct snap_load *l, struct snap_rd *r, const char *path, int flags);

#endif
