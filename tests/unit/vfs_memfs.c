/* memfs against Linux's rules: files, sparse contents, readdir cookies,
 * rename, links, removal of open files, permissions, timestamps. */
/* unit-sources: src/kernel/vfs/fs/memfs*.c src/host/shmfd.c src/kernel/vfs/file.c src/kernel/vfs/hostcache.c src/kernel/clock.c
 * unit-sources: src/kernel/vfs/dirnames.c
 * unit-sources: src/snap/snap_buf.c src/snap/snap_ids.c */
#include "vfs_fixture.h"

#include "kernel/vfs/fs/memfs.h"

#define GIB (1ull << 30)

uint64_t vfs_new_dev(struct vm *vm) { return 0x100 + vm->next_dev++; }

static void test_files(struct fixture *fx, struct fs *fs)
{
	struct stat st;
	char buf[16];
	check_rc(fx, fx_put(fx, fs, "f", "hello"), 0, "create and write");
	check_str(fx, fx_get(fx, fs, "f"), "hello", "read back");
	check_rc(fx, fx_lstat(fx, fs, "f", &st), 0, "lstat");
	check(fx, S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0644, "mode S_IFREG|0644");
	check(fx, st.st_size == 5 && st.st_nlink == 1 && st.st_uid == 1000, "size, nlink, owner");
	check(fx, st.st_dev == fs->dev && st.st_blksize == 4096 && st.st_blocks == 8,
	      "dev, blocks");
	fx_open(fx, fs, "f", O_RDWR | O_CREAT | O_EXCL, 0644);
	check_rc(fx, fx->rc, -EEXIST, "O_EXCL on an existing file");
	fx_open(fx, fs, "nope", O_RDONLY, 0);
	check_rc(fx, fx->rc, -ENOENT, "open a missing file");
	fx_open(fx, fs, "f/x", O_RDONLY | O_CREAT, 0644);
	check_rc(fx, fx->rc, -ENOTDIR, "a file as a directory");
	fx_open(fx, fs, "f", O_RDONLY | O_DIRECTORY, 0);
	check_rc(fx, fx->rc, -ENOTDIR, "O_DIRECTORY on a file");
	check_rc(fx, fs->ops->mkdir(&fx->task, fs, "d", 0755), 0, "mkdir");
	check_rc(fx, fs->ops->mkdir(&fx->task, fs, "d", 0755), -EEXIST, "mkdir again");
	fx_open(fx, fs, "d", O_WRONLY, 0);
	check_rc(fx, fx->rc, -EISDIR, "a directory for writing");
	struct file *w = fx_open(fx, fs, "f", O_WRONLY, 0);
	check_rc(fx, w ? w->ops->pread(w, buf, 1, 0) : 0, -EBADF, "pread on a write-only file");
	file_put(w);
	file_put(fx_open(fx, fs, "f", O_WRONLY | O_TRUNC, 0));
	check(fx, !fx_lstat(fx, fs, "f", &st) && st.st_size == 0, "O_TRUNC empties");
	struct file *p = fx_open(fx, fs, "d", O_PATH, 0);
	check(fx, p != NULL, "O_PATH on a directory");
	file_put(p);
}

static void test_sparse(struct fixture *fx, struct fs *fs)
{
	struct stat st;
	uint8_t buf[200000], got[200000];
	struct file *f = fx_open(fx, fs, "sparse", O_RDWR | O_CREAT, 0600);
	check_rc(fx, f->ops->pwrite(f, "x", 1, GIB), 1, "write 1 byte at 1 GiB");
	fx_lstat(fx, fs, "sparse", &st);
	check(fx, (uint64_t)st.st_size == GIB + 1 && st.st_blocks <= 16,
	      "size 1 GiB + 1, one page");
	memset(got, 1, 10);
	check(fx,
	      f->ops->pread(f, got, 10, GIB / 2) == 10 && !memcmp(got, "\0\0\0\0\0\0\0\0\0", 10),
	      "a hole reads as zeros");
	check(fx, f->ops->pread(f, got, 10, GIB) == 1 && got[0] == 'x', "the byte, then EOF");
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	check_rc(fx, f->ops->pwrite(f, buf, sizeof buf, 65000), sizeof buf, "write across chunks");
	check(fx,
	      f->ops->pread(f, got, sizeof got, 65000) == sizeof got &&
		      !memcmp(buf, got, sizeof buf),
	      "read across chunks");
	check_rc(fx, f->ops->truncate(f, 65010), 0, "ftruncate down");
	check_rc(fx, f->ops->truncate(f, 70000), 0, "ftruncate up");
	memset(got, 1, 100);
	f->ops->pread(f, got, 100, 65000);
	check(fx, !memcmp(got, buf, 10) && got[10] == 0 && got[99] == 0,
	      "the cut part reads as zeros");
	file_put(f);
}

