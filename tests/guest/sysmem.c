/* Memory-management system calls: brk, mmap (anonymous private and shared, file-backed
 * private and shared, with offsets and a partial last page), munmap, mprotect, mremap,
 * madvise, msync, and the faults they imply (caught with a SIGSEGV/SIGBUS handler that
 * checks si_code and si_addr). Addresses are never printed, only offsets and properties.
 * The last act writes to a read-only page with the default action: the program dies of
 * SIGSEGV (exit status 139 in both runs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static long page;

static const char *errname(int e)
{
    switch (e) {
    case EINVAL: return "EINVAL";
    case ENOMEM: return "ENOMEM";
    case EBADF: return "EBADF";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EEXIST: return "EEXIST";
    default: return "other";
    }
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed + i * 13 + (i >> 8));
}

static int check(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(seed + i * 13 + (i >> 8)))
            return 0;
    return 1;
}

static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

static const char *yes(int b)
{
    return b ? "yes" : "no";
}

/* ------------------------------------------------------------ fault probing */

static sigjmp_buf probe_env;
static volatile int probe_sig, probe_code;
static volatile uintptr_t probe_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    probe_sig = sig;
    probe_code = si->si_code;
    probe_addr = (uintptr_t)si->si_addr;
    siglongjmp(probe_env, 1);
}

/* Read (write when W) one byte at P; describe what happened. */
static void probe(const char *what, volatile unsigned char *p, int w)
{
    probe_sig = 0;
    if (sigsetjmp(probe_env, 1) == 0) {
        if (w)
            *p = 0x5a;
        else
            (void)*p;
        printf("%s: %s ok\n", what, w ? "write" : "read");
        return;
    }
    const char *code = probe_sig == SIGSEGV ? (probe_code == SEGV_MAPERR ? "SEGV_MAPERR"
                                               : probe_code == SEGV_ACCERR ? "SEGV_ACCERR" : "?")
                       : probe_sig == SIGBUS ? (probe_code == BUS_ADRERR ? "BUS_ADRERR" : "?") : "?";
    printf("%s: %s faults with %s %s, si_addr is the byte: %s\n", what, w ? "write" : "read",
           probe_sig == SIGSEGV ? "SIGSEGV" : probe_sig == SIGBUS ? "SIGBUS" : "other", code,
           yes(probe_addr == (uintptr_t)p));
}

static void install_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

/* ------------------------------------------------------------------ sections */

static void test_brk(void)
{
    printf("== brk\n");
    /* raw brk: musl's sbrk refuses to move the break, so use the system call */
    uintptr_t b0 = (uintptr_t)syscall(SYS_brk, 0);
    printf("brk(0) is page-aligned or not: consistent=%s\n", yes(b0 == (uintptr_t)syscall(SYS_brk, 0)));
    uintptr_t b1 = (uintptr_t)syscall(SYS_brk, b0 + 256 * 1024);
    printf("grow by 256 KiB: new break = old + %ld\n", (long)(b1 - b0));
    unsigned char *p = (unsigned char *)b0;
    printf("new memory is zero: %s\n", yes(all_zero(p, 256 * 1024)));
    fill(p, 256 * 1024, 7);
    printf("writable and readable: %s\n", yes(check(p, 256 * 1024, 7)));
    uintptr_t b2 = (uintptr_t)syscall(SYS_brk, b0 + 4096);
    printf("shrink to old + 4 KiB: break = old + %ld\n", (long)(b2 - b0));
    probe("byte just below the shrunk break", p + 4095, 0);
    probe("page above the shrunk break", p + 64 * 1024, 0);
    uintptr_t b3 = (uintptr_t)syscall(SYS_brk, b0 + 128 * 1024);
    /* pages wholly above the shrunk break were released and come back zeroed */
    uintptr_t released = ((b0 + 4096 + page - 1) & ~(uintptr_t)(page - 1)) - b0;
    printf("grow again: break = old + %ld, re-grown memory zero: %s\n", (long)(b3 - b0),
           yes(all_zero(p + released, 64 * 1024)));
    uintptr_t b4 = (uintptr_t)syscall(SYS_brk, 1);
    printf("brk(1) refused, break unchanged: %s\n", yes(b4 == b3));
    syscall(SYS_brk, b0);
    /* malloc, which may use brk or mmap */
    size_t big = 64u << 20;
    unsigned char *m = malloc(big);
    if (!m) {
        printf("malloc 64 MiB failed\n");
        return;
    }
    for (size_t i = 0; i < big; i += (size_t)page)
        m[i] = (unsigned char)(i >> 12);
    int ok = 1;
    for (size_t i = 0; i < big; i += (size_t)page)
        ok &= m[i] == (unsigned char)(i >> 12);
    printf("malloc 64 MiB, touch every page: %s\n", yes(ok));
    free(m);
}

