/* memfd objects and their descriptions (see memfd.h). */
#include "kernel/vfs/memfd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "host/shmfd.h"
#include "kernel/vfs/file.h"
#include "kernel/vm.h"
#include "mem/mm.h"

#define MEMFD_DEV_MINOR	  1 /* Linux's memfds live on its first anonymous device, 0:1 */
#define PAGE		  4096u

struct memfd {
	int refs; /* descriptions of it */
	struct vm *vm;
	int host_fd;		     /* the host object holding its bytes */
	uint64_t host_dev, host_ino; /* that object, as the host knows it: its mappings' */
	unsigned seals;
	uint32_t mode, uid, gid;
	uint64_t ino;
	int64_t atime, mtime, ctime; /* ns */
	char *name;
};

/* A description: the memfd, and its opener's ids (file operations get no
 * task; they stand in for the caller's in fchown and futimens). */
struct memfd_open {
	struct memfd *m;
	uint32_t uid, gid;
};

static const struct file_ops memfd_ops;

struct memfd *memfd_of(const struct file *f)
{
	return f->ops == &memfd_ops ? ((struct memfd_open *)f->priv)->m : NULL;
}

static int readable(const struct file *f) { return (f->flags & O_ACCMODE) != O_WRONLY; }
static int writable(const struct file *f) { return (f->flags & O_ACCMODE) != O_RDONLY; }

static uint64_t size_of(const struct memfd *m)
{
	struct stat st;
	return fstat(m->host_fd, &st) ? 0 : (uint64_t)st.st_size;
}

static void touch(struct memfd *m) { m->mtime = m->ctime = vm_realtime_ns(m->vm, NULL); }

static int64_t host_result(ssize_t n) { return n < 0 ? -errno : (int64_t)n; }

static int64_t mfd_pread(struct file *f, void *buf, size_t n, uint64_t off)
{
	if (!readable(f))
		return -EBADF;
	return host_result(pread(memfd_of(f)->host_fd, buf, n, (off_t)off));
}

/* Under F_SEAL_GROW Linux writes page by page and stops at the first page
 * that would pass the end: how many bytes of [off, off+n) may be written. */
static size_t growable(const struct memfd *m, uint64_t off, size_t n)
{
	uint64_t size = size_of(m), end = off;
	if (!(m->seals & L_F_SEAL_GROW) || off + n <= size)
		return n;
	while (end < off + n) {
		uint64_t next = (end & ~(uint64_t)(PAGE - 1)) + PAGE;
		if (next > off + n)
			next = off + n;
		if (next > size)
			break;
		end = next;
	}
	return (size_t)(end - off);
}

static int64_t mfd_pwrite(struct file *f, const void *buf, size_t n, uint64_t off)
{
	struct memfd *m = memfd_of(f);
	if (!writable(f))
		return -EBADF;
	if (m->seals & (L_F_SEAL_WRITE | L_F_SEAL_FUTURE_WRITE))
		return -EPERM;
	size_t may = growable(m, off, n);
	if (n && !may)
		return -EPERM;
	int64_t put = host_result(pwrite(m->host_fd, buf, may, (off_t)off));
	if (put > 0)
		touch(m);
	return put;
}

static int mfd_truncate(struct file *f, uint64_t len)
{
	struct memfd *m = memfd_of(f);
	uint64_t size = size_of(m);
	if (!writable(f))
		return -EINVAL;
	if ((len < size && (m->seals & L_F_SEAL_SHRINK)) ||
	    (len > size && (m->seals & L_F_SEAL_GROW)))
		return -EPERM;
	if (ftruncate(m->host_fd, (off_t)len) < 0)
		return -errno;
	touch(m);
	return 0;
}

/* tmpfs's fallocate: the modes it has, under the seals (the host's object
 * does the rest). */
static int mfd_fallocate(struct file *f, int mode, uint64_t off, uint64_t len)
{
	struct memfd *m = memfd_of(f);
	if (!writable(f))
		return -EBADF;
	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && (m->seals & (L_F_SEAL_WRITE | L_F_SEAL_FUTURE_WRITE)))
		return -EPERM;
	if (!(mode & FALLOC_FL_KEEP_SIZE) && off + len > size_of(m) && (m->seals & L_F_SEAL_GROW))
		return -EPERM;
#ifdef __linux__
	if (fallocate(m->host_fd, mode, (off_t)off, (off_t)len) < 0)
		return -errno;
#else
	if (mode)
		return -EOPNOTSUPP;
	int rc = posix_fallocate(m->host_fd, (off_t)off, (off_t)len);
	if (rc)
		return -rc;
#endif
	touch(m);
	return 0;
}

static int mfd_chmod(struct file *f, int mode)
{
	struct memfd *m = memfd_of(f);
	uint32_t uid = ((struct memfd_open *)f->priv)->uid;
	if (uid && uid != m->uid)
		return -EPERM;
	if (((uint32_t)mode ^ m->mode) & 0111 && (m->seals & L_F_SEAL_EXEC))
		return -EPERM;
	m->mode = (uint32_t)mode & 07777;
	m->ctime = vm_realtime_ns(m->vm, NULL);
	return 0;
}

