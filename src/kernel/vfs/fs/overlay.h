/* overlay: a writable memfs over a lower filesystem that is never written,
 * as Linux's overlayfs: reads come from the upper layer when it has the
 * file, else from the lower one; a change first copies the file (and its
 * parent directories) up; removing a lower entry leaves a whiteout. With a
 * hostfs lower the guest may change anything while the host sees nothing.
 *
 * Lower files keep the lower's st_dev and st_ino, upper ones the memfs's,
 * so the overlay's own fs->dev is 0. Renaming a directory the lower has
 * gives EXDEV (as overlayfs without redirect_dir: mv copies instead). */
#ifndef HEXVM_KERNEL_VFS_FS_OVERLAY_H
#define HEXVM_KERNEL_VFS_FS_OVERLAY_H

#include "kernel/vfs/vfs.h"

/* upper must be a memfs (from memfs_create). The overlay owns both layers:
 * its destroy destroys them. The lower's lstat and readlink may be called
 * with a NULL task (copy-up for an fchmod, which has no task). NULL when
 * out of memory. */
struct fs *overlay_create(struct vm *vm, struct fs *upper, struct fs *lower);
/* Its upper memfs, for memfs_export at exit. */
struct fs *overlay_upper(struct fs *overlay);
/* Its lower layer when that alone shows rel (the upper neither has nor
 * hides it), else NULL: a snapshot then reads the lower's file itself. */
struct fs *overlay_lower_alone(struct fs *overlay, const char *rel);

struct dirnames;
struct file;
/* Snapshots of a merged directory listing half done (f: an overlay
 * directory; its offset is saved as any other's): whether it lists an
 * upper directory, and the names of the lower host directory it has read,
 * added to lower_read in the order it read them. 0 or -errno. */
int ovl_dir_listing(const struct file *f, int *had_upper, struct dirnames *lower_read);
/* The restored directory f, opened again by its path with its offset set,
 * goes on from there: exactly as it would have when the lower lists the
 * same names first, else leaving out those names (vfs/dirnames.h). Takes
 * lower_read's names. 0 or -ENOMEM. */
int ovl_dir_resume(struct file *f, int had_upper, struct dirnames *lower_read);

#endif
