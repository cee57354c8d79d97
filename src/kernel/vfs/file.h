/* Open file descriptions and per-process descriptor tables. An open file
 * description is shared by dup and (later) fork, as in Linux: it carries the
 * offset and status flags; the close-on-exec flag belongs to the descriptor. */
#ifndef HEXVM_KERNEL_VFS_FILE_H
#define HEXVM_KERNEL_VFS_FILE_H

#include <stddef.h>
#include <stdint.h>

#define FDTABLE_MAX (1 << 20) /* descriptors a process may have: Linux's nr_open */
#define LINUX_O_PATH 010000000 /* open flag (the host's headers may lack it) */
#define LINUX_O_LARGEFILE 0100000 /* the host's headers make it 0 on x86-64 */

struct dirnames;
struct epoll_entry;
struct file;
struct sock_ident;
struct stat;
struct vm;
struct task;

struct timespec;
struct vfs_dirent;

#define FILE_SPLICE_READ  1u
#define FILE_SPLICE_WRITE 2u

/* What a file that is not a plain host descriptor does. Transfers return
 * bytes moved, -errno, or -KERN_EPARK after parking the task. Every op is
 * optional: a missing one gives the error Linux gives for such a file.
 * Seekable files give pread/pwrite and leave read/write out: the generic
 * layer keeps the offset (f->pos) and handles O_APPEND (via stat's size). */
struct file_ops {
	/* the kind of file, for snapshots and traces ("pipe", "memfs", ...) */
	const char *name;
	/* what splice may do with it, FILE_SPLICE_*: Linux's files without
	 * splice_read or splice_write refuse with EINVAL (pipes are apart) */
	unsigned splice;
	int64_t (*read)(struct task *t, struct file *f, void *buf, size_t n);
	int64_t (*write)(struct task *t, struct file *f, const void *buf, size_t n);
	int64_t (*pread)(struct file *f, void *buf, size_t n, uint64_t off);
	int64_t (*pwrite)(struct file *f, const void *buf, size_t n, uint64_t off);
	/* the directory entry at *pos, advancing *pos: 1, 0 at the end, -errno */
	int (*readdir)(struct task *t, struct file *f, uint64_t *pos, struct vfs_dirent *out);
	int (*truncate)(struct file *f, uint64_t len);
	/* fallocate(2)'s modes the file has (others: -EOPNOTSUPP) */
	int (*fallocate)(struct file *f, int mode, uint64_t off, uint64_t len);
	int (*chmod)(struct file *f, int mode);
	int (*chown)(struct file *f, uint32_t uid, uint32_t gid);
	int (*utimens)(struct file *f, const struct timespec *ts);
	/* the POLLIN/POLLOUT/POLLHUP/POLLERR bits that hold now */
	short (*poll)(struct file *f);
	/* the stamp of its waiters' last wake-up that a watch for `events` sees
	 * (wakeseq.h): edge-triggered epoll reports a ready file again only
	 * after a new one */
	uint64_t (*wake_seq)(struct file *f, uint32_t events);
	/* a host descriptor that becomes readable when the file may have become
	 * ready (an epoll instance's host epoll), or -1: what poll parks on */
	int (*wait_host_fd)(const struct file *f);
	/* bytes ready to read, for FIONREAD */
	int64_t (*nread)(struct file *f);
	/* st_mode, st_ino ... of the file */
	int (*stat)(struct file *f, struct stat *st);
	/* A new description of the same file with open flags `flags`, for an
	 * open of /proc/PID/fd/N, which Linux opens anew: NULL when out of
	 * memory. Without it such an open gives the descriptor's own. */
	struct file *(*reopen)(struct file *f, int flags);
	/* The host object holding the file's bytes (made now if need be), that
	 * mmap maps so that its pages are the file's: its descriptor, or
	 * -errno. Without it a shared mapping is refused (ENODEV) and a private
	 * one is a copy. */
	int (*map_host)(struct file *f);
	void (*release)(struct file *f);
};

