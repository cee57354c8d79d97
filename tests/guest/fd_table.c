/* Descriptors past 1024: RLIMIT_NOFILE as the process was started with,
 * setrlimit's rules (soft within hard, a hard limit raised only with
 * privilege and never past nr_open), dup2 and F_DUPFD against the limit,
 * opening until EMFILE, /proc/self/status's FDSize as Linux grows the
 * table, and high descriptors through fork, select (a bitmap larger than
 * FD_SETSIZE), poll, /proc/self/fd and close_range. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#define HIGH 1500

static const char *err(long rc) { return rc >= 0 ? "ok" : strerror(errno); }

static long fdsize(void)
{
	char line[128];
	long n = -1;
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "FDSize:", 7))
			n = atol(line + 7);
	if (f)
		fclose(f);
	return n;
}

static int count_open(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n - 1; /* the listing's own descriptor */
}

static void limits(void)
{
	struct rlimit rl, start;
	getrlimit(RLIMIT_NOFILE, &start);
	printf("started with soft %s hard, hard above 4096: %s\n",
	       start.rlim_cur == start.rlim_max ? "=" : "<", start.rlim_max > 4096 ? "yes" : "no");
	rl = (struct rlimit){start.rlim_max + 1, start.rlim_max};
	printf("soft above hard: %s\n", err(setrlimit(RLIMIT_NOFILE, &rl)));
	rl = (struct rlimit){(1 << 20) + 1, (1 << 20) + 1};
	printf("past nr_open: %s\n", err(setrlimit(RLIMIT_NOFILE, &rl)));
	/* raising a hard limit takes CAP_SYS_RESOURCE, which a root in a
	 * container may lack: only an unprivileged run says what it gets */
	rl = (struct rlimit){start.rlim_max, start.rlim_max + 1};
	if (geteuid() != 0)
		printf("hard raised by one: %s\n", err(setrlimit(RLIMIT_NOFILE, &rl)));
	rl = (struct rlimit){2000, 2000};
	printf("set to 2000: %s\n", err(setrlimit(RLIMIT_NOFILE, &rl)));
	rl = (struct rlimit){2000, 2001};
	if (geteuid() != 0)
		printf("hard back up after lowering it: %s\n", err(setrlimit(RLIMIT_NOFILE, &rl)));
}

static void high_descriptors(void)
{
	int p[2];
	if (pipe(p))
		return;
	long duped = dup2(p[0], HIGH);
	printf("dup2 to %d: %s, FDSize now %ld\n", HIGH, err(duped), fdsize());
	printf("dup2 to 2000 (the limit): %s, F_DUPFD from 2000: %s\n", err(dup2(p[0], 2000)),
	       err(fcntl(p[0], F_DUPFD, 2000)));
	printf("F_DUPFD from 1900: %d\n", fcntl(p[1], F_DUPFD, 1900));
	if (write(1900, "x", 1) != 1)
		printf("write through 1900 failed\n");

	unsigned long bits[2048 / (8 * sizeof(unsigned long))];
	memset(bits, 0, sizeof bits);
	bits[HIGH / (8 * sizeof(unsigned long))] |= 1ul << (HIGH % (8 * sizeof(unsigned long)));
	struct timeval zero = {0, 0};
	int ready = select(HIGH + 1, (fd_set *)bits, NULL, NULL, &zero);
	printf("select over %d descriptors: %d ready\n", HIGH + 1, ready);
	struct pollfd pfd = {HIGH, POLLIN, 0};
	int polled = poll(&pfd, 1, 0);
	printf("poll on %d: %d, revents %#x\n", HIGH, polled, pfd.revents);

	pid_t pid = fork();
	if (pid == 0) {
		char c;
		_exit(read(HIGH, &c, 1) == 1 && c == 'x' ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	printf("a child reads %d: %s\n", HIGH, WIFEXITED(status) && !WEXITSTATUS(status) ? "yes" : "no");
	int before = count_open();
	long closed = syscall(SYS_close_range, 1000u, ~0u, 0u);
	printf("close_range(1000, ~0): %s, closed %d\n", err(closed), before - count_open());
	close(p[0]);
	close(p[1]);
}

static void until_emfile(void)
{
	struct rlimit rl = {1100, 2000};
	setrlimit(RLIMIT_NOFILE, &rl);
	int last = -1;
	for (;;) {
		int fd = open("/dev/null", O_RDONLY);
		if (fd < 0) {
			printf("opened up to %d, then %s\n", last, strerror(errno));
			break;
		}
		last = fd;
	}
	for (int fd = 3; fd <= last; fd++)
		close(fd);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	limits();
	high_descriptors();
	until_emfile();
	return 0;
}
