/* What fork's copy of memory must look like, however lazily it is made: after fork, parent
 * and child each change and read big and small regions (heap, mmap, .data, stack) and
 * neither sees the other's stores; several children forked at different times see the
 * memory of their own fork; a grandchild sees its parent's copy; munmap, mmap over,
 * mprotect, mremap, madvise and brk in the parent or in the child after fork leave the other
 * side's copy alone; a child touching an inaccessible page gets SIGSEGV (si_code, si_addr)
 * while the pages beside it read fine, and sees the page's bytes once it makes it readable;
 * a read-only mapping stays read-only and keeps its bytes when the parent makes it writable;
 * a child that execs while the parent rewrites everything; host system calls (read and write
 * on a pipe) from and into memory fork shares, a signal frame on the shared stack, the
 * parent reading the child's /proc/PID/cmdline; a child outliving the parent it was forked
 * from; and a parent writing thousands of scattered pages while a child shares them.
 * Children report through pipes or print while the parent waits for them, so the order of
 * the output is fixed.
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
#include <sys/syscall.h>
#include <unistd.h>

#include "proc_util.h"

#define PAGE 4096u
#define MIB  (1u << 20)

/* Word i of a region, counted from its start, filled with `seed`. */
static uint64_t pat(size_t i, unsigned seed)
{
    return (i * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)seed << 56) ^ (seed * 0x1000193ull);
}

/* Fills [off, off+bytes) of the region at base with seed's words. */
static void fill(void *base, size_t off, size_t bytes, unsigned seed)
{
    uint64_t *w = base;
    for (size_t i = off / 8; i < (off + bytes) / 8; i++)
        w[i] = pat(i, seed);
}

/* 1 when [off, off+bytes) of the region at base holds seed's words. */
static int holds(const void *base, size_t off, size_t bytes, unsigned seed)
{
    const uint64_t *w = base;
    for (size_t i = off / 8; i < (off + bytes) / 8; i++)
        if (w[i] != pat(i, seed))
            return 0;
    return 1;
}

static int all_zero(const void *p, size_t bytes)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < bytes; i++)
        if (b[i])
            return 0;
    return 1;
}

static void *map(size_t bytes)
{
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(97);
    }
    return p;
}

/* Two pipes between a parent and one child: each side waits for the other's word. */
struct gate {
    int down[2], up[2];
};

static void gate_open(struct gate *g)
{
    xpipe(g->down);
    xpipe(g->up);
}

static void gate_close(struct gate *g)
{
    close(g->down[0]);
    close(g->down[1]);
    close(g->up[0]);
    close(g->up[1]);
}

static void tell(int fd) { xwrite(fd, "g", 1); }
static void await(int fd) { xread1(fd); }

static void reap(const char *what, pid_t pid)
{
    int st = wait_status(pid);
    printf("%s: %s\n", what, exited_with(st, 0) ? "exited 0" : "did not exit 0");
}

static unsigned char data_pages[3 * PAGE] = {1}; /* .data */
static int small_counter = 100;

static void test_isolation(void)
{
    printf("== isolation both ways: 16 MiB mmap, .data, a global, the stack\n");
    size_t big = 16 * MIB;
    unsigned char *p = map(big);
    uint64_t stack_words[512];
    fill(p, 0, big, 1);
    fill(data_pages, 0, sizeof data_pages, 2);
    fill(stack_words, 0, sizeof stack_words, 3);
    struct gate g;
    gate_open(&g);
    pid_t pid = xfork();
    if (pid == 0) {
        int saw = holds(p, 0, big, 1) && holds(data_pages, 0, sizeof data_pages, 2) &&
                  holds(stack_words, 0, sizeof stack_words, 3) && small_counter == 100;
        fill(p, 0, big / 2, 4);
        p[big - 1] ^= 0xff;
        fill(data_pages, 0, PAGE, 5);
        fill(stack_words, 0, sizeof stack_words, 6);
        small_counter = 200;
        tell(g.up[1]);
        await(g.down[0]);
        int kept = holds(p, 0, big / 2, 4) && holds(p, big / 2, big / 2 - PAGE, 1) &&
                   p[big - 1] == (unsigned char)(pat(big / 8 - 1, 1) >> 56 ^ 0xff) &&
                   holds(data_pages, 0, PAGE, 5) && holds(data_pages, PAGE, 2 * PAGE, 2) &&
                   holds(stack_words, 0, sizeof stack_words, 6) && small_counter == 200;
        printf("child: saw the parent's memory at fork: %s, keeps its own stores and none of "
               "the parent's: %s\n", yes(saw), yes(kept));
        exit(0);
    }
    await(g.up[0]);
    int untouched = holds(p, 0, big, 1) && holds(data_pages, 0, sizeof data_pages, 2) &&
                    holds(stack_words, 0, sizeof stack_words, 3) && small_counter == 100;
    fill(p, 0, big, 7);
    fill(data_pages, 0, sizeof data_pages, 8);
    small_counter = 300;
    tell(g.down[1]);
    reap("child", pid);
    printf("parent: none of the child's stores: %s, keeps its own: %s\n", yes(untouched),
           yes(holds(p, 0, big, 7) && holds(data_pages, 0, sizeof data_pages, 8) &&
               small_counter == 300));
    gate_close(&g);
    munmap(p, big);
}

