/* Socket names at restore. A path name is relative to the root host
 * directory, as hexvm binds it (kernel/sys/sys_socket.c). When the
 * snapshot says the file at that path was the socket's, the restored
 * socket is bound there again: a socket file already there is the one the
 * snapshot's machine left (in the same tree, or a copy of it) and is
 * replaced, unless a running program is bound to it; anything else there
 * refuses the restore. A name whose file the machine no longer had is
 * bound in a scratch directory under the same relative path (the name is
 * the same string; its file is removed once the sockets are connected), as
 * are the stand-ins for gone peers. An abstract name is bound as it is, and
 * refuses the restore when the host has it in use already. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/hostcwd.h"
#include "host/unixdiag.h"
#include "snap/snap_sock_impl.h"

int sock_name_eq(const struct sock_name *a, const struct sock_name *b)
{
	return a->kind == b->kind && a->len == b->len && !memcmp(a->bytes, b->bytes, a->len);
}

static void fill_addr(const struct sock_name *n, struct sock_addr *a, int dirfd)
{
	memset(a, 0, sizeof *a);
	a->sa.sun_family = AF_UNIX;
	size_t at = n->kind == SN_ABSTRACT ? 1 : 0;
	memcpy(a->sa.sun_path + at, n->bytes, n->len);
	a->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + at + n->len +
			     (n->kind == SN_PATH ? 1 : 0));
	a->dirfd = n->kind == SN_PATH ? dirfd : -1;
}

void sock_addr_of(struct snap_load *l, const struct sock_made *m, struct sock_addr *where)
{
	struct snap_sock_load *sl = l->socks;
	fill_addr(&m->img.name, where, m->in_scratch ? sl->scratch_fd : sl->rootfd);
}

int sock_connect_to(int fd, const struct sock_addr *a)
{
	int saved, rc = host_cwd_enter(a->dirfd, &saved);
	if (!rc && connect(fd, (const struct sockaddr *)&a->sa, a->len))
		rc = -errno;
	host_cwd_leave(saved);
	return rc;
}

static int push_path(char ***list, size_t *n, const char *rel)
{
	char **v = realloc(*list, (*n + 1) * sizeof *v);
	if (!v)
		return -1;
	*list = v;
	if (!(v[*n] = strdup(rel)))
		return -1;
	(*n)++;
	return 0;
}

static int remember(struct snap_sock_load *sl, const char *rel)
{
	return push_path(&sl->made, &sl->nmade, rel);
}

static int scratch_dir(struct snap_load *l)
{
	struct snap_sock_load *sl = l->socks;
	if (sl->scratch_fd >= 0)
		return 0;
	const char *tmp = getenv("TMPDIR");
	snprintf(sl->scratch, sizeof sl->scratch, "%s/hexvm-sock.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(sl->scratch) ||
	    (sl->scratch_fd = open(sl->scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snap_load_fail(l, "cannot make a scratch directory for socket names: %s", strerror(errno));
		sl->scratch[0] = 0;
		return -1;
	}
	return 0;
}

/* The directories of rel, in the scratch directory. */
static int make_dirs(struct snap_load *l, const char *rel)
{
	struct snap_sock_load *sl = l->socks;
	char dir[UNIX_NAME_MAX + 1];
	snprintf(dir, sizeof dir, "%s", rel);
	for (char *p = strchr(dir, '/'); p; p = strchr(p + 1, '/')) {
		*p = 0;
		if (*dir && mkdirat(sl->scratch_fd, dir, 0700) == 0 && remember(sl, dir))
			return -1;
		*p = '/';
	}
	return 0;
}

/* Makes room at rel in the root directory: nothing there (the file the
 * bind makes is noted, to go if the restore fails), or a stale socket file
 * (which goes). */
static int clear_stale(struct snap_load *l, const char *rel)
{
	struct snap_sock_load *sl = l->socks;
	struct stat st;
	struct unix_diag d;
	if (fstatat(sl->rootfd, rel, &st, AT_SYMLINK_NOFOLLOW))
		return push_path(&sl->created, &sl->ncreated, rel);
	if (!S_ISSOCK(st.st_mode)) {
		snap_load_fail(l, "%s exists and is no socket: the machine's socket cannot be bound "
				  "there again", rel);
		return -1;
	}
	int in_use = !unix_diag_read(&d) && unix_diag_bound_to(&d, (uint64_t)st.st_dev,
							       (uint64_t)st.st_ino);
	unix_diag_free(&d);
	if (in_use) {
		snap_load_fail(l, "%s: a running program's socket is bound there (is the machine the "
				  "snapshot came from still running?)", rel);
		return -1;
	}
	unlinkat(sl->rootfd, rel, 0);
	return 0;
}

int sock_bind_name(struct snap_load *l, int fd, const struct sock_name *name, int scratch,
		   struct sock_addr *where)
{
	struct snap_sock_load *sl = l->socks;
	char rel[UNIX_NAME_MAX + 1];
	memcpy(rel, name->bytes, name->len);
	rel[name->len] = 0;
	if (name->kind == SN_PATH && !scratch && sl->rootfd < 0) {
		snap_load_fail(l, "%s: a socket bound to a path needs a host directory as the root "
				  "(restore it without --overlay)", rel);
		return -1;
	}
	if (name->kind == SN_PATH && (scratch ? scratch_dir(l) || make_dirs(l, rel)
					      : clear_stale(l, rel)))
		return -1;
	fill_addr(name, where, scratch ? sl->scratch_fd : sl->rootfd);
	int saved, rc = host_cwd_enter(where->dirfd, &saved);
	if (!rc && bind(fd, (const struct sockaddr *)&where->sa, where->len))
		rc = -errno;
	host_cwd_leave(saved);
	errno = -rc;
	if (rc) {
		if (errno == EADDRINUSE && name->kind == SN_ABSTRACT)
			snap_load_fail(l, "the abstract socket name @%.*s is in use on this host (is "
					  "the machine the snapshot came from still running?)",
				       (int)name->len, name->bytes);
		else
			snap_load_fail(l, "cannot bind a socket to %s%.*s again: %s",
				       name->kind == SN_ABSTRACT ? "@" : "", (int)name->len,
				       name->bytes, strerror(errno));
		return -1;
	}
	return name->kind == SN_PATH && scratch && remember(sl, rel) ? -1 : 0;
}

void sock_drop_stand_in_file(struct snap_load *l, const struct sock_addr *a)
{
	if (a->dirfd >= 0 && a->dirfd == l->socks->scratch_fd)
		unlinkat(a->dirfd, a->sa.sun_path, 0);
}

void sock_created_drop(struct snap_sock_load *sl, int failed)
{
	for (size_t k = 0; k < sl->ncreated; k++) {
		if (failed)
			unlinkat(sl->rootfd, sl->created[k], 0);
		free(sl->created[k]);
	}
	free(sl->created);
	sl->created = NULL;
	sl->ncreated = 0;
}

void sock_scratch_clean(struct snap_sock_load *sl)
{
	for (size_t k = sl->nmade; k-- > 0;) {
		if (unlinkat(sl->scratch_fd, sl->made[k], 0))
			unlinkat(sl->scratch_fd, sl->made[k], AT_REMOVEDIR);
		free(sl->made[k]);
	}
	free(sl->made);
	sl->made = NULL;
	sl->nmade = 0;
	if (sl->scratch_fd >= 0) {
		close(sl->scratch_fd);
		rmdir(sl->scratch);
	}
	sl->scratch_fd = -1;
}
