/* Restoring open files and descriptor tables. */
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
#include "snap/snap_dir.h"
#include "snap/snap_fd.h"
#include "snap/snap_memfd.h"
#include "snap/snap_sock.h"

#define FILES_MAX  (1u << 24)

/* This hexvm's own descriptor for a role the first machine's had. */
static struct file *role_file(struct snap_load *l, int role, int flags, const char *path)
{
	int host = -1;
	if (role >= FILE_ROLE_STDIN && role <= FILE_ROLE_STDERR)
		host = fcntl(role - FILE_ROLE_STDIN, F_DUPFD_CLOEXEC, 3);
	else if (role == FILE_ROLE_TTY)
		host = open("/dev/tty", (flags & O_ACCMODE) | O_NOCTTY | O_CLOEXEC);
	if (host < 0) {
		snap_load_fail(l, "the restored machine needs %s, which this hexvm lacks",
			       role == FILE_ROLE_TTY ? "a terminal" : "a standard descriptor");
		return NULL;
	}
	struct file *f = file_from_host(host, flags, path);
	if (f)
		f->host_role = role;
	return f;
}

struct file *snap_reopen(struct snap_load *l, const char *path, int flags)
{
	struct vpath vp;
	struct file *f = NULL;
	int open_flags = flags & ~(O_CREAT | O_EXCL | O_TRUNC);
	int64_t rc = path ? vfs_resolve(l->opener, NULL, path, 0, &vp) : -ENOENT;
	if (!rc)
		rc = path_open(l->opener, &vp, open_flags, 0, &f);
	if (rc) {
		snap_load_fail(l, "%s: cannot open it again: %s", path ? path : "?",
			       strerror((int)-rc));
		return NULL;
	}
	f->flags = flags & ~(O_CREAT | O_EXCL | O_TRUNC);
	return f;
}

int snap_same_host_file(struct snap_load *l, const char *path, const char *what, int fd,
			uint64_t size, uint64_t hash)
{
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		snap_load_fail(l, "%s: no longer a host file", path);
		return -1;
	}
	int same = !S_ISREG(st.st_mode) ||
		   ((uint64_t)st.st_size == size && snap_hash_fd(fd, size) == hash);
	if (!same && !l->allow_changed) {
		snap_load_fail(l, "%s: the %s changed since the snapshot (size %llu, now %llu%s); "
				  "--allow-changed-files restores anyway",
			       path, what, (unsigned long long)size, (unsigned long long)st.st_size,
			       (uint64_t)st.st_size == size ? ", other contents" : "");
		return -1;
	}
	return 0;
}

static struct file *host_path_file(struct snap_load *l, struct snap_rd *r, const char *path,
				   int flags)
{
	uint64_t pos = sr_u64(r), size = sr_u64(r), hash = sr_u64(r);
	if (r->bad)
		return NULL;
	struct file *f = snap_reopen(l, path, flags);
	if (!f)
		return NULL;
	if (snap_same_host_file(l, path, "host file", f->host_fd, size, hash)) {
		file_put(f);
		return NULL;
	}
	lseek(f->host_fd, (off_t)pos, SEEK_SET);
	return f;
}

/* A FIFO end's path names the FIFO in the restored filesystems (when it
 * still does): the pipe takes that file's identity, which the other side's
 * open looks it up by. */