/* Which seed each quarter of a region holds (0: none of them). */
static void print_quarters(const char *who, const unsigned char *p, size_t bytes)
{
    printf("%s: quarters hold seeds", who);
    for (int q = 0; q < 4; q++) {
        int found = 0;
        for (unsigned seed = 10; seed < 16 && !found; seed++)
            if (holds(p, q * (bytes / 4), bytes / 4, seed))
                found = (int)seed;
        printf(" %d", found);
    }
    printf("\n");
}

static void test_many_children(void)
{
    printf("== four children forked while the parent changes the region between forks\n");
    enum { N = 4 };
    size_t bytes = 4 * MIB;
    unsigned char *p = map(bytes);
    struct gate g[N];
    pid_t pids[N];
    fill(p, 0, bytes, 10);
    for (int k = 0; k < N; k++) {
        gate_open(&g[k]);
        pids[k] = xfork();
        if (pids[k] == 0) {
            await(g[k].down[0]);
            char who[16];
            snprintf(who, sizeof who, "child %d", k + 1);
            print_quarters(who, p, bytes);
            fill(p, 0, bytes, 15); /* must reach neither the parent nor the others */
            exit(0);
        }
        fill(p, (size_t)k * (bytes / 4), bytes / 4, 11 + (unsigned)k);
    }
    for (int k = N - 1; k >= 0; k--) {
        tell(g[k].down[1]);
        reap("  reaped", pids[k]);
        gate_close(&g[k]);
    }
    print_quarters("parent", p, bytes);
    munmap(p, bytes);
}

static void test_grandchild(void)
{
    printf("== a grandchild\n");
    size_t bytes = 4 * MIB;
    unsigned char *p = map(bytes);
    fill(p, 0, bytes, 10);
    struct gate g, gg;
    gate_open(&g);
    pid_t pid = xfork();
    if (pid == 0) {
        await(g.down[0]);
        fill(p, 0, bytes / 2, 11);
        gate_open(&gg);
        pid_t grand = xfork();
        if (grand == 0) {
            await(gg.down[0]);
            print_quarters("grandchild", p, bytes);
            fill(p, 0, bytes, 13);
            exit(0);
        }
        fill(p, 0, bytes, 12);
        tell(gg.down[1]);
        reap("child: grandchild", grand);
        print_quarters("child", p, bytes);
        exit(0);
    }
    fill(p, bytes / 2, bytes / 2, 14);
    tell(g.down[1]);
    reap("child", pid);
    print_quarters("parent", p, bytes);
    gate_close(&g);
    munmap(p, bytes);
}

/* brk without malloc's knowledge: the program break moved by the system call itself. */
static char *raw_brk(char *to)
{
    return (char *)syscall(SYS_brk, to);
}

