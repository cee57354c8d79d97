/* A host object that every guest window can map MAP_SHARED and that
 * descriptors can read and write: a memfd on Linux, an unlinked temporary
 * file elsewhere. It holds shared anonymous memory and the guest's own
 * memfds. */
#ifndef HEXVM_HOST_SHMFD_H
#define HEXVM_HOST_SHMFD_H

#include <stdint.h>

/* A new object of `size` zero bytes, open read-write and close-on-exec:
 * its descriptor, or -errno. `name` only labels it for the host's tools. */
int host_shm_create(const char *name, uint64_t size);

#endif
