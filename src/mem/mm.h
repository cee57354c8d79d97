/* A guest address space: a reserved host window (guest address a lives at
 * base + a) and the guest's mappings (vmas) inside it. */
#ifndef HEXVM_MEM_MM_H
#define HEXVM_MEM_MM_H

#include <stddef.h>
#include <stdint.h>

/* guest protection bits (Linux PROT_*) */
#define GPROT_READ  1
#define GPROT_WRITE 2
#define GPROT_EXEC  4

/* vma flags */
#define VMA_SHARED    1
#define VMA_ANON      2
#define VMA_GROWSDOWN 4
#define VMA_STACK     8
#define VMA_HEAP      16
#define VMA_MEMFD     32 /* a memfd's pages (kernel/vfs/memfd.h), or a memfs file's host object's */
/* a MAP_SHARED mapping that may never be written (Linux's VM_MAYWRITE
 * clear): its description was not open for writing, or a memfd's seals
 * forbid writes; mprotect cannot add PROT_WRITE */
#define VMA_NO_WRITE  64
/* private pages mapped from a host file (a program's segments, a guest's
 * MAP_PRIVATE mmap of a host file or memfd): until written they are the
 * file's as it is now, as on Linux, so a page the host never made resident
 * is not necessarily zero, and one wholly past the file's end faults
 * (SIGBUS) */
#define VMA_HOSTFILE 128

/* x86-64 guests get a 64 GiB window; the kernel places mmap, the stack and
 * PIE images inside it. i386 guests get all 4 GiB. */
#define MM_WINDOW_64 (1ull << 36)
#define MM_WINDOW_32 (1ull << 32)

struct vma {
	uint64_t start, end;
	int prot, flags;
	uint64_t offset;  /* file offset of start, for file mappings */
	char *name;	  /* backing file path, or NULL */
	int share_fd;	  /* MAP_SHARED: the host file (or memfd) behind it, else -1 */
	int file_fd;	  /* VMA_HOSTFILE: the host file its untouched pages are, else -1 */
	/* with file_fd or share_fd: that host object's identity (0 0: unknown) */
	uint64_t file_dev, file_ino;
	struct vma *next; /* sorted by address, non-overlapping */
};

struct block_cache;
struct block_stats;
struct mm_cow;

/* The address spaces of one machine. The host fault handler finds the
 * window a host address lies in here, and fork's copy-on-write keeps its
 * budget and counts here (mem/mm_cow.h). */
struct mm_set {
	struct mm *first; /* every live address space, linked by set_next */
	int host_asked;	  /* no_swap and cow_max_pieces are known: asked at the
			   * first fork, not at every start */
	int no_swap;	  /* mm_host_has_no_swap() */
	uint64_t cow_pieces;	 /* host mappings copy-on-write may have split off, at most */
	uint64_t cow_max_pieces; /* beyond this, everything pending is copied (mm_cow.c) */
	uint64_t copied_at_fork; /* pages fork copied before it returned */
	uint64_t copied_lazily;	 /* pages copied after fork, on first touch or before a change */
	uint64_t flattened;	 /* times every pending page was copied at once */
};

struct mm {
	int refs;		  /* processes sharing it (vfork, CLONE_VM) */
	struct mm_set *set;	  /* the machine's address spaces, or NULL */
	struct mm *set_next;
	struct mm_cow *cow;	  /* copy-on-write state since a fork, or NULL */
	struct block_stats *sink; /* where its block statistics are added when it goes */
	uint8_t *base;
	uint64_t limit;	     /* window size */
	size_t reserved;     /* host bytes reserved: window plus guard */
	uint8_t *code_pages; /* one byte a page, CODE_PAGE_* bits */
	size_t code_pages_len;
	struct vma *vmas;
	uint64_t brk_start, brk;
	uint64_t arg_start, arg_end, env_start, env_end; /* for /proc/PID/cmdline, environ */
	uint64_t auxv_start, auxv_end; /* the initial stack's auxiliary vector, for a debugger */
	uint64_t mmap_top; /* new mappings go below this, top down */
	int mode64;
	struct block_cache *blocks;
};

/* A code_pages byte: decoded code lives in this page, or in the next one.
 * A store of at most a page that starts in a page with neither bit cannot
 * touch code, so one byte is the whole check on the store path. */
