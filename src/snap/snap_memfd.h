/* memfds in a snapshot (section MEMF): what each is (name, seals, mode,
 * owner, inode number, times) and its bytes, written once, before the
 * first address space or open file description that refers to it by id.
 * Its descriptions (FILE kind 13) and MAP_SHARED mappings (a vma's memfd
 * id) share one host object again after the restore. */
#ifndef HEXVM_SNAP_SNAP_MEMFD_H
#define HEXVM_SNAP_SNAP_MEMFD_H

#include <stdint.h>

#include "snap/snap_ctx.h"

struct file;
struct vma;

/* A memfd written, by the identity of its host object while saving. */
struct snap_memfd_key {
	uint64_t dev, ino;
};

/* Writes every memfd an open description numbered so far refers to:
 * before the address spaces, whose mappings find them by identity. */
void snap_save_memfds(struct snap_save *s);
/* The id of the memfd behind description f, or behind shared mapping v (a
 * memfd no description holds any more is written then, named as its
 * mapping is); 0 with the save failed. */
uint32_t snap_memfd_of_file(struct snap_save *s, const struct file *f);
uint32_t snap_memfd_of_vma(struct snap_save *s, const struct vma *v);
void snap_memfds_free(struct snap_save *s);

int snap_load_memfd(struct snap_load *l, struct snap_rd *r);
/* A host descriptor of memfd id's object for a restored mapping to keep
 * (-1: r failed), and a new description of it. */
int snap_memfd_fd(struct snap_load *l, uint32_t id, struct snap_rd *r);
struct file *snap_memfd_open(struct snap_load *l, uint32_t id, int flags, uint32_t uid,
			     uint32_t gid, struct snap_rd *r);
void snap_memfds_release(struct snap_load *l);

#endif
