/* Private mappings of host files (VMA_HOSTFILE): the pages the file has,
 * and fork's copy of such a mapping. */
#ifndef HEXVM_MEM_MM_HOSTFILE_H
#define HEXVM_MEM_MM_HOSTFILE_H

#include <stdint.h>

#include "mem/mm.h"

/* v's file_fd becomes fd (taken over), with that file's identity. */
void mm_set_host_file(struct vma *v, int fd);
/* The end of v's pages that lie within its file now (v->start when none
 * do, v->end for a vma that maps no host file): the pages after it are
 * wholly past the file's end, and touching them faults (SIGBUS). */
uint64_t mm_hostfile_end(const struct vma *v);
/* fork: n (a copy of a src vma with its file_fd, not yet its own) maps the
 * same file in dst and gets src's written pages copied; the others stay
 * the file's in both. Takes a duplicate of n's file_fd. 0, or -ENOMEM. */
int mm_hostfile_clone(struct mm *dst, const struct mm *src, struct vma *n);
/* Whether any address space of set maps host file (dev, ino), privately
 * or shared; and its bytes [off, off + len) changed (by a write, or
 * truncation): the decoded code of its pages there is dropped, as shared
 * pages and untouched private ones show the new bytes. Stores through a
 * MAP_SHARED mapping are mem/code_alias.c's; stores from outside the
 * machine are not seen. */
int mm_file_mapped(const struct mm_set *set, uint64_t dev, uint64_t ino);
void mm_file_written(struct mm_set *set, uint64_t dev, uint64_t ino, uint64_t off, uint64_t len);

/* Snapshot restore: v (VMA_HOSTFILE, restored without its file, mapped
 * read-write) maps host file fd again (a duplicate of it), its pages
 * marked in from_file (one byte a page) the file's, the others the
 * guest's own copies (zeros until their bytes are loaded). 0, or -1
 * (errno set). */
int mm_hostfile_adopt(struct mm *mm, struct vma *v, int fd, const uint8_t *from_file);

#endif
