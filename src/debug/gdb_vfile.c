/* vFile: gdb's host I/O, served from the guest's files as a guest process
 * sees them (its root, hexvm's --root and --overlay, hexvm's /proc), never
 * the host's: with its default sysroot `target:`, gdb reads the program
 * and its shared libraries through the stub, and `info proc` reads
 * /proc/PID as the guest has it. Files are opened with the process's
 * credentials and umask; a FIFO or socket is refused (opening one could
 * make the process wait). Numbers are gdb's: open flags, mode bits,
 * errno values (include/gdb/fileio.h), and a 64-byte big-endian stat. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debug/gdb_internal.h"
#include "kernel/task/process.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/hostcache.h"
#include "kernel/vfs/path.h"

/* gdb's open flags */
#define FIO_O_ACCMODE 0x3
#define FIO_O_APPEND  0x8
#define FIO_O_CREAT   0x200
#define FIO_O_TRUNC   0x400
#define FIO_O_EXCL    0x800

#define FIO_EUNKNOWN  9999
#define FIO_STAT_SIZE 64

/* gdb's errno for a Linux one: most share the number, two do not, and
 * gdb has no name for the rest. */
static int fio_errno(int err)
{
	static const int same[] = {EPERM,  ENOENT, EINTR,  EIO,	    EBADF,  EACCES, EFAULT,
				   EBUSY,  EEXIST, ENODEV, ENOTDIR, EISDIR, EINVAL, ENFILE,
				   EMFILE, EFBIG,  ENOSPC, ESPIPE,  EROFS};
	for (size_t k = 0; k < sizeof same / sizeof same[0]; k++)
		if (err == same[k])
			return err;
	return err == ENAMETOOLONG ? 91 : err == ENOSYS ? 88 : FIO_EUNKNOWN;
}

/* A result: a count or descriptor, or -errno. */
static void reply_result(struct gdb_reply *r, int64_t rc)
{
	if (rc < 0)
		reply_fmt(r, "F-1,%x", fio_errno((int)-rc));
	else
		reply_fmt(r, "F%llx", (unsigned long long)rc);
}

static struct task *live_thread(struct process *p)
{
	for (struct task *t = p && p->state == PROC_LIVE ? p->threads : NULL; t; t = t->thread_next)
		if (t->state != TASK_DEAD)
			return t;
	return NULL;
}

/* The thread whose view of the files vFile uses: setfs's process, else
 * the one the other packets apply to; with none debugged (extended-remote),
 * the first process's, or any's. */
static struct task *fs_task(struct gdb *g)
{
	if (g->vfile_pid)
		return live_thread(process_find(g->vm, g->vfile_pid));
	struct task *t = live_thread(gdb_current_process(g));
	if (!t)
		t = live_thread(g->vm->init);
	for (struct process *p = g->vm->procs; !t && p; p = p->next)
		t = live_thread(p);
	return t;
}

/* A hex-encoded path up to `stop` (',' or the end) into path; *end after it. */
static int hex_path(const char *s, char stop, char *path, const char **end)
{
	size_t n = strcspn(s, stop ? "," : "");
	if (n % 2 || n / 2 >= VFS_PATH_MAX || hex_decode(s, n / 2, (uint8_t *)path) ||
	    memchr(path, 0, n / 2) || s[n] != stop)
		return -1;
	path[n / 2] = 0;
	*end = s + n + (stop != 0);
	return 0;
}

/* Hex numbers separated by commas, up to the end (or, when binary, up to
 * the comma before the data). */
static int numbers(const char *s, uint64_t *v, int n, const char **end)
{
	for (int k = 0; k < n; k++) {
		if (hex_number(s, &v[k], &s) || (k < n - 1 && *s != ','))
			return -1;
		s += k < n - 1;
	}
	*end = s;
	return 0;
}

static struct file *vfile(struct gdb *g, uint64_t fd)
{
	return fd < GDB_VFILES ? g->vfiles[fd] : NULL;
}

static int64_t linux_flags(uint64_t fio)
{
	int64_t flags = (int64_t)(fio & FIO_O_ACCMODE);
	if (fio & ~(uint64_t)(FIO_O_ACCMODE | FIO_O_APPEND | FIO_O_CREAT | FIO_O_TRUNC |
			      FIO_O_EXCL) ||
	    (fio & FIO_O_ACCMODE) == FIO_O_ACCMODE)
		return -EINVAL;
	flags |= (fio & FIO_O_APPEND ? O_APPEND : 0) | (fio & FIO_O_CREAT ? O_CREAT : 0) |
		 (fio & FIO_O_TRUNC ? O_TRUNC : 0) | (fio & FIO_O_EXCL ? O_EXCL : 0);
	return flags | O_NONBLOCK;
}

