/* Open file descriptions and descriptor tables in a snapshot. A host file
 * is recorded by its guest path and identity (size, content hash) and
 * opened again at restore; hexvm's standard descriptors and the terminal
 * by role; kernel pipes with their bytes; files hexvm serves itself by path
 * (memfs, overlay, /dev, /proc) or by state (eventfd). */
#ifndef HEXVM_SNAP_SNAP_FD_H
#define HEXVM_SNAP_SNAP_FD_H

#include "snap/snap_ctx.h"

struct fdtable;
struct file;

/* How a FILE record holds a description (docs/snapshot-format.md). */
enum file_kind {
	K_ROLE = 1,  /* a host descriptor hexvm was given: by role */
	K_HOST_PATH, /* a host file or directory: path, offset, identity */
	K_PIPE,
	K_REOPEN, /* a file hexvm serves: opened again by path */
	K_EVENTFD,
	K_DROPPED, /* a host socket left out */
	K_TIMERFD,
	K_SIGNALFD,
	K_EPOLL,
	K_HOST_DIR, /* a host directory: path, the names its listing gave */
	K_OVL_DIR,  /* an overlay directory: path, offset, the lower names read */
	K_SYNTH,    /* a made-up file (/proc, /dev): what it shows */
};

/* Refuses a machine with descriptors in flight in socket messages. */
void snap_check_sockets(struct snap_save *s);
/* Numbers fdt's files (and their pipes) in s; to be called for every
 * table before snap_save_files. */
void snap_number_fdtable(struct snap_save *s, struct fdtable *fdt, int pid);
/* Numbers a description no table holds (a FIFO open that waits for its
 * other side keeps one). */
void snap_number_file(struct snap_save *s, struct file *f);
/* Sections PIPE..., FILE and FDTB for everything numbered. */
int snap_save_files(struct snap_save *s);

/* Opens guest path through the restored machine's filesystems, as the
 * machine itself, with the flags it had (O_CREAT, O_EXCL, O_TRUNC left out);
 * NULL with the load failed and the reason. */
struct file *snap_reopen(struct snap_load *l, const char *path, int flags);

/* Whether host descriptor fd (the file at guest path; `what` it is, for the
 * message) still has the size and content hash it had: 0, or -1 with the
 * load failed (a changed file is accepted with --allow-changed-files). */
int snap_same_host_file(struct snap_load *l, const char *path, const char *what, int fd,
			uint64_t size, uint64_t hash);

int snap_load_pipe(struct snap_load *l, struct snap_rd *r);
int snap_load_files(struct snap_load *l, struct snap_rd *r);
int snap_load_fdtables(struct snap_load *l, struct snap_rd *r);

#endif
