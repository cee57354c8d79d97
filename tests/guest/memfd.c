/* memfd_create: the name and flag rules, what fstat, fcntl and /proc/self/fd
 * say of one, reads, writes, seeks and truncation, MAP_PRIVATE and MAP_SHARED
 * mappings (two in one process, and a parent and its child after fork, each
 * seeing the other's stores and write()s), mremap of a shared mapping, a
 * page past the end (SIGBUS), every seal with its errors (EPERM, EBUSY while
 * a shared mapping may write), fallocate, a second description opened
 * through /proc/self/fd, and a memfd passed to another process by
 * SCM_RIGHTS. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scm_util.h"

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x8u
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x10u
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x20
#endif
#define PAGE 4096

static int mfd(const char *name, unsigned flags)
{
	return (int)syscall(SYS_memfd_create, name, flags);
}

static const char *res(long r) { return r < 0 ? strerror(errno) : "ok"; }

static void show(const char *what, long r) { printf("%-40s %s\n", what, res(r)); }

static void names_and_flags(void)
{
	char name[300];
	memset(name, 'n', sizeof name);
	name[249] = 0;
	int fd = mfd(name, 0);
	show("a 249-byte name", fd);
	close(fd);
	name[249] = 'n';
	name[250] = 0;
	show("a 250-byte name", mfd(name, 0));
	show("an empty name", fd = mfd("", 0));
	close(fd);
	show("a name with a slash", fd = mfd("a/b", 0));
	close(fd);
	show("a NULL name", mfd(NULL, 0));
	show("flag 0x20", mfd("x", 0x20));
	show("flag 0x80000000", mfd("x", 0x80000000u));
	show("MFD_EXEC|MFD_NOEXEC_SEAL", mfd("x", MFD_EXEC | MFD_NOEXEC_SEAL));
	show("a bad name and a bad flag", mfd((const char *)8, 0x40));
}

static void link_of(int fd, char *out, size_t size)
{
	char p[64];
	snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(p, out, size - 1);
	out[n > 0 ? n : 0] = 0;
}

static void describe(void)
{
	struct stat st;
	char link[300];
	int fd = mfd("first one", MFD_CLOEXEC);
	fstat(fd, &st);
	printf("regular %d mode %o nlink %ld size %ld blksize %ld own %d\n", S_ISREG(st.st_mode),
	       (unsigned)(st.st_mode & 07777), (long)st.st_nlink, (long)st.st_size,
	       (long)st.st_blksize, st.st_uid == geteuid() && st.st_gid == getegid());
	printf("F_GETFL %#x F_GETFD %d F_GET_SEALS %#x\n", fcntl(fd, F_GETFL), fcntl(fd, F_GETFD),
	       fcntl(fd, F_GET_SEALS));
	link_of(fd, link, sizeof link);
	printf("link %s\n", link);
	struct stat a, b;
	int other = mfd("second", 0);
	fstat(fd, &a);
	fstat(other, &b);
	printf("two memfds: same device %d, other inodes %d\n", a.st_dev == b.st_dev,
	       a.st_ino != b.st_ino);
	close(other);
	int ns = mfd("sealing", MFD_ALLOW_SEALING), nx = mfd("noexec", MFD_NOEXEC_SEAL),
	    ex = mfd("exec", MFD_EXEC);
	fstat(nx, &st);
	printf("ALLOW_SEALING seals %#x; NOEXEC_SEAL mode %o seals %#x; ", fcntl(ns, F_GET_SEALS),
	       (unsigned)(st.st_mode & 07777), fcntl(nx, F_GET_SEALS));
	fstat(ex, &st);
	printf("EXEC mode %o seals %#x\n", (unsigned)(st.st_mode & 07777), fcntl(ex, F_GET_SEALS));
	show("fchmod a NOEXEC_SEAL one 0755", fchmod(nx, 0755));
	show("fchmod a NOEXEC_SEAL one 0640", fchmod(nx, 0640));
	fstat(nx, &st);
	printf("mode now %o\n", (unsigned)(st.st_mode & 07777));
	show("F_SEAL_EXEC on an EXEC one (sealed)", fcntl(ex, F_ADD_SEALS, F_SEAL_EXEC));
	show("F_SEAL_EXEC on an executable one", fcntl(ns, F_ADD_SEALS, F_SEAL_EXEC));
	printf("which seals it then: %#x\n", fcntl(ns, F_GET_SEALS));
	show("fsync", fsync(fd));
	show("F_GET_SEALS of a pipe", ({
		     int p[2];
		     pipe(p);
		     long r = fcntl(p[0], F_GET_SEALS);
		     close(p[0]);
		     close(p[1]);
		     r;
	     }));
	close(fd);
	close(ns);
	close(nx);
	close(ex);
}

static void io(void)
{
	char buf[64] = {0};
	struct stat st;
	int fd = mfd("io", 0);
	printf("write %zd ", write(fd, "hello, memfd", 12));
	printf("lseek end %ld ", (long)lseek(fd, 0, SEEK_END));
	printf("set %ld ", (long)lseek(fd, 7, SEEK_SET));
	printf("read %zd '%s'\n", read(fd, buf, sizeof buf), buf);
	printf("pwrite %zd ", pwrite(fd, "XY", 2, 20));
	printf("pread %zd ", pread(fd, buf, sizeof buf, 10));
	printf("hole bytes %d %d; '%.2s'\n", buf[2], buf[9], buf + 10);
	show("ftruncate 5", ftruncate(fd, 5));
	memset(buf, 0, sizeof buf);
	printf("after it: read from 0 %zd '%s' ", pread(fd, buf, sizeof buf, 0), buf);
	fstat(fd, &st);
	printf("size %ld pos %ld\n", (long)st.st_size, (long)lseek(fd, 0, SEEK_CUR));
	show("ftruncate -1", ftruncate(fd, -1));
	show("fallocate 10000 bytes", fallocate(fd, 0, 0, 10000));
	fstat(fd, &st);
	printf("size %ld\n", (long)st.st_size);
	show("fallocate KEEP_SIZE past the end", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 50000));
	pwrite(fd, "zzzz", 4, 100);
	show("punch a hole", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, PAGE));
	fstat(fd, &st);
	pread(fd, buf, 4, 100);
	printf("size %ld, punched bytes %d %d\n", (long)st.st_size, buf[0], buf[3]);
	show("fallocate COLLAPSE_RANGE", fallocate(fd, 0x08, 0, PAGE));
	int ro;
	char p[64];
	snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
	ro = open(p, O_RDONLY);
	printf("reopened read-only: offset %ld ", (long)lseek(ro, 0, SEEK_CUR));
	printf("(the first's %ld), ", (long)lseek(fd, 0, SEEK_CUR));
	printf("write %s, ", res(write(ro, "a", 1)));
	printf("pread %zd\n", pread(ro, buf, 4, 100));
	close(ro);
	close(fd);
}

static void mappings(void)
{
	int fd = mfd("maps", 0);
	ftruncate(fd, 2 * PAGE);
	char *a = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *b = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	p[0] = p[PAGE] = 'p'; /* its own pages now (hexvm's are its own from the start) */
	strcpy(a + 100, "through the first mapping");
	printf("second mapping: '%s'\n", b + 100);
	char buf[32] = {0};
	pread(fd, buf, 25, 100);
	printf("read: '%s'\n", buf);
	pwrite(fd, "written", 7, PAGE + 5);
	printf("mappings after a write: '%s' '%s'\n", a + PAGE + 5, b + PAGE + 5);
	strcpy(p + 200, "private");
	memset(buf, 0, sizeof buf);
	pread(fd, buf, 7, 200);
	printf("a private store reaches the file: %d; the shared mapping sees it: %d\n",
	       !strcmp(buf, "private"), !strcmp(a + 200, "private"));
	ftruncate(fd, 4 * PAGE);
	char *grown = mremap(a, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE);
	grown[3 * PAGE] = 'G';
	pread(fd, buf, 1, 3 * PAGE);
	printf("mremap grown: moved data '%s', a store past the old end reaches the file: %d\n",
	       grown + 100, buf[0] == 'G');
	show("mprotect the read-only one writable", mprotect(b, 2 * PAGE, PROT_READ | PROT_WRITE));
	munmap(grown, 4 * PAGE);
	munmap(b, 2 * PAGE);
	munmap(p, 2 * PAGE);
	close(fd);
}

