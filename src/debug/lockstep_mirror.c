/* hexvm's address space as a mirror of the native one: the same mappings at
 * the same addresses, the same bytes. The native kernel is the only one that
 * changes mappings (hexvm's kernel is not used), so after each call that may
 * have changed them the native's /proc/PID/maps is read again and the
 * difference applied; bytes the native kernel wrote (system call results,
 * signal frames) are found by comparing the writable memory. */
#if defined(__linux__) && defined(__x86_64__) /* else lockstep.c says it is not available */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "debug/lockstep_int.h"
#include "mem/uaccess.h"
#include "mem/mm.h"
#include "mem/mm_internal.h"

#define CHUNK	     (256u << 10) /* bytes read from the native at a time */
#define PM_PRESENT   (1ull << 63)
#define PM_SWAPPED   (1ull << 62)
#define PAGES_AT_ONCE 4096

void ls_maps_free(struct ls_maps *m)
{
	free(m->v);
	memset(m, 0, sizeof *m);
}

static int maps_add(struct ls_maps *m, const struct ls_map *e)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct ls_map *v = realloc(m->v, cap * sizeof *v);
		if (!v)
			return -1;
		m->v = v, m->cap = cap;
	}
	m->v[m->n++] = *e;
	return 0;
}

/* The kernel's own pages ([vdso], [vvar], [vsyscall]) are not mirrored: the
 * native is started without its vDSO, and hexvm never touches them. */
static int parse_line(const char *line, uint64_t limit, struct ls_map *e)
{
	char perms[8] = "", name[64] = "";
	unsigned maj, min;
	unsigned long long s, t, off, ino;
	if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %63s", &s, &t, perms, &off, &maj, &min,
		   &ino, name) < 7)
		return 0;
	if (t > limit || !strncmp(name, "[v", 2))
		return 0;
	e->start = s, e->end = t, e->offset = off, e->inode = ino;
	e->dev = (uint64_t)maj << 32 | min;
	e->prot = (perms[0] == 'r' ? GPROT_READ : 0) | (perms[1] == 'w' ? GPROT_WRITE : 0) |
		  (perms[2] == 'x' ? GPROT_EXEC : 0);
	e->shared = perms[3] == 's';
	return 1;
}

int ls_maps_read(struct lockstep *ls, struct ls_maps *out)
{
	char path[64], line[512];
	struct ls_map e;
	snprintf(path, sizeof path, "/proc/%d/maps", (int)ls->proc_pid);
	FILE *f = fopen(path, "re");
	memset(out, 0, sizeof *out);
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (parse_line(line, ls->mm->limit, &e) && maps_add(out, &e)) {
			fclose(f);
			ls_maps_free(out);
			return -1;
		}
	fclose(f);
	return 0;
}

/* hexvm's host pages carry the guest's protections; the mirror writes
 * behind them, and drops any decoded code the bytes replace. */
int ls_hexvm_write(struct lockstep *ls, uint64_t addr, const void *buf, size_t len)
{
	const uint8_t *src = buf;
	uint64_t end = addr + len;
	while (addr < end) {
		struct vma *v = mm_find_vma(ls->mm, addr);
		if (!v)
			return -1;
		uint64_t n = (v->end < end ? v->end : end) - addr;
		uint8_t *host = mm_host(ls->mm, addr);
		uint8_t *page = mm_host(ls->mm, PAGE_DOWN(addr));
		size_t span = (size_t)(PAGE_UP(addr + n) - PAGE_DOWN(addr));
		if (!(v->prot & GPROT_WRITE))
			mprotect(page, span, PROT_READ | PROT_WRITE);
		memcpy(host, src, (size_t)n);
		if (!(v->prot & GPROT_WRITE))
			mprotect(page, span, mm_host_prot(v->prot));
		user_wrote(ls->mm, addr, n); /* code here or through another view */
		addr += n, src += n;
	}
	return 0;
}

int ls_hexvm_read(struct lockstep *ls, uint64_t addr, void *buf, size_t len)
{
	if (!mm_access_ok(ls->mm, addr, len, 0))
		return -1;
	for (uint64_t a = addr; a < addr + len; a = PAGE_DOWN(a) + PAGE_SIZE_G)
		if (!(mm_find_vma(ls->mm, a)->prot & (GPROT_READ | GPROT_EXEC)))
			return -1;
	memcpy(buf, mm_host(ls->mm, addr), len);
	return 0;
}