static void test_parent_changes(void)
{
    printf("== the parent unmaps, maps over, mprotects, mremaps and moves brk after fork\n");
    size_t mb = MIB;
    unsigned char *a = map(mb), *b = map(mb), *c = map(mb);
    char *brk0 = raw_brk(0), *brk1 = raw_brk(brk0 + 64 * 1024);
    int brk_ok = brk1 == brk0 + 64 * 1024;
    fill(a, 0, mb, 30);
    fill(b, 0, mb, 31);
    fill(c, 0, mb, 32);
    if (brk_ok)
        fill(brk0, 0, 64 * 1024, 33);
    struct gate g;
    gate_open(&g);
    pid_t pid = xfork();
    if (pid == 0) {
        await(g.down[0]);
        printf("child: unmapped part %s, protected part %s, remapped part %s, brk area %s\n",
               yes(holds(a, 0, mb, 30)), yes(holds(b, 0, mb, 31)), yes(holds(c, 0, mb, 32)),
               yes(!brk_ok || holds(brk0, 0, 64 * 1024, 33)));
        exit(0);
    }
    munmap(a + mb / 2, mb / 2);
    void *over = mmap(a, mb / 4, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                      -1, 0);
    int over_zero = over == a && all_zero(a, mb / 4);
    fill(a, 0, mb / 4, 40);
    mprotect(b, mb, PROT_NONE);
    mprotect(b, mb, PROT_READ | PROT_WRITE);
    int b_kept = holds(b, 0, mb, 31);
    fill(b, 0, mb, 41);
    unsigned char *c2 = mremap(c, mb, 2 * mb, MREMAP_MAYMOVE);
    int c_moved = c2 != MAP_FAILED && holds(c2, 0, mb, 32) && all_zero(c2 + mb, mb);
    if (c2 != MAP_FAILED)
        fill(c2, 0, 2 * mb, 42);
    int brk_zero = 1;
    if (brk_ok) {
        raw_brk(brk0);
        raw_brk(brk0 + 64 * 1024);
        brk_zero = all_zero(brk0, 64 * 1024);
        fill(brk0, 0, 64 * 1024, 43);
        raw_brk(brk0);
    }
    tell(g.down[1]);
    reap("child", pid);
    printf("parent: mapped over reads zero %s, mprotect kept the bytes %s, mremap moved them "
           "%s, brk grown again reads zero %s\n", yes(over_zero), yes(b_kept), yes(c_moved),
           yes(brk_zero));
    printf("parent: its own stores stayed: %s\n",
           yes(holds(a, 0, mb / 4, 40) && holds(a, mb / 4, mb / 4, 30) && holds(b, 0, mb, 41) &&
               c2 != MAP_FAILED && holds(c2, 0, 2 * mb, 42)));
    gate_close(&g);
    munmap(a, mb / 2);
    munmap(b, mb);
    if (c2 != MAP_FAILED)
        munmap(c2, 2 * mb);
}

static void child_changes(unsigned char *d, unsigned char *e, unsigned char *f,
                          unsigned char *h, size_t mb)
{
    munmap(d, mb / 2);
    void *over = mmap(d, mb / 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                      -1, 0);
    printf("child: mapped over reads zero %s, the rest kept %s\n",
           yes(over == d && all_zero(d, mb / 2)), yes(holds(d, mb / 2, mb / 2, 50)));
    mprotect(e, mb, PROT_READ);
    int e_read = holds(e, 0, mb, 51);
    mprotect(e, mb, PROT_READ | PROT_WRITE);
    fill(e, 0, PAGE, 60);
    printf("child: read-only then writable keeps the bytes %s\n",
           yes(e_read && holds(e, PAGE, mb - PAGE, 51)));
    unsigned char *f2 = mremap(f, mb, 3 * mb, MREMAP_MAYMOVE);
    printf("child: mremap moved the bytes %s\n",
           yes(f2 != MAP_FAILED && holds(f2, 0, mb, 52) && all_zero(f2 + mb, 2 * mb)));
    madvise(h, mb, MADV_DONTNEED);
    printf("child: MADV_DONTNEED reads zero %s\n", yes(all_zero(h, mb)));
    char *brk0 = raw_brk(0);
    if (raw_brk(brk0 + 64 * 1024) == brk0 + 64 * 1024) {
        fill(brk0, 0, 64 * 1024, 61);
        raw_brk(brk0);
        raw_brk(brk0 + 64 * 1024);
        printf("child: brk grown again reads zero %s\n", yes(all_zero(brk0, 64 * 1024)));
        raw_brk(brk0);
    }
}

static void test_child_changes(void)
{
    printf("== the child unmaps, maps over, mprotects, mremaps, discards and moves brk\n");
    size_t mb = MIB;
    unsigned char *d = map(mb), *e = map(mb), *f = map(mb), *h = map(mb);
    fill(d, 0, mb, 50);
    fill(e, 0, mb, 51);
    fill(f, 0, mb, 52);
    fill(h, 0, mb, 53);
    pid_t pid = xfork();
    if (pid == 0) {
        child_changes(d, e, f, h, mb);
        exit(0);
    }
    reap("child", pid);
    printf("parent: all of it kept: %s\n",
           yes(holds(d, 0, mb, 50) && holds(e, 0, mb, 51) && holds(f, 0, mb, 52) &&
               holds(h, 0, mb, 53)));
    munmap(d, mb);
    munmap(e, mb);
    munmap(f, mb);
    munmap(h, mb);
}

