/* A host file mapped MAP_SHARED by two processes that write it in turns: each sees the
 * other's stores through its own mapping, through a second, read-only mapping of the file
 * and through read() on a descriptor read a little at a time, and write() on the file
 * shows in the mappings. The file is left in the working directory. Also run by the
 * snapshot suite at many points (the mapping is saved by reference to the file); with
 * the argument "unlink" the file is removed once mapped, which a snapshot refuses. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define FILE_NAME "shared.dat"
#define SIZE	  (16 * 4096)
#define ROUNDS	  12

static void work(void)
{
	volatile unsigned long x = 0;
	for (unsigned long k = 0; k < 300000; k++)
		x += k ^ (x >> 3);
}

static unsigned sum(const unsigned char *p, size_t n)
{
	unsigned h = 2166136261u;
	for (size_t k = 0; k < n; k++)
		h = (h ^ p[k]) * 16777619u;
	return h;
}

static void token(int fd)
{
	if (write(fd, "t", 1) != 1)
		_exit(7);
}

static void await(int fd)
{
	char c;
	if (read(fd, &c, 1) != 1)
		_exit(6);
}

/* Pages of one side: even ones for the child, odd ones for the parent. */
static void store(unsigned char *p, int side, int round)
{
	for (int page = side; page < SIZE / 4096; page += 2)
		memset(p + page * 4096 + round * 64, 'a' + (round + page) % 26, 64);
}

static void child(unsigned char *p, const unsigned char *ro, int in, int out)
{
	for (int round = 0; round < ROUNDS; round++) {
		await(in);
		printf("child round %d sees %08x %08x\n", round, sum(p, SIZE), sum(ro, SIZE));
		fflush(stdout);
		store(p, 0, round);
		memcpy(p + 32 * round, "child-was-here..", 16);
		work();
		token(out);
	}
	_exit(0);
}

/* rfd is read 32 bytes a round: 16 the child stored since the last read, then 16 the
 * parent stores through its mapping between the two reads (a reader that kept bytes
 * read ahead would show stale ones). */
static void parent_round(unsigned char *p, const unsigned char *ro, int rfd, int round)
{
	char got[17] = {0}, mine[17] = {0};
	if (read(rfd, got, 16) != 16)
		printf("short read\n");
	memcpy(p + 32 * round + 16, "parent-was-here.", 16);
	if (read(rfd, mine, 16) != 16)
		printf("short read\n");
	printf("parent round %d read \"%s\" \"%s\", mapping %08x, read-only mapping %08x\n",
	       round, got, mine, sum(p, SIZE), sum(ro, SIZE));
	fflush(stdout);
}

/* write() on the file shows in both mappings. */
static void note(int fd, const unsigned char *p, const unsigned char *ro)
{
	if (pwrite(fd, "written", 7, SIZE - 64) != 7)
		printf("pwrite failed\n");
	printf("after pwrite: %.7s %.7s\n", (const char *)p + SIZE - 64, (const char *)ro + SIZE - 64);
}

int main(int argc, char **argv)
{
	int fd = open(FILE_NAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
	unsigned char block[4096];
	for (int k = 0; k < SIZE / 4096; k++) {
		memset(block, '0' + k % 10, sizeof block);
		if (write(fd, block, sizeof block) != (ssize_t)sizeof block)
			return 1;
	}
	unsigned char *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	int rofd = open(FILE_NAME, O_RDONLY);
	const unsigned char *ro = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, rofd, 0);
	int rfd = open(FILE_NAME, O_RDONLY);
	int to_child[2], to_parent[2];
	if (p == MAP_FAILED || ro == MAP_FAILED || rofd < 0 || rfd < 0 || pipe(to_child) ||
	    pipe(to_parent))
		return 2;
	close(rofd); /* the mapping keeps the file */
	if (argc > 1 && !strcmp(argv[1], "unlink"))
		unlink(FILE_NAME);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		child(p, ro, to_child[0], to_parent[1]);
	for (int round = 0; round < ROUNDS; round++) {
		store(p, 1, round);
		work();
		token(to_child[1]);
		await(to_parent[0]);
		parent_round(p, ro, rfd, round);
	}
	note(fd, p, ro);
	int st;
	waitpid(pid, &st, 0);
	printf("child ended %d; msync %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1,
	       msync(p, SIZE, MS_SYNC));
	munmap(p, SIZE);
	munmap((void *)ro, SIZE);
	return 0;
}