/* Only root gives a file away; its owner may change its group to one of
 * its own (the opener's group stands for them). */
static int mfd_chown(struct file *f, uint32_t uid, uint32_t gid)
{
	struct memfd *m = memfd_of(f);
	const struct memfd_open *o = f->priv;
	if (o->uid && ((uid != (uint32_t)-1 && uid != m->uid) ||
		       (gid != (uint32_t)-1 && (o->uid != m->uid || gid != o->gid))))
		return -EPERM;
	if (uid != (uint32_t)-1)
		m->uid = uid;
	if (gid != (uint32_t)-1)
		m->gid = gid;
	m->ctime = vm_realtime_ns(m->vm, NULL);
	return 0;
}

static int64_t ts_ns(const struct timespec *ts, int64_t now)
{
	if (ts->tv_nsec == UTIME_NOW)
		return now;
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

static int mfd_utimens(struct file *f, const struct timespec *ts)
{
	struct memfd *m = memfd_of(f);
	uint32_t uid = ((struct memfd_open *)f->priv)->uid;
	int64_t now = vm_realtime_ns(m->vm, NULL);
	int only_now = !ts || (ts[0].tv_nsec == UTIME_NOW && ts[1].tv_nsec == UTIME_NOW);
	if (uid && uid != m->uid && (!only_now || !writable(f)))
		return only_now ? -EACCES : -EPERM;
	if (!ts || ts[0].tv_nsec != UTIME_OMIT)
		m->atime = ts ? ts_ns(&ts[0], now) : now;
	if (!ts || ts[1].tv_nsec != UTIME_OMIT)
		m->mtime = ts ? ts_ns(&ts[1], now) : now;
	m->ctime = now;
	return 0;
}

static void put_time(struct timespec *ts, int64_t ns)
{
	ts->tv_sec = (time_t)(ns / 1000000000);
	ts->tv_nsec = (long)(ns % 1000000000);
}

/* A regular file with no name left (st_nlink 0); its size and the blocks
 * it holds are the host object's. */
static int mfd_stat(struct file *f, struct stat *st)
{
	struct memfd *m = memfd_of(f);
	struct stat host;
	if (fstat(m->host_fd, &host))
		return -errno;
	memset(st, 0, sizeof *st);
	st->st_dev = makedev(0, MEMFD_DEV_MINOR);
	st->st_ino = (ino_t)m->ino;
	st->st_mode = S_IFREG | m->mode;
	st->st_nlink = 0;
	st->st_uid = m->uid;
	st->st_gid = m->gid;
	st->st_size = host.st_size;
	st->st_blksize = PAGE;
	st->st_blocks = host.st_blocks;
	put_time(&st->st_atim, m->atime);
	put_time(&st->st_mtim, m->mtime);
	put_time(&st->st_ctim, m->ctime);
	return 0;
}

static short mfd_poll(struct file *f) { return POLLIN | POLLOUT; }

void memfd_put(struct memfd *m)
{
	if (!m || --m->refs > 0)
		return;
	close(m->host_fd);
	free(m->name);
	free(m);
}

static void mfd_release(struct file *f)
{
	memfd_put(memfd_of(f));
	free(f->priv);
}

static char *path_of(const struct memfd *m)
{
	size_t len = strlen(m->name) + sizeof "/memfd: (deleted)";
	char *path = malloc(len);
	if (path)
		snprintf(path, len, "/memfd:%s (deleted)", m->name);
	return path;
}

struct file *memfd_open(struct memfd *m, int flags, uint32_t uid, uint32_t gid)
{
	struct memfd_open *o = malloc(sizeof *o);
	char *path = path_of(m);
	struct file *f = o && path ? file_new(&memfd_ops, o, flags, path) : NULL;
	free(path);
	if (!f) {
		free(o);
		return NULL;
	}
	*o = (struct memfd_open){m, uid, gid};
	m->refs++;
	return f;
}

void memfd_opener(const struct file *f, uint32_t *uid, uint32_t *gid)
{
	const struct memfd_open *o = f->priv;
	*uid = o->uid;
	*gid = o->gid;
}

/* A /proc/PID/fd open: a new description, as Linux opens the file anew. */
static struct file *mfd_reopen(struct file *f, int flags)
{
	const struct memfd_open *o = f->priv;
	return memfd_open(o->m, flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC), o->uid, o->gid);
}

static const struct file_ops memfd_ops = {
	.name = "memfd",
	.splice = FILE_SPLICE_READ | FILE_SPLICE_WRITE,
	.pread = mfd_pread,
	.pwrite = mfd_pwrite,
	.truncate = mfd_truncate,
	.fallocate = mfd_fallocate,
	.chmod = mfd_chmod,
	.chown = mfd_chown,
	.utimens = mfd_utimens,
	.poll = mfd_poll,
	.stat = mfd_stat,
	.reopen = mfd_reopen,
	.release = mfd_release,
};

