/* Code in a MAP_SHARED mapping of a file runs as the file now is after a
 * pwrite and after a store through another, writable shared mapping of
 * it, as on x86 (a private mapping's pages following the file are
 * tests/guest/mmap_private_file's). The code is return_code.h's. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "return_code.h"

static void file_views(void)
{
	int fd = open("code_alias.bin", O_RDWR | O_CREAT | O_TRUNC, 0600);
	unsigned char code[RETURN_CODE_LEN];
	if (fd < 0 || ftruncate(fd, 4096))
		return;
	put_code(code, 1);
	(void)!pwrite(fd, code, sizeof code, 0);
	unsigned char *x = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	fn run = (fn)(void *)x;
	int first = run();
	put_code(code, 2);
	(void)!pwrite(fd, code, sizeof code, 0);
	int written = run();
	unsigned char *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	put_code(w, 3);
	printf("a file's code: %d, after pwrite %d, after a store through another view %d\n", first,
	       written, run());
	munmap(w, 4096);
	munmap(x, 4096);
	close(fd);
	unlink("code_alias.bin");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	file_views();
	return 0;
}
