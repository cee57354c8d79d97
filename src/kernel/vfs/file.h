/* Open file descriptions and per-process descriptor tables. An open file
 * description is shared by dup and (later) fork, as in Linux: it carries the
 * offset and status flags; the close-on-exec flag belongs to the descriptor. */
#ifndef HEXVM_KERNEL_VFS_FILE_H
#define HEXVM_KERNEL_VFS_FILE_H

#include <stdint.h>

#define FDTABLE_MAX 1024

struct file {
	int refs;
	int host_fd; /* the host descriptor behind it */
	int flags;   /* open flags: access mode, O_APPEND, O_NONBLOCK ... */
	char *path;  /* as opened, for /proc and traces */
};

struct fdtable {
	struct file *files[FDTABLE_MAX];
	uint8_t cloexec[FDTABLE_MAX];
	int limit; /* RLIMIT_NOFILE, at most FDTABLE_MAX */
};

struct file *file_from_host(int host_fd, int flags, const char *path);
struct file *file_get(struct file *f);
void file_put(struct file *f);

struct fdtable *fdtable_create(void);
void fdtable_destroy(struct fdtable *t);
/* Lowest free descriptor >= min below the limit, or -EMFILE. */
int fd_alloc(struct fdtable *t, struct file *f, int min, int cloexec);
struct file *fd_lookup(struct fdtable *t, int fd);
int fd_close(struct fdtable *t, int fd);
/* Puts f at fd (closing what was there); -EBADF (and f released) when fd
 * is outside the limit. */
int fd_install(struct fdtable *t, int fd, struct file *f, int cloexec);
void fdtable_set_limit(struct fdtable *t, uint64_t limit);

#endif