static sigjmp_buf bus_jump;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	printf("signal %d code %d\n", sig, si->si_code);
	siglongjmp(bus_jump, 1);
}

static void past_the_end(void)
{
	struct sigaction sa = {.sa_sigaction = on_bus, .sa_flags = SA_SIGINFO};
	sigaction(SIGBUS, &sa, NULL);
	int fd = mfd("short", 0);
	ftruncate(fd, 100);
	volatile char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	m[4000] = 1;
	printf("inside the last page: fine; ");
	if (!sigsetjmp(bus_jump, 1)) {
		m[PAGE + 1] = 1;
		printf("past it: no signal\n");
	}
	munmap((void *)m, 2 * PAGE);
	close(fd);
	signal(SIGBUS, SIG_DFL);
}

static void seals(void)
{
	int fd = mfd("seals", MFD_ALLOW_SEALING);
	ftruncate(fd, 10000);
	show("F_SEAL_SHRINK", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
	show("  truncate smaller", ftruncate(fd, 100));
	show("  truncate larger", ftruncate(fd, 20000));
	show("F_SEAL_GROW", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW));
	show("  truncate larger", ftruncate(fd, 30000));
	show("  truncate to the same size", ftruncate(fd, 20000));
	show("  write past the end", pwrite(fd, "x", 1, 20000));
	show("  write across the end", pwrite(fd, "xyz", 3, 19999));
	printf("  write across pages to past the end: %zd\n",
	       pwrite(fd, (char[8192]){0}, 8192, 16384));
	show("  write inside", pwrite(fd, "x", 1, 0));
	show("  fallocate past the end", fallocate(fd, 0, 0, 40000));
	char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	show("F_SEAL_WRITE while mapped shared", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	munmap(m, PAGE);
	m = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	show("  ... mapped shared, read-only", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	munmap(m, PAGE);
	m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	show("  ... mapped private", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
	printf("seals %#x\n", fcntl(fd, F_GET_SEALS));
	show("  write", write(fd, "a", 1));
	show("  ftruncate to the same size", ftruncate(fd, 20000));
	show("  map shared writable", mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ==
						MAP_FAILED ? -1 : 0);
	char *ro = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	show("  map shared read-only", ro == MAP_FAILED ? -1 : 0);
	show("  mprotect it writable", mprotect(ro, PAGE, PROT_READ | PROT_WRITE));
	show("  punch a hole", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, PAGE));
	m[5] = 'p'; /* a private copy */
	show("an unknown seal", fcntl(fd, F_ADD_SEALS, 0x100));
	show("F_SEAL_SEAL", fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL));
	show("  then F_SEAL_SHRINK", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK));
	show("  then no seal at all", fcntl(fd, F_ADD_SEALS, 0));
	printf("seals %#x\n", fcntl(fd, F_GET_SEALS));
	close(fd);
	int plain = mfd("plain", 0);
	show("a seal without ALLOW_SEALING", fcntl(plain, F_ADD_SEALS, F_SEAL_GROW));
	close(plain);

	fd = mfd("future", MFD_ALLOW_SEALING);
	ftruncate(fd, PAGE);
	m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	show("F_SEAL_FUTURE_WRITE while mapped", fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE));
	m[0] = 'q';
	char c = 0;
	pread(fd, &c, 1, 0);
	printf("  the old mapping still writes: %c\n", c);
	show("  write", write(fd, "a", 1));
	show("  map shared writable", mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ==
						MAP_FAILED ? -1 : 0);
	ro = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	show("  mprotect a read-only one writable", mprotect(ro, PAGE, PROT_READ | PROT_WRITE));
	show("  truncate", ftruncate(fd, 100));
	char p[64];
	snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
	int rd = open(p, O_RDONLY);
	printf("reopened: seals %#x\n", fcntl(rd, F_GET_SEALS));
	show("  a seal through a read-only description", fcntl(rd, F_ADD_SEALS, F_SEAL_GROW));
	show("  map it shared writable", mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, rd,
					      0) == MAP_FAILED ? -1 : 0);
	close(rd);
	close(fd);
}

