/* Open file descriptions over host descriptors, and descriptor tables. */
#include "kernel/vfs/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kernel/vfs/dirnames.h"
#include "kernel/vfs/hostcache.h"

struct file *file_from_host(int host_fd, int flags, const char *path)
{
	struct file *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->refs = 1;
	f->host_fd = host_fd;
	f->flags = flags;
	f->path = path ? strdup(path) : NULL;
	struct stat st;
	f->host_may_block = host_fd >= 0 && fstat(host_fd, &st) == 0 &&
			    !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISBLK(st.st_mode);
	return f;
}

struct file *file_from_host_named(int host_fd, int flags)
{
	struct file *f = file_from_host(host_fd, flags, NULL);
	if (f)
		f->path_unasked = 1;
	return f;
}

const char *file_path(const struct file *f)
{
	if (f->path_unasked) {
		struct file *named = (struct file *)f; /* every file is the heap's */
		char link[64], target[256];
		named->path_unasked = 0;
		snprintf(link, sizeof link, "/proc/self/fd/%d", f->host_fd);
		ssize_t n = readlink(link, target, sizeof target - 1);
		if (n > 0) {
			target[n] = 0;
			named->path = strdup(target);
		}
	}
	return f->path;
}

struct file *file_new(const struct file_ops *ops, void *priv, int flags, const char *path)
{
	struct file *f = file_from_host(-1, flags, path);
	if (f) {
		f->ops = ops;
		f->priv = priv;
	}
	return f;
}

struct file *file_get(struct file *f)
{
	f->refs++;
	return f;
}

void file_forget_dir_skip(struct file *f)
{
	if (f->dir_skip)
		dirnames_free(f->dir_skip);
	free(f->dir_skip);
	f->dir_skip = NULL;
}

/* The host socket may live on in a message in flight (SCM_RIGHTS) after the
 * machine lets its description go: whoever receives it must find the guest's
 * status flags there, not the non-blocking hexvm held it with. */
static void socket_give_back_flags(const struct file *f)
{
	int hf = fcntl(f->host_fd, F_GETFL);
	if (hf >= 0)
		fcntl(f->host_fd, F_SETFL, (hf & ~O_NONBLOCK) | (f->flags & O_NONBLOCK));
}

void file_put(struct file *f)
{
	if (!f || --f->refs > 0)
		return;
	if (f->is_socket && !f->ops && f->host_fd >= 0)
		socket_give_back_flags(f);
	if (f->unlock)
		f->unlock(f->lock_vm, f);
	if (f->unwatch)
		f->unwatch(f);
	if (f->ops && f->ops->release)
		f->ops->release(f);
	hostcache_release(f);
	file_forget_dir_skip(f);
	if (f->host_fd >= 0)
		close(f->host_fd);
	if (f->sock_free)
		f->sock_free(f->sock);
	free(f->path);
	free(f);
}

void file_anon_stat(struct stat *st, uint64_t ino)
{
	memset(st, 0, sizeof *st);
	st->st_dev = makedev(0, 13);
	st->st_ino = ino;
	st->st_mode = 0600;
	st->st_nlink = 1;
	st->st_blksize = 4096;
}

#define FDTABLE_FIRST 64 /* Linux's embedded table: BITS_PER_LONG slots */

struct fdtable *fdtable_create(void)
{
	struct fdtable *t = calloc(1, sizeof(struct fdtable));
	if (t && fdtable_reserve(t, FDTABLE_FIRST - 1)) {
		free(t);
		return NULL;
	}
	if (t) {
		t->refs = 1;
		t->limit = 1024;
	}
	return t;
}

/* Linux's sizes: the smallest power of two of 128-slot (1 KiB) arrays. */
static int grown_size(int fd)
{
	int n = 128;
	while (n <= fd)
		n *= 2;
	return n;
}

int fdtable_reserve(struct fdtable *t, int fd)
{
	if (fd < t->size)
		return 0;
	int n = fd < FDTABLE_FIRST ? FDTABLE_FIRST : grown_size(fd);
	struct file **files = realloc(t->files, (size_t)n * sizeof *files);
	if (!files)
		return -ENOMEM;
	t->files = files;
	uint8_t *cloexec = realloc(t->cloexec, (size_t)n);
	if (!cloexec)
		return -ENOMEM;
	t->cloexec = cloexec;
	memset(files + t->size, 0, (size_t)(n - t->size) * sizeof *files);
	memset(cloexec + t->size, 0, (size_t)(n - t->size));
	t->size = n;
	return 0;
}

struct fdtable *fdtable_clone(const struct fdtable *t)
{
	struct fdtable *n = calloc(1, sizeof *n);
	if (!n)
		return NULL;
	if (fdtable_reserve(n, t->size - 1)) {
		fdtable_put(n);
		return NULL;
	}
	memcpy(n->files, t->files, (size_t)t->size * sizeof *n->files);
	memcpy(n->cloexec, t->cloexec, (size_t)t->size);
	n->limit = t->limit;
	n->refs = 1;
	for (int fd = 0; fd < n->size; fd++)
		if (n->files[fd])
			file_get(n->files[fd]);
	return n;
}

void fdtable_close_on_exec(struct fdtable *t)
{
	for (int fd = 0; fd < t->size; fd++)
		if (t->files[fd] && t->cloexec[fd])
			fd_close(t, fd);
}

void fdtable_set_limit(struct fdtable *t, uint64_t limit)
{
	t->limit = limit < FDTABLE_MAX ? (int)limit : FDTABLE_MAX;
}

void fdtable_put(struct fdtable *t)
{
	if (!t || --t->refs > 0)
		return;
	for (int fd = 0; fd < t->size; fd++) {
		struct file *f = t->files[fd];
		t->files[fd] = NULL;
		file_put(f);
	}
	free(t->files);
	free(t->cloexec);
	free(t);
}

int fd_alloc(struct fdtable *t, struct file *f, int min, int cloexec)
{
	for (int fd = min < 0 ? 0 : min; fd < t->limit; fd++) {
		if (fd < t->size && t->files[fd])
			continue;
		if (fdtable_reserve(t, fd))
			return -ENOMEM;
		t->files[fd] = f;
		t->cloexec[fd] = (uint8_t)(cloexec != 0);
		return fd;
	}
	return -EMFILE;
}

int fd_alloc_new(struct fdtable *t, struct file *f, int cloexec)
{
	int fd = fd_alloc(t, f, 0, cloexec);
	if (fd < 0)
		file_put(f);
	return fd;
}

struct file *fd_lookup(struct fdtable *t, int fd)
{
	if (fd < 0 || fd >= t->size)
		return NULL;
	return t->files[fd];
}

int fd_close(struct fdtable *t, int fd)
{
	struct file *f = fd_lookup(t, fd);
	if (!f)
		return -EBADF;
	t->files[fd] = NULL;
	file_put(f);
	return 0;
}

int fd_install(struct fdtable *t, int fd, struct file *f, int cloexec)
{
	if (fd < 0 || fd >= t->limit) {
		file_put(f);
		return -EBADF;
	}
	if (fdtable_reserve(t, fd)) {
		file_put(f);
		return -ENOMEM;
	}
	struct file *old = t->files[fd];
	t->files[fd] = f;
	t->cloexec[fd] = (uint8_t)(cloexec != 0);
	file_put(old);
	return fd;
}
