/* Opening a guest path: a host file, or the kernel pipe of a FIFO. */
#ifndef HEXVM_KERNEL_VFS_OPEN_H
#define HEXVM_KERNEL_VFS_OPEN_H

#include <stdint.h>

struct file;
struct task;

/* Opens path relative to host directory hostdir with the guest's open
 * flags (without O_CLOEXEC, which belongs to the descriptor) and mode
 * (before the umask). 0 with *out, -errno, or -KERN_EPARK. */
int64_t vfs_open(struct task *t, int hostdir, const char *path, int flags, int mode,
		 struct file **out);

#endif
