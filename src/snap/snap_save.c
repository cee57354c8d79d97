/* Taking a snapshot: number the shared objects, then write the machine,
 * the overlay's files, address spaces, files, processes and tasks. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "host/termsig.h"
#include "kernel/vfs/fs/memfs_snap.h"
#include "kernel/vfs/fs/overlay.h"
#include "kernel/vfs/vfs.h"
#include "kernel/vm.h"
#include "mem/mm_cow.h"
#include "snap/snap.h"
#include "snap/snap_fd.h"
#include "snap/snap_hostmap.h"
#include "snap/snap_info.h"
#include "snap/snap_lock.h"
#include "snap/snap_machine.h"
#include "snap/snap_mem.h"
#include "snap/snap_memfd.h"
#include "snap/snap_memfs.h"
#include "snap/snap_shared_file.h"
#include "snap/snap_sock.h"
#include "snap/snap_task.h"

static void save_fs(struct snap_save *s, struct snap_buf *b)
{
	struct mount *root = vfs_mount_of(s->vm, "/", NULL);
	if (!root || strcmp(root->fs->type, "overlay"))
		return;
	if (memfs_snap_save(overlay_upper(root->fs), b))
		snap_save_fail(s, "out of memory while saving the overlay's files");
	snap_emit(s, "FSUP", b);
}

static void write_all(struct snap_save *s)
{
	struct snap_buf b = {0};
	const struct snap_config *cfg = s->vm->snap;
	snap_put_machine(&b, s->vm, cfg->root_dir, cfg->overlay);
	snap_emit(s, "MACH", &b);
	save_fs(s, &b);
	snap_save_shm_fs(s, &b);
	snap_save_memfds(s);
	for (size_t k = 0; k < s->mms.n && !s->failed; k++)
		snap_save_mm(s, (struct mm *)s->mms.order[k]);
	if (!s->failed)
		snap_save_files(s);
	snap_save_locks(s);
	if (!s->failed)
		snap_save_procs(s);
	snap_put_summary(s, &b);
	snap_emit(s, "INFO", &b);
	sb_free(&b);
}

int snap_take(struct vm *vm, const char *path, uint64_t *bytes, char *msg, size_t size)
{
	struct snap_writer w;
	struct snap_save s = {.vm = vm, .w = &w, .drop_sockets = vm->snap->drop_sockets};
	/* Pages fork left shared are copied first: the writer reads windows
	 * with host calls (mincore, writev), to which a page still pending
	 * looks untouched; and a restored machine has no copy-on-write. */
	mm_cow_flatten(&vm->mms);
	snap_settle_shared_files(&s);
	snap_number_procs(&s);
	if (!s.failed)
		snap_socks_settle(&s); /* (numbers what their queues carry too) */
	if (s.mms.oom || s.files.oom || s.fdtables.oom || s.pipes.oom)
		snap_save_fail(&s, "out of memory");
	if (!s.failed && snapw_open(&w, path, !vm->snap->plain))
		snap_save_fail(&s, "%s", w.msg);
	else if (!s.failed) {
		write_all(&s);
		if (s.failed)
			snapw_abort(&w);
		else if (snapw_close(&w))
			snap_save_fail(&s, "%s", w.msg);
		else
			*bytes = w.file_bytes;
	}
	snap_socks_free(&s);
	hostmap_free(&s);
	ids_free(&s.mms);
	ids_free(&s.fdtables);
	ids_free(&s.files);
	ids_free(&s.pipes);
	snap_shared_files_free(&s);
	snap_memfds_free(&s);
	if (s.failed)
		snprintf(msg, size, "cannot snapshot: %s", s.msg);
	return s.failed ? -1 : 0;
}

static double seconds_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of every thread of hexvm: a snapshot's helpers add theirs. */
static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

static int take(struct vm *vm, const char *path, const char *why)
{
	char msg[320];
	uint64_t bytes = 0;
	double start = seconds_now(), cpu = cpu_seconds();
	if (snap_take(vm, path, &bytes, msg, sizeof msg)) {
		fprintf(stderr, "hexvm: %s\n", msg);
		return 1;
	}
	if (strcmp(path, "-"))
		fprintf(stderr, "hexvm: snapshot written to %s (%s, %llu instructions, %llu bytes "
				"in %.3f s, %.3f s of CPU)\n", path, why, (unsigned long long)vm->icount,
			(unsigned long long)bytes, seconds_now() - start, cpu_seconds() - cpu);
	return 0;
}

/* --snapshot-stop: hexvm's work ends with the snapshot (status 0), or with
 * the reason it could not be taken (71). Without it, a snapshot that could
 * not be taken leaves the machine running. */
static int stop_after(struct vm *vm, int failed)
{
	if (!vm->snap->stop)
		return 0;
	vm->exit_status = failed ? 71 : 0;
	return 1;
}

int snap_poll(struct vm *vm)
{
	struct snap_config *cfg = vm->snap;
	if (cfg->at_path && !cfg->at_done && vm->icount >= cfg->at) {
		cfg->at_done = 1;
		if (stop_after(vm, take(vm, cfg->at_path, "--snapshot-at")))
			return 1;
	}
	if (cfg->signal_path && hostsig_take(cfg->signal))
		return stop_after(vm, take(vm, cfg->signal_path, "on a signal"));
	return 0;
}

void snap_at_exit(struct vm *vm)
{
	struct snap_config *cfg = vm->snap;
	if (cfg && cfg->at_path && !cfg->at_done)
		fprintf(stderr, "hexvm: --snapshot-at %llu: the machine stopped after %llu "
				"instructions; no snapshot taken\n",
			(unsigned long long)cfg->at, (unsigned long long)vm->icount);
	if (cfg && cfg->exit_path)
		take(vm, cfg->exit_path, "at exit");
}
