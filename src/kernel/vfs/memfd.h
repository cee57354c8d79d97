/* memfd_create's files: anonymous regular files whose bytes live in a host
 * object every guest window can map MAP_SHARED (host/shmfd.h), so that a
 * shared mapping is the same host pages the descriptors read and write, in
 * every process that maps it. Seals are hexvm's own bookkeeping, checked
 * here, so they hold on any host. One object is shared by every
 * description of it (dup, fork, SCM_RIGHTS, /proc/PID/fd opens). */
#ifndef HEXVM_KERNEL_VFS_MEMFD_H
#define HEXVM_KERNEL_VFS_MEMFD_H

#include <stdint.h>

#define L_F_SEAL_SEAL	      0x01u
#define L_F_SEAL_SHRINK	      0x02u
#define L_F_SEAL_GROW	      0x04u
#define L_F_SEAL_WRITE	      0x08u
#define L_F_SEAL_FUTURE_WRITE 0x10u
#define L_F_SEAL_EXEC	      0x20u
#define L_F_SEAL_ALL	      0x3fu

#define MEMFD_NAME_MAX 249 /* NAME_MAX less "memfd:" */

struct file;
struct memfd;
struct task;
struct vm;

/* A new memfd named `name` with its first seals and mode, owned by t's
 * process: its first description (read-write), or -errno. */
int memfd_create_file(struct task *t, const char *name, unsigned seals, uint32_t mode,
		      struct file **out);
/* The memfd behind f, or NULL when f is none. */
struct memfd *memfd_of(const struct file *f);

/* fcntl's F_ADD_SEALS and F_GET_SEALS: -EINVAL on a file that is no memfd. */
int memfd_add_seals(struct file *f, unsigned seals);
int memfd_get_seals(const struct file *f);

/* A MAP_SHARED mapping of memfd file f with protection prot: 0 with the
 * host descriptor to map and the vma flags to add (mem/mm.h), or -errno
 * as Linux refuses it (the description's access, the write seals). */
int memfd_map_shared(const struct file *f, int prot, int *host_fd, int *vma_flags);

/* A MAP_PRIVATE mapping of memfd file f: the host descriptor to map
 * privately, or -EACCES (a description not open for reading). */
int memfd_map_private(const struct file *f);

/* Snapshots: what a memfd is, apart from its bytes (which its host object
 * holds), and one rebuilt from that and a host object holding its bytes. */
struct memfd_image {
	const char *name;
	unsigned seals;
	uint32_t mode, uid, gid;
	uint64_t ino;
	int64_t atime, mtime, ctime;
	int host_fd;
};
void memfd_image_of(const struct memfd *m, struct memfd_image *out);
/* host_fd is taken over (closed when out of memory: NULL). The memfd has one
 * reference, the caller's, which memfd_put drops. */
struct memfd *memfd_restore(struct vm *vm, const struct memfd_image *img);
void memfd_put(struct memfd *m);
/* A new description of m (a reference more), with open flags and the
 * opener's ids; NULL when out of memory. */
struct file *memfd_open(struct memfd *m, int flags, uint32_t uid, uint32_t gid);
/* The opener's ids a description keeps for fchown and futimens. */
void memfd_opener(const struct file *f, uint32_t *uid, uint32_t *gid);

#endif
