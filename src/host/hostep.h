/* A host epoll instance, where the host has one (Linux): what tells hexvm's
 * epoll about edges of host descriptors (sockets, host pipes, terminals),
 * exactly as the host kernel sees them. Elsewhere every call fails with
 * -ENOSYS and hexvm's epoll falls back to polling those descriptors. */
#ifndef HEXVM_HOST_HOSTEP_H
#define HEXVM_HOST_HOSTEP_H

#include <stdint.h>

/* A new host epoll descriptor (close-on-exec), or -errno. */
int hostep_create(void);
/* Watches host descriptor fd for `events` (poll bits), edge-triggered, with
 * `tag` given back by hostep_take; 0 or -errno (EPERM: fd cannot be polled). */
int hostep_add(int ep, int fd, uint32_t events, uint64_t tag);
int hostep_mod(int ep, int fd, uint32_t events, uint64_t tag);
void hostep_del(int ep, int fd);
/* Takes the edges that came since the last call, without waiting: up to max
 * tags in tags[]; how many. */
int hostep_take(int ep, uint64_t *tags, int max);

#endif