/* Present (or swapped) bits of the native's pages [addr, addr + n pages). */
static int native_present(struct lockstep *ls, uint64_t addr, unsigned n, uint8_t *present)
{
	uint64_t pm[PAGES_AT_ONCE];
	size_t bytes = n * sizeof pm[0];
	if (pread(ls->pagemap_fd, pm, bytes, (off_t)(addr / PAGE_SIZE_G * sizeof pm[0])) !=
	    (ssize_t)bytes)
		return -1;
	for (unsigned k = 0; k < n; k++)
		present[k] = (pm[k] & (PM_PRESENT | PM_SWAPPED)) != 0;
	return 0;
}

/* A page the native cannot read is a file mapping's page past the end of
 * its file, where an access raises SIGBUS: so it does in hexvm, whose host
 * page becomes a view past the end of an empty memfd. */
static void make_sigbus_page(struct lockstep *ls, uint64_t a)
{
	const struct vma *v = mm_find_vma(ls->mm, a);
	if (ls->sigbus_fd < 0)
		ls->sigbus_fd = memfd_create("lockstep-sigbus", MFD_CLOEXEC);
	if (v && ls->sigbus_fd >= 0)
		mmap(mm_host(ls->mm, a), PAGE_SIZE_G, mm_host_prot(v->prot), MAP_PRIVATE | MAP_FIXED,
		     ls->sigbus_fd, 0);
}

/* Copies native bytes into hexvm page by page. */
static void copy_pages_slowly(struct lockstep *ls, uint64_t lo, uint64_t hi, uint8_t *buf)
{
	for (uint64_t a = lo; a < hi; a += PAGE_SIZE_G)
		if (ls_native_read(ls, a, buf, PAGE_SIZE_G) == 0)
			ls_hexvm_write(ls, a, buf, PAGE_SIZE_G);
		else
			make_sigbus_page(ls, a);
}

/* New mapping [lo, hi): its native bytes into hexvm's fresh zeroed pages.
 * Anonymous pages the native never touched are zero and are skipped. */
static int copy_range(struct lockstep *ls, uint64_t lo, uint64_t hi, int anon)
{
	uint8_t *buf = malloc(CHUNK), present[PAGES_AT_ONCE];
	if (!buf)
		return -1;
	for (uint64_t a = lo; a < hi;) {
		unsigned n = (unsigned)((hi - a) / PAGE_SIZE_G);
		n = n > PAGES_AT_ONCE ? PAGES_AT_ONCE : n;
		if (anon && native_present(ls, a, n, present) == 0) {
			for (unsigned k = 0; k < n; k++)
				if (present[k])
					copy_pages_slowly(ls, a + k * PAGE_SIZE_G,
							  a + (k + 1) * PAGE_SIZE_G, buf);
			a += n * PAGE_SIZE_G;
			continue;
		}
		uint64_t len = hi - a < CHUNK ? hi - a : CHUNK;
		if (ls_native_read(ls, a, buf, (size_t)len) == 0)
			ls_hexvm_write(ls, a, buf, (size_t)len);
		else
			copy_pages_slowly(ls, a, a + len, buf);
		a += len;
	}
	free(buf);
	return 0;
}

/* MAP_SHARED: every view of one object in the native (the same file, or
 * shared anonymous memory and its mremap aliases) is a view of one memfd in
 * hexvm, so that a store through one shows through the others there too. */
static int shared_fd(struct lockstep *ls, const struct ls_map *n, uint64_t size)
{
	int k = 0;
	while (k < ls->nshared && (ls->shared[k].dev != n->dev || ls->shared[k].inode != n->inode))
		k++;
	if (k == ls->nshared) {
		if (k == LS_SHARED_MAX || (ls->shared[k].fd = memfd_create("lockstep", MFD_CLOEXEC)) < 0)
			return -1;
		ls->shared[k].dev = n->dev, ls->shared[k].inode = n->inode;
		ls->nshared++;
	}
	struct stat st;
	if (fstat(ls->shared[k].fd, &st) || ((uint64_t)st.st_size < size &&
					     ftruncate(ls->shared[k].fd, (off_t)size)))
		return -1;
	return ls->shared[k].fd;
}

