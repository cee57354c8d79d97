/* Numbering shared objects while saving: the first time a pointer is seen
 * it gets the next id (1, 2, ...), so that an object shared by several
 * processes (an address space, a descriptor table, an open file, a pipe) is
 * written once and referred to by id. 0 stands for NULL. */
#ifndef HEXVM_SNAP_SNAP_IDS_H
#define HEXVM_SNAP_SNAP_IDS_H

#include <stddef.h>
#include <stdint.h>

struct snap_ids {
	const void **keys; /* open addressing, by pointer */
	uint32_t *vals;
	size_t cap;
	const void **order; /* by id - 1 */
	size_t n;
	int oom;
};

/* The object's id, numbering it if new (*fresh set then). */
uint32_t ids_get(struct snap_ids *m, const void *p, int *fresh);
/* The id of an object already numbered, or 0. */
uint32_t ids_find(const struct snap_ids *m, const void *p);
void ids_free(struct snap_ids *m);

#endif
