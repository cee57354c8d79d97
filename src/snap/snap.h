/* Snapshots of the whole machine (docs/snapshot-format.md): when to take
 * them, taking one, and restoring a machine from one. */
#ifndef HEXVM_SNAP_SNAP_H
#define HEXVM_SNAP_SNAP_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/vfs/vfs.h"

struct vm;

struct snap_config {
	const char *at_path; /* --snapshot-at N FILE */
	uint64_t at;
	int at_done;
	const char *signal_path; /* --snapshot-on SIG FILE */
	int signal;
	const char *exit_path; /* --snapshot-on-exit FILE */
	int stop;	       /* --snapshot-stop: end hexvm after a snapshot */
	int plain;	       /* --snapshot-plain: never compress */
	int drop_sockets;      /* --snapshot-drop-sockets */
	int copy_mapped;       /* --snapshot-copy-mapped: no page by reference to a host file */
	char root_dir[VFS_PATH_MAX]; /* the host directory the machine's / shows */
	int overlay;
};

/* Writes the machine's state to path ("-": standard output) and the
 * snapshot's size to *bytes. The machine must be between two scheduler
 * turns. 0, or -1 with a one-line reason. */
int snap_take(struct vm *vm, const char *path, uint64_t *bytes, char *msg, size_t size);

/* At each scheduler turn: takes the snapshots that are due. Returns 1 when
 * the machine is to stop (--snapshot-stop, or a snapshot that failed). */
int snap_poll(struct vm *vm);
/* When the machine has stopped: --snapshot-on-exit. */
void snap_at_exit(struct vm *vm);

struct restore_options {
	const char *root_dir; /* NULL: the snapshot's */
	int overlay;	      /* 1: put an overlay over the root even if the snapshot had none */
	int allow_changed;    /* --allow-changed-files */
};

/* Rebuilds vm (fresh, zeroed but for its options and log) from the
 * snapshot at path; it is then run by sched_run. 0, or -1 with a reason. */
int snap_restore(struct vm *vm, const char *path, const struct restore_options *opt, char *msg,
		 size_t size);

#endif
