/* Read-ahead and write-behind buffers for host regular files; see
 * hostcache.h for when they are settled. A read buffer is ahead of the
 * guest: the host offset is at its end, the guest's `len - at` bytes
 * before. A write buffer is behind: the host offset is at its start. */
#include "kernel/vfs/hostcache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/vfs/file.h"
#include "kernel/vm.h"

#define HOSTCACHE_SIZE (64u << 10)

struct hostcache {
	struct file *file;
	struct vm *vm;
	struct hostcache *next; /* the vm's buffered files */
	uint64_t dev, ino;
	int writing;
	int err; /* a write error that the next write reports */
	size_t len, at; /* read: bytes held, next one to give; write: bytes pending */
	uint8_t buf[HOSTCACHE_SIZE];
};

static int cacheable(const struct vm *vm, const struct file *f, const struct stat *st)
{
	int mode = f->flags & O_ACCMODE;
	return !vm->hostcache_off && S_ISREG(st->st_mode) &&
	       (mode == O_RDONLY || (mode == O_WRONLY && !vm->hostcache_no_writes)) &&
	       !(f->flags & (O_APPEND | O_SYNC | O_DSYNC | O_DIRECT | LINUX_O_PATH));
}

/* Writes out what is pending; a failure is kept for the next write. */
static void flush(struct hostcache *c)
{
	size_t done = 0;
	while (done < c->len) {
		ssize_t n = write(c->file->host_fd, c->buf + done, c->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			c->err = n < 0 ? errno : EIO;
			break;
		}
		done += (size_t)n;
	}
	c->len = 0;
}

static void settle(struct hostcache *c)
{
	if (c->writing) {
		flush(c);
		return;
	}
	if (c->at < c->len)
		lseek(c->file->host_fd, -(off_t)(c->len - c->at), SEEK_CUR);
	c->len = c->at = 0;
}

static void unlink_cache(struct hostcache *c)
{
	struct hostcache **pp = &c->vm->hostcaches;
	while (*pp != c)
		pp = &(*pp)->next;
	*pp = c->next;
}

static void drop(struct hostcache *c)
{
	settle(c);
	unlink_cache(c);
	c->file->cache = NULL;
	free(c);
}

/* Settles and drops the buffers of file (dev, ino); whether there were any. */
static int drop_same_file(struct vm *vm, uint64_t dev, uint64_t ino)
{
	int dropped = 0;
	struct hostcache *c = vm->hostcaches;
	while (c) {
		struct hostcache *next = c->next;
		if (c->dev == dev && c->ino == ino) {
			drop(c);
			dropped = 1;
		}
		c = next;
	}
	return dropped;
}

void hostcache_open(struct vm *vm, struct file *f, const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return;
	f->host_dev = (uint64_t)st->st_dev;
	f->host_ino = (uint64_t)st->st_ino;
	if (drop_same_file(vm, f->host_dev, f->host_ino))
		return; /* two descriptions of one file: neither buffers */
	if (!cacheable(vm, f, st))
		return;
	struct hostcache *c = malloc(sizeof *c);
	if (!c)
		return; /* unbuffered is correct too */
	/* field by field: a compound literal would zero the buffer too, 16 pages
	 * that a file read through a mapping (as every loaded program is)
	 * never touches */
	c->file = f;
	c->vm = vm;
	c->next = vm->hostcaches;
	c->dev = f->host_dev;
	c->ino = f->host_ino;
	c->writing = (f->flags & O_ACCMODE) == O_WRONLY;
	c->err = 0;
	c->len = c->at = 0;
	vm->hostcaches = c;
	f->cache = c;
}

void hostcache_conflict(struct vm *vm, const struct file *f)
{
	if (f->host_ino)
		drop_same_file(vm, f->host_dev, f->host_ino);
}

static ssize_t host_read(int fd, void *buf, size_t n)
{
	ssize_t got;
	do
		got = read(fd, buf, n);
	while (got < 0 && errno == EINTR);
	return got;
}

/* A regular file gives all that was asked unless the file ends first. */
int64_t hostcache_read(struct file *f, void *buf, size_t n)
{
	struct hostcache *c = f->cache;
	size_t done = 0;
	while (done < n) {
		if (c->at == c->len) {
			c->at = c->len = 0;
			if (n - done >= HOSTCACHE_SIZE) {
				ssize_t got = host_read(f->host_fd, (uint8_t *)buf + done, n - done);
				if (got < 0)
					return done ? (int64_t)done : -errno;
				return (int64_t)(done + (size_t)got);
			}
			ssize_t got = host_read(f->host_fd, c->buf, HOSTCACHE_SIZE);
			if (got < 0)
				return done ? (int64_t)done : -errno;
			if (got == 0)
				break;
			c->len = (size_t)got;
		}
		size_t k = c->len - c->at < n - done ? c->len - c->at : n - done;
		memcpy((uint8_t *)buf + done, c->buf + c->at, k);
		c->at += k;
		done += k;
	}
	return (int64_t)done;
}

int64_t hostcache_write(struct file *f, const void *buf, size_t n)
{
	struct hostcache *c = f->cache;
	if (c->len + n > HOSTCACHE_SIZE)
		flush(c);
	if (c->err) {
		int err = c->err;
		c->err = 0;
		return -err;
	}
	if (n >= HOSTCACHE_SIZE) {
		ssize_t put = write(f->host_fd, buf, n);
		return put < 0 ? -errno : put;
	}
	memcpy(c->buf + c->len, buf, n);
	c->len += n;
	return (int64_t)n;
}

void hostcache_sync_all(struct vm *vm)
{
	for (struct hostcache *c = vm->hostcaches; c; c = c->next)
		settle(c);
}

void hostcache_disable(struct vm *vm)
{
	while (vm->hostcaches)
		drop(vm->hostcaches);
	vm->hostcache_off = 1;
}

void hostcache_private_map(struct vm *vm)
{
	struct hostcache *c = vm->hostcaches;
	while (c) {
		struct hostcache *next = c->next;
		if (c->writing)
			drop(c);
		c = next;
	}
	vm->hostcache_no_writes = 1;
}

void hostcache_release(struct file *f)
{
	if (f->cache)
		drop(f->cache);
}
