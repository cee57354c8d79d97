/* Guest path names. Until the VFS lands, the guest root is the host root and
 * a guest path names the same host file. */
#ifndef HEXVM_KERNEL_VFS_PATH_H
#define HEXVM_KERNEL_VFS_PATH_H

#include <stdint.h>

struct task;

#define PATH_EMPTY_OK 1 /* "" names dirfd itself (AT_EMPTY_PATH) */
#define PATH_THE_LINK 2 /* /proc/self/exe is the link, for readlink */

/* Copies the guest path at `upath` into out (PATH_MAX bytes) and gives the
 * host directory descriptor it is relative to (AT_FDCWD or a guest dirfd's
 * host descriptor). Returns 0 or -errno; an empty path is -ENOENT unless
 * PATH_EMPTY_OK is among the flags. */
int path_from_user_at(struct task *t, int dirfd, uint64_t upath, char *out, int *hostdir,
		      int flags);

static inline int path_from_user(struct task *t, int dirfd, uint64_t upath, char *out, int *hostdir)
{
	return path_from_user_at(t, dirfd, upath, out, hostdir, 0);
}

#endif
