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
#include "kernel/vfs/path.h"
#include "kernel/vfs/pipe.h"
#include "kernel/vfs/vfs.h"
#include "kernel/vm.h"

enum file_kind { K_ROLE = 1, K_HOST_PATH, K_PIPE, K_REOPEN, K_EVENTFD, K_DROPPED, K_TIMERFD, K_SIGNALFD,
		K_EPOLL };


/* Kinds written by their state. */
static int held_by_state(const struct file *f)
{
	static const char *const kinds[] = {"pipe", "eventfd", "timerfd", "signalfd", "epoll"};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		if (f->ops->name && !strcmp(f->ops->name, kinds[k]))
			return 1;
	return 0;
}

/* Kinds that open again by path, from the state their filesystem holds. */
static int reopens_by_path(const struct file *f)
{
	static const char *const kinds[] = {"memfs", "overlay", "devfs", "synth"};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		if (!strcmp(f->ops->name, kinds[k]))
			return f->path && f->path[0] == '/';
	return 0;
}

void snap_number_fdtable(struct snap_save *s, struct fdtable *fdt, int pid)
{
	int fresh;
	ids_get(&s->fdtables, fdt, &fresh);
	if (!fresh)
		return;
	for (int fd = 0; fd < FDTABLE_MAX; fd++) {
		struct file *f = fdt->files[fd];
		if (!f || ids_find(&s->files, f))
			continue;
		if (f->is_socket && !s->drop_sockets)
			snap_save_fail(s, "pid %d fd %d is a host socket, which cannot be restored "
					  "(--snapshot-drop-sockets leaves it out)", pid, fd);
		else if (f->ops && !held_by_state(f) && !(f->ops->name && reopens_by_path(f)))
			snap_save_fail(s, "pid %d fd %d (%s) is a kind of file snapshots do not "
					  "hold yet", pid, fd, f->ops->name ? f->ops->name : "?");
		ids_get(&s->files, f, NULL);
		if (f->ops && pipe_of_file(f))
			ids_get(&s->pipes, pipe_of_file(f), NULL);
	}
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
	if (f->host_role) {
		sb_u8(b, K_ROLE);
		sb_u32(b, (uint32_t)f->host_role);
		return;
	}
	if (fstat(f->host_fd, &st) || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) || !f->path ||
	    f->path[0] != '/' || host_identity(f->host_fd, &size, &hash)) {
		snap_save_fail(s, "a host descriptor (%s) that is neither a file nor a directory "
				  "cannot be held by a snapshot", f->path ? f->path : "?");
		return;
	}
	sb_u8(b, K_HOST_PATH);
	sb_u64(b, (uint64_t)lseek(f->host_fd, 0, SEEK_CUR));
	sb_u64(b, size);
	sb_u64(b, hash);
}

/* timerfds and signalfds: their words; 0 when f is neither. */
static int put_timer_kinds(struct snap_buf *b, const struct file *f)
{
	int64_t tw[TIMERFD_WORDS];
	uint64_t sw[SIGNALFD_WORDS];
	if (!timerfd_state(f, tw)) {
		sb_u8(b, K_TIMERFD);
		for (int k = 0; k < TIMERFD_WORDS; k++)
			sb_i64(b, tw[k]);
		return 1;
	}
	if (!signalfd_state(f, sw)) {
		sb_u8(b, K_SIGNALFD);
		for (int k = 0; k < SIGNALFD_WORDS; k++)
			sb_u64(b, sw[k]);
		return 1;
	}
	return 0;
}

/* An epoll instance: its interest list, each entry's description by id (0:
 * one no descriptor table holds, which can never be reported again). */
static int put_epoll(struct snap_save *s, struct snap_buf *b, const struct file *f)
{
	int n = epoll_entries(f);
	if (n < 0)
		return 0;
	sb_u8(b, K_EPOLL);
	sb_i32(b, n);
	for (int k = 0; k < n; k++) {
		struct epoll_entry_image e;
		epoll_entry_image(f, k, &e);
		sb_i32(b, e.fd);
		sb_u32(b, ids_find(&s->files, e.file));
		sb_u32(b, e.events);
		sb_u64(b, e.data);
		sb_i32(b, e.disabled);
	}
	return 1;
}

static void put_file(struct snap_save *s, struct snap_buf *b, const struct file *f)
{
	uint64_t count, ino;
	int sem;
	sb_i32(b, f->flags);
	sb_str(b, f->path);
	if (f->is_socket) {
		sb_u8(b, K_DROPPED);
	} else if (!f->ops) {
		put_host_file(s, b, f);
	} else if (pipe_of_file(f)) {
		sb_u8(b, K_PIPE);
		sb_u32(b, ids_find(&s->pipes, pipe_of_file(f)));
	} else if (put_timer_kinds(b, f) || put_epoll(s, b, f)) {
		return;
	} else if (!eventfd_state(f, &count, &sem, &ino)) {
		sb_u8(b, K_EVENTFD);
		sb_u64(b, count);
		sb_u32(b, (uint32_t)sem);
		sb_u64(b, ino);
	} else {
		sb_u8(b, K_REOPEN);
		sb_u64(b, f->pos);
	}
}

static void put_fdtable(struct snap_save *s, struct snap_buf *b, const struct fdtable *t)
{
	uint32_t n = 0;
	for (int fd = 0; fd < FDTABLE_MAX; fd++)
		n += t->files[fd] != NULL;
	sb_i32(b, t->limit);
	sb_u32(b, n);
	for (int fd = 0; fd < FDTABLE_MAX; fd++)
		if (t->files[fd]) {
			sb_u32(b, (uint32_t)fd);
			sb_u8(b, t->cloexec[fd]);
			sb_u32(b, ids_find(&s->files, t->files[fd]));
		}
}

int snap_save_files(struct snap_save *s)
{
	struct snap_buf b = {0};
	if (put_pipes(s))
		return -1;
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
	img.part_len[0] = (size_t)sr_count(r, PIPE_CAPACITY);
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