#define CODE_PAGE_HERE 1
#define CODE_PAGE_NEXT 2
/* Another mapping of this shared page holds code, or of the next one's
 * (mem/code_alias.h). */
#define CODE_PAGE_ALIAS	     4
#define CODE_PAGE_ALIAS_NEXT 8
#define CODE_PAGE_ALIASED    (CODE_PAGE_ALIAS | CODE_PAGE_ALIAS_NEXT)

void mm_set_init(struct mm_set *set);
/* A new address space in `set` (may be NULL: one that never forks).
 * Returns NULL (errno set) when the host cannot reserve the window. */
struct mm *mm_create(struct mm_set *set, int mode64);
/* A copy of the address space for fork: same mappings, same contents, the
 * private pages copied only when either side first needs its own
 * (mem/mm_cow.h); MAP_SHARED mappings stay shared. NULL (errno set) when
 * the host cannot. */
struct mm *mm_clone(struct mm *mm);
static inline struct mm *mm_get(struct mm *mm)
{
	mm->refs++;
	return mm;
}
/* Drops a reference; the last one destroys the address space. */
void mm_put(struct mm *mm);

/* Map fresh zeroed memory at [addr, addr+len) replacing what was there. */
int mm_map(struct mm *mm, uint64_t addr, uint64_t len, int prot, int flags, const char *name,
	   uint64_t offset);
int mm_unmap(struct mm *mm, uint64_t addr, uint64_t len);
/* Maps host file fd (MAP_SHARED) over the fresh mapping at addr, which keeps
 * its own duplicate of fd so that fork can share it again. */
int mm_map_shared_fd(struct mm *mm, uint64_t addr, uint64_t len, int fd, uint64_t offset);
/* Maps host file fd privately (its bytes from offset, copy-on-write) over
 * part of a fresh mapping, [addr, addr+len), which becomes a VMA_HOSTFILE
 * vma of its own keeping a duplicate of fd (for fork and mremap): the host
 * reads in only the pages the guest touches, and until the guest writes a
 * page it shows what the file holds now. 0 or -errno. */
int mm_map_host_file(struct mm *mm, uint64_t addr, uint64_t len, int fd, uint64_t offset);
/* mm_map and mm_map_host_file in one host mapping: a VMA_HOSTFILE vma of
 * file fd's bytes from offset at [addr, addr+len) with prot (the loader's
 * segments). On failure the range is left unmapped. 0 or -errno. */
int mm_map_file(struct mm *mm, uint64_t addr, uint64_t len, int prot, const char *name, int fd,
		uint64_t offset);
int mm_protect(struct mm *mm, uint64_t addr, uint64_t len, int prot);
/* A free range of len bytes, top down below mm_top, or 0. */
uint64_t mm_find_free(const struct mm *mm, uint64_t len);
int mm_range_free(const struct mm *mm, uint64_t addr, uint64_t len);
struct vma *mm_find_vma(const struct mm *mm, uint64_t addr);
/* 1 when every byte of [addr, addr+len) is mapped with all of `prot`. */
int mm_access_ok(const struct mm *mm, uint64_t addr, uint64_t len, int prot);

/* Snapshot restore (mm_restore.c): adds a copy of tmpl (its name copied,
 * share_fd taken over) mapped read-write at its place (a MAP_SHARED file
 * mapping, whose pages are the file's, with its own protection), then,
 * once the pages are in, gives every vma its protection. 0 or -errno. */
int mm_restore_vma(struct mm *mm, const struct vma *tmpl, int share_fd);
int mm_restore_protect(struct mm *mm);

/* 1 when the page at p holds only zeros. */
int mm_page_is_zero(const uint8_t *p);
/* 1 when a page the host never made resident can only be an untouched
 * (zero) one: the host has no swap. */
int mm_host_has_no_swap(void);

static inline void *mm_host(const struct mm *mm, uint64_t addr) { return mm->base + addr; }

#define PAGE_SIZE_G  4096ull
#define PAGE_DOWN(a) ((a) & ~(PAGE_SIZE_G - 1))
#define PAGE_UP(a)   (((a) + PAGE_SIZE_G - 1) & ~(PAGE_SIZE_G - 1))

#endif