/* A file's bytes in a host object from its first mapping on: the
 * descriptors and the object (what mappings map) see one another's bytes. */
static void test_hosted(struct fixture *fx, struct fs *fs)
{
	struct stat st;
	char got[16] = {0};
	struct file *f = fx_open(fx, fs, "mapped", O_RDWR | O_CREAT, 0600);
	f->ops->pwrite(f, "head", 4, 0);
	f->ops->pwrite(f, "far", 3, 300000);
	int fd = f->ops->map_host(f);
	check(fx, fd >= 0 && f->ops->map_host(f) == fd, "one host object, made once");
	check(fx, pread(fd, got, 4, 0) == 4 && !memcmp(got, "head", 4), "the object holds the bytes");
	check(fx, pread(fd, got, 3, 300000) == 3 && !memcmp(got, "far", 3), "and the far ones");
	check(fx, f->ops->pread(f, got, 4, 1000) == 4 && !memcmp(got, "\0\0\0\0", 4),
	      "a hole still reads as zeros");
	check(fx, pwrite(fd, "STORE", 5, 10) == 5 && f->ops->pread(f, got, 5, 10) == 5 &&
			  !memcmp(got, "STORE", 5),
	      "a store in the object is read through the file");
	check_rc(fx, f->ops->pwrite(f, "tail", 4, 300003), 4, "a write past the end");
	fx_lstat(fx, fs, "mapped", &st);
	check(fx, st.st_size == 300007 && fstat(fd, &st) == 0 && st.st_size == 300007,
	      "the file and the object grow together");
	check_rc(fx, f->ops->truncate(f, 12), 0, "ftruncate down");
	check_rc(fx, f->ops->truncate(f, 20), 0, "ftruncate up");
	check(fx, f->ops->pread(f, got, 10, 10) == 10 && !memcmp(got, "ST\0\0\0\0\0\0\0\0", 10),
	      "the cut part reads as zeros");
	fx_lstat(fx, fs, "mapped", &st);
	check(fx, st.st_size == 20 && st.st_blocks <= 16, "size and blocks of the object");
	file_put(f);
	struct file *dir = fx_open(fx, fs, "d", O_RDONLY, 0);
	check_rc(fx, dir ? dir->ops->map_host(dir) : 0, -ENODEV, "a directory has no bytes to map");
	file_put(dir);
}

static void test_readdir(struct fixture *fx, struct fs *fs)
{
	struct stat st, dst, root;
	struct vfs_dirent e;
	fs->ops->mkdir(&fx->task, fs, "rd", 0755);
	fx_put(fx, fs, "rd/a", "");
	fx_put(fx, fs, "rd/b", "");
	fx_put(fx, fs, "rd/c", "");
	fs->ops->mkdir(&fx->task, fs, "rd/sub", 0755);
	struct file *f = fx_open(fx, fs, "rd", O_RDONLY | O_DIRECTORY, 0);
	uint64_t pos = 0;
	fx_lstat(fx, fs, "rd", &dst);
	fx_lstat(fx, fs, "", &root);
	check(fx,
	      f->ops->readdir(&fx->task, f, &pos, &e) == 1 && !strcmp(e.name, ".") &&
		      e.ino == dst.st_ino && e.type == DT_DIR,
	      "first entry .");
	check(fx,
	      f->ops->readdir(&fx->task, f, &pos, &e) == 1 && !strcmp(e.name, "..") &&
		      e.ino == root.st_ino,
	      "then ..");
	fx_lstat(fx, fs, "rd/a", &st);
	check(fx,
	      f->ops->readdir(&fx->task, f, &pos, &e) == 1 && !strcmp(e.name, "a") &&
		      e.ino == st.st_ino && e.type == DT_REG,
	      "a, with its ino and DT_REG");
	fs->ops->unlink(&fx->task, fs, "rd/b");
	fx_put(fx, fs, "rd/e", "");
	check(fx, f->ops->readdir(&fx->task, f, &pos, &e) == 1 && !strcmp(e.name, "c"),
	      "after removing b: c, nothing skipped");
	check(fx,
	      f->ops->readdir(&fx->task, f, &pos, &e) == 1 && !strcmp(e.name, "sub") &&
		      e.type == DT_DIR,
	      "sub, DT_DIR");
	check(fx, f->ops->readdir(&fx->task, f, &pos, &e) == 1 && !strcmp(e.name, "e"),
	      "then the new entry");
	check_rc(fx, f->ops->readdir(&fx->task, f, &pos, &e), 0, "then the end");
	file_put(f);
	check(fx, dst.st_nlink == 3, "a directory's nlink counts its subdirectories");
	check_cookies(fx, fs, "rd", "every cookie resumes at its entry");
}

