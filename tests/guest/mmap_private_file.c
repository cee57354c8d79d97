/* MAP_PRIVATE mappings of a file, as Linux makes them: a page the process has not
 * written shows what the file holds now (after write, pwrite, a store through a
 * MAP_SHARED mapping, ftruncate); a page it wrote is its own copy, which the file never
 * sees; MADV_DONTNEED drops the copy and the file's page shows again; mremap grown in
 * place or moved shows the file's following pages; a page wholly past the end of the
 * file raises SIGBUS, the rest of the last page reads as zeros; a forked child sees the
 * parent's copies and, in the pages neither wrote, the file as it is; mprotect keeps
 * all of that; code run from such a mapping is the file's new code after a pwrite, write
 * or pwritev (hexvm must drop what it decoded or translated of the old). The same for a memfd. The file is left in the working directory.
 *
 * Also run by the snapshot suite at many points, with the argument "slow" (work between
 * the steps); a restore makes a private mapping of a memfd a copy (docs/snapshot-format.md),
 * so that run leaves the memfd out. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define FILE_NAME "private.dat"
#define PAGE	  4096
#define PAGES	  6

static sigjmp_buf back;
static volatile int faults;
static int slow;

static void work(void)
{
	volatile unsigned long x = 0;
	for (unsigned long k = 0; slow && k < 100000; k++)
		x += k ^ (x >> 3);
}

static void on_fault(int sig)
{
	faults++;
	siglongjmp(back, sig);
}

/* The byte at p, or -SIG when reading it raises SIG. */
static int peek(const volatile char *p)
{
	int sig = sigsetjmp(back, 1);
	if (sig)
		return -sig;
	return (unsigned char)*p;
}

static void put(int fd, off_t at, const char *s)
{
	if (pwrite(fd, s, strlen(s), at) != (ssize_t)strlen(s))
		printf("pwrite at %ld failed\n", (long)at);
}

