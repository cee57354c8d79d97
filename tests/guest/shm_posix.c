/* POSIX shared memory and named semaphores, which live in /dev/shm: shm_open, ftruncate
 * and MAP_SHARED mappings written by a forked child and read back by the parent through
 * its mapping and read(); growing and shrinking the object under the mapping; a private
 * mapping that follows the file until written; named semaphores (sem_open) and a
 * process-shared unnamed one in the shared mapping, passed back and forth across fork;
 * the object outliving shm_unlink while mapped. Also run by the snapshot suite at many
 * points (which holds no file removed while open: this one is closed before). */
/* hexvm-test: cflags=-pthread */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE	    4096
#define ROUNDS	    40
#define TMPFS_MAGIC 0x01021994

struct shared {
	sem_t ready; /* process-shared, in the mapping */
	unsigned counter;
	char text[64];
};

static char shm_name[64], sem_a[64], sem_b[64];

static void work(void)
{
	volatile unsigned long x = 0;
	for (unsigned long k = 0; k < 100000; k++)
		x += k ^ (x >> 3);
}

static void show_dir(void)
{
	struct stat st;
	struct statfs sf;
	if (stat("/dev/shm", &st) || statfs("/dev/shm", &sf)) {
		perror("/dev/shm");
		return;
	}
	printf("/dev/shm: dir %d mode %04o tmpfs %d\n", S_ISDIR(st.st_mode),
	       (unsigned)(st.st_mode & 07777), sf.f_type == TMPFS_MAGIC);
}

/* The child fills pages 0-2 through its mapping, grows the object by write(). */
static void child_writes(int fd, unsigned char *map)
{
	for (int p = 0; p < 3; p++)
		memset(map + p * PAGE + 100, 'a' + p, 50);
	char tail[] = "written past the end by the child";
	if (pwrite(fd, tail, sizeof tail, 4 * PAGE + 10) != (ssize_t)sizeof tail)
		_exit(3);
	_exit(0);
}

static void check_shared_mapping(int fd)
{
	unsigned char *map = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		perror("mmap");
		return;
	}
	pid_t pid = fork();
	if (pid == 0)
		child_writes(fd, map);
	int status;
	waitpid(pid, &status, 0);
	char buf[64] = {0};
	struct stat st;
	fstat(fd, &st);
	printf("child status %d, size %lld\n", WEXITSTATUS(status), (long long)st.st_size);
	for (int p = 0; p < 3; p++) {
		pread(fd, buf, 8, p * PAGE + 98);
		printf("page %d: map %c%c read %02x %02x %c%c\n", p, map[p * PAGE + 100],
		       map[p * PAGE + 149], buf[0], buf[1], buf[2], buf[7]);
	}
	unsigned char *more = mmap(NULL, 5 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	printf("tail through a new mapping: %s\n", more == MAP_FAILED ? "?" : (char *)more + 4 * PAGE + 10);
	/* shrink then grow: the cut bytes come back as zeros, everywhere */
	ftruncate(fd, PAGE + 120);
	ftruncate(fd, 3 * PAGE);
	pread(fd, buf, 4, PAGE + 118);
	printf("after shrink and grow: read %02x %02x %02x %02x, map %02x %02x\n", buf[0], buf[1],
	       buf[2], buf[3], map[PAGE + 119], map[PAGE + 120]);
	munmap(more, 5 * PAGE);
	munmap(map, 3 * PAGE);
}

/* A private mapping shows later writes of the file in pages it has not written. */
static void check_private_mapping(int fd)
{
	char *priv = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (priv == MAP_FAILED) {
		perror("mmap private");
		return;
	}
	priv[0] = 'P';
	pwrite(fd, "file0", 5, 1);
	pwrite(fd, "file1", 5, PAGE);
	char buf[8] = {0};
	pread(fd, buf, 6, 0);
	printf("private: page 0 %c%02x, page 1 %.5s, file %.5s\n", priv[0], priv[1], priv + PAGE,
	       buf + 1);
	munmap(priv, 2 * PAGE);
}

/* Parent and child take turns, each waiting on its own named semaphore; the
 * counter and text live in the shared object. */
static void ping_pong(struct shared *sh)
{
	sem_t *a = sem_open(sem_a, O_CREAT | O_EXCL, 0600, 0);
	sem_t *b = sem_open(sem_b, O_CREAT | O_EXCL, 0600, 0);
	if (a == SEM_FAILED || b == SEM_FAILED) {
		perror("sem_open");
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		for (int k = 0; k < ROUNDS; k++) {
			sem_wait(a);
			sh->counter = sh->counter * 3 + 1;
			sem_post(b);
		}
		sem_wait(&sh->ready);
		snprintf(sh->text, sizeof sh->text, "child saw counter %u", sh->counter);
		_exit(0);
	}
	for (int k = 0; k < ROUNDS; k++) {
		if (k % 8 == 0)
			work(); /* the child waits in sem_wait meanwhile */
		sh->counter += 7;
		sem_post(a);
		sem_wait(b);
	}
	work();
	sh->counter ^= 0x5a5a;
	sem_post(&sh->ready);
	int status;
	waitpid(pid, &status, 0);
	int value = -1;
	sem_getvalue(a, &value);
	printf("ping-pong: counter %u, %s, status %d, value %d\n", sh->counter, sh->text,
	       WEXITSTATUS(status), value);
	sem_close(a);
	sem_close(b);
	int ua = sem_unlink(sem_a), ub = sem_unlink(sem_b), again = sem_unlink(sem_a);
	printf("sem_unlink %d %d, again %d (%s)\n", ua, ub, again, strerror(errno));
}

int main(void)
{
	snprintf(shm_name, sizeof shm_name, "/hexvm-shm-posix-%d", (int)getpid());
	snprintf(sem_a, sizeof sem_a, "hexvm-sem-a-%d", (int)getpid());
	snprintf(sem_b, sizeof sem_b, "hexvm-sem-b-%d", (int)getpid());
	show_dir();
	int fd = shm_open(shm_name, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd < 0) {
		perror("shm_open");
		return 1;
	}
	printf("exclusive again: %d\n", shm_open(shm_name, O_CREAT | O_EXCL | O_RDWR, 0600));
	ftruncate(fd, 3 * PAGE);
	check_shared_mapping(fd);
	check_private_mapping(fd);
	struct shared *sh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 2 * PAGE);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	sem_init(&sh->ready, 1, 0);
	ping_pong(sh);
	char buf[64] = {0};
	pread(fd, buf, sizeof sh->text, 2 * PAGE + offsetof(struct shared, text));
	printf("read: %s\n", buf);
	close(fd);
	int unlinked = shm_unlink(shm_name), reopened = shm_open(shm_name, O_RDWR, 0);
	printf("shm_unlink %d, reopen %d (%s)\n", unlinked, reopened, strerror(errno));
	work();
	printf("the mapping after unlink: %s\n", sh->text);
	return 0;
}
