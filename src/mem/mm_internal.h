/* What the address-space files share among themselves. */
#ifndef HEXVM_MEM_MM_INTERNAL_H
#define HEXVM_MEM_MM_INTERNAL_H

#include "mem/mm.h"

/* Host protection for guest protection bits (x86 pages are readable
 * whenever present). */
int mm_host_prot(int prot);
void mm_free_vma(struct vma *v);
/* How many memory mappings the host allows a process (vm.max_map_count). */
uint64_t mm_host_map_limit(void);

#endif
