/* memfds and CPU-time interval timers across a snapshot. A parent and its
 * child share a sealed memfd mapped MAP_SHARED and write it in turns, by
 * stores and by write(); the child also maps a second memfd whose
 * descriptor it closed, and reads the first through a description of its
 * own (opened through /proc/self/fd) whose offset moves; each runs an
 * ITIMER_VIRTUAL (the parent's reloads every 3 ms, the child's is
 * ITIMER_PROF) whose signals it counts, and the parent an ITIMER_REAL on
 * the virtual clock. Each prints what it saw at the end: the bytes, seals,
 * offsets, signal counts and the real timer's value. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 12
#define SIZE   (8 * 4096)

static uint64_t work(int rounds)
{
	uint64_t h = 1469598103934665603ull;
	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < 100000; i++)
			h = (h ^ (uint64_t)(i + r)) * 1099511628211ull;
	return h;
}

static uint32_t sum_of(const unsigned char *p, long n)
{
	uint32_t s = 0;
	for (long k = 0; k < n; k++)
		s = s * 31 + p[k];
	return s;
}

static int take(int sig)
{
	sigset_t set;
	struct timespec zero = {0, 0};
	sigemptyset(&set);
	sigaddset(&set, sig);
	return sigtimedwait(&set, NULL, &zero) == sig;
}

static void token(int fd) { (void)!write(fd, "t", 1); }

static void await(int fd)
{
	char c;
	(void)!read(fd, &c, 1);
}

static void arm(int which, long usec)
{
	struct itimerval v = {{0, usec}, {0, usec}};
	setitimer(which, &v, NULL);
}

static void child(int fd, int in, int out)
{
	char path[64], buf[16];
	int ticks = 0;
	arm(ITIMER_PROF, 4000);
	int other = (int)syscall(SYS_memfd_create, "only mapped", 0);
	ftruncate(other, 4096);
	unsigned char *only = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, other, 0);
	close(other);
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	int mine = open(path, O_RDONLY);
	unsigned char *m = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	uint64_t h = 0;
	for (int r = 0; r < ROUNDS; r++) {
		await(in);
		h += work(2);
		for (int k = 0; k < 64; k++)
			m[r * 512 + k] = (unsigned char)(m[r * 512 + 256 + k] + r);
		only[r] = (unsigned char)(r * 7);
		(void)!read(mine, buf, sizeof buf);
		ticks += take(SIGPROF);
		token(out);
	}
	ticks += take(SIGPROF);
	printf("child: memfd sum %u, the only-mapped one %u, own offset %ld, ticks %d, work %llx\n",
	       sum_of(m, SIZE), sum_of(only, 4096), (long)lseek(mine, 0, SEEK_CUR), ticks,
	       (unsigned long long)h);
}

int main(void)
{
	int to_child[2], to_parent[2], ticks = 0, alarms = 0;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGVTALRM);
	sigaddset(&set, SIGPROF);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	int fd = (int)syscall(SYS_memfd_create, "snapshot", MFD_ALLOW_SEALING);
	ftruncate(fd, SIZE);
	fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW);
	unsigned char *m = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	pipe(to_child);
	pipe(to_parent);
	pid_t pid = fork();
	if (pid == 0) {
		child(fd, to_child[0], to_parent[1]);
		return 0;
	}
	arm(ITIMER_VIRTUAL, 3000);
	/* stopped at each expiry until its signal is taken: the phase it starts
	 * again on is the last expiry's, which the snapshot must keep */
	arm(ITIMER_REAL, 700);
	uint64_t h = 0;
	for (int r = 0; r < ROUNDS; r++) {
		h += work(3);
		for (int k = 0; k < 64; k++)
			m[r * 512 + 256 + k] = (unsigned char)(r * 3 + k);
		char line[16];
		int n = snprintf(line, sizeof line, "round %02d", r);
		pwrite(fd, line, (size_t)n, (off_t)(r * 16 + 6144));
		ticks += take(SIGVTALRM);
		alarms += take(SIGALRM);
		token(to_child[1]);
		await(to_parent[0]);
	}
	int status;
	waitpid(pid, &status, 0);
	struct itimerval left, real;
	getitimer(ITIMER_VIRTUAL, &left);
	alarms += take(SIGALRM);
	getitimer(ITIMER_REAL, &real);
	printf("parent: memfd sum %u, seals %#x, size change %s, ticks %d, interval %ld, child %d, "
	       "alarms %d, real timer at %ld us, work %llx\n",
	       sum_of(m, SIZE), fcntl(fd, F_GET_SEALS), ftruncate(fd, 100) ? "refused" : "made",
	       ticks + take(SIGVTALRM), (long)left.it_interval.tv_usec, WEXITSTATUS(status), alarms,
	       (long)real.it_value.tv_usec, (unsigned long long)h);
	return 0;
}