static void test_rename(struct fixture *fx, struct fs *fs)
{
	struct stat a, b, d;
	struct task *t = &fx->task;
	fs->ops->mkdir(t, fs, "r", 0755);
	fx_put(fx, fs, "r/one", "1");
	fx_put(fx, fs, "r/two", "2");
	fx_lstat(fx, fs, "r/one", &a);
	check_rc(fx, fs->ops->rename(t, fs, "r/one", "r/two", 0), 0, "rename over a file");
	fx_lstat(fx, fs, "r/two", &b);
	check(fx, a.st_ino == b.st_ino && fx_lstat(fx, fs, "r/one", &b) == -ENOENT,
	      "the file moved, its ino kept");
	fx_put(fx, fs, "r/three", "3");
	check_rc(fx, fs->ops->rename(t, fs, "r/two", "r/three", 1), -EEXIST, "RENAME_NOREPLACE");
	check_rc(fx, fs->ops->rename(t, fs, "r/two", "r/three", 2), 0, "RENAME_EXCHANGE");
	check_str(fx, fx_get(fx, fs, "r/three"), "1", "exchanged contents");
	check_rc(fx, fs->ops->rename(t, fs, "r/two", "r/none", 2), -ENOENT,
		 "exchange with nothing");
	fs->ops->mkdir(t, fs, "r/d1", 0755);
	fs->ops->mkdir(t, fs, "r/d1/in", 0755);
	fs->ops->mkdir(t, fs, "r/d2", 0755);
	fx_put(fx, fs, "r/d2/x", "");
	check_rc(fx, fs->ops->rename(t, fs, "r/d1", "r/d1/in/z", 0), -EINVAL,
		 "into its own subtree");
	check_rc(fx, fs->ops->rename(t, fs, "r/d1", "r/d2", 0), -ENOTEMPTY,
		 "over a full directory");
	check_rc(fx, fs->ops->rename(t, fs, "r/d1", "r/three", 0), -ENOTDIR,
		 "a directory over a file");
	check_rc(fx, fs->ops->rename(t, fs, "r/three", "r/d1", 0), -EISDIR,
		 "a file over a directory");
	fs->ops->mkdir(t, fs, "s", 0755);
	check_rc(fx, fs->ops->rename(t, fs, "r/d1", "s/d1", 0), 0, "a directory to another parent");
	fx_lstat(fx, fs, "r", &a);
	fx_lstat(fx, fs, "s", &b);
	fx_lstat(fx, fs, "s/d1", &d);
	check(fx, a.st_nlink == 3 && b.st_nlink == 3 && d.st_nlink == 3, "parents' nlink follow");
	struct file *f = fx_open(fx, fs, "s/d1", O_RDONLY, 0);
	struct vfs_dirent e;
	uint64_t pos = 1;
	check(fx, f->ops->readdir(t, f, &pos, &e) == 1 && e.ino == b.st_ino,
	      ".. is the new parent");
	file_put(f);
}

