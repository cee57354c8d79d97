/* memfs as the upper layer of an overlay (whiteouts, opaque directories),
 * and the export of its tree to a host directory. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/vfs/fs/memfs_node.h"

static const struct memfs_cred kernel_cred = {0, 0};

enum memfs_kind memfs_lookup_kind(struct fs *fs, const char *rel)
{
	struct memfs_node *cur = memfs_of(fs)->root;
	int opaque = cur->u.dir.opaque;
	for (const char *p = rel + strspn(rel, "/"); *p; p += strspn(p, "/")) {
		if (!S_ISDIR(cur->mode))
			return MEMFS_HIDDEN;
		size_t len = strcspn(p, "/");
		struct memfs_entry *e = memfs_dir_find(&cur->u.dir, p, len);
		if (!e)
			return opaque ? MEMFS_HIDDEN : MEMFS_ABSENT;
		if (!e->node)
			return MEMFS_HIDDEN;
		cur = e->node;
		if (S_ISDIR(cur->mode))
			opaque |= cur->u.dir.opaque;
		p += len;
	}
	return opaque ? MEMFS_OPAQUE : MEMFS_MERGED;
}

int memfs_whiteout(struct fs *fs, const char *rel)
{
	struct memfs_where w;
	int rc = memfs_walk(memfs_of(fs), &kernel_cred, rel, &w);
	if (rc)
		return rc;
	if (!w.dir)
		return -EBUSY;
	if (w.node)
		return -EEXIST;
	if (!w.ent && !memfs_dir_add(w.dir, w.name, w.len, NULL))
		return -ENOMEM;
	w.dir->mtime = w.dir->ctime = memfs_now(w.dir->m);
	return 0;
}

int memfs_set_opaque(struct fs *fs, const char *rel)
{
	struct memfs_where w;
	int rc = memfs_walk_node(memfs_of(fs), &kernel_cred, rel, &w);
	if (rc)
		return rc;
	if (!S_ISDIR(w.node->mode))
		return -ENOTDIR;
	w.node->u.dir.opaque = 1;
	return 0;
}

/* Export */

struct exported_link {
	const struct memfs_node *node;
	char *path; /* relative to the export's root */
};

struct exporter {
	int root;		     /* the host directory */
	char path[VFS_PATH_MAX];     /* of the directory being written, "" or "a/b/" */
	struct exported_link *links; /* files with several names, once written */
	size_t nlinks, caplinks;
	int err; /* the first failure; the export goes on past it */
};

static void fail(struct exporter *x, int err)
{
	if (!x->err)
		x->err = err;
}

/* Removes name from host directory dfd, a directory with all it holds. */
static int remove_at(int dfd, const char *name)
{
	if (!unlinkat(dfd, name, 0) || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -errno;
	int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = sub < 0 ? NULL : fdopendir(sub);
	if (!d) {
		if (sub >= 0)
			close(sub);
		return -errno;
	}
	fchmod(sub, 0700); /* a read-only directory keeps its entries */
	int rc = 0;
	for (struct dirent *de; (de = readdir(d));)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			rc = rc ? rc : remove_at(sub, de->d_name);
	closedir(d);
	if (!rc && unlinkat(dfd, name, AT_REMOVEDIR))
		rc = -errno;
	return rc;
}

/* An opaque directory hides whatever the host directory has beyond it. */
static void prune(struct exporter *x, int dfd, const struct memfs_dir *dir)
{
	int fd = dup(dfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		fail(x, -errno);
		return;
	}
	for (struct dirent *de; (de = readdir(d));) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		struct memfs_entry *e = memfs_dir_find(dir, de->d_name, strlen(de->d_name));
		int rc = !e || !e->node ? remove_at(dfd, de->d_name) : 0;
		if (rc)
			fail(x, rc);
	}
	closedir(d);
}

