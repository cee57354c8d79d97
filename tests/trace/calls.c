/* System calls whose -s lines are known exactly: raw syscall(2) where libc
 * would pick another call on one of the ABIs, so that both builds make the
 * same calls; fixed addresses, descriptors and data. tests/trace/run.sh
 * compares the trace with calls.expected. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#define MAP_AT ((void *)0x10000000)

/* the kernel's struct for rt_sigaction: longs, then the 8-byte mask */
struct k_sigaction {
	unsigned long handler, flags, restorer;
	uint64_t mask;
};

static void files(void)
{
	static const char data[] = "\0\1\2\n\"\\x\0007";
	char buf[64];
	uint64_t st[18];
	int fd = (int)syscall(SYS_openat, AT_FDCWD, "/nonexistent/x", O_RDONLY);
	fd = (int)syscall(SYS_openat, AT_FDCWD, "f", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	syscall(SYS_write, fd, "hello world", 11);
	syscall(SYS_write, fd, data, sizeof data - 1);
	syscall(SYS_close, fd);
	fd = (int)syscall(SYS_openat, AT_FDCWD, "f", O_RDONLY | O_CLOEXEC);
	syscall(SYS_read, fd, buf, 11);
	syscall(SYS_read, fd, buf, sizeof buf);
#ifdef SYS_fstat64
	syscall(SYS_fstat64, fd, st);
#else
	syscall(SYS_fstat, fd, st);
#endif
	syscall(SYS_close, fd);
	syscall(SYS_symlink, "target-file", "lnk");
	syscall(SYS_readlink, "lnk", buf, sizeof buf);
	syscall(SYS_access, "/nonexistent", F_OK);
	syscall(SYS_access, "f", R_OK | W_OK);
	syscall(SYS_mkdir, "d", 0755);
	syscall(SYS_rmdir, "d");
	syscall(SYS_unlink, "lnk");
	syscall(SYS_unlink, "f");
}

static void output(void)
{
	struct iovec iov[2] = {{"ab", 2}, {"cd\n", 3}};
	syscall(SYS_writev, 1, iov, 2);
	syscall(SYS_write, 1, "0123456789012345678901234567890123456789\n", 41);
}

static void memory(void)
{
	syscall(SYS_munmap, MAP_AT, 8192);
#ifdef SYS_mmap2
	syscall(SYS_mmap2, MAP_AT, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS,
		-1, 0);
#else
	syscall(SYS_mmap, MAP_AT, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS,
		-1, 0);
#endif
	syscall(SYS_futex, MAP_AT, FUTEX_WAKE_PRIVATE, 1); /* at an address fixed in the test */
	syscall(SYS_mprotect, MAP_AT, 4096, PROT_READ);
	syscall(SYS_munmap, MAP_AT, 8192);
}

static void descriptors(void)
{
	int p[2];
	syscall(SYS_pipe2, p, O_CLOEXEC);
#ifdef SYS_fcntl64
	syscall(SYS_fcntl64, p[0], F_GETFD);
	syscall(SYS_fcntl64, p[1], F_GETFL);
	syscall(SYS_fcntl64, p[0], F_SETFD, 0);
#else
	syscall(SYS_fcntl, p[0], F_GETFD);
	syscall(SYS_fcntl, p[1], F_GETFL);
	syscall(SYS_fcntl, p[0], F_SETFD, 0);
#endif
	syscall(SYS_dup2, p[0], 10);
	syscall(SYS_close, 10);
	syscall(SYS_close, p[0]);
	syscall(SYS_close, p[1]);
}

/* splice's offsets are written as they are at the entry (the second is
 * past the first call's bytes); vmsplice's vectors with their bytes then,
 * in both directions, as strace does. */
static void splices(void)
{
	static char got[4];
	struct iovec in[2] = {{"ab", 2}, {"cde", 3}}, out[1] = {{got, 4}};
	int p[2], q[2];
	int64_t off = 2;
	syscall(SYS_pipe2, p, 0);
	syscall(SYS_pipe2, q, 0);
	int fd = (int)syscall(SYS_openat, AT_FDCWD, "s", O_RDWR | O_CREAT | O_TRUNC, 0600);
	syscall(SYS_write, fd, "0123456789", 10);
	syscall(SYS_splice, fd, &off, p[1], NULL, 4, SPLICE_F_MOVE | SPLICE_F_MORE);
	syscall(SYS_tee, p[0], q[1], 100, SPLICE_F_NONBLOCK);
	syscall(SYS_splice, q[0], NULL, fd, NULL, 4, 0);
	syscall(SYS_splice, p[0], NULL, fd, &off, 4, 0x10);
	syscall(SYS_vmsplice, p[1], in, 2, SPLICE_F_GIFT);
	syscall(SYS_vmsplice, p[0], out, 1, 0);
	syscall(SYS_splice, p[0], NULL, q[1], NULL, 100, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
	for (int k = 0; k < 2; k++) {
		syscall(SYS_close, p[k]);
		syscall(SYS_close, q[k]);
	}
	syscall(SYS_close, fd);
	syscall(SYS_unlink, "s");
}

static void sockets(void)
{
	struct sockaddr_in to = {AF_INET, htons(9), {htonl(INADDR_LOOPBACK)}, {0}};
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	close(s);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	connect(s, (struct sockaddr *)&to, sizeof to);
	close(s);
}

/* select's sets, a message with a descriptor in it, socket options,
 * utimensat's times, sigevents; rusage, tms and sysinfo, whose numbers
 * differ between runs (calls.expected writes them as @N@). Buffers are in
 * a page at a fixed address, so that their addresses can be expected. */
static void structures(void)
{
	char *page = (char *)MAP_AT, *buf = page;
	struct iovec *iov = (struct iovec *)(page + 64);
	struct msghdr *m = (struct msghdr *)(page + 128);
	char *ctl = page + 256;
	socklen_t *len = (socklen_t *)(page + 512);
	struct linger lg = {1, 5};
	int sv[2];
	mmap(MAP_AT, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	int fd = (int)syscall(SYS_openat, AT_FDCWD, "g", O_WRONLY | O_CREAT, 0600);

	fd_set r, w;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(sv[0], &r);
	FD_SET(sv[0], &w);
	FD_SET(sv[1], &w);
	struct timeval tv = {0, 0};
#ifdef SYS__newselect
	syscall(SYS__newselect, sv[1] + 1, &r, &w, NULL, &tv);
#else
	syscall(SYS_select, sv[1] + 1, &r, &w, NULL, &tv);
#endif

	memcpy(buf, "x", 1);
	*iov = (struct iovec){buf, 1};
	*m = (struct msghdr){.msg_iov = iov, .msg_iovlen = 1, .msg_control = ctl,
			     .msg_controllen = CMSG_SPACE(sizeof fd)};
	struct cmsghdr *c = CMSG_FIRSTHDR(m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof fd);
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	syscall(SYS_sendmsg, sv[1], m, 0);

	uint64_t mask = 1ull << (SIGUSR1 - 1);
	struct {
		void *set;
		size_t size;
	} pmask = {&mask, 8};
	struct timespec zero = {0, 0};
	FD_ZERO(&r);
	FD_SET(sv[0], &r);
	syscall(SYS_pselect6, sv[1] + 1, &r, NULL, NULL, &zero, &pmask);

	iov->iov_len = 8;
	m->msg_controllen = CMSG_SPACE(sizeof fd);
	syscall(SYS_recvmsg, sv[0], m, 0);
	syscall(SYS_recvmsg, sv[0], m, MSG_DONTWAIT);
	*len = 110;
	syscall(SYS_recvfrom, sv[0], buf, 8, MSG_DONTWAIT, page + 1024, len);

	*len = 8;
	syscall(SYS_getsockopt, sv[0], SOL_SOCKET, SO_TYPE, page + 600, len);
	*len = 8;
	syscall(SYS_getsockopt, sv[0], SOL_SOCKET, SO_LINGER, page + 600, len);
	syscall(SYS_setsockopt, sv[0], SOL_SOCKET, SO_LINGER, &lg, sizeof lg);

	struct timespec times[2] = {{0, UTIME_NOW}, {5, 0}};
	syscall(SYS_utimensat, AT_FDCWD, "g", times, 0);
	times[0] = (struct timespec){100, 200};
	times[1] = (struct timespec){0, UTIME_OMIT};
	syscall(SYS_utimensat, AT_FDCWD, "g", times, 0);

	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGALRM;
	ev.sigev_value.sival_int = 7;
	int timers[2];
	syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &timers[0]);
	ev.sigev_notify = SIGEV_NONE;
	syscall(SYS_timer_create, CLOCK_REALTIME, &ev, &timers[1]);
	syscall(SYS_timer_delete, timers[0]);
	syscall(SYS_timer_delete, timers[1]);

	struct rusage ru;
	struct tms tms;
	struct sysinfo si;
	syscall(SYS_getrusage, RUSAGE_SELF, &ru);
	syscall(SYS_times, &tms);
	syscall(SYS_sysinfo, &si);

	close(fd + 1);
	close(fd);
	close(sv[0]);
	close(sv[1]);
	syscall(SYS_unlink, "g");
	munmap(MAP_AT, 4096);
}

static void signals(void)
{
	struct k_sigaction act = {(unsigned long)SIG_IGN, SA_RESTART, 0,
				  1ull << (SIGINT - 1) | 1ull << (SIGTERM - 1)};
	struct k_sigaction old;
	uint64_t set = 1ull << (SIGUSR2 - 1), oldset;
	syscall(SYS_rt_sigaction, SIGUSR1, &act, &old, 8);
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, &oldset, 8);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &oldset, NULL, 8);
	syscall(SYS_kill, 0, 0);
}

static void times_and_names(void)
{
	long req[2] = {0, 1000}, res[2];
	char name[16];
	syscall(SYS_nanosleep, req, NULL);
	syscall(SYS_clock_getres, CLOCK_MONOTONIC, res);
	syscall(SYS_prctl, PR_SET_NAME, "calls-test");
	syscall(SYS_prctl, PR_GET_NAME, name);
	syscall(SYS_umask, 022);
}

static void *thread_main(void *arg) { return arg; }

static void on_usr2(int sig) { (void)sig; }

/* A signal handler, a child and a thread: pids differ from the native run,
 * so these lines are compared with hexvm's own only. */
static void processes(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr2;
	sigaction(SIGUSR2, &sa, NULL);
	syscall(SYS_kill, syscall(SYS_getpid), SIGUSR2);

	pthread_t th;
	int status;
	pid_t child = fork();
	if (child == 0)
		_exit(3);
	waitpid(child, &status, 0);
	pthread_create(&th, NULL, thread_main, NULL);
	pthread_join(th, NULL);
}

int main(void)
{
	files();
	output();
	memory();
	descriptors();
	splices();
	sockets();
	structures();
	signals();
	times_and_names();
	processes();
	return 0;
}
