/* eventfd objects. */
#ifndef HEXVM_KERNEL_VFS_EVENTFD_H
#define HEXVM_KERNEL_VFS_EVENTFD_H

#include <stdint.h>

struct file;
struct vm;

/* flags: O_NONBLOCK or 0. NULL when out of memory. */
struct file *eventfd_create(struct vm *vm, uint64_t initial, int semaphore, int flags);

#endif
