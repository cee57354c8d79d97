/* fork's copy of an address space: a new window with the same mappings.
 * MAP_SHARED mappings map the same host file or memfd again, so both
 * processes keep seeing each other's stores; private mappings of host files
 * map the file again with the pages written so far copied
 * (mm_hostfile.c); other private pages are not copied here but on first
 * need (mm_cow.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mem/code_alias.h"
#include "mem/mm.h"
#include "mem/mm_cow.h"
#include "mem/mm_hostfile.h"
#include "mem/mm_internal.h"

static int map_shared_again(struct mm *dst, const struct vma *v, struct vma *n)
{
	n->share_fd = fcntl(v->share_fd, F_DUPFD_CLOEXEC, 0);
	if (n->share_fd < 0 ||
	    mmap(dst->base + v->start, (size_t)(v->end - v->start), mm_host_prot(v->prot),
		 MAP_SHARED | MAP_FIXED, n->share_fd, (off_t)v->offset) == MAP_FAILED)
		return -ENOMEM;
	return 0;
}

static void copy_fields(struct mm *dst, const struct mm *src)
{
	dst->sink = src->sink;
	dst->brk_start = src->brk_start;
	dst->brk = src->brk;
	dst->mmap_top = src->mmap_top;
	dst->auxv_start = src->auxv_start;
	dst->auxv_end = src->auxv_end;
	dst->arg_start = src->arg_start;
	dst->arg_end = src->arg_end;
	dst->env_start = src->env_start;
	dst->env_end = src->env_end;
}

struct mm *mm_clone(struct mm *src)
{
	struct mm *dst = mm_create(src->set, src->mode64);
	if (!dst)
		return NULL;
	copy_fields(dst, src);
	struct vma **tail = &dst->vmas;
	for (const struct vma *v = src->vmas; v; v = v->next) {
		struct vma *n = malloc(sizeof *n);
		if (!n)
			goto fail;
		*n = *v;
		n->next = NULL;
		n->name = v->name ? strdup(v->name) : NULL;
		n->share_fd = -1;
		n->file_fd = -1;
		*tail = n;
		tail = &n->next;
		if (v->share_fd >= 0 && map_shared_again(dst, v, n))
			goto fail;
		code_alias_mapped(dst, n);
		if (v->file_fd >= 0) {
			n->file_fd = v->file_fd;
			if (mm_hostfile_clone(dst, src, n))
				goto fail;
		}
	}
	if (mm_cow_fork(src, dst))
		goto fail;
	return dst;
fail:
	mm_put(dst);
	errno = ENOMEM;
	return NULL;
}
