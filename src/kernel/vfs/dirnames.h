/* Where a directory listing stands, as names: what a snapshot records of a
 * listing half done on a directory the host lists (a hostfs directory, an
 * overlay's lower one). A host's own position in a listing (the offset
 * telldir gives) means nothing on another filesystem, nor often in a copy
 * of the tree: the names already returned do. A restored listing whose
 * directory lists the same names first goes on from the host position after
 * them, exactly as it would have; otherwise it starts over and leaves out
 * the names already returned (dirnames_filter), so that nothing comes
 * twice or not at all, in the new host's order. */
#ifndef HEXVM_KERNEL_VFS_DIRNAMES_H
#define HEXVM_KERNEL_VFS_DIRNAMES_H

#include <stddef.h>
#include <stdint.h>

/* Names in the order they were added; lookups once sorted (a copy). */
struct dirnames {
	char **names;
	size_t n, cap;
	char **sorted; /* names sorted, for dirnames_has; NULL until needed */
};

/* 0, or -ENOMEM. */
int dirnames_add(struct dirnames *d, const char *name);
/* Whether name is among them. */
int dirnames_has(struct dirnames *d, const char *name);
void dirnames_free(struct dirnames *d);

/* The names a fresh listing of host directory fd gives before host
 * position pos (which a description of it had reached), added to out; pos 0:
 * none. The description itself is not moved. 0 or -errno. */
int dirnames_before(int fd, uint64_t pos, struct dirnames *out);
/* Whether host directory fd, listed from its start, gives exactly d's names
 * first, in d's order; if so 1, with *pos the host position after them
 * (where the description is left). 0: it does not, -errno. */
int dirnames_prefix(int fd, const struct dirnames *d, uint64_t *pos);
/* Takes the records (linux_dirent64, as getdents64 gives them) of names in
 * skip out of buf; the bytes left. */
size_t dirnames_filter(struct dirnames *skip, uint8_t *buf, size_t len);

#endif
