/* What the address-space files share among themselves. */
#ifndef HEXVM_MEM_MM_INTERNAL_H
#define HEXVM_MEM_MM_INTERNAL_H

#include "mem/mm.h"

/* Host protection for guest protection bits (x86 pages are readable
 * whenever present). */
int mm_host_prot(int prot);
void mm_free_vma(struct vma *v);

#endif
