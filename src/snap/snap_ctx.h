/* What saving and restoring carry from one subsystem's section to the
 * next: the numbering of shared objects (address spaces, descriptor
 * tables, open files, pipes, shared memory) and the first error. */
#ifndef HEXVM_SNAP_SNAP_CTX_H
#define HEXVM_SNAP_SNAP_CTX_H

#include <stddef.h>
#include <stdint.h>

#include "snap/snap_buf.h"
#include "snap/snap_file.h"
#include "snap/snap_ids.h"

struct vm;
struct task;
struct snap_hostmap;
struct snap_shared_file;

struct snap_save {
	struct vm *vm;
	struct snap_writer *w;
	struct snap_ids mms, fdtables, files, pipes;
	uint64_t shm_ino[256]; /* shared anonymous memory, by host inode */
	uint64_t shm_dev[256];
	int nshm;
	int drop_sockets;
	struct snap_hostmap *hostmap; /* host files behind mappings (snap_hostmap.h), or NULL */
	int failed;
	char msg[256];
	uint64_t pages_written, pages_zero, pages_ref; /* for the report */
	struct snap_shared_file *sfiles; /* host files behind MAP_SHARED mappings, by id - 1 */
	size_t nsfiles, sfiles_cap;
};

/* Records the first error (printf-style) and marks the save failed. */
void snap_save_fail(struct snap_save *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Writes b as a section with `tag`, then empties it. */
int snap_emit(struct snap_save *s, const char *tag, struct snap_buf *b);

/* Objects restored so far, by id - 1. */
struct snap_vec {
	void **v;
	size_t n, cap;
};
int vec_push(struct snap_vec *v, void *p);
/* The object with this id (0: NULL); an id out of range fails r. */
void *vec_at(const struct snap_vec *v, uint64_t id, struct snap_rd *r);
void vec_free(struct snap_vec *v);

struct snap_load {
	struct vm *vm;
	struct snap_vec mms, fdtables, files, pipes, tasks, procs;
	struct snap_vec shm; /* host memfds, as (void *)(intptr_t)(fd + 1) */
	struct snap_vec sfiles; /* host files behind MAP_SHARED mappings (struct file) */
	struct snap_vec fixups; /* epoll entries, added once every file exists */
	struct snap_vec page_sections; /* PAGE sections, loaded once every mapping is in */
	struct snap_vec hostfiles;     /* host descriptors of HFIL files, as (void *)(intptr_t)(fd + 1) */
	struct task *opener; /* a root task of the new machine, for reopening files */
	int allow_changed;   /* --allow-changed-files */
	int failed;
	char msg[256];
};

/* A root task of vm (root and working directory "/"), through which paths
 * a snapshot records are opened as the machine itself would. NULL when
 * out of memory. */
struct task *snap_root_task(struct vm *vm);
void snap_root_task_free(struct task *t);

void snap_load_fail(struct snap_load *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* After decoding a section: a reader that went bad fails the load. 0 or -1. */
int snap_check(struct snap_load *l, struct snap_rd *r, const char *what);

#endif
