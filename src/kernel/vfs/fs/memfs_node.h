/* memfs internals shared by its files: nodes, directories, file contents. */
#ifndef HEXVM_KERNEL_VFS_FS_MEMFS_NODE_H
#define HEXVM_KERNEL_VFS_FS_MEMFS_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/vfs/fs/memfs.h"

/* Contents live in chunks of up to 64 KiB, found by binary search, so a
 * write far past the end costs one chunk, not the gap. A chunk holds only
 * the bytes up to the last one written in it (cap): small files stay small,
 * and everything past cap reads as zeros. */
#define MEMFS_CHUNK_SHIFT 16
#define MEMFS_CHUNK	  ((uint64_t)1 << MEMFS_CHUNK_SHIFT)

struct memfs_chunk {
	uint64_t idx; /* offset / MEMFS_CHUNK */
	uint32_t cap;
	uint8_t *data;
};

/* From its first mapping on, a file's bytes live in a host object instead
 * (host/shmfd.h), which the mappings map: stores through them and the
 * descriptors' reads and writes meet there, in every process. */
struct memfs_data {
	uint64_t size;
	struct memfs_chunk *chunks; /* by idx, while not hosted */
	size_t n, cap;
	int hosted;		     /* the bytes are host_fd's */
	int host_fd;
	uint64_t host_dev, host_ino; /* host_fd as the host knows it: its mappings' */
};

/* A name in a directory. Entries get increasing ids, and readdir's cookie
 * is an id: listing resumes at the right place whatever was added or
 * removed since. */
struct memfs_entry {
	struct memfs_entry *hnext; /* in the directory's hash chain */
	struct memfs_node *node;   /* NULL: a whiteout */
	uint64_t id;
	uint32_t hash;
	char name[];
};

struct memfs_dir {
	struct memfs_entry **ents; /* by id */
	size_t n, cap;
	struct memfs_entry **buckets; /* by name hash */
	size_t nbuckets;
	uint64_t next_id;
	struct memfs_node *parent; /* for ".."; itself for the root, NULL once removed */
	uint32_t subdirs;	   /* for st_nlink */
	uint32_t whiteouts;	   /* entries that are whiteouts */
	int opaque;
};

struct memfs_node {
	struct memfs *m;
	uint64_t ino;
	uint32_t mode, uid, gid;
	uint32_t names; /* entries naming it: it lives while names or opens remain */
	int opens;
	uint64_t rdev;
	int64_t atime, mtime, ctime; /* ns on the virtual wall clock */
	union {
		struct memfs_data file;
		struct memfs_dir dir;
		char *target; /* symlink */
	} u;
};

struct memfs {
	struct fs fs;
	struct vm *vm;
	struct memfs_node *root;
	uint64_t next_ino;
	uint64_t open_files; /* opened files not yet released */
	int destroyed;	     /* unmounted: the last release frees the rest */
	memfs_written_fn *host_written; /* or NULL */
};

static inline struct memfs *memfs_of(struct fs *fs) { return fs->priv; }

/* Where a path leads: its parent directory and last name. */
struct memfs_where {
	struct memfs_node *dir;	 /* NULL for the root itself */
	struct memfs_entry *ent; /* the last name's entry (perhaps a whiteout), or NULL */
	struct memfs_node *node; /* what it names, or NULL */
	const char *name;	 /* the last name, len bytes */
	size_t len;
};

/* Walks rel, checking search permission on every directory passed. 0 when
 * the parent exists (node NULL when the last name does not), else -ENOENT,
 * -ENOTDIR, -EACCES, -ENAMETOOLONG. */
int memfs_walk(struct memfs *m, const struct memfs_cred *c, const char *rel, struct memfs_where *w);
/* memfs_walk, requiring the last name to exist. */
int memfs_walk_node(struct memfs *m, const struct memfs_cred *c, const char *rel,
		    struct memfs_where *w);

int64_t memfs_now(const struct memfs *m);
struct memfs_node *memfs_node_new(struct memfs *m, uint32_t mode, const struct memfs_cred *c);
/* Frees n once neither a name nor an open file refers to it. */
void memfs_node_maybe_free(struct memfs_node *n);
/* Frees a tree at unmount; nodes still open go with their last release. */
void memfs_tree_free(struct memfs_node *n);
void memfs_stat(const struct memfs_node *n, struct stat *st);
/* Permission rules on a node (see memfs_permission). */
int memfs_node_may(const struct memfs_cred *c, const struct memfs_node *n, int mask);

/* Directories */
struct memfs_entry *memfs_dir_find(const struct memfs_dir *d, const char *name, size_t len);
/* Adds name → node (NULL: a whiteout); NULL when out of memory. */
struct memfs_entry *memfs_dir_add(struct memfs_node *dir, const char *name, size_t len,
				  struct memfs_node *node);
/* Points e at node (NULL: makes it a whiteout), keeping counts. */
void memfs_dir_set(struct memfs_node *dir, struct memfs_entry *e, struct memfs_node *node);
void memfs_dir_remove(struct memfs_node *dir, struct memfs_entry *e);
/* The first entry with an id >= id that is not a whiteout, or NULL. */
struct memfs_entry *memfs_dir_next(const struct memfs_dir *d, uint64_t id);
static inline int memfs_dir_empty(const struct memfs_dir *d) { return d->n == d->whiteouts; }

/* Contents */
int64_t memfs_data_read(const struct memfs_data *d, void *buf, size_t n, uint64_t off);
int64_t memfs_data_write(struct memfs_data *d, const void *buf, size_t n, uint64_t off);
int memfs_data_truncate(struct memfs_data *d, uint64_t len);
uint64_t memfs_data_blocks(const struct memfs_data *d);
void memfs_data_free(struct memfs_data *d);
/* Moves the bytes into a host object, once: its descriptor (d keeps it), or
 * -errno. */
int memfs_data_host(struct memfs_data *d);
/* The chunks holding d's bytes, for those that read them all (snapshots,
 * export): d's own, or for a hosted file copies of the host object's
 * non-zero chunks (*owned set: memfs_view_free frees them). NULL with
 * *n 0 for an empty file; NULL with *n 1 when out of memory or unreadable. */
struct memfs_chunk *memfs_data_view(const struct memfs_data *d, size_t *n, int *owned);
void memfs_view_free(struct memfs_chunk *c, size_t n, int owned);

/* Bytes [off, off + len) of regular file n changed: told to host_written
 * when a host object holds them. */
void memfs_node_written(const struct memfs_node *n, uint64_t off, uint64_t len);

/* Makes a node of `mode` at the absent (or whited-out) last name of rel,
 * owned by c, and marks the directory changed. 0 with *out, or -errno. */
int memfs_create_node(struct memfs *m, const struct memfs_cred *c, const char *rel, uint32_t mode,
		      struct memfs_node **out);

/* Attribute changes shared by the path and the open-file operations. */
int memfs_node_chmod(const struct memfs_cred *c, struct memfs_node *n, int mode);
int memfs_node_chown(const struct memfs_cred *c, struct memfs_node *n, uint32_t uid, uint32_t gid);
int memfs_node_utimens(const struct memfs_cred *c, struct memfs_node *n, const struct timespec *ts);
/* touch: mark the times even when the size stays (ftruncate, O_TRUNC) */
int memfs_node_truncate(struct memfs_node *n, uint64_t len, int touch);

/* fs_ops open (memfs_file.c) */
int64_t memfs_open(struct task *t, struct fs *fs, const char *rel, int flags, int mode,
		   struct file **out);

#endif
