/* Decoded code in shared memory stored to through another mapping of the
 * same object (code_alias.c). */
#ifndef HEXVM_MEM_CODE_ALIAS_H
#define HEXVM_MEM_CODE_ALIAS_H

#include <stdint.h>

struct mm;
struct vma;

/* The page at `page` in mm now holds decoded code: every other mapping of
 * it, in any address space of mm's set, gets CODE_PAGE_ALIAS. */
void code_alias_mark(struct mm *mm, uint64_t page);
/* `fresh`, a new shared mapping in mm: its pages that hold code through
 * another mapping get CODE_PAGE_ALIAS. */
void code_alias_mapped(struct mm *mm, const struct vma *fresh);
/* A store of n bytes at addr in mm, on a page marked CODE_PAGE_ALIAS or
 * CODE_PAGE_ALIAS_NEXT: the code of those bytes seen through the other
 * mappings is dropped. */
void code_alias_store(struct mm *mm, uint64_t addr, uint64_t n);

#endif
