/* Host calls that reach a path relative to a directory and have no *at
 * form (bind, connect, sendto and sendmsg of AF_UNIX path sockets) run with
 * the host's working directory moved there for the call only: relative
 * paths hexvm was given (a --snapshot-at file, --export) keep naming what
 * they named when hexvm started. */
#ifndef HEXVM_HOST_HOSTCWD_H
#define HEXVM_HOST_HOSTCWD_H

/* Moves to dirfd (-1: stays); *saved: what host_cwd_leave takes back to.
 * 0, or -errno with nothing moved. */
int host_cwd_enter(int dirfd, int *saved);
void host_cwd_leave(int saved);

#endif
