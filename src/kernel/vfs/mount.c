/* The mount table: filesystems at canonical guest paths; the deepest mount
 * containing a path serves it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "kernel/vfs/vfs.h"
#include "kernel/vm.h"

#define FIRST_DEV_MINOR 40 /* anonymous devices (0:N), clear of the host's usual ones */

uint64_t vfs_new_dev(struct vm *vm) { return makedev(0, FIRST_DEV_MINOR + vm->next_dev++); }

/* Kept sorted by path, so that listings (/proc/mounts) come out in mount
 * order for equal depths and lookups can take the last match. */
struct mount *vfs_mount(struct vm *vm, const char *path, struct fs *fs, const char *source)
{
	struct mount *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->path = strdup(path);
	m->source = strdup(source ? source : fs->type);
	m->fs = fs;
	if (!m->path || !m->source) {
		free(m->path);
		free(m->source);
		free(m);
		return NULL;
	}
	struct mount **pp = &vm->mounts;
	while (*pp)
		pp = &(*pp)->next;
	*pp = m;
	return m;
}

/* Whether canonical `path` is `prefix` or below it. */
static size_t covers(const char *prefix, const char *path)
{
	size_t n = strlen(prefix);
	if (n == 1) /* "/" */
		return 1;
	if (strncmp(prefix, path, n) || (path[n] && path[n] != '/'))
		return 0;
	return n;
}

struct mount *vfs_mount_of(const struct vm *vm, const char *path, const char **rel)
{
	struct mount *best = NULL;
	size_t best_len = 0;
	for (struct mount *m = vm->mounts; m; m = m->next) {
		size_t n = covers(m->path, path);
		if (n && n >= best_len) { /* a later mount on the same path hides an earlier one */
			best = m;
			best_len = n;
		}
	}
	if (best && rel) {
		const char *r = path + best_len;
		while (*r == '/')
			r++;
		*rel = r;
	}
	return best;
}

void vfs_unmount_all(struct vm *vm)
{
	while (vm->mounts) {
		struct mount *m = vm->mounts;
		vm->mounts = m->next;
		int shared = 0; /* an fs mounted twice is destroyed once */
		for (struct mount *o = vm->mounts; o; o = o->next)
			shared |= o->fs == m->fs;
		if (!shared && m->fs->ops->destroy)
			m->fs->ops->destroy(m->fs);
		free(m->path);
		free(m->source);
		free(m);
	}
}
