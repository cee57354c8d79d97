/* Path resolution, one component at a time over the mount table: "." and
 * ".." on the canonical path (never above the process root), symlinks read
 * and spliced into what is left (at most VFS_LINKS_MAX), a directory
 * required before every further component. Canonical paths are absolute in
 * the machine's namespace; a chroot is the process root as a prefix. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/vfs/vfs.h"
#include "kernel/vm.h"

/* On the heap, with step's and splice_link's scratch: 28 KiB on the stack
 * would put every frame below a resolution on pages of its own (a static
 * hello's start touched 20 pages of hexvm's stack, each a page fault). */
struct walk {
	char cur[VFS_PATH_MAX];	     /* canonical path resolved so far */
	char rest[VFS_PATH_MAX * 2]; /* what is left to resolve */
	char next[VFS_PATH_MAX];     /* step: cur with the next component */
	char target[VFS_PATH_MAX];   /* step: a symlink's target */
	char tail[VFS_PATH_MAX * 2]; /* splice_link: the target, then the rest */
	const char *root;	     /* "/" and ".." stop here (openat2's IN_ROOT: the start) */
	const char *start;	     /* where a relative path starts */
	int links;
	int flags;
	struct mount *mount; /* NO_XDEV: the one the walk may not leave */
};

static int go_up(struct walk *w)
{
	if (!strcmp(w->cur, w->root))
		return 0;
	if ((w->flags & VFS_BENEATH) && !strcmp(w->cur, w->start))
		return -EXDEV;
	char *slash = strrchr(w->cur, '/');
	if (slash == w->cur)
		w->cur[1] = 0;
	else if (slash)
		*slash = 0;
	return 0;
}

/* Takes the next component of w->rest into comp; 0 when none is left.
 * *last says whether only slashes follow it. */
