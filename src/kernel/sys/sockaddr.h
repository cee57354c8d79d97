/* Guest socket addresses in host form (sys_socket.c), for every call that
 * takes one: bind, connect, sendto, sendmsg. */
#ifndef HEXVM_KERNEL_SYS_SOCKADDR_H
#define HEXVM_KERNEL_SYS_SOCKADDR_H

#include <stdint.h>
#include <sys/socket.h>

struct task;

/* The guest's address at uaddr (len bytes) into *ss and *hlen: AF_UNIX
 * paths are resolved in the guest's namespace and made relative to *dirfd,
 * a hostfs directory the host call must run in (-1: none). `creating`:
 * the path is to be made (bind). 0 or a negative errno. */
int64_t sock_addr_from_guest(struct task *t, uint64_t uaddr, uint64_t len,
			     struct sockaddr_storage *ss, socklen_t *hlen, int *dirfd,
			     int creating);

#endif