static int write_all(int fd, const uint8_t *p, size_t n, uint64_t off)
{
	while (n) {
		ssize_t w = pwrite(fd, p, n, (off_t)off);
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

static int export_file(int dfd, const char *name, const struct memfs_node *n)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	const struct memfs_data *d = &n->u.file;
	size_t nchunks;
	int owned;
	struct memfs_chunk *chunks = memfs_data_view(d, &nchunks, &owned);
	int rc = !chunks && nchunks ? -ENOMEM : 0;
	for (size_t i = 0; i < nchunks && !rc; i++) {
		uint64_t off = chunks[i].idx << MEMFS_CHUNK_SHIFT;
		uint64_t len = d->size > off ? d->size - off : 0;
		if (len > chunks[i].cap)
			len = chunks[i].cap;
		rc = write_all(fd, chunks[i].data, (size_t)len, off);
	}
	memfs_view_free(chunks, nchunks, owned);
	if (!rc && (ftruncate(fd, (off_t)d->size) || fchmod(fd, n->mode & 07777)))
		rc = -errno;
	close(fd);
	return rc;
}

/* A second name of a file already written becomes a host hard link. */
static int export_link(struct exporter *x, int dfd, const char *name, const struct memfs_node *n,
		       int *done)
{
	*done = 0;
	for (size_t i = 0; i < x->nlinks; i++)
		if (x->links[i].node == n) {
			*done = 1;
			return linkat(x->root, x->links[i].path, dfd, name, 0) ? -errno : 0;
		}
	if (x->nlinks == x->caplinks) {
		size_t cap = x->caplinks ? x->caplinks * 2 : 16;
		struct exported_link *l = realloc(x->links, cap * sizeof *l);
		if (!l)
			return -ENOMEM;
		x->links = l;
		x->caplinks = cap;
	}
	size_t plen = strlen(x->path), nlen = strlen(name);
	char *path = malloc(plen + nlen + 1);
	if (!path)
		return -ENOMEM;
	memcpy(path, x->path, plen);
	memcpy(path + plen, name, nlen + 1);
	x->links[x->nlinks++] = (struct exported_link){n, path};
	return 0;
}

static int export_leaf(struct exporter *x, int dfd, const char *name, const struct memfs_node *n)
{
	int rc = remove_at(dfd, name), done = 0;
	if (!rc && n->names > 1 && S_ISREG(n->mode))
		rc = export_link(x, dfd, name, n, &done);
	if (rc || done)
		return rc;
	if (S_ISREG(n->mode))
		return export_file(dfd, name, n);
	if (S_ISLNK(n->mode))
		return symlinkat(n->u.target, dfd, name) ? -errno : 0;
	if (S_ISFIFO(n->mode))
		return mkfifoat(dfd, name, n->mode & 07777) ? -errno : 0;
	return 0; /* devices and sockets stay in the machine */
}

static void export_dir(struct exporter *x, int dfd, const struct memfs_node *dir);

/* The host directory for n, and what n holds into it. */
static int export_subdir(struct exporter *x, int dfd, const char *name, const struct memfs_node *n)
{
	struct stat st;
	size_t plen = strlen(x->path), nlen = strlen(name);
	if (plen + nlen + 2 > sizeof x->path)
		return -ENAMETOOLONG;
	if (!fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) && !S_ISDIR(st.st_mode) &&
	    unlinkat(dfd, name, 0))
		return -errno;
	if (mkdirat(dfd, name, 0700) && errno != EEXIST)
		return -errno;
	int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0)
		return -errno;
	memcpy(x->path + plen, name, nlen);
	memcpy(x->path + plen + nlen, "/", 2);
	fchmod(sub, 0700); /* writable while it fills */
	export_dir(x, sub, n);
	x->path[plen] = 0;
	int rc = fchmod(sub, n->mode & 07777) ? -errno : 0;
	close(sub);
	return rc;
}

static void export_dir(struct exporter *x, int dfd, const struct memfs_node *dir)
{
	const struct memfs_dir *d = &dir->u.dir;
	if (d->opaque)
		prune(x, dfd, d);
	for (size_t i = 0; i < d->n; i++) {
		const struct memfs_entry *e = d->ents[i];
		int rc = 0;
		if (!e->node)
			rc = remove_at(dfd, e->name); /* a whiteout */
		else if (S_ISDIR(e->node->mode))
			rc = export_subdir(x, dfd, e->name, e->node);
		else
			rc = export_leaf(x, dfd, e->name, e->node);
		if (rc)
			fail(x, rc);
	}
}

int memfs_export(struct fs *fs, const char *host_dir)
{
	if (mkdir(host_dir, 0755) && errno != EEXIST)
		return -errno;
	struct exporter x = {.root = open(host_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
	if (x.root < 0)
		return -errno;
	export_dir(&x, x.root, memfs_of(fs)->root);
	for (size_t i = 0; i < x.nlinks; i++)
		free(x.links[i].path);
	free(x.links);
	close(x.root);
	return x.err;
}
