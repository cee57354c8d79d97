/* eventfd objects. */
#ifndef HEXVM_KERNEL_VFS_EVENTFD_H
#define HEXVM_KERNEL_VFS_EVENTFD_H

#include <stdint.h>

struct file;
struct vm;

/* flags: O_NONBLOCK or 0. NULL when out of memory. */
struct file *eventfd_create(struct vm *vm, uint64_t initial, int semaphore, int flags);

/* Snapshots: an eventfd's state (-1 when f is no eventfd), and a new one
 * with that state and open flags. */
int eventfd_state(const struct file *f, uint64_t *count, int *semaphore, uint64_t *ino);
struct file *eventfd_restore(struct vm *vm, uint64_t count, int semaphore, uint64_t ino,
			     int flags);

#endif