/* Page k of a fresh file holds 'A' + k at every byte. */
static int make_file(void)
{
	char page[PAGE];
	int fd = open(FILE_NAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
	for (int k = 0; k < PAGES; k++) {
		memset(page, 'A' + k, PAGE);
		if (write(fd, page, PAGE) != PAGE)
			printf("write failed\n");
	}
	return fd;
}

static void show(const char *what, const char *p)
{
	printf("%-44s %.8s\n", what, p);
	work();
}

static void later_writes(int fd)
{
	char *p = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *s = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	show("page 0 as mapped", p);
	put(fd, 0, "pwrite0!");
	show("page 0 after pwrite", p);
	memcpy(p + PAGE, "mine-1..", 8);
	put(fd, PAGE, "pwrite1!");
	show("page 1 written, then pwrite", p + PAGE);
	memcpy(s + 2 * PAGE, "shared-2", 8);
	show("page 2 after a store through MAP_SHARED", p + 2 * PAGE);
	lseek(fd, 3 * PAGE, SEEK_SET);
	if (write(fd, "write-3!", 8) != 8)
		printf("write failed\n");
	show("page 3 after write", p + 3 * PAGE);
	char got[9] = {0};
	if (pread(fd, got, 8, PAGE) != 8)
		printf("pread failed\n");
	printf("the file's page 1 is still %s\n", got);
	madvise(p + PAGE, PAGE, MADV_DONTNEED);
	show("page 1 after MADV_DONTNEED", p + PAGE);
	mprotect(p, PAGES * PAGE, PROT_READ);
	put(fd, 4 * PAGE, "prot-r-4");
	show("page 4 read-only, after pwrite", p + 4 * PAGE);
	mprotect(p, PAGES * PAGE, PROT_READ | PROT_WRITE);
	memcpy(p + 4 * PAGE, "mine-4..", 8);
	put(fd, 4 * PAGE, "again-4!");
	show("page 4 writable again, written, pwrite", p + 4 * PAGE);
	munmap(s, PAGES * PAGE);
	munmap(p, PAGES * PAGE);
}

static void grow_and_move(int fd)
{
	char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	munmap(p + PAGE, 3 * PAGE);
	p[0] = '0';
	char *q = mremap(p, PAGE, 3 * PAGE, 0);
	printf("grown in place: %s\n", q == p ? "yes" : "no");
	show("  its first page", q);
	show("  its third page", q + 2 * PAGE);
	put(fd, 2 * PAGE + 8, "grown-2!");
	show("  its third page after pwrite", q + 2 * PAGE + 8);
	char *to = mmap(NULL, 5 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *r = mremap(q, 3 * PAGE, 5 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	printf("moved where asked: %s\n", r == to ? "yes" : "no");
	show("moved: its first page", r);
	put(fd, PAGE + 16, "moved-1!");
	show("  its second page after pwrite", r + PAGE + 16);
	show("  its fifth page", r + 4 * PAGE);
	munmap(r, 5 * PAGE);
}

static void past_the_end(int fd)
{
	if (ftruncate(fd, PAGE + 100))
		printf("ftruncate failed\n");
	work();
	char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	printf("last file byte %c, then %d, end of its page %d, next page %d\n", p[PAGE + 99],
	       peek(p + PAGE + 100), peek(p + 2 * PAGE - 1), peek(p + 2 * PAGE));
	p[PAGE + 200] = 'x';
	work();
	if (ftruncate(fd, 3 * PAGE))
		printf("ftruncate failed\n");
	put(fd, 2 * PAGE, "grew-2..");
	printf("after growing the file: page 2 %d, byte 200 of page 1 %c, byte 100 %d\n",
	       peek(p + 2 * PAGE), p[PAGE + 200], peek(p + PAGE + 100));
	work();
	if (ftruncate(fd, 100))
		printf("ftruncate failed\n");
	work();
	printf("after shrinking it: page 0 %d, page 1 %d\n", peek(p), peek(p + PAGE));
	printf("faults %d\n", faults);
	munmap(p, 3 * PAGE);
	if (ftruncate(fd, PAGES * PAGE))
		printf("ftruncate failed\n");
}

static void forked(int fd)
{
	int token[2];
	char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	memcpy(p, "parent-0", 8);
	if (pipe(token))
		printf("pipe failed\n");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		show("child: page 0", p);
		if (read(token[0], &c, 1) != 1)
			_exit(3);
		show("child: page 1 after the parent's pwrite", p + PAGE);
		memcpy(p + 2 * PAGE, "child-2.", 8);
		fflush(stdout);
		_exit(0);
	}
	memcpy(p, "parent-1", 8);
	put(fd, PAGE, "after-f1");
	if (write(token[1], "t", 1) != 1)
		printf("write failed\n");
	int status;
	waitpid(pid, &status, 0);
	show("parent: page 0", p);
	show("parent: page 2", p + 2 * PAGE);
	munmap(p, 3 * PAGE);
}

typedef int (*code_fn)(void);

/* mov eax, VALUE; ret: the same bytes for i386 and x86-64 */
static void put_code(int fd, int how, int value)
{
	unsigned char code[6] = {0xb8, (unsigned char)value, 0, 0, 0, 0xc3};
	struct iovec iov = {code, sizeof code};
	ssize_t n = how == 0   ? pwrite(fd, code, sizeof code, 0)
		    : how == 1 ? (lseek(fd, 0, SEEK_SET), write(fd, code, sizeof code))
			       : pwritev(fd, &iov, 1, 0);
	if (n != sizeof code)
		printf("code write failed\n");
}

/* Runs the code often enough for a translator to take it up. */
static int run_code(code_fn f)
{
	int sum = 0;
	for (int k = 0; k < 100; k++)
		sum += f();
	return sum;
}

static void code_follows_file(void)
{
	int fd = open("code.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
	put_code(fd, 0, 1);
	if (ftruncate(fd, PAGE))
		printf("ftruncate failed\n");
	void *p = mmap(NULL, PAGE, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	code_fn f;
	memcpy(&f, &p, sizeof f);
	printf("code from the file: %d", run_code(f));
	for (int how = 0; how < 3; how++) {
		put_code(fd, how, 2 + how);
		printf(", rewritten %d", run_code(f));
	}
	printf("\n");
	munmap(p, PAGE);
	close(fd);
}

static void memfd(void)
{
	int fd = (int)syscall(SYS_memfd_create, "priv", 0);
	if (ftruncate(fd, 2 * PAGE))
		printf("ftruncate failed\n");
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	put(fd, 0, "memfd-0!");
	p[PAGE] = 'w';
	put(fd, PAGE, "memfd-1!");
	printf("memfd: page 0 %.8s, page 1 starts %c\n", p, p[0 + PAGE]);
	madvise(p + PAGE, PAGE, MADV_DONTNEED);
	printf("memfd: page 1 after MADV_DONTNEED %.8s\n", p + PAGE);
	munmap(p, 2 * PAGE);
	close(fd);
}

int main(int argc, char **argv)
{
	slow = argc > 1 && !strcmp(argv[1], "slow");
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fault;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	int fd = make_file();
	later_writes(fd);
	grow_and_move(fd);
	past_the_end(fd);
	forked(fd);
	code_follows_file();
	if (!slow)
		memfd();
	close(fd);
	return 0;
}