static sigjmp_buf segv_jmp;
static volatile int segv_code;
static volatile uintptr_t segv_addr;

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)ctx;
    segv_code = si->si_code;
    segv_addr = (uintptr_t)si->si_addr;
    siglongjmp(segv_jmp, 1);
}

/* Reads (or writes) one byte; prints whether that faulted, how, and where. */
static void probe(const char *what, volatile unsigned char *base, size_t off, int write)
{
    if (sigsetjmp(segv_jmp, 1)) {
        printf("child: %s: SIGSEGV, si_code %s, si_addr at offset %lu\n", what,
               segv_code == SEGV_ACCERR ? "SEGV_ACCERR" : segv_code == SEGV_MAPERR ? "SEGV_MAPERR" : "other",
               (unsigned long)(segv_addr - (uintptr_t)base));
        return;
    }
    if (write)
        base[off] = 1;
    else
        (void)base[off];
    printf("child: %s: no fault\n", what);
}

static void catch_segv(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
}

static void test_prot_none(void)
{
    printf("== an inaccessible page between two readable ones\n");
    unsigned char *p = map(3 * PAGE);
    fill(p, 0, 3 * PAGE, 70);
    mprotect(p + PAGE, PAGE, PROT_NONE);
    pid_t pid = xfork();
    if (pid == 0) {
        catch_segv();
        probe("read of the page before", p, 10, 0);
        probe("read of the inaccessible page", p, PAGE + 8, 0);
        probe("write of the inaccessible page", p, PAGE + 16, 1);
        probe("read of the page after", p, 2 * PAGE + 24, 0);
        mprotect(p + PAGE, PAGE, PROT_READ);
        printf("child: made readable, it holds the parent's bytes: %s; the others too: %s\n",
               yes(holds(p, PAGE, PAGE, 70)), yes(holds(p, 0, PAGE, 70) && holds(p, 2 * PAGE, PAGE, 70)));
        exit(0);
    }
    reap("child", pid);
    munmap(p, 3 * PAGE);
}

static void test_read_only(void)
{
    printf("== a read-only mapping\n");
    size_t bytes = 64 * 1024;
    unsigned char *p = map(bytes);
    fill(p, 0, bytes, 80);
    mprotect(p, bytes, PROT_READ);
    struct gate g;
    gate_open(&g);
    pid_t pid = xfork();
    if (pid == 0) {
        catch_segv();
        int first = holds(p, 0, bytes / 2, 80);
        tell(g.up[1]);
        await(g.down[0]);
        printf("child: reads its bytes before %s and after the parent rewrote its own %s\n",
               yes(first), yes(holds(p, 0, bytes, 80)));
        probe("write to the read-only mapping", p, 5 * PAGE + 3, 1);
        exit(0);
    }
    await(g.up[0]);
    mprotect(p, bytes, PROT_READ | PROT_WRITE);
    fill(p, 0, bytes, 81);
    tell(g.down[1]);
    reap("child", pid);
    printf("parent: made writable and rewrote it: %s\n", yes(holds(p, 0, bytes, 81)));
    gate_close(&g);
    munmap(p, bytes);
}

static void test_exec_child(const char *self)
{
    printf("== a child that execs while the parent rewrites everything\n");
    size_t bytes = 8 * MIB;
    unsigned char *p = map(bytes);
    fill(p, 0, bytes, 90);
    pid_t pid = xfork();
    if (pid == 0) {
        execl("/proc/self/exe", self, "exec-child", (char *)NULL);
        _exit(127);
    }
    fill(p, 0, bytes, 91);
    fill(data_pages, 0, sizeof data_pages, 92);
    int st = wait_status(pid);
    printf("parent: exec'd child exited %d; its own stores stayed: %s\n",
           WIFEXITED(st) ? WEXITSTATUS(st) : -1,
           yes(holds(p, 0, bytes, 91) && holds(data_pages, 0, sizeof data_pages, 92)));
    munmap(p, bytes);
}

static volatile int sigchld_seen;
static void on_sigchld(int sig)
{
    (void)sig;
    sigchld_seen++;
}