/* A fresh mapping in hexvm for native mapping n at [at, until). */
static int map_fresh(struct lockstep *ls, const struct ls_map *n, uint64_t at, uint64_t until)
{
	uint64_t off = n->offset + (at - n->start);
	int fd = n->shared ? shared_fd(ls, n, off + (until - at)) : -1;
	/* too many objects: a private copy, without the aliasing */
	if (mm_map(ls->mm, at, until - at, n->prot, fd >= 0 ? VMA_SHARED : VMA_ANON, NULL, 0))
		return -1;
	/* a shared vma of its own, so that code decoded through one view is
	 * dropped by stores through another (mem/code_alias.h) as in a run */
	return fd >= 0 && mm_map_shared_fd(ls->mm, at, until - at, fd, off) ? -1 : 0;
}

static int same_object(const struct ls_map *o, const struct ls_map *n, uint64_t at)
{
	return o->inode == n->inode && o->dev == n->dev && o->shared == n->shared &&
	       (!n->inode || o->offset + (at - o->start) == n->offset + (at - n->start));
}

/* Whether `at` (inside new mapping n) was already mirrored as the same
 * object; *until is where that answer ends. */
static int unchanged_at(const struct ls_maps *old, const struct ls_map *n, uint64_t at,
			uint64_t force_lo, uint64_t force_hi, uint64_t *until, int *old_prot)
{
	uint64_t end = n->end;
	if (at < force_hi && at >= force_lo) {
		*until = force_hi < end ? force_hi : end;
		return 0;
	}
	if (at < force_lo && force_lo < end)
		end = force_lo;
	for (size_t k = 0; k < old->n; k++) {
		const struct ls_map *o = &old->v[k];
		if (o->start <= at && at < o->end && same_object(o, n, at)) {
			*until = o->end < end ? o->end : end;
			*old_prot = o->prot;
			return 1;
		}
		if (o->start > at && o->start < end)
			end = o->start;
	}
	*until = end;
	return 0;
}

/* Unmaps from hexvm whatever old mapping no new one covers. */
static void unmap_gone(struct lockstep *ls, const struct ls_maps *old, const struct ls_maps *now)
{
	for (size_t k = 0; k < old->n; k++) {
		uint64_t at = old->v[k].start, end = old->v[k].end;
		while (at < end) {
			uint64_t until = end;
			int covered = 0;
			for (size_t j = 0; j < now->n; j++) {
				const struct ls_map *m = &now->v[j];
				if (m->start <= at && at < m->end)
					covered = 1, until = m->end < end ? m->end : end;
				else if (m->start > at && m->start < until)
					until = m->start;
			}
			if (!covered)
				mm_unmap(ls->mm, at, until - at);
			at = until;
		}
	}
}

int ls_mirror_maps(struct lockstep *ls, uint64_t force_lo, uint64_t force_hi)
{
	struct ls_maps now;
	if (ls_maps_read(ls, &now))
		return -1;
	unmap_gone(ls, &ls->maps, &now);
	for (size_t k = 0; k < now.n; k++) {
		const struct ls_map *n = &now.v[k];
		for (uint64_t at = n->start, until; at < n->end; at = until) {
			int old_prot = 0;
			if (unchanged_at(&ls->maps, n, at, force_lo, force_hi, &until, &old_prot)) {
				if (old_prot != n->prot)
					mm_protect(ls->mm, at, until - at, n->prot);
				continue;
			}
			if (map_fresh(ls, n, at, until) || copy_range(ls, at, until, !n->inode)) {
				ls_maps_free(&now);
				return -1;
			}
		}
	}
	ls_maps_free(&ls->maps);
	ls->maps = now;
	return 0;
}

/* The writable pages to compare, gathered so that the native's side is
 * read with few calls: runs of pages the native has (`runs`, read into
 * `data`), and anonymous pages only hexvm has (which must be zero). */
struct diff_pass {
	struct iovec *runs;
	size_t nruns, cap, bytes;
	uint8_t *data;
	int copy;
	uint64_t where;
};

