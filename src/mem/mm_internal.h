/* What the address-space files share among themselves. */
#ifndef HEXVM_MEM_MM_INTERNAL_H
#define HEXVM_MEM_MM_INTERNAL_H

#include "mem/mm.h"

/* Host protection for guest protection bits (x86 pages are readable
 * whenever present). */
int mm_host_prot(int prot);
void mm_free_vma(struct vma *v);
/* v's file_dev and file_ino: the identity of host descriptor fd. */
void mm_identify(struct vma *v, int fd);
/* How many memory mappings the host allows a process (vm.max_map_count). */
uint64_t mm_host_map_limit(void);

#endif