static void test_anon(void)
{
    printf("== anonymous mmap\n");
    size_t len = 16 * (size_t)page;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        printf("mmap failed: %s\n", errname(errno));
        return;
    }
    printf("page-aligned: %s, zero-filled: %s\n", yes(((uintptr_t)p & (page - 1)) == 0),
           yes(all_zero(p, len)));
    fill(p, len, 1);
    printf("pattern reads back: %s\n", yes(check(p, len, 1)));
    printf("munmap page 5: %ld\n", (long)munmap(p + 5 * page, page));
    probe("unmapped page 5", p + 5 * page + 17, 0);
    probe("page 4 still mapped", p + 5 * page - 1, 0);
    printf("pages 6.. intact: %s\n", yes(p[6 * page] == (unsigned char)(1 + 6 * page * 13 + (6 * page >> 8))));
    printf("mprotect page 2 read-only: %ld\n", (long)mprotect(p + 2 * page, page, PROT_READ));
    probe("read-only page 2", p + 2 * page + 100, 0);
    probe("read-only page 2", p + 2 * page + 100, 1);
    printf("mprotect page 3 PROT_NONE: %ld\n", (long)mprotect(p + 3 * page, page, PROT_NONE));
    probe("PROT_NONE page 3", p + 3 * page, 0);
    printf("mprotect page 3 back to read/write: %ld\n", (long)mprotect(p + 3 * page, page, PROT_READ | PROT_WRITE));
    probe("page 3 again", p + 3 * page, 1);
    printf("contents of page 3 kept across PROT_NONE: %s\n", yes(p[3 * page + 1] == (unsigned char)(1 + (3 * page + 1) * 13 + ((3 * page + 1) >> 8))));
    printf("madvise DONTNEED pages 0-1: %ld\n", (long)madvise(p, 2 * (size_t)page, MADV_DONTNEED));
    printf("private anonymous pages read zero after DONTNEED: %s\n", yes(all_zero(p, 2 * (size_t)page)));
    munmap(p, len);
    probe("whole mapping after munmap", p + 7 * page, 0);

    unsigned char *s = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    printf("shared anonymous mmap ok: %s\n", yes(s != MAP_FAILED));
    if (s != MAP_FAILED) {
        fill(s, (size_t)page, 3);
        /* a second view of the same shared pages via mremap with old_size 0 */
        unsigned char *s2 = mremap(s, 0, (size_t)page, MREMAP_MAYMOVE);
        if (s2 != MAP_FAILED) {
            s2[10] = 0xee;
            printf("second view shares data: %s %s\n", yes(check(s2 + 11, 100, 3 + 11 * 13)),
                   yes(s[10] == 0xee));
            munmap(s2, (size_t)page);
        } else {
            printf("mremap(old_size 0) failed: %s\n", errname(errno));
        }
        munmap(s, (size_t)page);
    }

    printf("mmap length 0: %s\n", mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? errname(errno) : "succeeded");
    printf("mmap no MAP_PRIVATE/SHARED: %s\n", mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? errname(errno) : "succeeded");
    printf("munmap unaligned: %s\n", munmap((void *)(uintptr_t)(page + 1), 4096) < 0 ? errname(errno) : "succeeded");
    printf("mprotect unaligned: %s\n", mprotect((void *)(uintptr_t)(page + 1), 4096, PROT_READ) < 0 ? errname(errno) : "succeeded");
    printf("file mmap with bad fd: %s\n", mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 99, 0) == MAP_FAILED ? errname(errno) : "succeeded");
}