/* The child writes its copy of src into the pipe while the parent reads it into dst. */
static void test_host_calls(void)
{
    printf("== host calls on shared memory: a pipe, a signal frame, /proc/PID/cmdline\n");
    size_t bytes = 256 * 1024;
    unsigned char *src = map(bytes), *dst = map(bytes);
    fill(src, 0, bytes, 100);
    fill(dst, 0, bytes, 101);
    /* Held until the parent unblocks it in a system call, where a debugger following
     * the program call by call (tests/lockstep) can place it too. */
    sigset_t chld, old;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &old);
    signal(SIGCHLD, on_sigchld);
    int fds[2];
    struct gate g;
    xpipe(fds);
    gate_open(&g);
    pid_t pid = xfork();
    if (pid == 0) {
        close(fds[0]);
        fill(src, 0, PAGE, 100); /* the same bytes, now its own page */
        size_t done = 0;
        while (done < bytes) {
            ssize_t n = write(fds[1], src + done, bytes - done);
            if (n <= 0)
                break;
            done += (size_t)n;
        }
        await(g.down[0]);
        printf("child: wrote it all %s, its copy of the parent's buffer kept %s\n",
               yes(done == bytes), yes(holds(dst, 0, bytes, 101)));
        exit(0);
    }
    close(fds[1]);
    size_t got = 0;
    while (got < bytes) {
        ssize_t n = read(fds[0], dst + got, bytes - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    char mine[4096], its[4096], path[64];
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    int f1 = open("/proc/self/cmdline", O_RDONLY), f2 = open(path, O_RDONLY);
    ssize_t n1 = read(f1, mine, sizeof mine), n2 = read(f2, its, sizeof its);
    close(f1);
    close(f2);
    tell(g.down[1]);
    reap("child", pid);
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("parent: read the child's bytes into its buffer: %s\n",
           yes(got == bytes && holds(dst, 0, bytes, 100)));
    printf("parent: the child's /proc/PID/cmdline equals its own: %s\n",
           yes(n1 > 0 && n1 == n2 && !memcmp(mine, its, (size_t)n1)));
    printf("parent: SIGCHLD handled on its stack: %s\n", yes(sigchld_seen == 1));
    signal(SIGCHLD, SIG_DFL);
    close(fds[0]);
    gate_close(&g);
    munmap(src, bytes);
    munmap(dst, bytes);
}

static void test_parent_exits(void)
{
    printf("== a child outliving the parent it was forked from\n");
    size_t bytes = 2 * MIB;
    int report[2];
    struct gate g;
    xpipe(report);
    gate_open(&g);
    pid_t mid = xfork();
    if (mid == 0) {
        unsigned char *p = map(bytes);
        fill(p, 0, bytes, 110);
        pid_t pid = xfork();
        if (pid == 0) {
            await(g.down[0]);
            char ok = holds(p, 0, bytes, 110) ? 'y' : 'n';
            xwrite(report[1], &ok, 1);
            _exit(0);
        }
        _exit(0); /* its memory goes while the child still shares it */
    }
    reap("middle process", mid);
    tell(g.down[1]);
    close(report[1]);
    char ok = xread1(report[0]);
    printf("orphan: sees the bytes of its dead parent: %s\n", yes(ok == 'y'));
    close(report[0]);
    gate_close(&g);
}

/* Enough isolated pages that a page-granular copy-on-write splits tens of thousands of host
 * mappings: every 128 KiB one word, a quarter of them written before fork. */
static void test_scatter(void)
{
    printf("== the parent writes scattered pages while a child shares them\n");
    size_t stride = 128 * 1024, n = sizeof(void *) == 8 ? 18432 : 6144, bytes = n * stride;
    uint64_t *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        printf("mmap failed\n");
        return;
    }
    size_t words = stride / 8;
    for (size_t i = 0; i < n; i += 4)
        p[i * words] = pat(i, 120);
    struct gate g;
    gate_open(&g);
    pid_t pid = xfork();
    if (pid == 0) {
        await(g.down[0]);
        size_t bad = 0;
        for (size_t i = 0; i < n; i++)
            bad += p[i * words] != (i % 4 ? 0 : pat(i, 120));
        printf("child: %zu of %zu words differ from the memory at fork\n", bad, n);
        exit(0);
    }
    for (size_t i = 0; i < n; i++)
        p[i * words] = pat(i, 121);
    tell(g.down[1]);
    reap("child", pid);
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += p[i * words] != pat(i, 121);
    printf("parent: %zu words differ from its own stores\n", bad);
    gate_close(&g);
    munmap(p, bytes);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "exec-child")) {
        printf("exec child: running, data holds the image's bytes: %s\n",
               yes(data_pages[0] == 1 && small_counter == 100));
        return 3;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_isolation();
    test_many_children();
    test_grandchild();
    test_parent_changes();
    test_child_changes();
    test_prot_none();
    test_read_only();
    test_exec_child(argv[0]);
    test_host_calls();
    test_parent_exits();
    test_scatter();
    return 0;
}
