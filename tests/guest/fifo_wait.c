/* Opening a FIFO waits for its other side: a reader waits for a writer that opens it
 * only after a while, then a writer waits for a reader, a few rounds, each passing a
 * few lines through. O_RDWR and a non-blocking reader do not wait; a non-blocking writer
 * without a reader gets ENXIO. Also run by the snapshot suite, which snapshots it at many
 * points (some inside a waiting open) and restores each. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIFO   "ff"
#define ROUNDS 3

static void work(void)
{
	volatile unsigned long x = 0;
	for (unsigned long k = 0; k < 600000; k++)
		x += k ^ (x >> 3);
}

static void send_lines(int fd, const char *who, int round)
{
	char line[64];
	for (int k = 0; k < 3; k++) {
		int n = snprintf(line, sizeof line, "%s round %d line %d\n", who, round, k);
		if (write(fd, line, (size_t)n) != n)
			_exit(5);
	}
}

/* Everything until the writer closes (in however many reads it comes). */
static void receive_all(int fd, const char *who)
{
	char buf[512];
	size_t have = 0;
	ssize_t n;
	while (have < sizeof buf - 1 && (n = read(fd, buf + have, sizeof buf - 1 - have)) > 0)
		have += (size_t)n;
	buf[have] = 0;
	printf("%s got:\n%s", who, buf);
	fflush(stdout);
}

/* The child opens after working a while; the parent waits in its open until then. */
static void round_trip(int round)
{
	int parent_reads = round % 2 == 0;
	pid_t pid = fork();
	if (pid == 0) {
		work();
		int fd = open(FIFO, parent_reads ? O_WRONLY : O_RDONLY);
		if (fd < 0)
			_exit(4);
		if (parent_reads)
			send_lines(fd, "child", round);
		else
			receive_all(fd, "child");
		close(fd);
		_exit(0);
	}
	int fd = open(FIFO, parent_reads ? O_RDONLY : O_WRONLY);
	if (fd < 0) {
		printf("open failed: %s\n", strerror(errno));
		return;
	}
	if (parent_reads)
		receive_all(fd, "parent");
	else
		send_lines(fd, "parent", round);
	close(fd);
	int st;
	waitpid(pid, &st, 0);
	printf("round %d: child ended %d\n", round, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	fflush(stdout);
}

int main(void)
{
	unlink(FIFO);
	if (mkfifo(FIFO, 0600))
		return 1;
	int rw = open(FIFO, O_RDWR);
	int r = open(FIFO, O_RDONLY | O_NONBLOCK);
	printf("O_RDWR: %s, non-blocking reader: %s\n", rw >= 0 ? "ok" : strerror(errno),
	       r >= 0 ? "ok" : strerror(errno));
	close(rw);
	close(r);
	int w = open(FIFO, O_WRONLY | O_NONBLOCK);
	printf("non-blocking writer alone: %s\n", w >= 0 ? "ok" : strerror(errno));
	fflush(stdout);
	for (int round = 0; round < ROUNDS; round++)
		round_trip(round);
	unlink(FIFO);
	return 0;
}