static int next_component(struct walk *w, size_t *pos, char *comp, int *last)
{
	const char *p = w->rest + *pos;
	while (*p == '/')
		p++;
	if (!*p)
		return 0;
	size_t n = strcspn(p, "/");
	if (n > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(comp, p, n);
	comp[n] = 0;
	p += n;
	*pos = (size_t)(p - w->rest);
	while (*p == '/')
		p++;
	*last = !*p;
	return 1;
}

/* Replaces what is left by the link's target followed by the rest. */
static int splice_link(struct walk *w, size_t pos, const char *target)
{
	char *tail = w->tail;
	if (++w->links > VFS_LINKS_MAX)
		return -ELOOP;
	size_t tlen = strlen(target), rlen = strlen(w->rest + pos);
	if (tlen + rlen + 2 > sizeof w->tail)
		return -ENAMETOOLONG;
	memcpy(tail, target, tlen);
	tail[tlen] = '/';
	memcpy(tail + tlen + 1, w->rest + pos, rlen + 1);
	memcpy(w->rest, tail, tlen + rlen + 2);
	if (target[0] == '/') {
		if (w->flags & VFS_BENEATH)
			return -EXDEV;
		strcpy(w->cur, w->root);
	}
	return 0;
}

/* openat2's refusals of a link about to be followed, in Linux's order. */
static int may_follow(const struct walk *w, int magic)
{
	if (w->flags & VFS_NO_SYMLINKS)
		return -ELOOP;
	if (magic && (w->flags & VFS_NO_MAGICLINKS))
		return -ELOOP;
	if (magic && (w->flags & (VFS_BENEATH | VFS_IN_ROOT)))
		return -EXDEV;
	return 0;
}

static int append(char *dst, const char *cur, const char *comp)
{
	size_t n = strlen(cur), c = strlen(comp);
	int slash = !(n == 1 && cur[0] == '/');
	if (n + slash + c + 1 > VFS_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(dst, cur, n);
	if (slash)
		dst[n++] = '/';
	memcpy(dst + n, comp, c + 1);
	return 0;
}

static int lstat_at(struct task *t, const char *path, struct stat *st, struct mount **m,
		    const char **rel)
{
	*m = vfs_mount_of(t->vm, path, rel);
	if (!*m)
		return -ENOENT;
	return (*m)->fs->ops->lstat(t, (*m)->fs, *rel, st);
}

/* One step from w->cur to comp: 0 to go on, 1 when the walk ends here,
 * 2 when a symlink was spliced into what is left (which starts over). */
static int step(struct task *t, struct walk *w, size_t *pos, const char *comp, int last,
		int flags, struct vpath *out)
{
	char *next = w->next, *target = w->target;
	struct stat st;
	struct mount *m;
	const char *rel;
	int rc = append(next, w->cur, comp);
	if (rc)
		return rc;
	rc = lstat_at(t, next, &st, &m, &rel);
	if (rc == -ENOENT && last && (flags & VFS_PARENT)) {
		strcpy(w->cur, next);
		return 1;
	}
	if (rc)
		return rc;
	if (S_ISLNK(st.st_mode)) {
		int follow = !last || !(flags & VFS_NOFOLLOW) || (flags & VFS_DIRECTORY);
		if (!follow) {
			strcpy(w->cur, next);
			return 1;
		}
		int magic = m->fs->ops->magic_link ? m->fs->ops->magic_link(t, m->fs, rel) : 0;
		if ((rc = may_follow(w, magic)))
			return rc;
		if (last && magic == VFS_MAGIC_OPENS) {
			strcpy(w->cur, next);
			out->magic = 1;
			return 1;
		}
		rc = m->fs->ops->readlink(t, m->fs, rel, target, sizeof w->target);
		if (rc < 0)
			return rc;
		rc = splice_link(w, *pos, target);
		return rc ? rc : 2;
	}
	if (!last && !S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (last && (flags & VFS_DIRECTORY) && !S_ISDIR(st.st_mode))
		return -ENOTDIR;
	strcpy(w->cur, next);
	if (last) {
		*pos = strlen(w->rest);
		return 1;
	}
	return 0;
}

static int finish(struct task *t, struct walk *w, struct vpath *out)
{
	strcpy(out->path, w->cur);
	out->mnt = vfs_mount_of(t->vm, out->path, &out->rel);
	return out->mnt ? 0 : -ENOENT;
}

/* NO_XDEV: the walk is still on the mount it started on. */
static int same_mount(struct task *t, const struct walk *w)
{
	const char *rel;
	return !(w->flags & VFS_NO_XDEV) || vfs_mount_of(t->vm, w->cur, &rel) == w->mount;
}

/* Where the walk starts, and for openat2's scoped walks the root. */
static int begin(struct task *t, struct walk *w, const char *start, const char *path, int flags)
{
	static const char slash[] = "/";
	const char *rel;
	w->root = t->proc->root ? t->proc->root : slash;
	w->links = 0;
	w->flags = flags;
	w->start = start ? start : t->proc->cwd ? t->proc->cwd : slash;
	if (flags & VFS_IN_ROOT)
		w->root = w->start;
	else if (path[0] == '/' && (flags & VFS_BENEATH))
		return -EXDEV;
	strcpy(w->cur, path[0] == '/' ? w->root : w->start);
	w->mount = vfs_mount_of(t->vm, w->cur, &rel);
	return 0;
}

static int walk_path(struct task *t, struct walk *w, const char *start, const char *path,
		     size_t len, int flags, struct vpath *out)
{
	size_t pos = 0;
	char comp[VFS_NAME_MAX + 1];
	int last, rc;
	if ((rc = begin(t, w, start, path, flags)))
		return rc;
	memcpy(w->rest, path, len + 1);
	while ((rc = next_component(w, &pos, comp, &last)) > 0) {
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, ".."))
			rc = go_up(w);
		else
			rc = step(t, w, &pos, comp, last, flags, out);
		if (rc < 0)
			return rc;
		if (!same_mount(t, w))
			return -EXDEV;
		if (rc == 1)
			break;
		if (rc == 2)
			pos = 0;
	}
	if (rc < 0)
		return rc;
	return finish(t, w, out);
}

int vfs_resolve(struct task *t, const char *start, const char *path, int flags,
		struct vpath *out)
{
	size_t len = strlen(path);
	out->magic = 0;
	if (!len && !(flags & VFS_EMPTY_OK))
		return -ENOENT;
	if (len >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	if (len && path[len - 1] == '/')
		flags |= VFS_DIRECTORY;
	struct walk *w = malloc(sizeof *w);
	if (!w)
		return -ENOMEM;
	int rc = walk_path(t, w, start, path, len, flags, out);
	free(w);
	return rc;
}

int vfs_lstat(struct task *t, const struct vpath *p, struct stat *st)
{
	return p->mnt->fs->ops->lstat(t, p->mnt->fs, p->rel, st);
}
