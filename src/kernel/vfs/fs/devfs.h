/* devfs: /dev, with the devices every program expects. */
#ifndef HEXVM_KERNEL_VFS_FS_DEVFS_H
#define HEXVM_KERNEL_VFS_FS_DEVFS_H

#include "kernel/vfs/vfs.h"

/* A devfs (type "devtmpfs") whose random devices draw on vm's seeded
 * generator; NULL when out of memory. */
struct fs *devfs_create(struct vm *vm);

#endif
