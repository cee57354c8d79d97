/* procfs: the machine's processes and state, in the formats of Linux's
 * /proc, generated when a file is opened. */
#ifndef HEXVM_KERNEL_VFS_FS_PROCFS_H
#define HEXVM_KERNEL_VFS_FS_PROCFS_H

#include "kernel/vfs/vfs.h"

/* A procfs of vm's processes (type "proc"); NULL when out of memory. */
struct fs *procfs_create(struct vm *vm);

#endif
