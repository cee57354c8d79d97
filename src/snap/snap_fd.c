/* Saving and restoring open files and descriptor tables. */
#include "snap/snap_fd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/sys/snap_kinds.h"
#include "kernel/vfs/eventfd.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/hostcache.h"
#include "kernel/vfs/memfd.h"
#include "kernel/vfs/path.h"
#include "kernel/vfs/pipe.h"
#include "kernel/vfs/vfs.h"
#include "kernel/vm.h"
#include "snap/snap_dir.h"
#include "snap/snap_memfd.h"
#include "snap/snap_sock.h"


static int host_kind(const struct file *f)
{
	struct stat st;
	if (f->host_role)
		return K_ROLE;
	return fstat(f->host_fd, &st) == 0 && S_ISDIR(st.st_mode) ? K_HOST_DIR : K_HOST_PATH;
}

/* What a snapshot makes of f (enum file_kind), or 0: a kind it cannot hold.
 * Files hexvm serves itself are told apart by their ops' name; a socket is
 * held when it is one of the machine's, else left out. */
static int kind_of(const struct snap_save *s, const struct file *f)
{
	static const struct {
		const char *name;
		int kind;
	} by_name[] = {{"pipe", K_PIPE},	   {"eventfd", K_EVENTFD}, {"timerfd", K_TIMERFD},
		       {"signalfd", K_SIGNALFD}, {"epoll", K_EPOLL},	   {"memfs", K_REOPEN},
		       {"overlay", K_REOPEN},	   {"devfs", K_REOPEN},	   {"synth", K_SYNTH},
		       {"memfd", K_MEMFD}};
	if (f->is_socket && !f->ops)
		return snap_sock_of_file(s, f) ? K_SOCKET : K_DROPPED;
	if (!f->ops)
		return host_kind(f);
	for (size_t k = 0; f->ops->name && k < sizeof by_name / sizeof by_name[0]; k++) {
		int kind = by_name[k].kind;
		if (strcmp(f->ops->name, by_name[k].name))
			continue;
		if (kind == K_REOPEN && f->ops->readdir && !strcmp(f->ops->name, "overlay"))
			kind = K_OVL_DIR;
		return (kind != K_REOPEN && kind != K_OVL_DIR) || (f->path && f->path[0] == '/')
			       ? kind
			       : 0;
	}
	return 0;
}

void snap_number_fdtable(struct snap_save *s, struct fdtable *fdt, int pid)
{
	int fresh;
	ids_get(&s->fdtables, fdt, &fresh);
	if (!fresh)
		return;
	for (int fd = 0; fd < fdt->size; fd++) {
		struct file *f = fdt->files[fd];
		if (!f || ids_find(&s->files, f))
			continue;
		if (f->is_socket && !f->ops) {
			snap_sock_add_file(s, f, pid, fd); /* (settled once every table is in) */
			continue;
		}
		if (!kind_of(s, f))
			snap_save_fail(s, "pid %d fd %d (%s) is a kind of file snapshots do not "
					  "hold yet", pid, fd, f->ops->name ? f->ops->name : "?");
		ids_get(&s->files, f, NULL);
		if (f->ops && pipe_of_file(f))
			ids_get(&s->pipes, pipe_of_file(f), NULL);
	}
}

void snap_number_file(struct snap_save *s, struct file *f)
{
	if (ids_find(&s->files, f))
		return;
	if (!kind_of(s, f) || (f->is_socket && !f->ops))
		snap_save_fail(s, "a description in flight in a message (%s) is a kind of file "
				  "snapshots do not hold", f->ops && f->ops->name ? f->ops->name : "?");
	ids_get(&s->files, f, NULL);
	if (f->ops && pipe_of_file(f))
		ids_get(&s->pipes, pipe_of_file(f), NULL);
}