static struct memfd *memfd_new(struct vm *vm, const char *name, int host_fd)
{
	struct memfd *m = calloc(1, sizeof *m);
	struct stat st;
	if (!m || !(m->name = strdup(name)) || fstat(host_fd, &st)) {
		if (m)
			free(m->name);
		free(m);
		return NULL;
	}
	m->vm = vm;
	m->host_fd = host_fd;
	m->host_dev = (uint64_t)st.st_dev;
	m->host_ino = (uint64_t)st.st_ino;
	return m;
}

int memfd_create_file(struct task *t, const char *name, unsigned seals, uint32_t mode,
		      struct file **out)
{
	int host_fd = host_shm_create(name, 0);
	if (host_fd < 0)
		return host_fd;
	struct memfd *m = memfd_new(t->vm, name, host_fd);
	if (!m) {
		close(host_fd);
		return -ENOMEM;
	}
	m->seals = seals;
	m->mode = mode;
	m->uid = t->proc->uid;
	m->gid = t->proc->gid;
	m->ino = ++t->vm->next_ino;
	m->atime = m->mtime = m->ctime = vm_realtime_ns(t->vm, &t->cpu);
	*out = memfd_open(m, O_RDWR | LINUX_O_LARGEFILE, m->uid, m->gid);
	if (!*out) {
		m->refs = 1;
		memfd_put(m);
		return -ENOMEM;
	}
	return 0;
}

/* Whether shared mapping v may write m's pages (Linux's VM_SHARED with
 * VM_MAYWRITE), in any address space of the machine. */
static int maps_writably(const struct memfd *m, const struct vma *v)
{
	struct stat st;
	if ((v->flags & (VMA_SHARED | VMA_MEMFD | VMA_NO_WRITE)) != (VMA_SHARED | VMA_MEMFD) ||
	    v->share_fd < 0 || fstat(v->share_fd, &st))
		return 0;
	return (uint64_t)st.st_dev == m->host_dev && (uint64_t)st.st_ino == m->host_ino;
}

static int writably_mapped(const struct memfd *m)
{
	for (const struct mm *mm = m->vm->mms.first; mm; mm = mm->set_next)
		for (const struct vma *v = mm->vmas; v; v = v->next)
			if (maps_writably(m, v))
				return 1;
	return 0;
}

int memfd_add_seals(struct file *f, unsigned seals)
{
	struct memfd *m = memfd_of(f);
	if (!m)
		return -EINVAL;
	if (!writable(f))
		return -EPERM;
	if (seals & ~L_F_SEAL_ALL)
		return -EINVAL;
	if (m->seals & L_F_SEAL_SEAL)
		return -EPERM;
	if ((seals & L_F_SEAL_WRITE) && !(m->seals & L_F_SEAL_WRITE) && writably_mapped(m))
		return -EBUSY;
	if ((seals & L_F_SEAL_EXEC) && (m->mode & 0111)) /* executable: then immutable too */
		seals |= L_F_SEAL_SHRINK | L_F_SEAL_GROW | L_F_SEAL_WRITE | L_F_SEAL_FUTURE_WRITE;
	m->seals |= seals;
	return 0;
}

int memfd_get_seals(const struct file *f)
{
	const struct memfd *m = memfd_of(f);
	return m ? (int)m->seals : -EINVAL;
}

int memfd_map_shared(const struct file *f, int prot, int *host_fd, int *vma_flags)
{
	const struct memfd *m = memfd_of(f);
	if ((prot & GPROT_WRITE) && !writable(f))
		return -EACCES;
	if (!readable(f))
		return -EACCES;
	int sealed = (m->seals & (L_F_SEAL_WRITE | L_F_SEAL_FUTURE_WRITE)) != 0;
	if (sealed && (prot & GPROT_WRITE))
		return -EPERM;
	*host_fd = m->host_fd;
	*vma_flags = VMA_MEMFD | (sealed || !writable(f) ? VMA_NO_WRITE : 0);
	return 0;
}

int memfd_map_private(const struct file *f)
{
	const struct memfd *m = memfd_of(f);
	return readable(f) ? m->host_fd : -EACCES;
}

void memfd_image_of(const struct memfd *m, struct memfd_image *out)
{
	*out = (struct memfd_image){m->name, m->seals, m->mode,	 m->uid,   m->gid,
				    m->ino,  m->atime, m->mtime, m->ctime, m->host_fd};
}

struct memfd *memfd_restore(struct vm *vm, const struct memfd_image *img)
{
	struct memfd *m = memfd_new(vm, img->name, img->host_fd);
	if (!m) {
		close(img->host_fd);
		return NULL;
	}
	m->refs = 1;
	m->seals = img->seals;
	m->mode = img->mode;
	m->uid = img->uid;
	m->gid = img->gid;
	m->ino = img->ino;
	m->atime = img->atime;
	m->mtime = img->mtime;
	m->ctime = img->ctime;
	return m;
}