static void test_links(struct fixture *fx, struct fs *fs)
{
	struct stat st;
	struct task *t = &fx->task;
	char buf[8] = {0};
	fx_put(fx, fs, "l1", "data");
	check_rc(fx, fs->ops->link(t, fs, "l1", "l2"), 0, "link");
	check(fx, !fx_lstat(fx, fs, "l1", &st) && st.st_nlink == 2, "nlink 2");
	check_rc(fx, fs->ops->link(t, fs, "l1", "l2"), -EEXIST, "link over a name");
	check_rc(fx, fs->ops->link(t, fs, "d", "dl"), -EPERM, "link a directory");
	struct file *f = fx_open(fx, fs, "l1", O_RDWR, 0);
	fs->ops->unlink(t, fs, "l1");
	fs->ops->unlink(t, fs, "l2");
	check(fx, fx_lstat(fx, fs, "l1", &st) == -ENOENT, "both names gone");
	check(fx, f->ops->pread(f, buf, 4, 0) == 4 && !memcmp(buf, "data", 4), "read after unlink");
	check(fx, f->ops->pwrite(f, "more", 4, 4) == 4, "write after unlink");
	check(fx, !f->ops->stat(f, &st) && st.st_nlink == 0 && st.st_size == 8, "fstat: nlink 0");
	file_put(f); /* frees it: the sanitizer build would see a leak or a reuse */
	check_rc(fx, fs->ops->unlink(t, fs, "d"), -EISDIR, "unlink a directory");
	check_rc(fx, fs->ops->rmdir(t, fs, "f"), -ENOTDIR, "rmdir a file");
	check_rc(fx, fs->ops->rmdir(t, fs, "rd"), -ENOTEMPTY, "rmdir a full directory");
	fs->ops->mkdir(t, fs, "gone", 0755);
	f = fx_open(fx, fs, "gone", O_RDONLY, 0);
	check_rc(fx, fs->ops->rmdir(t, fs, "gone"), 0, "rmdir an open directory");
	uint64_t pos = 0;
	struct vfs_dirent e;
	check_rc(fx, f->ops->readdir(t, f, &pos, &e), -ENOENT, "readdir of a removed directory");
	file_put(f);
}

static void test_special(struct fixture *fx, struct fs *fs)
{
	struct stat st;
	char buf[64];
	struct task *t = &fx->task;
	check_rc(fx, fs->ops->symlink(t, fs, "target/x", "ln"), 0, "symlink");
	check_rc(fx, fs->ops->readlink(t, fs, "ln", buf, sizeof buf), 8, "readlink length");
	check_str(fx, buf, "target/x", "readlink text");
	check(fx, !fx_lstat(fx, fs, "ln", &st) && S_ISLNK(st.st_mode) && st.st_size == 8,
	      "lstat a link");
	check_rc(fx, fs->ops->readlink(t, fs, "f", buf, sizeof buf), -EINVAL, "readlink a file");
	fx_open(fx, fs, "ln", O_RDONLY | O_NOFOLLOW, 0);
	check_rc(fx, fx->rc, -ELOOP, "open a link itself");
	check_rc(fx, fs->ops->mknod(t, fs, "fifo", S_IFIFO | 0644, 0), 0, "mknod a FIFO");
	check(fx, !fx_lstat(fx, fs, "fifo", &st) && S_ISFIFO(st.st_mode), "lstat a FIFO");
	fx_open(fx, fs, "fifo", O_RDONLY, 0);
	check_rc(fx, fx->rc, -EOPNOTSUPP, "the caller opens FIFOs");
	check_rc(fx, fs->ops->mknod(t, fs, "null", S_IFCHR | 0666, 0x103), -EPERM,
		 "mknod a device");
	fx_as(fx, 0, 0);
	check_rc(fx, fs->ops->mknod(t, fs, "null", S_IFCHR | 0666, 0x103), 0, "root may");
	check(fx, !fx_lstat(fx, fs, "null", &st) && S_ISCHR(st.st_mode) && st.st_rdev == 0x103,
	      "st_rdev");
	fx_as(fx, 1000, 1000);
}

static void test_permissions(struct fixture *fx, struct fs *fs)
{
	struct task *t = &fx->task;
	struct stat st;
	fx_as(fx, 0, 0);
	fs->ops->mkdir(t, fs, "root", 0755);
	fx_put(fx, fs, "root/secret", "s");
	fs->ops->chmod(t, fs, "root/secret", 0600);
	fs->ops->mkdir(t, fs, "root/closed", 0700);
	fx_put(fx, fs, "root/closed/x", "");
	fs->ops->mkdir(t, fs, "tmp", 01777);
	fx_put(fx, fs, "none", "");
	fs->ops->chmod(t, fs, "none", 0);
	file_put(fx_open(fx, fs, "none", O_RDWR, 0));
	check_rc(fx, fx->rc, 0, "root reads and writes mode 0");
	check_rc(fx, fs->ops->access(t, fs, "none", X_OK), -EACCES, "root: x needs an x bit");
	fs->ops->chmod(t, fs, "none", 0100);
	check_rc(fx, fs->ops->access(t, fs, "none", X_OK), 0, "root: any x bit will do");
	fx_as(fx, 1000, 1000);
	fx_open(fx, fs, "root/secret", O_RDONLY, 0);
	check_rc(fx, fx->rc, -EACCES, "open another's 0600 file");
	check_rc(fx, fs->ops->access(t, fs, "root/secret", R_OK), -EACCES, "access R_OK");
	check_rc(fx, fs->ops->access(t, fs, "root/secret", F_OK), 0, "access F_OK");
	check_rc(fx, fx_put(fx, fs, "root/new", ""), -EACCES, "create in another's 0755 dir");
	check_rc(fx, fx_lstat(fx, fs, "root/closed/x", &st), -EACCES, "search a 0700 dir");
	check_rc(fx, fs->ops->chmod(t, fs, "root/secret", 0666), -EPERM, "chmod another's file");
	fx_put(fx, fs, "tmp/mine", "");
	check_rc(fx, fs->ops->chown(t, fs, "tmp/mine", 0, (uint32_t)-1), -EPERM,
		 "give a file away");
	check_rc(fx, fs->ops->chown(t, fs, "tmp/mine", (uint32_t)-1, 1000), 0,
		 "chown to own group");
	fx_as(fx, 1001, 1001);
	check_rc(fx, fs->ops->unlink(t, fs, "tmp/mine"), -EPERM, "sticky: not another's file");
	check_rc(fx, fs->ops->utimens(t, fs, "tmp/mine", NULL), -EACCES, "touch without write");
	fx_as(fx, 1000, 1000);
	check_rc(fx, fs->ops->unlink(t, fs, "tmp/mine"), 0, "sticky: one's own file");
}