static int put_pipes(struct snap_save *s)
{
	struct snap_buf b = {0};
	for (size_t k = 0; k < s->pipes.n && !s->failed; k++) {
		struct pipe_image img;
		pipe_image_of(s->pipes.order[k], &img);
		sb_u32(&b, (uint32_t)k + 1);
		sb_u32(&b, (uint32_t)img.readers);
		sb_u32(&b, (uint32_t)img.writers);
		sb_u32(&b, (uint32_t)img.named);
		sb_u64(&b, img.dev);
		sb_u64(&b, img.ino);
		sb_u64(&b, img.r_gen);
		sb_u64(&b, img.w_gen);
		sb_u32(&b, img.uid);
		sb_u32(&b, img.gid);
		sb_u64(&b, img.cap);
		sb_u64(&b, img.part_len[0] + img.part_len[1]);
		sb_bytes(&b, img.part[0], img.part_len[0]);
		sb_bytes(&b, img.part[1], img.part_len[1]);
		snap_emit(s, "PIPE", &b);
	}
	sb_free(&b);
	return s->failed ? -1 : 0;
}

/* Size and content hash of an open host file. */
static int host_identity(int fd, uint64_t *size, uint64_t *hash)
{
	struct stat st;
	if (fstat(fd, &st))
		return -1;
	*size = (uint64_t)st.st_size;
	*hash = S_ISREG(st.st_mode) ? snap_hash_fd(fd, *size) : 0;
	return 0;
}

static void put_host_file(struct snap_save *s, struct snap_buf *b, const struct file *f)
{
	struct stat st;
	uint64_t size = 0, hash = 0;
	const char *path = file_path(f);
	if (fstat(f->host_fd, &st) || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) || !path ||
	    path[0] != '/' || host_identity(f->host_fd, &size, &hash)) {
		snap_save_fail(s, "a host descriptor (%s) that is neither a file nor a directory "
				  "cannot be held by a snapshot", path ? path : "?");
		return;
	}
	sb_u64(b, (uint64_t)lseek(f->host_fd, 0, SEEK_CUR));
	sb_u64(b, size);
	sb_u64(b, hash);
}

static void put_timerfd(struct snap_buf *b, const struct file *f)
{
	int64_t w[TIMERFD_WORDS];
	timerfd_state(f, w);
	for (int k = 0; k < TIMERFD_WORDS; k++)
		sb_i64(b, w[k]);
}

static void put_signalfd(struct snap_buf *b, const struct file *f)
{
	uint64_t w[SIGNALFD_WORDS];
	signalfd_state(f, w);
	for (int k = 0; k < SIGNALFD_WORDS; k++)
		sb_u64(b, w[k]);
}

static void put_eventfd(struct snap_buf *b, const struct file *f)
{
	uint64_t count, ino;
	int sem;
	eventfd_state(f, &count, &sem, &ino);
	sb_u64(b, count);
	sb_u32(b, (uint32_t)sem);
	sb_u64(b, ino);
}

/* An epoll instance: its interest list, each entry's description by id (0:
 * one no descriptor table holds, which can never be reported again). */
static void put_epoll(struct snap_save *s, struct snap_buf *b, const struct file *f)
{
	int n = epoll_entries(f);
	sb_i32(b, n);
	for (int k = 0; k < n; k++) {
		struct epoll_entry_image e;
		epoll_entry_image(f, k, &e);
		sb_i32(b, e.fd);
		sb_u32(b, ids_find(&s->files, e.file));
		sb_u32(b, e.events);
		sb_u64(b, e.data);
		sb_i32(b, e.disabled);
		sb_i32(b, e.edge);
		sb_u32(b, (uint32_t)e.queued);
		sb_u32(b, e.last_revents);
	}
}

static void put_memfd(struct snap_save *s, struct snap_buf *b, const struct file *f)
{
	uint32_t uid, gid;
	memfd_opener(f, &uid, &gid);
	sb_u32(b, snap_memfd_of_file(s, f));
	sb_u64(b, f->pos);
	sb_u32(b, uid);
	sb_u32(b, gid);
}

