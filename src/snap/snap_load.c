/* Restoring a machine: read and check the whole snapshot, set up the
 * filesystems (with the root re-pointed if asked), then rebuild memory,
 * files, processes and tasks in the order they refer to each other. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/vfs/file.h"
#include "kernel/vfs/fs/memfs_snap.h"
#include "kernel/vfs/fs/overlay.h"
#include "kernel/vfs/setup.h"
#include "kernel/vfs/vfs.h"
#include "kernel/vm.h"
#include "mem/mm.h"
#include "snap/snap.h"
#include "snap/snap_fd.h"
#include "snap/snap_hostmap.h"
#include "snap/snap_lock.h"
#include "snap/snap_machine.h"
#include "snap/snap_mem.h"
#include "snap/snap_memfd.h"
#include "snap/snap_memfs.h"
#include "snap/snap_pages.h"
#include "snap/snap_shared_file.h"
#include "snap/snap_sock.h"
#include "snap/snap_task.h"

typedef int section_fn(struct snap_load *l, struct snap_rd *r);

static int load_fs(struct snap_load *l, struct snap_rd *r)
{
	struct mount *root = vfs_mount_of(l->vm, "/", NULL);
	if (!root || strcmp(root->fs->type, "overlay")) {
		snap_load_fail(l, "the snapshot holds an overlay's files; restore it with --overlay "
				  "or without --root re-pointing it to a plain directory");
		return -1;
	}
	memfs_snap_load(overlay_upper(root->fs), r);
	return snap_check(l, r, "FSUP");
}

static const struct {
	const char *tag;
	section_fn *fn;
} sections[] = {
	{"FSUP", load_fs},
	{"FSHM", snap_load_shm_fs},
	{"SHMM", snap_load_shm},
	{"MEMF", snap_load_memfd},
	{"SFIL", snap_load_shared_file},
	{"MMAP", snap_load_mm},
	{"HFIL", snap_load_hostfile},
	{"PREF", snap_load_pagerefs},
	{"PIPE", snap_load_pipe},
	{"SOCK", snap_load_socks},
	{"FILE", snap_load_files},
	{"FDTB", snap_load_fdtables},
	{"LOCK", snap_load_locks},
	{"PROC", snap_load_procs},
	{"TASK", snap_load_tasks},
};

static int load_payload(struct snap_load *l, struct snap_section *sec, section_fn *fn)
{
	char why[160];
	const uint8_t *data = snap_section_payload(sec, why, sizeof why);
	struct snap_rd r;
	if (!data) {
		snap_load_fail(l, "%s", why);
		return -1;
	}
	sr_init(&r, data, (size_t)sec->len);
	if (!fn(l, &r) && r.pos != r.len)
		snap_load_fail(l, "section %s: %zu bytes left over", sec->tag, r.len - r.pos);
	snap_section_release(sec);
	return l->failed ? -1 : 0;
}

static int load_section(struct snap_load *l, struct snap_section *sec)
{
	if (!strcmp(sec->tag, "PAGE"))
		return snap_queue_pages(l, sec); /* once every mapping is in */
	for (size_t k = 0; k < sizeof sections / sizeof sections[0]; k++)
		if (!strcmp(sec->tag, sections[k].tag))
			return load_payload(l, sec, sections[k].fn);
	if (!strcmp(sec->tag, "INFO"))
		return 0; /* the summary, for people */
	snap_load_fail(l, "unknown section %s", sec->tag);
	return -1;
}

static void release_load(struct snap_load *l)
{
	for (size_t k = 0; k < l->files.n; k++)
		file_put(l->files.v[k]); /* the tables hold them now */
	for (size_t k = 0; k < l->mms.n; k++) {
		struct mm *mm = l->mms.v[k];
		mm->refs++;
		mm_put(mm); /* an address space no process uses goes */
	}
	for (size_t k = 0; k < l->shm.n; k++)
		close((int)(intptr_t)l->shm.v[k] - 1);
	for (size_t k = 0; k < l->hostfiles.n; k++)
		close((int)(intptr_t)l->hostfiles.v[k] - 1);
	for (size_t k = 0; k < l->sfiles.n; k++)
		file_put(l->sfiles.v[k]);
	snap_memfds_release(l);
	snap_socks_release(l);
	snap_root_task_free(l->opener);
	vec_free(&l->mms);
	vec_free(&l->fdtables);
	vec_free(&l->files);
	vec_free(&l->pipes);
	vec_free(&l->tasks);
	vec_free(&l->shm);
	vec_free(&l->hostfiles);
	vec_free(&l->page_sections);
	vec_free(&l->sfiles);
	snap_free_proc_links(&l->procs);
}

static int rebuild(struct snap_load *l, struct snap_image *img, struct machine_image *m,
		   const struct restore_options *opt)
{
	struct snap_rd r;
	char why[160];
	if (!img->nsections || strcmp(img->sections[0].tag, "MACH")) {
		snap_load_fail(l, "the snapshot does not begin with the machine section");
		return -1;
	}
	const uint8_t *mach = snap_section_payload(&img->sections[0], why, sizeof why);
	if (!mach) {
		snap_load_fail(l, "%s", why);
		return -1;
	}
	sr_init(&r, mach, (size_t)img->sections[0].len);
	if (snap_get_machine(&r, m))
		return snap_check(l, &r, "MACH");
	struct vfs_config cfg = {opt->root_dir ? opt->root_dir : m->root_dir,
				 opt->overlay || m->overlay};
	char msg[256];
	if (vfs_setup(l->vm, &cfg, msg, sizeof msg)) {
		snap_load_fail(l, "%s", msg);
		return -1;
	}
	if (!(l->opener = snap_root_task(l->vm))) {
		snap_load_fail(l, "out of memory");
		return -1;
	}
	for (size_t k = 1; k < img->nsections; k++)
		if (load_section(l, &img->sections[k]))
			return -1;
	if (snap_load_all_pages(l))
		return -1;
	for (size_t k = 0; k < l->mms.n; k++)
		((struct mm *)l->mms.v[k])->sink = &l->vm->block_totals;
	if (snap_load_mm_finish(l))
		return -1;
	if (l->vm->snap) {
		snprintf(l->vm->snap->root_dir, sizeof l->vm->snap->root_dir, "%s", cfg.root_dir);
		l->vm->snap->overlay = cfg.overlay;
	}
	if (snap_apply_machine(l->vm, m))
		snap_load_fail(l, "the machine's first process or scheduled threads are missing");
	return l->failed ? -1 : 0;
}

int snap_restore(struct vm *vm, const char *path, const struct restore_options *opt, char *msg,
		 size_t size)
{
	struct snap_image img;
	char why[256];
	if (snap_image_read(&img, path, stdout, "PAGE", why, sizeof why)) {
		snprintf(msg, size, "%s: %s", path, why);
		return -1;
	}
	struct snap_load l = {.vm = vm, .allow_changed = opt->allow_changed};
	struct machine_image m = {0};
	int rc = rebuild(&l, &img, &m, opt);
	release_load(&l);
	free(m.root_dir);
	snap_image_free(&img);
	if (rc)
		snprintf(msg, size, "%s: cannot restore: %s", path, l.msg);
	return rc;
}
