/* The pages of the program's own file: read-only data and initialized data that
 * nothing touched before a fork, read first by the child, written by it, read
 * again by the parent (which must still see the file's bytes), and pages of both
 * read only after a large allocation and after the child is gone. hexvm maps these
 * segments from the host file and reads in only the pages touched, so its
 * copy-on-write and its zero-page shortcuts must take an untouched page of them
 * for the file's, not for zeros.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define WORDS (64 * 1024) /* 256 KiB each: 64 pages */

/* Distinct words at the start of every page (the rest stays zero), so that any
 * page read as zeros or from the wrong place shows. */
#define W(k)      (0x9e3779b9u * (uint32_t)(k) + 0x7f4a7c15u)
#define W4(k)     W(k), W(k + 1), W(k + 2), W(k + 3)
#define W16(k)    W4(k), W4(k + 4), W4(k + 8), W4(k + 12)
#define PAGE(k)   [(k) * 1024] = W16((k) * 1024 + SALT)
#define PAGES8(k) PAGE(k), PAGE(k + 1), PAGE(k + 2), PAGE(k + 3), PAGE(k + 4), PAGE(k + 5), \
		  PAGE(k + 6), PAGE(k + 7)
#define PAGES64                                                                          \
	PAGES8(0), PAGES8(8), PAGES8(16), PAGES8(24), PAGES8(32), PAGES8(40), PAGES8(48), \
		PAGES8(56)

#define SALT 0
static const uint32_t rodata[WORDS] = {PAGES64};
#undef SALT
#define SALT 77
static uint32_t data[WORDS] = {PAGES64};

/* A checksum of the words [from, to) of a table, one page at a time. */
static uint32_t sum(const volatile uint32_t *t, unsigned from, unsigned to)
{
	uint32_t s = 0;
	for (unsigned k = from; k < to; k++)
		s = s * 31 + t[k];
	return s;
}

int main(void)
{
	/* the parent touches only the first page of each */
	printf("parent first pages: %08x %08x\n", sum(rodata, 0, 1024), sum(data, 0, 1024));
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		printf("child rodata: %08x\n", sum(rodata, 0, WORDS));
		printf("child data: %08x\n", sum(data, 0, WORDS));
		for (unsigned k = 20000; k < 40000; k++)
			data[k] ^= 0x5a5a5a5a;
		printf("child data after its writes: %08x\n", sum(data, 0, WORDS));
		fflush(stdout);
		_exit(0);
	}
	int status;
	waitpid(pid, &status, 0);
	printf("child exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	char *big = malloc(64 << 20);
	if (big)
		memset(big, 1, 64 << 20);
	printf("parent rodata: %08x\n", sum(rodata, 0, WORDS));
	printf("parent data: %08x\n", sum(data, 0, WORDS));
	data[WORDS - 1] = 7;
	printf("parent data after a write: %08x\n", sum(data, WORDS - 2048, WORDS));
	free(big);
	return 0;
}
