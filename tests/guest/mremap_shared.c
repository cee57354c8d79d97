/* mremap of shared and file-backed mappings: a moved or grown MAP_SHARED mapping is
 * still the same memory (a forked process and the file see stores through the new
 * address), and a moved piece of a file mapping keeps its file offset (/proc/self/maps).
 * Touching the part of a grown shared anonymous mapping beyond its object is SIGBUS, as
 * on Linux. Addresses are never printed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define DATA_FILE "mremap_shared.dat"

static long page;
static sigjmp_buf probe_env;

static void on_fault(int sig)
{
    siglongjmp(probe_env, sig);
}

/* The signal a read of *p raises, or 0. */
static int read_signal(volatile unsigned char *p)
{
    int sig = sigsetjmp(probe_env, 1);
    if (sig == 0) {
        (void)*p;
        return 0;
    }
    return sig;
}

/* A free place for len bytes, found by mapping and unmapping it. */
static unsigned char *free_place(size_t len)
{
    unsigned char *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    munmap(p, len);
    return p;
}

static void wait_child(pid_t pid)
{
    int status;
    waitpid(pid, &status, 0);
    printf("  child exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* The child moves its view of shared anonymous pages and writes through it. */
static void shared_anon_moved(void)
{
    printf("== shared anonymous, moved in a child\n");
    size_t len = 4 * (size_t)page;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    memset(p, 'a', len);
    pid_t pid = fork();
    if (pid == 0) {
        unsigned char *to = free_place(len + (size_t)page) + page;
        unsigned char *q = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to);
        if (q == MAP_FAILED)
            _exit(2);
        q[0] = 'c';
        q[3 * page + 7] = 'd';
        _exit(q[page] == 'a' ? 0 : 3);
    }
    wait_child(pid);
    printf("  parent sees the child's stores: %c %c (untouched %c)\n", p[0], p[3 * page + 7],
           p[page]);
    munmap(p, len);
}

/* Grown with MAYMOVE: the old pages are still shared, the new page lies past
 * the shared object's end. */
static void shared_anon_grown(void)
{
    printf("== shared anonymous, grown in a child\n");
    unsigned char *p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE,
                            MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    p[5] = 'x';
    pid_t pid = fork();
    if (pid == 0) {
        unsigned char *to = free_place(3 * (size_t)page) + page;
        unsigned char *q = mremap(p, (size_t)page, 2 * (size_t)page,
                                  MREMAP_MAYMOVE | MREMAP_FIXED, to);
        if (q == MAP_FAILED)
            _exit(2);
        q[6] = 'y';
        int sig = read_signal(q + page);
        printf("  child: old byte %c, new page read: %s\n", q[5],
               sig == SIGBUS ? "SIGBUS" : sig == SIGSEGV ? "SIGSEGV" : "no fault");
        fflush(stdout);
        _exit(0);
    }
    wait_child(pid);
    printf("  parent sees the child's store: %c\n", p[6]);
    munmap(p, (size_t)page);
}

static int make_file(size_t len)
{
    int fd = open(DATA_FILE, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        perror(DATA_FILE);
        exit(1);
    }
    char *buf = malloc(len);
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)('A' + i / (size_t)page);
    if (write(fd, buf, len) != (ssize_t)len) {
        perror("write");
        exit(1);
    }
    free(buf);
    return fd;
}

/* The offset /proc/self/maps gives the mapping at `at`, or -1. */
static long maps_offset(const void *at)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[512];
    long offset = -1;
    while (maps && fgets(line, sizeof line, maps)) {
        unsigned long start, end, off;
        if (sscanf(line, "%lx-%lx %*s %lx", &start, &end, &off) == 3 &&
            start == (unsigned long)(uintptr_t)at)
            offset = (long)off;
    }
    if (maps)
        fclose(maps);
    return offset;
}

/* One page out of the middle of a shared file mapping, moved: it shows its
 * own page of the file, and stores through it reach the file. */
static void shared_file_moved(void)
{
    printf("== shared file mapping, a middle page moved\n");
    size_t len = 4 * (size_t)page;
    int fd = make_file(len);
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    unsigned char *to = free_place(3 * (size_t)page) + page;
    unsigned char *q = mremap(p + 2 * page, (size_t)page, (size_t)page,
                              MREMAP_MAYMOVE | MREMAP_FIXED, to);
    if (q == MAP_FAILED) {
        printf("  mremap failed\n");
        return;
    }
    printf("  moved page shows file page %c, maps offset %ld pages\n", q[0],
           maps_offset(q) / page);
    q[9] = 'z';
    msync(q, (size_t)page, MS_SYNC);
    char got = 0;
    pread(fd, &got, 1, 2 * page + 9);
    printf("  the file has the store: %c\n", got);
    printf("  the pages around it: %c %c\n", p[page], p[3 * page]);
    munmap(q, (size_t)page);
    munmap(p, len);
    close(fd);
}

/* A private file mapping's middle page moved keeps its offset; grown in
 * place, a shared one maps the next page of the file. */
static void file_offsets(void)
{
    printf("== file mapping offsets\n");
    size_t len = 4 * (size_t)page;
    int fd = make_file(len);
    unsigned char *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    unsigned char *to = free_place(3 * (size_t)page) + page;
    unsigned char *q = mremap(p + page, (size_t)page, (size_t)page,
                              MREMAP_MAYMOVE | MREMAP_FIXED, to);
    printf("  private: moved page shows %c, maps offset %ld pages\n", q[0],
           maps_offset(q) / page);
    munmap(q, (size_t)page);
    munmap(p, len);

    unsigned char *s = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    munmap(s + 2 * page, 2 * (size_t)page);
    unsigned char *g = mremap(s + page, (size_t)page, 2 * (size_t)page, 0);
    if (g == MAP_FAILED) {
        printf("  shared: grow in place failed\n");
    } else {
        printf("  shared: grown in place %s, new page shows %c\n",
               g == s + page ? "at the same address" : "elsewhere", g[page]);
        g[page + 1] = 'w';
        msync(g, 2 * (size_t)page, MS_SYNC);
        char got = 0;
        pread(fd, &got, 1, 2 * page + 1);
        printf("  the file has the store: %c\n", got);
        munmap(g, 2 * (size_t)page);
    }
    munmap(s, (size_t)page);
    close(fd);
}

int main(void)
{
    page = sysconf(_SC_PAGESIZE);
    signal(SIGBUS, on_fault);
    signal(SIGSEGV, on_fault);
    setvbuf(stdout, NULL, _IONBF, 0);
    shared_anon_moved();
    shared_anon_grown();
    shared_file_moved();
    file_offsets();
    unlink(DATA_FILE);
    return 0;
}
