/* Byte-at-a-time reads and writes of regular files, interleaved with every
 * other way of looking at the same file: a second description, the size,
 * the offset, positioned I/O, a shared mapping, a child process sharing the
 * description, and a reader in another process. hexvm buffers such
 * transfers (vfs/hostcache.c); the native run is what each step must see.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void put_bytes(int fd, const char *s)
{
	for (; *s; s++)
		if (write(fd, s, 1) != 1)
			printf("short write\n");
}

static long size_of(int fd)
{
	struct stat st;
	return fstat(fd, &st) ? -1 : (long)st.st_size;
}

static long size_at(const char *path)
{
	struct stat st;
	return stat(path, &st) ? -1 : (long)st.st_size;
}

static void show_file(const char *path)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = 0;
	printf("%s: [%s]\n", path, buf);
}

static void writer_and_observers(void)
{
	int w = open("a.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	put_bytes(w, "hello ");
	printf("fstat size %ld, stat size %ld\n", size_of(w), size_at("a.txt"));
	put_bytes(w, "world");
	printf("lseek cur %ld\n", (long)lseek(w, 0, SEEK_CUR));
	int r = open("a.txt", O_RDONLY);
	char buf[32] = {0};
	printf("second description reads %zd: [%s]\n", read(r, buf, sizeof buf - 1), buf);
	put_bytes(w, "!");
	memset(buf, 0, sizeof buf);
	printf("then %zd more: [%s]\n", read(r, buf, sizeof buf - 1), buf);
	printf("pwrite %zd\n", pwrite(w, "H", 1, 0));
	put_bytes(w, "?");
	close(r);
	close(w);
	show_file("a.txt");
}

static void reader_and_offsets(void)
{
	int w = open("b.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	for (int k = 0; k < 5000; k++)
		put_bytes(w, "0123456789");
	close(w);
	int r = open("b.txt", O_RDONLY);
	char c, big[70000];
	long sum = 0;
	for (int k = 0; k < 1234; k++)
		if (read(r, &c, 1) == 1)
			sum += c;
	printf("read 1234 bytes, sum %ld, offset %ld\n", sum, (long)lseek(r, 0, SEEK_CUR));
	char two[3] = {0};
	printf("pread %zd [%s], offset still %ld\n", pread(r, two, 2, 5), two,
	       (long)lseek(r, 0, SEEK_CUR));
	printf("read 1 -> %zd '%c'\n", read(r, &c, 1), c);
	printf("lseek +10 -> %ld\n", (long)lseek(r, 10, SEEK_CUR));
	printf("read 1 -> %zd '%c'\n", read(r, &c, 1), c);
	ssize_t n = read(r, big, sizeof big);
	printf("big read %zd, then %zd at the end\n", n, read(r, &c, 1));
	close(r);
}

static void child_shares_description(void)
{
	int w = open("c.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	put_bytes(w, "parent1 ");
	pid_t pid = fork();
	if (pid == 0) {
		put_bytes(w, "child ");
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	put_bytes(w, "parent2");
	close(w);
	show_file("c.txt");

	int r = open("c.txt", O_RDONLY);
	char c;
	if (read(r, &c, 1) != 1)
		printf("no byte\n");
	pid = fork();
	if (pid == 0) {
		char rest[8] = {0};
		printf("child reads %zd [%s]\n", read(r, rest, 6), rest);
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	printf("parent offset after child %ld\n", (long)lseek(r, 0, SEEK_CUR));
	close(r);
}

static void other_process_reads(void)
{
	int w = open("d.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	put_bytes(w, "before fork");
	pid_t pid = fork();
	if (pid == 0) {
		show_file("d.txt");
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	close(w);
}

static void shared_mapping(void)
{
	int w = open("e.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	put_bytes(w, "abcdefgh");
	int m = open("e.txt", O_RDWR);
	char *p = mmap(NULL, 8, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0);
	if (p == MAP_FAILED) {
		printf("mmap failed\n");
		return;
	}
	printf("map sees [%.8s]\n", p);
	p[0] = 'A';
	put_bytes(w, "ij");
	lseek(w, 1, SEEK_SET);
	put_bytes(w, "B");
	printf("map sees [%.8s]\n", p);
	munmap(p, 8);
	close(m);
	close(w);
	show_file("e.txt");
}

int main(void)
{
	writer_and_observers();
	reader_and_offsets();
	child_shares_description();
	other_process_reads();
	shared_mapping();
	return 0;
}
