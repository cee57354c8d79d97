/* The rest of what programs call, with Linux's errors: mincore (touched
 * pages resident, holes ENOMEM), mlock, mlock2, munlock, mlockall and
 * munlockall, preadv, pwritev and their v2 forms (RWF_* flags, -1 for the
 * file's own offset) on a file, a memfd and a pipe, sync, syncfs,
 * sync_file_range and readahead, utime, utimes and futimesat, sigqueue
 * (rt_sigqueueinfo) and rt_tgsigqueueinfo with the value a handler and
 * sigwaitinfo see, sendmmsg and recvmmsg on a datagram socketpair, and a
 * pipe's size (F_GETPIPE_SZ, F_SETPIPE_SZ: rounding, EBUSY, what fits). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#define PAGE 4096
#ifndef RWF_APPEND
#define RWF_APPEND 0x10
#endif
#ifndef RWF_NOWAIT
#define RWF_NOWAIT 0x8
#endif

static void show(const char *what, long r)
{
	printf("%-44s %ld %s\n", what, r, r < 0 ? strerror(errno) : "");
}

static long raw6(long nr, long a, long b, long c, long d, long e, long f)
{
	return syscall(nr, a, b, c, d, e, f);
}

static void residency(void)
{
	unsigned char vec[8];
	char *m = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	m[0] = 1;
	m[3 * PAGE] = 1;
	show("mincore", mincore(m, 8 * PAGE, vec));
	printf("  touched pages resident: %d %d\n", vec[0] & 1, vec[3] & 1);
	show("mincore, an address inside a page", mincore(m + 1, PAGE, vec));
	show("mincore, a length inside a page", mincore(m, 10, vec));
	show("mincore, length 0", mincore(m, 0, vec));
	munmap(m + 4 * PAGE, PAGE);
	show("mincore over a hole", mincore(m, 8 * PAGE, vec));
	show("mincore into a bad vector", mincore(m, PAGE, (unsigned char *)8));
	show("mlock", mlock(m + 10, 100));
	show("mlock over a hole", mlock(m, 8 * PAGE));
	show("munlock", munlock(m, PAGE));
	show("mlock2 MLOCK_ONFAULT", raw6(SYS_mlock2, (long)m, PAGE, 1, 0, 0, 0));
	show("mlock2 flags 2", raw6(SYS_mlock2, (long)m, PAGE, 2, 0, 0, 0));
	show("mlockall 0", mlockall(0));
	show("mlockall MCL_ONFAULT alone", mlockall(4));
	show("mlockall MCL_CURRENT|MCL_FUTURE", mlockall(MCL_CURRENT | MCL_FUTURE));
	show("munlockall", munlockall());
	munmap(m, 8 * PAGE);
}

/* preadv2 and pwritev2 by number: musl has no wrappers. The offset goes
 * as Linux takes it: whole (x86-64) or in two halves (i386). */
static long rw2(int write, int fd, const struct iovec *iov, int n, long long off, int flags)
{
	unsigned long long o = (unsigned long long)off;
	long hi = sizeof(long) == 8 ? 0 : (long)(o >> 32);
	return syscall(write ? SYS_pwritev2 : SYS_preadv2, fd, iov, n, (long)o, hi, flags);
}

static void vectors(int fd, const char *what)
{
	char a[8] = {0}, b[8] = {0}, line[64];
	struct iovec out[2] = {{"hello ", 6}, {"vectors", 7}}, in[2] = {{a, 5}, {b, 7}};
	snprintf(line, sizeof line, "%s: pwritev at 3", what);
	show(line, pwritev(fd, out, 2, 3));
	snprintf(line, sizeof line, "%s: preadv at 4", what);
	show(line, preadv(fd, in, 2, 4));
	printf("  '%s' '%s', offset now %ld\n", a, b, (long)lseek(fd, 0, SEEK_CUR));
	snprintf(line, sizeof line, "%s: preadv at -1", what);
	show(line, preadv(fd, in, 2, -1));
	snprintf(line, sizeof line, "%s: preadv2 at -1 (the file's offset)", what);
	lseek(fd, 1, SEEK_SET);
	show(line, rw2(0, fd, in, 2, -1, 0));
	printf("  '%s' '%s', offset now %ld\n", a, b, (long)lseek(fd, 0, SEEK_CUR));
	snprintf(line, sizeof line, "%s: pwritev2 RWF_APPEND", what);
	show(line, rw2(1, fd, out, 1, 0, RWF_APPEND));
	struct stat st;
	fstat(fd, &st);
	printf("  size %ld\n", (long)st.st_size);
	snprintf(line, sizeof line, "%s: preadv2 RWF_NOWAIT", what);
	show(line, rw2(0, fd, in, 1, 0, RWF_NOWAIT));
	snprintf(line, sizeof line, "%s: preadv2 flags 0x100000", what);
	show(line, rw2(0, fd, in, 1, 0, 0x100000));
	snprintf(line, sizeof line, "%s: preadv at -2", what);
	show(line, preadv(fd, in, 1, -2));
}

