/* A host file with no name, of a given size, that can be mapped MAP_SHARED
 * into more than one window: what shared anonymous guest memory lives in, so
 * that a forked process maps the same pages. Linux's memfd_create where the
 * host has it; elsewhere a temporary file unlinked as soon as it is made. */
#ifndef HEXVM_HOST_ANONFILE_H
#define HEXVM_HOST_ANONFILE_H

#include <stdint.h>

/* A close-on-exec descriptor, or -errno. */
int host_anon_file(const char *name, uint64_t size);

#endif
