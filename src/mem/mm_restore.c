/* Rebuilding an address space from a snapshot: vmas exactly as they were
 * (never merged: the snapshot's list already is the merged one), mapped
 * writable while their pages are filled in, then given their protection;
 * and what fork and snapshots both ask of the host and of a window's pages. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#ifdef __linux__
#include <sys/sysinfo.h>
#endif

#include "mem/mm.h"
#include "mem/mm_internal.h"

int mm_restore_vma(struct mm *mm, const struct vma *tmpl, int share_fd)
{
	if (tmpl->start >= tmpl->end || tmpl->end > mm->limit || (tmpl->start | tmpl->end) & 4095)
		return -EINVAL;
	struct vma **pp = &mm->vmas;
	while (*pp && (*pp)->end <= tmpl->start)
		pp = &(*pp)->next;
	if (*pp && (*pp)->start < tmpl->end)
		return -EINVAL; /* overlaps */
	struct vma *v = malloc(sizeof *v);
	if (!v)
		return -ENOMEM;
	*v = *tmpl;
	v->name = tmpl->name ? strdup(tmpl->name) : NULL;
	v->share_fd = share_fd;
	v->file_fd = -1; /* until its file's pages are restored (mm_hostfile_adopt) */
	size_t len = (size_t)(v->end - v->start);
	/* a shared file mapping's pages are the file's: nothing is filled in,
	 * and a file opened read-only can be mapped no other way */
	int file = share_fd >= 0 && !(v->flags & VMA_ANON);
	void *p = share_fd >= 0 ? mmap(mm->base + v->start, len,
				       file ? mm_host_prot(v->prot) : PROT_READ | PROT_WRITE,
				       MAP_FIXED | MAP_SHARED, share_fd, (off_t)v->offset)
				: mmap(mm->base + v->start, len, PROT_READ | PROT_WRITE,
				       MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		v->share_fd = -1;
		mm_free_vma(v);
		return -ENOMEM;
	}
	v->file_dev = v->file_ino = 0;
	if (share_fd >= 0)
		mm_identify(v, share_fd);
	v->next = *pp;
	*pp = v;
	return 0;
}

int mm_restore_protect(struct mm *mm)
{
	for (struct vma *v = mm->vmas; v; v = v->next)
		if (mprotect(mm->base + v->start, (size_t)(v->end - v->start),
			     mm_host_prot(v->prot)))
			return -errno;
	return 0;
}

int mm_page_is_zero(const uint8_t *p)
{
	const uint64_t *w = (const uint64_t *)p;
	for (size_t k = 0; k < PAGE_SIZE_G / 8; k += 8) { /* a cache line at a time */
		uint64_t acc = 0;
		for (size_t j = 0; j < 8; j++)
			acc |= w[k + j];
		if (acc)
			return 0;
	}
	return 1;
}

int mm_host_has_no_swap(void)
{
#ifdef __linux__
	struct sysinfo si;
	return sysinfo(&si) == 0 && si.totalswap == 0;
#else
	return 0;
#endif
}

uint64_t mm_host_map_limit(void)
{
	unsigned long long limit = 65530; /* Linux's default */
#ifdef __linux__
	FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
	if (f) {
		if (fscanf(f, "%llu", &limit) != 1)
			limit = 65530;
		fclose(f);
	}
#endif
	return limit;
}