static int64_t open_path(struct gdb *g, struct task *t, const char *path, int64_t flags, int mode)
{
	struct vpath p;
	struct stat st;
	struct file *f;
	int fd = 0, rflags = flags & O_CREAT ? VFS_PARENT | (flags & O_EXCL ? VFS_NOFOLLOW : 0) : 0;
	while (fd < GDB_VFILES && g->vfiles[fd])
		fd++;
	if (fd == GDB_VFILES)
		return -EMFILE;
	int64_t rc = path_resolve(t, LINUX_AT_FDCWD, path, rflags, &p);
	if (!rc && !p.magic && vfs_lstat(t, &p, &st) == 0 &&
	    (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		rc = -ENODEV;
	if (!rc)
		rc = path_open(t, &p, (int)flags, mode & 0777, &f);
	if (rc < 0)
		return rc;
	g->vfiles[fd] = f;
	return fd;
}

static void v_open(struct gdb *g, struct task *t, const char *s, struct gdb_reply *r)
{
	char path[VFS_PATH_MAX];
	uint64_t v[2];
	const char *end;
	if (hex_path(s, ',', path, &end) || numbers(end, v, 2, &end) || *end) {
		reply_result(r, -EINVAL);
		return;
	}
	int64_t flags = linux_flags(v[0]);
	reply_result(r, flags < 0 ? flags : open_path(g, t, path, flags, (int)v[1]));
}

static void v_close(struct gdb *g, const char *s, struct gdb_reply *r)
{
	uint64_t fd;
	const char *end;
	if (numbers(s, &fd, 1, &end) || *end || !vfile(g, fd)) {
		reply_result(r, -EBADF);
		return;
	}
	file_put(g->vfiles[fd]);
	g->vfiles[fd] = NULL;
	reply_result(r, 0);
}

/* A transfer at an offset, the guest kernel's way for its own files and
 * straight to the host descriptor for host files (their buffered guest
 * descriptions settled first). */
static int64_t transfer(struct gdb *g, struct file *f, void *buf, size_t n, uint64_t off, int write)
{
	if (f->ops && write)
		return f->ops->pwrite ? f->ops->pwrite(f, buf, n, off) : -ESPIPE;
	if (f->ops)
		return f->ops->pread ? f->ops->pread(f, buf, n, off) : -ESPIPE;
	hostcache_conflict(g->vm, f);
	ssize_t got = write ? pwrite(f->host_fd, buf, n, (off_t)off)
			    : pread(f->host_fd, buf, n, (off_t)off);
	return got < 0 ? -errno : got;
}

/* How many of the n bytes fit in the reply once escaped, after a header. */
static size_t fitting(const struct gdb_reply *r, const uint8_t *data, size_t n)
{
	size_t room = reply_room(r) - 24, used = 0, k = 0;
	for (; k < n; k++) {
		uint8_t b = data[k];
		used += b == '$' || b == '#' || b == '}' || b == '*' ? 2 : 1;
		if (used > room)
			break;
	}
	return k;
}

static void v_pread(struct gdb *g, const char *s, struct gdb_reply *r)
{
	uint64_t v[3];
	const char *end;
	struct file *f;
	if (numbers(s, v, 3, &end) || *end || !(f = vfile(g, v[0]))) {
		reply_result(r, -EBADF);
		return;
	}
	size_t want = v[1] < GDB_PACKET_MAX ? (size_t)v[1] : GDB_PACKET_MAX;
	uint8_t *buf = malloc(want ? want : 1);
	int64_t got = buf ? transfer(g, f, buf, want, v[2], 0) : -ENOMEM;
	if (got < 0) {
		reply_result(r, got);
	} else {
		size_t n = fitting(r, buf, (size_t)got);
		reply_fmt(r, "F%zx;", n);
		reply_bin(r, buf, n);
	}
	free(buf);
}

/* pwrite:FD,OFFSET,DATA: the data is binary to the packet's end. */
static void v_pwrite(struct gdb *g, const char *s, const char *pkt_end, struct gdb_reply *r)
{
	uint64_t v[2];
	const char *data;
	struct file *f;
	if (numbers(s, v, 2, &data) || *data != ',' || !(f = vfile(g, v[0]))) {
		reply_result(r, -EBADF);
		return;
	}
	data++;
	reply_result(r, transfer(g, f, (void *)data, (size_t)(pkt_end - data), v[1], 1));
}

static void put_be(uint8_t *p, uint64_t v, int bytes)
{
	for (int k = 0; k < bytes; k++)
		p[k] = (uint8_t)(v >> (8 * (bytes - 1 - k)));
}

static void v_fstat(struct gdb *g, const char *s, struct gdb_reply *r)
{
	uint64_t fd;
	const char *end;
	struct file *f;
	struct stat st;
	uint8_t out[FIO_STAT_SIZE];
	if (numbers(s, &fd, 1, &end) || *end || !(f = vfile(g, fd))) {
		reply_result(r, -EBADF);
		return;
	}
	int rc = f->ops ? (f->ops->stat ? f->ops->stat(f, &st) : -EBADF)
			: (fstat(f->host_fd, &st) < 0 ? -errno : 0);
	if (rc) {
		reply_result(r, rc);
		return;
	}
	const uint64_t fields[] = {st.st_dev,
				   st.st_ino,
				   st.st_mode,
				   st.st_nlink,
				   st.st_uid,
				   st.st_gid,
				   st.st_rdev,
				   (uint64_t)st.st_size,
				   (uint64_t)st.st_blksize,
				   (uint64_t)st.st_blocks,
				   (uint64_t)st.st_atime,
				   (uint64_t)st.st_mtime,
				   (uint64_t)st.st_ctime};
	static const uint8_t widths[] = {4, 4, 4, 4, 4, 4, 4, 8, 8, 8, 4, 4, 4};
	uint8_t *p = out;
	for (size_t k = 0; k < sizeof widths; k++) {
		put_be(p, fields[k], widths[k]);
		p += widths[k];
	}
	reply_fmt(r, "F%x;", FIO_STAT_SIZE);
	reply_bin(r, out, FIO_STAT_SIZE);
}

static void v_unlink(struct task *t, const char *s, struct gdb_reply *r)
{
	char path[VFS_PATH_MAX];
	const char *end;
	struct vpath p;
	int rc = hex_path(s, 0, path, &end)
			 ? -EINVAL
			 : path_resolve(t, LINUX_AT_FDCWD, path, VFS_NOFOLLOW, &p);
	if (!rc)
		rc = !p.rel[0] ? -EBUSY : p.mnt->fs->ops->unlink(t, p.mnt->fs, p.rel);
	reply_result(r, rc);
}

static void v_readlink(struct task *t, const char *s, struct gdb_reply *r)
{
	char path[VFS_PATH_MAX], target[VFS_PATH_MAX];
	const char *end;
	struct vpath p;
	struct stat st;
	int rc = hex_path(s, 0, path, &end)
			 ? -EINVAL
			 : path_resolve(t, LINUX_AT_FDCWD, path, VFS_NOFOLLOW, &p);
	if (!rc)
		rc = vfs_lstat(t, &p, &st);
	if (!rc && !S_ISLNK(st.st_mode))
		rc = -EINVAL;
	if (!rc)
		rc = p.mnt->fs->ops->readlink(t, p.mnt->fs, p.rel, target, sizeof target);
	if (rc < 0) {
		reply_result(r, rc);
		return;
	}
	size_t n = fitting(r, (const uint8_t *)target, (size_t)rc);
	reply_fmt(r, "F%zx;", n);
	reply_bin(r, target, n);
}

static void v_setfs(struct gdb *g, const char *s, struct gdb_reply *r)
{
	uint64_t pid;
	const char *end;
	struct process *p;
	if (numbers(s, &pid, 1, &end) || *end || pid > 0x7fffffff ||
	    (pid && (!(p = process_find(g->vm, (int)pid)) || p->state != PROC_LIVE))) {
		reply_result(r, -EINVAL);
		return;
	}
	g->vfile_pid = (int)pid;
	reply_result(r, 0);
}

/* The operations on paths, which need a process's view of the files. */
static void path_op(struct gdb *g, const char *op, const char *arg, struct gdb_reply *r)
{
	struct task *t = fs_task(g);
	if (!t)
		reply_result(r, -ESRCH); /* nobody's view is left to use */
	else if (!strcmp(op, "open"))
		v_open(g, t, arg, r);
	else if (!strcmp(op, "unlink"))
		v_unlink(t, arg, r);
	else
		v_readlink(t, arg, r);
}

void gdb_vfile(struct gdb *g, const char *pkt, int len, struct gdb_reply *r)
{
	char op[16];
	const char *arg = strchr(pkt, ':');
	if (!arg || (size_t)(arg - pkt) >= sizeof op)
		return;
	snprintf(op, sizeof op, "%.*s", (int)(arg - pkt), pkt);
	arg++;
	if (!strcmp(op, "setfs"))
		v_setfs(g, arg, r);
	else if (!strcmp(op, "close"))
		v_close(g, arg, r);
	else if (!strcmp(op, "pread"))
		v_pread(g, arg, r);
	else if (!strcmp(op, "pwrite"))
		v_pwrite(g, arg, pkt + len, r);
	else if (!strcmp(op, "fstat"))
		v_fstat(g, arg, r);
	else if (!strcmp(op, "open") || !strcmp(op, "unlink") || !strcmp(op, "readlink"))
		path_op(g, op, arg, r);
}

void gdb_vfile_close_all(struct gdb *g)
{
	for (int fd = 0; fd < GDB_VFILES; fd++) {
		if (g->vfiles[fd])
			file_put(g->vfiles[fd]);
		g->vfiles[fd] = NULL;
	}
}