static void wait_child(pid_t pid)
{
	int status;
	waitpid(pid, &status, 0);
	printf("child: exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void token(int fd) { (void)!write(fd, "t", 1); }

static void await(int fd)
{
	char c;
	(void)!read(fd, &c, 1);
}

/* A parent and its child, each with its own shared mapping made before
 * fork, take turns: a store or a write() of one shows to the other. */
static void across_fork(void)
{
	int fd = mfd("forked", 0), to_child[2], to_parent[2];
	ftruncate(fd, PAGE);
	volatile char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	pipe(to_child);
	pipe(to_parent);
	pid_t pid = fork();
	if (pid == 0) {
		for (int round = 0; round < 4; round++) {
			await(to_child[0]);
			m[round] = (char)('a' + m[round + 8]);
			pwrite(fd, "w", 1, 16 + round);
			token(to_parent[1]);
		}
		await(to_child[0]);
		_exit(m[20] == 'P' ? 3 : 4);
	}
	for (int round = 0; round < 4; round++) {
		m[round + 8] = (char)round;
		token(to_child[1]);
		await(to_parent[0]);
		printf("round %d: the child stored '%c', wrote '%c'\n", round, m[round], m[16 + round]);
	}
	m[20] = 'P';
	token(to_child[1]);
	wait_child(pid);
	munmap((void *)m, PAGE);
	close(fd);
}

/* The child gets a memfd made after the fork, maps it and writes through
 * the mapping, and seals it: the parent sees both. */
static void passed(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = scm_recv_fd(sv[1]);
		char link[300];
		link_of(fd, link, sizeof link);
		char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		strcpy(m, "from the child");
		munmap(m, PAGE);
		int rc = fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SEAL);
		token(sv[1]);
		_exit(rc == 0 && !strcmp(link, "/memfd:passed (deleted)") ? 5 : 6);
	}
	int fd = mfd("passed", MFD_ALLOW_SEALING);
	ftruncate(fd, PAGE);
	scm_send_fd(sv[0], fd);
	await(sv[0]);
	char buf[20] = {0};
	pread(fd, buf, 14, 0);
	printf("passed by SCM_RIGHTS: '%s', seals %#x\n", buf, fcntl(fd, F_GET_SEALS));
	wait_child(pid);
	close(fd);
}