struct file {
	int refs;
	int host_fd; /* the host descriptor behind it, or -1 */
	int flags;   /* open flags: access mode, O_APPEND, O_NONBLOCK ... */
	char *path;  /* canonical guest path as opened (or "pipe:[ino]"...), for
		      * *at calls, /proc/PID/fd and traces: read it through file_path */
	int path_unasked; /* path is the host's name for host_fd, not asked yet */
	const struct file_ops *ops; /* NULL: everything goes to host_fd */
	uint64_t pos;		    /* the offset of a seekable ops file */
	int host_may_block;	    /* host_fd is a pipe, socket or terminal */
	int is_socket;		    /* host_fd is a socket hexvm made */
	int sock_accepted;	    /* made by accept: its address is its listener's */
	/* a socket's guest names and credentials (kernel/sys/sock_ident.h), or
	 * NULL; and what lets them go */
	struct sock_ident *sock;
	void (*sock_free)(struct sock_ident *id);
	/* set once it took a flock: what drops its locks when it goes */
	void (*unlock)(struct vm *vm, struct file *f);
	struct vm *lock_vm;
	/* the epoll entries watching it (kernel/sys/epoll.h), and what drops
	 * them when it goes: set by the first watch */
	struct epoll_entry *watchers;
	void (*unwatch)(struct file *f);
	void *priv;
	int host_role; /* a host descriptor the machine was given: FILE_ROLE_* */
	struct hostcache *cache;   /* its read or write buffer (vfs/hostcache.h), or NULL */
	uint64_t host_dev, host_ino; /* a host regular file opened by the guest; else 0 */
	/* a host directory whose listing a snapshot restored where the host
	 * lists other names first: the names it had given, which its listing
	 * leaves out until it is rewound (vfs/dirnames.h); else NULL */
	struct dirnames *dir_skip;
};

/* What a host descriptor stands for, so that a restored machine can give
 * the same role to its own: hexvm's standard descriptors and the terminal. */
enum { FILE_ROLE_NONE, FILE_ROLE_STDIN, FILE_ROLE_STDOUT, FILE_ROLE_STDERR, FILE_ROLE_TTY };

struct fdtable {
	int refs;	     /* processes sharing it (CLONE_FILES) */
	int size;	     /* slots in files and cloexec, grown as Linux grows its max_fds */
	struct file **files; /* NULL: free */
	uint8_t *cloexec;
	int limit; /* RLIMIT_NOFILE, at most FDTABLE_MAX */
};

struct file *file_from_host(int host_fd, int flags, const char *path);
/* A description over one of hexvm's own host descriptors (its standard
 * ones), named as the host names it: asked the first time file_path wants
 * it, for the readlink of /proc/self/fd/N costs ~10 us a descriptor and
 * most programs never ask. */
struct file *file_from_host_named(int host_fd, int flags);
/* f's path (NULL: it has none). Asking the host fills in what the file
 * already stands for, so a const file may ask. */
const char *file_path(const struct file *f);
/* A file served by ops rather than a host descriptor. */
struct file *file_new(const struct file_ops *ops, void *priv, int flags, const char *path);
struct file *file_get(struct file *f);
/* Rewinding a host directory: its listing gives every name again. */
void file_forget_dir_skip(struct file *f);
void file_put(struct file *f);

/* stat of a kernel object without a name (eventfd, timerfd, signalfd):
 * Linux's anon_inodefs device, mode 0600. */
void file_anon_stat(struct stat *st, uint64_t ino);

struct fdtable *fdtable_create(void);
/* fork's copy: the same open file descriptions, each one more referenced. */
struct fdtable *fdtable_clone(const struct fdtable *t);
/* Drops a reference; the last closes every descriptor. */
void fdtable_put(struct fdtable *t);
/* execve: descriptors marked close-on-exec go. */
void fdtable_close_on_exec(struct fdtable *t);
/* Lowest free descriptor >= min below the limit, or -EMFILE. */
int fd_alloc(struct fdtable *t, struct file *f, int min, int cloexec);
/* A new file's descriptor (the lowest free one), or -EMFILE with the file
 * released: what every call that makes a file returns. */
int fd_alloc_new(struct fdtable *t, struct file *f, int cloexec);
struct file *fd_lookup(struct fdtable *t, int fd);
int fd_close(struct fdtable *t, int fd);
/* Puts f at fd (closing what was there); -EBADF (and f released) when fd
 * is outside the limit. */
int fd_install(struct fdtable *t, int fd, struct file *f, int cloexec);
void fdtable_set_limit(struct fdtable *t, uint64_t limit);
/* Room for descriptor fd (below FDTABLE_MAX): 0 or -ENOMEM. */
int fdtable_reserve(struct fdtable *t, int fd);

#endif