static void put_file(struct snap_save *s, struct snap_buf *b, const struct file *f)
{
	int kind = kind_of(s, f);
	sb_i32(b, f->flags);
	sb_str(b, file_path(f));
	sb_u8(b, (uint8_t)kind);
	switch (kind) {
	case K_ROLE:
		sb_u32(b, (uint32_t)f->host_role);
		break;
	case K_HOST_PATH:
		put_host_file(s, b, f);
		break;
	case K_PIPE:
		sb_u32(b, ids_find(&s->pipes, pipe_of_file(f)));
		break;
	case K_REOPEN:
		sb_u64(b, f->pos);
		break;
	case K_EVENTFD:
		put_eventfd(b, f);
		break;
	case K_TIMERFD:
		put_timerfd(b, f);
		break;
	case K_SIGNALFD:
		put_signalfd(b, f);
		break;
	case K_EPOLL:
		put_epoll(s, b, f);
		break;
	case K_HOST_DIR:
		snap_put_host_dir(s, b, (struct file *)f);
		break;
	case K_OVL_DIR:
		snap_put_overlay_dir(s, b, f);
		break;
	case K_SYNTH:
		snap_put_synth(b, f);
		break;
	case K_MEMFD:
		put_memfd(s, b, f);
		break;
	case K_SOCKET:
		sb_u32(b, snap_sock_of_file(s, f)->id);
		break;
	}
}

static void put_fdtable(struct snap_save *s, struct snap_buf *b, const struct fdtable *t)
{
	uint32_t n = 0;
	for (int fd = 0; fd < t->size; fd++)
		n += t->files[fd] != NULL;
	sb_i32(b, t->limit);
	sb_i32(b, t->size);
	sb_u32(b, n);
	for (int fd = 0; fd < t->size; fd++)
		if (t->files[fd]) {
			sb_u32(b, (uint32_t)fd);
			sb_u8(b, t->cloexec[fd]);
			sb_u32(b, ids_find(&s->files, t->files[fd]));
		}
}

int snap_save_files(struct snap_save *s)
{
	struct snap_buf b = {0};
	hostcache_sync_all(s->vm); /* offsets are read from the host descriptors */
	if (put_pipes(s))
		return -1;
	snap_save_socks(s);
	sb_u64(&b, s->files.n);
	for (size_t k = 0; k < s->files.n && !s->failed; k++)
		put_file(s, &b, s->files.order[k]);
	snap_emit(s, "FILE", &b);
	sb_u64(&b, s->fdtables.n);
	for (size_t k = 0; k < s->fdtables.n; k++)
		put_fdtable(s, &b, s->fdtables.order[k]);
	snap_emit(s, "FDTB", &b);
	sb_free(&b);
	return s->failed ? -1 : 0;
}

int snap_load_pipe(struct snap_load *l, struct snap_rd *r)
{
	struct pipe_image img = {0};
	uint32_t id = sr_u32(r);
	img.readers = (int)sr_u32(r);
	img.writers = (int)sr_u32(r);
	img.named = (int)sr_u32(r);
	img.dev = sr_u64(r);
	img.ino = sr_u64(r);
	img.r_gen = sr_u64(r);
	img.w_gen = sr_u64(r);
	img.uid = sr_u32(r);
	img.gid = sr_u32(r);
	img.cap = (size_t)sr_count(r, PIPE_SIZE_MAX);
	img.part_len[0] = (size_t)sr_count(r, img.cap);
	img.part[0] = sr_view(r, img.part_len[0]);
	img.part[1] = img.part[0];
	if (snap_check(l, r, "PIPE"))
		return -1;
	struct pipe *p = id == l->pipes.n + 1 ? pipe_restore(l->vm, &img) : NULL;
	if (!p || vec_push(&l->pipes, p)) {
		snap_load_fail(l, "section PIPE: a pipe cannot be restored");
		return -1;
	}
	return 0;
}
