/* Buffered transfers on host regular files: a read-ahead buffer for a file
 * opened read-only, a write-behind buffer for one opened write-only, so
 * that the byte-at-a-time read and write loops of simple programs (the
 * stage0 tools read and write one byte per call) cost a copy instead of a
 * host system call each.
 *
 * The guest cannot tell: the buffers are settled (the host offset put
 * where the guest's is, pending bytes written) before every system call
 * other than read, write and a few that touch no file, before any other
 * description of the same file is used or opened, at the end of every
 * scheduling turn and before a snapshot. A shared mapping of a host file
 * turns buffering off for the rest of the run, a private one the
 * write-behind buffers. What a host process outside the machine sees of a
 * file may lag by up to one turn, and a write error (ENOSPC) comes back on
 * the file's next write. */
#ifndef HEXVM_KERNEL_VFS_HOSTCACHE_H
#define HEXVM_KERNEL_VFS_HOSTCACHE_H

#include <stddef.h>
#include <stdint.h>

struct file;
struct stat;
struct vm;

/* At a host open: buffers f when it is a regular file opened read-only or
 * write-only (without O_APPEND or synchronous flags) that no other open
 * description shares. Settles any buffered description of the same file. */
void hostcache_open(struct vm *vm, struct file *f, const struct stat *st);
/* read and write on a buffered file: bytes moved or -errno. */
int64_t hostcache_read(struct file *f, void *buf, size_t n);
int64_t hostcache_write(struct file *f, const void *buf, size_t n);
/* Before a transfer on an unbuffered host file: settles buffered
 * descriptions of the same file and stops buffering them. */
void hostcache_conflict(struct vm *vm, const struct file *f);
/* Settles every buffered file (their buffers stay). */
void hostcache_sync_all(struct vm *vm);
/* Settles and drops every buffer, and buffers nothing from now on. */
void hostcache_disable(struct vm *vm);
/* A private mapping of a host file shows the file's bytes as they are now,
 * as a shared one does: pending writes are written out and nothing is
 * buffered for writing from now on (which files are mapped is not
 * tracked; reading ahead stays, as such a mapping never writes a file). */
void hostcache_private_map(struct vm *vm);
/* The last reference to f went: settles and frees its buffer. */
void hostcache_release(struct file *f);

#endif
