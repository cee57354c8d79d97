/* fork's copy-on-write. A forked child's private pages stay "pending from"
 * the parent's window until one side needs its own copy: the child's are
 * inaccessible on the host until it touches them, the parent's writable ones
 * write-protected until it writes them. Either fault is resolved by the host
 * fault handler (mm_cow_fault), which copies the page group and returns, so
 * the faulting access (guest code, translated code or a kernel memcpy) runs
 * again. Everything else that reaches into a window past the fast path (host
 * system calls on guest buffers, mapping changes, the debugger, snapshots)
 * settles the pages first. */
#ifndef HEXVM_MEM_MM_COW_H
#define HEXVM_MEM_MM_COW_H

#include <stdint.h>

#include "mem/mm.h"

/* Sets up copy-on-write between src and its fresh fork dst, whose vmas are
 * already in place. 0, or -ENOMEM. */
int mm_cow_fork(struct mm *src, struct mm *dst);

/* From the host fault handler: resolves a fault at host address `addr` if
 * it is a copy-on-write fault in any window of `set`. 1 when resolved (the
 * access is to be retried), 0 when it is the guest's fault. */
int mm_cow_fault(struct mm_set *set, uintptr_t addr);

/* Makes [addr, addr+len) of mm hold its own bytes, so that the host may
 * read them without a fault (host system calls get EFAULT instead): pages
 * pending from a parent are copied in. With `write`, also lets the host
 * write them: this mm's pages other address spaces still wait for are
 * copied out to them first. */
void mm_cow_settle_range(struct mm *mm, uint64_t addr, uint64_t len, int write);
static inline void mm_cow_settle(struct mm *mm, uint64_t addr, uint64_t len, int write)
{
	if (mm->cow)
		mm_cow_settle_range(mm, addr, len, write);
}

/* [addr, addr+len) is about to be unmapped or replaced: what others wait
 * for there is copied out to them, what this mm waits for is dropped. */
void mm_cow_forget(struct mm *mm, uint64_t addr, uint64_t len);
/* mprotect of [addr, addr+len) to host protection hprot for an mm with
 * copy-on-write state: pending pages stay inaccessible (they take the new
 * protection when touched). */
void mm_cow_protect(struct mm *mm, uint64_t addr, uint64_t len, int hprot);
/* The mm is going: its dependants get their pages, its source forgets it. */
void mm_cow_release(struct mm *mm);
/* Copies every pending page of every address space in set (snapshots, and
 * the fallback when host mappings run short). */
void mm_cow_flatten(struct mm_set *set);

#endif