static void positional(void)
{
	int f = open("v.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
	vectors(f, "file");
	close(f);
	int m = (int)syscall(SYS_memfd_create, "vectors", 0);
	vectors(m, "memfd");
	close(m);
	int p[2];
	char buf[8];
	struct iovec in = {buf, 4}, out = {"pipe", 4};
	pipe(p);
	show("pipe: pwritev at 0", pwritev(p[1], &out, 1, 0));
	show("pipe: pwritev2 at -1", rw2(1, p[1], &out, 1, -1, 0));
	show("pipe: preadv2 at -1", rw2(0, p[0], &in, 1, -1, 0));
	show("pipe: preadv at 0", preadv(p[0], &in, 1, 0));
	show("readv from the write end", readv(p[1], &in, 1));
	show("preadv on descriptor 99", preadv(99, &in, 1, 0));
	close(p[0]);
	close(p[1]);
	unlink("v.txt");
}

static void syncing(void)
{
	int f = open("s.txt", O_RDWR | O_CREAT | O_TRUNC, 0644), p[2];
	pipe(p);
	write(f, "data", 4);
	sync();
	show("syncfs", syncfs(f));
	show("syncfs on descriptor 99", syncfs(99));
	show("sync_file_range", sync_file_range(f, 0, 4, SYNC_FILE_RANGE_WRITE));
	show("sync_file_range flags 8", sync_file_range(f, 0, 4, 8));
	show("sync_file_range at -1", sync_file_range(f, -1, 4, 0));
	show("sync_file_range on a pipe", sync_file_range(p[0], 0, 4, 0));
	show("readahead", readahead(f, 0, 4096));
	show("readahead on a pipe", readahead(p[0], 0, 10));
	int wo = open("s.txt", O_WRONLY);
	show("readahead on a write-only file", readahead(wo, 0, 10));
	int m = (int)syscall(SYS_memfd_create, "sync", 0);
	show("syncfs on a memfd", syncfs(m));
	show("sync_file_range on a memfd", sync_file_range(m, 0, 4, SYNC_FILE_RANGE_WRITE));
	show("readahead on a memfd", readahead(m, 0, 10));
	close(m);
	close(wo);
	close(f);
	close(p[0]);
	close(p[1]);
	unlink("s.txt");
}

static void times_of(const char *what, const char *path)
{
	struct stat st;
	stat(path, &st);
	printf("  %s: atime %ld mtime %ld\n", what, (long)st.st_atime, (long)st.st_mtime);
}

static void old_times(void)
{
	int f = open("t.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
	struct utimbuf ub = {1000000000, 1100000000};
	show("utime", utime("t.txt", &ub));
	times_of("after utime", "t.txt");
	struct timeval tv[2] = {{1200000000, 5}, {1300000000, 7}};
	show("utimes", utimes("t.txt", tv));
	times_of("after utimes", "t.txt");
	tv[1].tv_usec = 1000000;
	show("utimes with a million microseconds", utimes("t.txt", tv));
	tv[1].tv_usec = 0;
	show("futimesat", syscall(SYS_futimesat, AT_FDCWD, "t.txt", tv));
	show("futimesat on a descriptor, no path", syscall(SYS_futimesat, f, NULL, tv));
	show("utime of a missing file", utime("missing", &ub));
	show("utimes with a NULL path", syscall(SYS_utimes, NULL, NULL));
	struct stat before, after;
	stat("t.txt", &before);
	show("utime now", utime("t.txt", NULL));
	stat("t.txt", &after);
	printf("  moved on: %d\n", after.st_mtime > before.st_mtime);
	close(f);
	unlink("t.txt");
}

static volatile sig_atomic_t got_value, got_code;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	got_value = si->si_value.sival_int;
	got_code = si->si_code;
}

static void queued(void)
{
	struct sigaction sa = {.sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO};
	sigaction(SIGUSR1, &sa, NULL);
	show("sigqueue to myself", sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 42}));
	printf("  handler: value %d, code SI_QUEUE %d\n", got_value, got_code == SI_QUEUE);
	sigset_t set;
	siginfo_t si;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	siginfo_t in;
	memset(&in, 0, sizeof in);
	in.si_signo = SIGUSR2;
	in.si_code = SI_QUEUE;
	in.si_pid = getpid();
	in.si_uid = getuid();
	in.si_value.sival_int = 7;
	show("rt_tgsigqueueinfo to my thread",
	     syscall(SYS_rt_tgsigqueueinfo, getpid(), (pid_t)syscall(SYS_gettid), SIGUSR2, &in));
	int sig = sigwaitinfo(&set, &si);
	printf("  sigwaitinfo: %d, value %d, code SI_QUEUE %d, from me %d\n", sig,
	       si.si_value.sival_int, si.si_code == SI_QUEUE, si.si_pid == getpid());
	in.si_code = SI_USER;
	pid_t child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	show("a kernel's code to another process",
	     syscall(SYS_rt_sigqueueinfo, child, SIGUSR2, &in));
	in.si_code = SI_QUEUE;
	show("to no such process", syscall(SYS_rt_sigqueueinfo, 0x7ffffff, SIGUSR2, &in));
	show("signal 99", syscall(SYS_rt_sigqueueinfo, getpid(), 99, &in));
	show("from a bad address", syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR2, (void *)8));
	show("tgsigqueueinfo, thread 0", syscall(SYS_rt_tgsigqueueinfo, getpid(), 0, SIGUSR2, &in));
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