/* Run from a memfd or by descriptor: what this image was given. */
static int report(void)
{
	char comm[32] = {0}, exe[300] = {0};
	FILE *f = fopen("/proc/self/comm", "r");
	if (f) {
		if (!fgets(comm, sizeof comm, f))
			comm[0] = 0;
		fclose(f);
	}
	comm[strcspn(comm, "\n")] = 0;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = 0;
	const char *base = strrchr(exe, '/');
	char execfn[64];
	snprintf(execfn, sizeof execfn, "%s", (const char *)getauxval(AT_EXECFN));
	for (char *p = comm; *p; p++) /* (descriptor numbers depend on what the runner left open) */
		*p = *p >= '0' && *p <= '9' ? 'N' : *p;
	for (char *p = execfn; *p; p++)
		*p = *p >= '0' && *p <= '9' ? 'N' : *p;
	printf("  comm %s, AT_EXECFN %s, exe %s\n", comm, execfn,
	       !strncmp(exe, "/memfd:", 7) ? exe : base ? base + 1 : exe);
	return 0;
}

static void run_child(int how, int fd, char *const args[])
{
	extern char **environ;
	char path[64];
	pid_t pid = fork();
	if (pid == 0) {
		if (how == 0)
			fexecve(fd, args, environ);
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		if (how == 1)
			execve(path, args, environ);
		if (how == 2)
			syscall(SYS_execveat, fd, "", args, environ, AT_EMPTY_PATH);
		if (how == 3)
			syscall(SYS_execveat, fd, "", args, environ, 0);
		printf("  exec %d: %s\n", how, strerror(errno));
		_exit(1);
	}
	wait_child(pid);
}

static void exec_from(void)
{
	char buf[65536];
	ssize_t n;
	int self = open("/proc/self/exe", O_RDONLY), m = mfd("image", MFD_CLOEXEC);
	while ((n = read(self, buf, sizeof buf)) > 0)
		write(m, buf, (size_t)n);
	char *args[] = {"from-a-descriptor", "report", NULL};
	printf("fexecve of a memfd:\n");
	run_child(0, m, args);
	printf("execve of /proc/self/fd/N:\n");
	run_child(1, m, args);
	printf("execveat(fd, \"\", AT_EMPTY_PATH) of the program file:\n");
	run_child(2, self, args);
	printf("execveat(fd, \"\", 0):\n");
	run_child(3, self, args);
	int plain = mfd("not executable", MFD_NOEXEC_SEAL);
	write(plain, buf, 64);
	printf("fexecve of a memfd without x bits:\n");
	run_child(0, plain, args);
	close(plain);
	close(self);
	close(m);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1 && !strcmp(argv[1], "report"))
		return report();
	names_and_flags();
	describe();
	io();
	mappings();
	past_the_end();
	seals();
	across_fork();
	passed();
	exec_from();
	return 0;
}