static void test_mremap(void)
{
    printf("== mremap\n");
    size_t len = 4 * (size_t)page;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    fill(p, len, 9);
    /* reserve the pages after the mapping so that growing in place is impossible */
    unsigned char *block = mmap(p + len, (size_t)page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    /* EEXIST: something already lives there, which blocks growth just as well */
    int blocked = block == p + len || (block == MAP_FAILED && errno == EEXIST);
    int own_block = block == p + len;
    unsigned char *q = mremap(p, len, 8 * (size_t)page, 0);
    printf("grow in place without MAYMOVE when blocked: %s\n",
           !blocked ? "(could not block)" : q == MAP_FAILED ? errname(errno) : "succeeded");
    q = mremap(p, len, 8 * (size_t)page, MREMAP_MAYMOVE);
    if (q == MAP_FAILED) {
        printf("mremap MAYMOVE failed: %s\n", errname(errno));
        return;
    }
    printf("moved: %s, old data kept: %s, new tail zero: %s\n", yes(q != p), yes(check(q, len, 9)),
           yes(all_zero(q + len, len)));
    if (q != p)
        probe("old address after the move", p, 0);
    unsigned char *r = mremap(q, 8 * (size_t)page, 2 * (size_t)page, 0);
    printf("shrink in place: %s, data kept: %s\n", yes(r == q), yes(check(r, 2 * (size_t)page, 9)));
    probe("shrunk-away page", q + 3 * page, 0);
    if (own_block)
        munmap(block, (size_t)page);
    munmap(r, 2 * (size_t)page);
}

static void test_file_mmap(void)
{
    printf("== file-backed mmap\n");
    size_t flen = 3 * (size_t)page + 100; /* the last page is partial */
    unsigned char *buf = malloc(flen);
    fill(buf, flen, 5);
    int fd = open("m.dat", O_CREAT | O_RDWR | O_TRUNC, 0644);
    printf("wrote file: %s\n", yes(write(fd, buf, flen) == (ssize_t)flen));

    unsigned char *p = mmap(NULL, 4 * (size_t)page, PROT_READ, MAP_PRIVATE, fd, 0);
    printf("private read-only map of the file: %s\n", yes(p != MAP_FAILED));
    printf("contents match: %s\n", yes(memcmp(p, buf, flen) == 0));
    printf("tail of last partial page is zero: %s\n", yes(all_zero(p + flen, 4 * (size_t)page - flen)));
    munmap(p, 4 * (size_t)page);

    /* offset mapping */
    p = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE, fd, 2 * page);
    printf("map at file offset 2 pages matches: %s\n", yes(p != MAP_FAILED && memcmp(p, buf + 2 * page, (size_t)page) == 0));
    munmap(p, (size_t)page);
    printf("unaligned offset: %s\n", mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED ? errname(errno) : "succeeded");

    /* private writable: changes stay private */
    p = mmap(NULL, flen, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    p[0] = 0xaa;
    p[page + 1] = 0xbb;
    unsigned char first;
    pread(fd, &first, 1, 0);
    printf("private write invisible in the file: %s\n", yes(first == buf[0]));
    munmap(p, flen);

    /* shared writable: changes reach the file */
    p = mmap(NULL, flen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    p[1] = 0x11;
    p[2 * page + 3] = 0x22;
    printf("msync: %d\n", msync(p, flen, MS_SYNC));
    unsigned char got[2] = {0, 0};
    pread(fd, &got[0], 1, 1);
    pread(fd, &got[1], 1, 2 * page + 3);
    printf("shared writes visible through read: %02x %02x\n", got[0], got[1]);
    /* and a write() shows up in the mapping */
    pwrite(fd, "\x77", 1, 5);
    printf("write() visible through the shared mapping: %02x\n", p[5]);
    munmap(p, flen);

    /* pages wholly past the end of the file raise SIGBUS */
    p = mmap(NULL, 6 * (size_t)page, PROT_READ, MAP_SHARED, fd, 0);
    probe("page past end of file", p + 5 * page, 0);
    munmap(p, 6 * (size_t)page);

    /* a read-only file descriptor cannot back a shared writable mapping */
    int ro = open("m.dat", O_RDONLY);
    printf("shared writable map of O_RDONLY fd: %s\n",
           mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED ? errname(errno) : "succeeded");
    close(ro);
    close(fd);
    free(buf);
}

/* The last act: a write to a read-only page with no handler kills the process. */
static void die_of_sigsegv(void)
{
    printf("== write to a PROT_READ page without a handler: the process dies of SIGSEGV now\n");
    fflush(stdout);
    signal(SIGSEGV, SIG_DFL);
    volatile unsigned char *p = mmap(NULL, (size_t)page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p[0] = 1;
    printf("still alive after the write\n");
}

int main(void)
{
    page = sysconf(_SC_PAGESIZE);
    setvbuf(stdout, NULL, _IOLBF, 0);
    install_handlers();
    test_brk();
    test_anon();
    test_mremap();
    test_file_mmap();
    die_of_sigsegv();
    return 0;
}