static void messages(void)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	char bufs[4][16];
	struct iovec out[3] = {{"one", 3}, {"second", 6}, {"third!", 6}}, in[4];
	struct mmsghdr om[3], im[4];
	memset(om, 0, sizeof om);
	memset(im, 0, sizeof im);
	for (int k = 0; k < 3; k++) {
		om[k].msg_hdr.msg_iov = &out[k];
		om[k].msg_hdr.msg_iovlen = 1;
	}
	for (int k = 0; k < 4; k++) {
		memset(bufs[k], 0, sizeof bufs[k]);
		in[k] = (struct iovec){bufs[k], sizeof bufs[k] - 1};
		im[k].msg_hdr.msg_iov = &in[k];
		im[k].msg_hdr.msg_iovlen = 1;
	}
	show("sendmmsg of 3", sendmmsg(sv[0], om, 3, 0));
	printf("  lengths %u %u %u\n", om[0].msg_len, om[1].msg_len, om[2].msg_len);
	show("recvmmsg of 4, MSG_WAITFORONE", recvmmsg(sv[1], im, 4, MSG_WAITFORONE, NULL));
	printf("  '%s' %u, '%s' %u, '%s' %u\n", bufs[0], im[0].msg_len, bufs[1], im[1].msg_len,
	       bufs[2], im[2].msg_len);
	show("recvmmsg, nothing there, MSG_DONTWAIT", recvmmsg(sv[1], im, 2, MSG_DONTWAIT, NULL));
	show("sendmmsg of 0", sendmmsg(sv[0], om, 0, 0));
	show("sendmmsg on a pipe", sendmmsg(0, om, 1, 0));
	struct timespec bad = {0, 2000000000};
	show("recvmmsg with a bad timeout", recvmmsg(sv[1], im, 1, 0, &bad));
	pid_t pid = fork();
	if (pid == 0) {
		sendmmsg(sv[0], om, 2, 0);
		_exit(0);
	}
	show("recvmmsg of 2, waiting for them", recvmmsg(sv[1], im, 2, 0, NULL));
	printf("  '%s' '%s'\n", bufs[0], bufs[1]);
	waitpid(pid, NULL, 0);
	close(sv[0]);
	close(sv[1]);
}

static void pipe_sizes(void)
{
	int p[2], f = open("p.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char buf[10000];
	memset(buf, 'p', sizeof buf);
	pipe(p);
	show("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));
	show("F_SETPIPE_SZ 1000", fcntl(p[1], F_SETPIPE_SZ, 1000));
	show("F_GETPIPE_SZ of the other end", fcntl(p[0], F_GETPIPE_SZ));
	show("F_SETPIPE_SZ 100000", fcntl(p[0], F_SETPIPE_SZ, 100000));
	show("F_SETPIPE_SZ 0", fcntl(p[0], F_SETPIPE_SZ, 0));
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	long total = 0, n;
	while ((n = write(p[1], buf, 100)) > 0)
		total += n;
	printf("  a 4096-byte pipe takes %ld bytes in writes of 100\n", total);
	show("F_SETPIPE_SZ 65536 while it holds them", fcntl(p[0], F_SETPIPE_SZ, 65536));
	show("another write now", write(p[1], buf, 100));
	while (read(p[0], buf, sizeof buf) == sizeof buf)
		;
	show("F_SETPIPE_SZ 8192, emptied", fcntl(p[0], F_SETPIPE_SZ, 8192));
	show("write 10000 bytes, O_NONBLOCK", write(p[1], buf, sizeof buf));
	show("F_SETPIPE_SZ 4096 with more held", fcntl(p[0], F_SETPIPE_SZ, 4096));
	show("F_GETPIPE_SZ of a file", fcntl(f, F_GETPIPE_SZ));
	show("F_SETPIPE_SZ of a file", fcntl(f, F_SETPIPE_SZ, 4096));
	close(p[0]);
	close(p[1]);
	close(f);
	unlink("p.txt");
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	residency();
	positional();
	syncing();
	old_times();
	queued();
	messages();
	pipe_sizes();
	return 0;
}
