/* Code rewritten through another mapping of the same shared memory runs
 * as rewritten, as on x86, whose instruction fetch sees every store: a
 * memfd mapped writable at one address and executable at another (the
 * double mapping JITs use for W^X), a third view mapped after the code
 * ran, read(2) into the writable view, and a shared anonymous page that a
 * forked child rewrites. The code is return_code.h's. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "return_code.h"

static void two_views(void)
{
	int fd = (int)syscall(SYS_memfd_create, "code", 0);
	if (fd < 0 || ftruncate(fd, 4096)) {
		printf("memfd: unavailable\n");
		return;
	}
	unsigned char *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	unsigned char *x = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	fn run = (fn)(void *)(x + 64);
	int got[4];
	for (int k = 0; k < 4; k++) {
		put_code(w + 64, 100 + k);
		got[k] = run();
	}
	printf("rewritten through the writable view: %d %d %d %d\n", got[0], got[1], got[2], got[3]);

	unsigned char *later = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	put_code(later + 64, 200);
	printf("through a view mapped after the code ran: %d\n", run());

	int p[2];
	unsigned char code[RETURN_CODE_LEN];
	put_code(code, 300);
	if (pipe(p) == 0 && write(p[1], code, sizeof code) == (ssize_t)sizeof code &&
	    read(p[0], w + 64, sizeof code) == (ssize_t)sizeof code)
		printf("read(2) into the writable view: %d\n", run());
	close(p[0]);
	close(p[1]);
	put_code(w + 64, 400);
	printf("a store after all that: %d\n", run());
	munmap(later, 4096);
	munmap(w, 4096);
	munmap(x, 4096);
	close(fd);
}

static void forked_writer(void)
{
	unsigned char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	fn run = (fn)(void *)page;
	put_code(page, 10);
	int before = run();
	pid_t pid = fork();
	if (pid == 0) {
		int child_saw = run();
		put_code(page, 20);
		_exit(child_saw == 10 && run() == 20 ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	printf("shared page: %d before, %d after the child rewrote it (child ok: %s)\n", before,
	       run(), WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "yes" : "no");
	put_code(page, 30);
	pid = fork();
	if (pid == 0)
		_exit(run() == 30 ? 0 : 1);
	waitpid(pid, &status, 0);
	printf("a child sees the parent's rewrite: %s\n",
	       WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "yes" : "no");
	munmap(page, 4096);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	two_views();
	forked_writer();
	return 0;
}
