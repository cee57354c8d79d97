/* Host files behind private mappings: which pages they still hold, and
 * those pages restored from them. */
#include "snap/snap_hostmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/vfs/fs/hostfs.h"
#include "kernel/vfs/fs/overlay.h"
#include "kernel/vfs/vfs.h"
#include "kernel/vm.h"
#include "mem/mm.h"
#include "mem/mm_hostfile.h"
#include "snap/snap.h"

#define REFS_MAX (1ull << 32)

struct hostmap_file {
	char *path; /* guest path */
	int fd;	    /* -1: no host file there, its pages go by content */
	uint64_t size, hash;
	uint32_t id; /* 0 until a page refers to it */
};

struct hostmap_ref {
	uint64_t at, pages, off;
	uint32_t file;
};

struct snap_hostmap {
	struct task *opener;
	struct hostmap_file *files;
	size_t nfiles, cap;
	uint32_t ids, ids_written;
	struct hostmap_ref *refs; /* of the address space being saved */
	size_t nrefs, refs_cap;
	int oom;
};

/* A read-only host descriptor for guest path when a host directory shows
 * a regular file there, opened outside the machine (no open file of its
 * own, nothing buffered or counted); -errno else. */
static int open_host_file(struct task *t, const char *path)
{
	struct vpath vp;
	int rc = vfs_resolve(t, NULL, path, 0, &vp);
	if (rc)
		return rc;
	struct fs *fs = vp.mnt->fs;
	if (!strcmp(fs->type, "overlay"))
		fs = overlay_lower_alone(fs, vp.rel);
	if (!fs || strcmp(fs->type, "hostfs"))
		return -EXDEV;
	int fd = openat(hostfs_dirfd(fs), vp.rel[0] ? vp.rel : ".",
			O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

static struct hostmap_file *find_file(struct snap_hostmap *hm, const char *path)
{
	for (size_t k = 0; k < hm->nfiles; k++)
		if (!strcmp(hm->files[k].path, path))
			return &hm->files[k];
	if (hm->nfiles == hm->cap) {
		size_t cap = hm->cap ? hm->cap * 2 : 16;
		void *nf = realloc(hm->files, cap * sizeof *hm->files);
		if (!nf)
			return NULL;
		hm->files = nf;
		hm->cap = cap;
	}
	struct hostmap_file *f = &hm->files[hm->nfiles];
	*f = (struct hostmap_file){.path = strdup(path), .fd = -1};
	if (!f->path)
		return NULL;
	hm->nfiles++;
	struct stat st;
	f->fd = open_host_file(hm->opener, path);
	if (f->fd >= 0 && !fstat(f->fd, &st))
		f->size = (uint64_t)st.st_size;
	return f;
}

struct hostmap_file *hostmap_file_of(struct snap_save *s, const struct vma *v)
{
	if (s->vm->snap->copy_mapped || !v->name || v->name[0] != '/' || v->share_fd >= 0 ||
	    (v->flags & (VMA_ANON | VMA_SHARED | VMA_MEMFD)))
		return NULL;
	if (!s->hostmap && (s->hostmap = calloc(1, sizeof *s->hostmap)))
		s->hostmap->opener = snap_root_task(s->vm);
	if (!s->hostmap || !s->hostmap->opener)
		return NULL; /* by content: correct too */
	struct hostmap_file *f = find_file(s->hostmap, v->name);
	return f && f->fd >= 0 ? f : NULL;
}

size_t hostmap_read(struct hostmap_file *f, const struct vma *v, uint64_t at, size_t len,
		    uint8_t *buf)
{
	uint64_t off = v->offset + (at - v->start);
	size_t got = 0;
	while (got < len && off + got < f->size) {
		ssize_t n = pread(f->fd, buf + got, len - got, (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

void hostmap_ref(struct snap_save *s, struct hostmap_file *f, uint64_t at, uint64_t file_off)
{
	struct snap_hostmap *hm = s->hostmap;
	if (!f->id) {
		f->id = ++hm->ids;
		f->hash = snap_hash_fd(f->fd, f->size);
	}
	struct hostmap_ref *last = hm->nrefs ? &hm->refs[hm->nrefs - 1] : NULL;
	s->pages_ref++;
	if (last && last->file == f->id && last->at + last->pages * PAGE_SIZE_G == at &&
	    last->off + last->pages * PAGE_SIZE_G == file_off) {
		last->pages++;
		return;
	}
	if (hm->nrefs == hm->refs_cap) {
		size_t cap = hm->refs_cap ? hm->refs_cap * 2 : 64;
		void *nr = realloc(hm->refs, cap * sizeof *hm->refs);
		if (!nr) {
			hm->oom = 1;
			return;
		}
		hm->refs = nr;
		hm->refs_cap = cap;
	}
	hm->refs[hm->nrefs++] = (struct hostmap_ref){at, 1, file_off, f->id};
}

static void put_files(struct snap_save *s, struct snap_buf *b)
{
	struct snap_hostmap *hm = s->hostmap;
	for (uint32_t id = hm->ids_written + 1; id <= hm->ids; id++)
		for (size_t k = 0; k < hm->nfiles; k++)
			if (hm->files[k].id == id) {
				sb_u32(b, id);
				sb_str(b, hm->files[k].path);
				sb_u64(b, hm->files[k].size);
				sb_u64(b, hm->files[k].hash);
				snap_emit(s, "HFIL", b);
			}
	hm->ids_written = hm->ids;
}

int hostmap_emit(struct snap_save *s, uint32_t id)
{
	struct snap_hostmap *hm = s->hostmap;
	if (!hm || !hm->nrefs)
		return 0;
	if (hm->oom) {
		snap_save_fail(s, "out of memory");
		return -1;
	}
	struct snap_buf b = {0};
	put_files(s, &b);
	sb_u32(&b, id);
	sb_u64(&b, hm->nrefs);
	for (size_t k = 0; k < hm->nrefs; k++) {
		sb_u64(&b, hm->refs[k].at);
		sb_u64(&b, hm->refs[k].pages);
		sb_u32(&b, hm->refs[k].file);
		sb_u64(&b, hm->refs[k].off);
	}
	snap_emit(s, "PREF", &b);
	sb_free(&b);
	hm->nrefs = 0;
	return s->failed ? -1 : 0;
}

void hostmap_free(struct snap_save *s)
{
	struct snap_hostmap *hm = s->hostmap;
	if (!hm)
		return;
	for (size_t k = 0; k < hm->nfiles; k++) {
		if (hm->files[k].fd >= 0)
			close(hm->files[k].fd);
		free(hm->files[k].path);
	}
	free(hm->files);
	free(hm->refs);
	snap_root_task_free(hm->opener);
	free(hm);
	s->hostmap = NULL;
}

int snap_load_hostfile(struct snap_load *l, struct snap_rd *r)
{
	uint32_t id = sr_u32(r);
	char *path = sr_str(r);
	uint64_t size = sr_u64(r), hash = sr_u64(r);
	if (!r->bad && (id != l->hostfiles.n + 1 || !path))
		sr_fail(r, "host files out of order");
	if (snap_check(l, r, "HFIL")) {
		free(path);
		return -1;
	}
	int fd = open_host_file(l->opener, path);
	struct stat st = {0};
	if (fd < 0) {
		snap_load_fail(l, "%s: the guest's memory holds pages mapped from it, and it cannot "
				  "be opened: %s", path, strerror(-fd));
	} else if (fstat(fd, &st) || (uint64_t)st.st_size != size ||
		   snap_hash_fd(fd, size) != hash) {
		snap_load_fail(l, "%s: the host file changed since the snapshot (size %llu, now "
				  "%llu%s); the guest's memory holds pages mapped from it, which "
				  "--allow-changed-files cannot take from another version",
			       path, (unsigned long long)size, (unsigned long long)st.st_size,
			       (uint64_t)st.st_size == size ? ", other contents" : "");
	} else if (vec_push(&l->hostfiles, (void *)(intptr_t)(fd + 1))) {
		snap_load_fail(l, "out of memory");
	} else {
		fd = -1; /* the load holds it now */
	}
	if (fd >= 0)
		close(fd);
	free(path);
	return l->failed ? -1 : 0;
}

/* The pages of [at, at + len) from the file at off; those past its end stay zero. */
static int read_ref(struct snap_rd *r, int fd, uint8_t *to, uint64_t len, uint64_t off)
{
	uint64_t got = 0;
	while (got < len) {
		ssize_t n = pread(fd, to + got, (size_t)(len - got), (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (uint64_t)n;
	}
	if (got + PAGE_SIZE_G <= len) /* a whole page past the end: not what was saved */
		sr_fail(r, "pages refer to bytes past the end of their file");
	return r->bad ? -1 : 0;
}

struct loaded_ref {
	uint64_t at, len, off;
	int fd;
};

/* Whether every run of refs[first, last) lies in v where v maps the same
 * file's bytes (one file, v's offsets). */
static int runs_fit(const struct vma *v, const struct loaded_ref *refs, size_t first,
		    size_t last)
{
	for (size_t k = first; k < last; k++)
		if (refs[k].fd != refs[first].fd || refs[k].at < v->start ||
		    refs[k].at + refs[k].len > v->end ||
		    refs[k].off != v->offset + (refs[k].at - v->start))
			return 0;
	return 1;
}

/* The runs refs[first, last) of one vma. A private mapping of a host file
 * becomes one again, so that its pages not written show what the file
 * holds from now on; any other gets the file's bytes copied in. */
static void load_vma_refs(struct snap_rd *r, struct mm *mm, struct vma *v,
			  const struct loaded_ref *refs, size_t first, size_t last)
{
	uint8_t *from_file = NULL;
	if (v && (v->flags & VMA_HOSTFILE) && v->file_fd < 0 && runs_fit(v, refs, first, last))
		from_file = calloc((size_t)((v->end - v->start) / PAGE_SIZE_G), 1);
	for (size_t k = first; k < last && !r->bad; k++) {
		if (from_file)
			memset(from_file + (refs[k].at - v->start) / PAGE_SIZE_G, 1,
			       (size_t)(refs[k].len / PAGE_SIZE_G));
		else
			read_ref(r, refs[k].fd, mm->base + refs[k].at, refs[k].len, refs[k].off);
	}
	if (from_file && !r->bad && mm_hostfile_adopt(mm, v, refs[first].fd, from_file))
		sr_fail(r, "a host file's pages cannot be mapped again");
	free(from_file);
}

static int load_refs(struct snap_rd *r, struct mm *mm, const struct loaded_ref *refs, size_t n)
{
	for (size_t first = 0, last; first < n && !r->bad; first = last) {
		struct vma *v = mm_find_vma(mm, refs[first].at);
		for (last = first + 1; last < n && v && refs[last].at < v->end; last++)
			;
		load_vma_refs(r, mm, v, refs, first, last);
	}
	return r->bad ? -1 : 0;
}

int snap_load_pagerefs(struct snap_load *l, struct snap_rd *r)
{
	struct mm *mm = vec_at(&l->mms, sr_u32(r), r);
	if (!mm && !r->bad)
		sr_fail(r, "pages of no address space");
	uint64_t n = sr_count(r, REFS_MAX);
	struct loaded_ref *refs = r->bad ? NULL : calloc(n ? (size_t)n : 1, sizeof *refs);
	if (!refs && !r->bad)
		sr_fail(r, "out of memory");
	for (uint64_t k = 0; k < n && !r->bad; k++) {
		uint64_t at = sr_u64(r), pages = sr_u64(r);
		void *file = vec_at(&l->hostfiles, sr_u32(r), r);
		uint64_t off = sr_u64(r), len = pages * PAGE_SIZE_G;
		if (r->bad)
			break;
		if (!file || ((at | off) & (PAGE_SIZE_G - 1)) || !pages || pages >= (1ull << 40) ||
		    !mm_access_ok(mm, at, len, 0)) {
			sr_fail(r, "a reference to a host file's pages is malformed");
			break;
		}
		refs[k] = (struct loaded_ref){at, len, off, (int)(intptr_t)file - 1};
	}
	if (!r->bad)
		load_refs(r, mm, refs, (size_t)n);
	free(refs);
	return snap_check(l, r, "PREF");
}