static void find_fifo_again(struct snap_load *l, struct pipe *p, const char *path)
{
	struct vpath vp;
	struct stat st;
	if (path && path[0] == '/' && !vfs_resolve(l->opener, NULL, path, 0, &vp) &&
	    !vfs_lstat(l->opener, &vp, &st) && S_ISFIFO(st.st_mode))
		pipe_set_fifo_key(p, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
}

static struct file *get_timer_kind(struct snap_load *l, struct snap_rd *r, int kind, int flags)
{
	int64_t tw[TIMERFD_WORDS];
	uint64_t sw[SIGNALFD_WORDS];
	if (kind == K_TIMERFD) {
		for (int k = 0; k < TIMERFD_WORDS; k++)
			tw[k] = sr_i64(r);
		return r->bad ? NULL : timerfd_restore(l->vm, tw, flags);
	}
	for (int k = 0; k < SIGNALFD_WORDS; k++)
		sw[k] = sr_u64(r);
	return r->bad ? NULL : signalfd_restore(l->vm, sw, flags);
}

/* An epoll entry waits until every description exists. */
struct epoll_fixup {
	struct file *ep;
	struct epoll_entry_image e;
	uint32_t file_id;
};

static struct file *get_epoll(struct snap_load *l, struct snap_rd *r, int flags)
{
	struct file *ep = epoll_restore(l->vm, flags);
	int n = sr_i32(r);
	if (n < 0 || n > FDTABLE_MAX)
		sr_fail(r, "an epoll instance has too many entries");
	for (int k = 0; k < n && !r->bad; k++) {
		struct epoll_fixup *x = calloc(1, sizeof *x);
		if (!x || vec_push(&l->fixups, x)) {
			free(x);
			sr_fail(r, "out of memory");
			break;
		}
		x->ep = ep;
		x->e.fd = sr_i32(r);
		x->file_id = sr_u32(r);
		x->e.events = sr_u32(r);
		x->e.data = sr_u64(r);
		x->e.disabled = sr_i32(r);
		x->e.edge = sr_i32(r);
		x->e.queued = sr_u32(r);
		x->e.last_revents = (uint16_t)sr_u32(r);
	}
	return ep;
}

static void add_epoll_entries(struct snap_load *l, struct snap_rd *r)
{
	for (size_t k = 0; k < l->fixups.n; k++) {
		struct epoll_fixup *x = l->fixups.v[k];
		x->e.file = vec_at(&l->files, x->file_id, r);
		/* (a description left out, a dropped socket, is watched no more) */
		if (!r->bad && x->ep && x->e.file && epoll_restore_entry(x->ep, &x->e))
			sr_fail(r, "out of memory");
		free(x);
	}
	vec_free(&l->fixups);
}

static struct file *get_memfd(struct snap_load *l, struct snap_rd *r, int flags)
{
	uint32_t id = sr_u32(r);
	uint64_t pos = sr_u64(r);
	uint32_t uid = sr_u32(r), gid = sr_u32(r);
	struct file *f = r->bad ? NULL : snap_memfd_open(l, id, flags, uid, gid, r);
	if (f)
		f->pos = pos;
	return f;
}

/* A description of one of the machine's sockets (section SOCK made them). */
static struct file *socket_file(struct snap_load *l, struct snap_rd *r, const char *path,
				int flags)
{
	uint32_t id = sr_u32(r);
	int accepted = 0, fd = snap_sock_dup(l, id, &accepted);
	if (fd < 0) {
		sr_fail(r, "a socket description names no socket");
		return NULL;
	}
	struct file *f = file_from_host(fd, flags, path);
	if (!f) {
		close(fd);
		return NULL;
	}
	f->is_socket = 1;
	f->sock_accepted = accepted;
	if (snap_sock_give_ident(l, id, f))
		sr_fail(r, "out of memory");
	return f;
}

static struct file *get_file(struct snap_load *l, struct snap_rd *r)
{
	int flags = sr_i32(r);
	char *path = sr_str(r);
	int kind = sr_u8(r);
	struct file *f = NULL;
	uint64_t count, ino;
	int sem;
	struct pipe *p;
	switch (r->bad ? 0 : kind) {
	case K_ROLE:
		f = role_file(l, (int)sr_u32(r), flags, path);
		break;
	case K_HOST_PATH:
		f = host_path_file(l, r, path, flags);
		break;
	case K_PIPE:
		p = vec_at(&l->pipes, sr_u32(r), r);
		f = p ? pipe_file_restore(p, flags, path) : NULL;
		if (f)
			find_fifo_again(l, p, path);
		break;
	case K_REOPEN:
		count = sr_u64(r);
		if ((f = r->bad ? NULL : snap_reopen(l, path, flags)) != NULL)
			f->pos = count;
		break;
	case K_EVENTFD:
		count = sr_u64(r);
		sem = (int)sr_u32(r);
		ino = sr_u64(r);
		f = r->bad ? NULL : eventfd_restore(l->vm, count, sem, ino, flags);
		break;
	case K_TIMERFD:
	case K_SIGNALFD:
		f = get_timer_kind(l, r, kind, flags);
		break;
	case K_EPOLL:
		f = get_epoll(l, r, flags);
		break;
	case K_HOST_DIR:
		f = snap_get_host_dir(l, r, path, flags);
		break;
	case K_OVL_DIR:
		f = snap_get_overlay_dir(l, r, path, flags);
		break;
	case K_SYNTH:
		f = snap_get_synth(l, r, path, flags);
		break;
	case K_MEMFD:
		f = get_memfd(l, r, flags);
		break;
	case K_SOCKET:
		f = socket_file(l, r, path, flags);
		break;
	case K_DROPPED:
		break;
	default:
		sr_fail(r, "unknown kind of file");
	}
	if (!f && !r->bad && !l->failed && kind != K_DROPPED)
		snap_load_fail(l, "%s: cannot restore this file (out of memory)", path ? path : "?");
	free(path);
	return f;
}

int snap_load_files(struct snap_load *l, struct snap_rd *r)
{
	uint64_t n = sr_count(r, FILES_MAX);
	for (uint64_t k = 0; k < n && !r->bad && !l->failed; k++)
		if (vec_push(&l->files, get_file(l, r)))
			snap_load_fail(l, "out of memory");
	if (!r->bad && !l->failed)
		snap_socks_finish(l); /* (before epoll watches them: no edge of its own) */
	add_epoll_entries(l, r);
	return snap_check(l, r, "FILE");
}

static struct fdtable *get_fdtable(struct snap_load *l, struct snap_rd *r)
{
	struct fdtable *t = fdtable_create();
	if (!t) {
		snap_load_fail(l, "out of memory");
		return NULL;
	}
	t->refs = 0; /* each process that uses it takes a reference */
	t->limit = sr_i32(r);
	if (t->limit < 0 || t->limit > FDTABLE_MAX)
		sr_fail(r, "a descriptor limit is out of range");
	int32_t size = sr_i32(r);
	if (size < 1 || size > FDTABLE_MAX)
		sr_fail(r, "a descriptor table's size is out of range");
	else if (fdtable_reserve(t, size - 1))
		sr_fail(r, "out of memory");
	uint32_t n = sr_u32(r);
	for (uint32_t k = 0; k < n && !r->bad; k++) {
		uint32_t fd = sr_u32(r);
		uint8_t cloexec = sr_u8(r);
		struct file *f = vec_at(&l->files, sr_u32(r), r);
		if (fd >= (uint32_t)t->size || t->files[fd]) {
			sr_fail(r, "a descriptor number is out of range or twice");
			break;
		}
		if (f) {
			t->files[fd] = file_get(f);
			t->cloexec[fd] = cloexec != 0;
		}
	}
	return t;
}

int snap_load_fdtables(struct snap_load *l, struct snap_rd *r)
{
	uint64_t n = sr_count(r, FILES_MAX);
	for (uint64_t k = 0; k < n && !r->bad && !l->failed; k++) {
		struct fdtable *t = get_fdtable(l, r);
		if (t && vec_push(&l->fdtables, t))
			snap_load_fail(l, "out of memory");
	}
	return snap_check(l, r, "FDTB");
}