static void test_times(struct fixture *fx, struct fs *fs)
{
	struct stat st, dir;
	struct task *t = &fx->task;
	const int64_t base = fx->vm.opt.epoch;
	fs->ops->mkdir(t, fs, "tm", 0755);
	fx->vm.icount = 1000;
	struct file *f = fx_open(fx, fs, "tm/f", O_RDWR | O_CREAT, 0644);
	fx_lstat(fx, fs, "tm/f", &st);
	fx_lstat(fx, fs, "tm", &dir);
	check(fx,
	      st.st_mtim.tv_sec == base && st.st_mtim.tv_nsec == 1000 && st.st_atim.tv_nsec == 1000,
	      "created at the virtual time");
	check(fx, dir.st_mtim.tv_nsec == 1000 && dir.st_ctim.tv_nsec == 1000,
	      "the dir changed too");
	fx->vm.icount = 2000;
	f->ops->pwrite(f, "x", 1, 0);
	fx_lstat(fx, fs, "tm/f", &st);
	check(fx,
	      st.st_mtim.tv_nsec == 2000 && st.st_ctim.tv_nsec == 2000 &&
		      st.st_atim.tv_nsec == 1000,
	      "write: mtime and ctime");
	fx->vm.icount = 3000;
	fs->ops->chmod(t, fs, "tm/f", 0600);
	fx_lstat(fx, fs, "tm/f", &st);
	check(fx, st.st_mtim.tv_nsec == 2000 && st.st_ctim.tv_nsec == 3000, "chmod: ctime only");
	const struct timespec ts[2] = {{100, 5}, {200, UTIME_OMIT}};
	fs->ops->utimens(t, fs, "tm/f", ts);
	fx_lstat(fx, fs, "tm/f", &st);
	check(fx, st.st_atim.tv_sec == 100 && st.st_atim.tv_nsec == 5 && st.st_mtim.tv_nsec == 2000,
	      "utimens with UTIME_OMIT");
	fx->vm.icount = 4000;
	fs->ops->link(t, fs, "tm/f", "tm/g");
	fx_lstat(fx, fs, "tm/f", &st);
	fx_lstat(fx, fs, "tm", &dir);
	check(fx, st.st_ctim.tv_nsec == 4000 && dir.st_mtim.tv_nsec == 4000,
	      "link: ctime, dir mtime");
	file_put(f);
}

int main(void)
{
	struct fixture fx;
	fx_init(&fx);
	fx_as(&fx, 1000, 1000);
	struct fs *fs = memfs_create(&fx.vm);
	check(&fx, fs && !strcmp(fs->type, "memfs") && fs->dev == 0x100, "memfs_create");
	test_files(&fx, fs);
	test_sparse(&fx, fs);
	test_hosted(&fx, fs);
	test_readdir(&fx, fs);
	test_rename(&fx, fs);
	test_links(&fx, fs);
	test_special(&fx, fs);
	test_permissions(&fx, fs);
	test_times(&fx, fs);
	struct file *open_at_unmount = fx_open(&fx, fs, "f", O_RDONLY, 0);
	fs->ops->destroy(fs);
	file_put(open_at_unmount); /* the last release frees what was left */
	printf("%d failed\n", fx.failures);
	return fx.failures != 0;
}