static int add_run(struct diff_pass *d, uint64_t a)
{
	struct iovec *last = d->nruns ? &d->runs[d->nruns - 1] : NULL;
	d->bytes += PAGE_SIZE_G;
	if (last && (uint64_t)(uintptr_t)last->iov_base + last->iov_len == a) {
		last->iov_len += PAGE_SIZE_G;
		return 0;
	}
	if (d->nruns == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 64;
		struct iovec *v = realloc(d->runs, cap * sizeof *v);
		if (!v)
			return -1;
		d->runs = v, d->cap = cap;
	}
	d->runs[d->nruns++] = (struct iovec){(void *)(uintptr_t)a, PAGE_SIZE_G};
	return 0;
}

/* hexvm's page at `a` against the native's bytes `n`: 0 equal (or, when
 * copying, made equal), 1 a difference (at d->where). */
static int page_check(struct lockstep *ls, struct diff_pass *d, uint64_t a, const uint8_t *n)
{
	const uint8_t *h = mm_host(ls->mm, a);
	if (!memcmp(n, h, PAGE_SIZE_G))
		return 0;
	if (d->copy)
		return ls_hexvm_write(ls, a, n, PAGE_SIZE_G) ? 1 : 0;
	size_t k = 0;
	while (n[k] == h[k])
		k++;
	d->where = a + k;
	return 1;
}

/* Sorts one writable mapping's pages by which side has them (pagemap,
 * mincore): untouched on both sides, or a file page the native has not
 * read yet, needs nothing. */
static int gather(struct lockstep *ls, const struct ls_map *m, struct diff_pass *d)
{
	static const uint8_t zero[PAGE_SIZE_G];
	uint8_t present[PAGES_AT_ONCE];
	unsigned char resident[PAGES_AT_ONCE];
	for (uint64_t a = m->start; a < m->end;) {
		unsigned n = (unsigned)((m->end - a) / PAGE_SIZE_G);
		n = n > PAGES_AT_ONCE ? PAGES_AT_ONCE : n;
		if (native_present(ls, a, n, present) ||
		    mincore(mm_host(ls->mm, a), n * PAGE_SIZE_G, resident))
			return -1;
		for (unsigned k = 0; k < n; k++) {
			uint64_t page = a + k * PAGE_SIZE_G;
			if (present[k] && add_run(d, page))
				return -1;
			if (!present[k] && !m->inode && (resident[k] & 1) &&
			    page_check(ls, d, page, zero))
				return 1;
		}
		a += n * PAGE_SIZE_G;
	}
	return 0;
}

/* Reads every run of the native's pages at once, then compares. */
static int compare_runs(struct lockstep *ls, struct diff_pass *d)
{
	size_t done = 0;
	if (!d->bytes)
		return 0;
	if (!(d->data = malloc(d->bytes)))
		return -1;
	for (size_t k = 0; k < d->nruns;) {
		size_t n = d->nruns - k < IOV_MAX ? d->nruns - k : IOV_MAX, want = 0;
		for (size_t j = 0; j < n; j++)
			want += d->runs[k + j].iov_len;
		struct iovec local = {d->data + done, want};
		ssize_t got = process_vm_readv(ls->proc_pid, &local, 1, d->runs + k, n, 0);
		if (got != (ssize_t)want)
			return -1; /* the mappings changed: the caller's next sync sees it */
		done += want, k += n;
	}
	done = 0;
	for (size_t k = 0; k < d->nruns; k++)
		for (size_t off = 0; off < d->runs[k].iov_len; off += PAGE_SIZE_G, done += PAGE_SIZE_G)
			if (page_check(ls, d, (uint64_t)(uintptr_t)d->runs[k].iov_base + off,
				       d->data + done))
				return 1;
	return 0;
}

int ls_mirror_memory(struct lockstep *ls, int copy, uint64_t *where)
{
	struct diff_pass d = {.copy = copy};
	int rc = 0;
	for (size_t k = 0; k < ls->maps.n && !rc; k++) {
		const struct ls_map *m = &ls->maps.v[k];
		/* shared memory may change under another process's hand at any
		 * time: it is taken, never held against hexvm */
		if ((m->prot & GPROT_WRITE) && !(m->shared && !copy))
			rc = gather(ls, m, &d);
	}
	if (!rc)
		rc = compare_runs(ls, &d);
	*where = d.where;
	free(d.runs);
	free(d.data);
	return rc;
}

#endif
