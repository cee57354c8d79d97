/* execve across ABIs: a 64-bit process starts a 32-bit program and vice versa.
 *
 * 1. Always: the program writes a minimal static ELF of the other class into the working
 *    directory (ELF32/i386 from the x64 and musl builds, ELF64/x86-64 from the m32 build:
 *    one PT_LOAD, code that writes a line through the raw system call of its own ABI and
 *    exits with its argc read from the initial stack) and runs it in a child.
 * 2. When available: the harness's build of this same file in the other flavor, which is
 *    the sibling directory of argv[0] (tests/out/guest/proc_mixed_abi.FLAVOR/prog; m32 for
 *    x64 and musl, x64 for m32). It is run with "report FD" and sends back sizeof(long),
 *    sizeof(void *) and its libc. The sibling is built by another, parallel case and may
 *    be absent (or appear between the native and the hexvm run), so stdout only says
 *    "ok" when it is absent or reports exactly what its flavor implies; details of a
 *    mismatch are printed (a real failure), and stderr notes which case happened.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc_util.h"

#if defined(__x86_64__) && defined(__GLIBC__)
#define FLAVOR "x64"
#elif defined(__x86_64__)
#define FLAVOR "musl"
#else
#define FLAVOR "m32"
#endif

#ifdef __x86_64__
#define SIBLING "m32"
#define SIBLING_REPORT "long=4 ptr=4 libc=glibc"
#else
#define SIBLING "x64"
#define SIBLING_REPORT "long=8 ptr=8 libc=glibc"
#endif

/* The other class's image: one PT_LOAD holding the ELF header, the program header, the
 * code and the message. ELF(type) names that class's types; MSG_AT and LEN_AT are where
 * the code holds the message's address and length. */
#ifdef __x86_64__
/* ELF32: mov eax,4; mov ebx,1; mov ecx,MSG; mov edx,LEN; int 0x80;
 *        mov ebx,[esp]; mov eax,1; int 0x80 */
static const unsigned char code[] = {0xb8, 4, 0, 0, 0, 0xbb, 1, 0, 0, 0, 0xb9, 0, 0, 0, 0,
                                     0xba, 0, 0, 0, 0, 0xcd, 0x80, 0x8b, 0x1c, 0x24,
                                     0xb8, 1, 0, 0, 0, 0xcd, 0x80};
#define ELF(type) Elf32_##type
enum { OTHER_BITS = 32, OTHER_CLASS = ELFCLASS32, OTHER_MACHINE = EM_386, BASE = 0x8048000 };
#else
/* ELF64: mov eax,1; mov edi,1; mov esi,MSG; mov edx,LEN; syscall;
 *        mov rdi,[rsp]; mov eax,60; syscall */
static const unsigned char code[] = {0xb8, 1, 0, 0, 0, 0xbf, 1, 0, 0, 0, 0xbe, 0, 0, 0, 0,
                                     0xba, 0, 0, 0, 0, 0x0f, 0x05, 0x48, 0x8b, 0x3c, 0x24,
                                     0xb8, 60, 0, 0, 0, 0x0f, 0x05};
#define ELF(type) Elf64_##type
enum { OTHER_BITS = 64, OTHER_CLASS = ELFCLASS64, OTHER_MACHINE = EM_X86_64, BASE = 0x400000 };
#endif
enum { MSG_AT = 11, LEN_AT = 16 };

static unsigned char image[512];

static void put32(unsigned char *p, unsigned v)
{
    memcpy(p, &v, 4);
}

/* Returns the image size. */
static size_t build_other(void)
{
    memset(image, 0, sizeof image);
    char msg[32];
    unsigned msg_len = (unsigned)snprintf(msg, sizeof msg, "hello from a %d-bit image\n", OTHER_BITS);
    const unsigned base = BASE;
    ELF(Ehdr) *e = (ELF(Ehdr) *)image;
    ELF(Phdr) *ph = (ELF(Phdr) *)(image + sizeof *e);
    size_t code_off = sizeof *e + sizeof *ph, msg_off = code_off + sizeof code;
    size_t size = msg_off + msg_len;
    memcpy(e->e_ident, ELFMAG, SELFMAG);
    e->e_ident[EI_CLASS] = OTHER_CLASS;
    e->e_ident[EI_DATA] = ELFDATA2LSB;
    e->e_ident[EI_VERSION] = EV_CURRENT;
    e->e_type = ET_EXEC;
    e->e_machine = OTHER_MACHINE;
    e->e_version = EV_CURRENT;
    e->e_entry = base + (unsigned)code_off;
    e->e_phoff = sizeof *e;
    e->e_ehsize = sizeof *e;
    e->e_phentsize = sizeof *ph;
    e->e_phnum = 1;
    memcpy(image + code_off, code, sizeof code);
    put32(image + code_off + MSG_AT, base + (unsigned)msg_off);
    put32(image + code_off + LEN_AT, msg_len);
    memcpy(image + msg_off, msg, msg_len);
    ph->p_type = PT_LOAD;
    ph->p_flags = PF_R | PF_X;
    ph->p_vaddr = ph->p_paddr = base;
    ph->p_filesz = ph->p_memsz = size;
    ph->p_align = 0x1000;
    return size;
}

/* Fork and execve(path, argv) in the child; returns the wait status, or -1. */
static int run(const char *path, char *const argv[])
{
    char *envp[] = {NULL};
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execve(path, argv, envp);
        _exit(127);
    }
    return wait_status(pid); /* -1 also when fork failed */
}

static void test_embedded(void)
{
    size_t n = build_other();
    int fd = open("other-abi.elf", O_CREAT | O_WRONLY | O_TRUNC, 0755);
    if (fd < 0 || write(fd, image, n) != (ssize_t)n || close(fd) != 0) {
        printf("cannot write other-abi.elf\n");
        return;
    }
    chmod("other-abi.elf", 0755);
    printf("running the embedded %s image with argc 3:\n", sizeof(long) == 8 ? "ELF32" : "ELF64");
    char *argv[] = {"other-abi.elf", "one", "two", NULL};
    int st = run("./other-abi.elf", argv);
    if (st >= 0 && WIFEXITED(st))
        printf("it exited with %d\n", WEXITSTATUS(st));
    else if (st >= 0 && WIFSIGNALED(st))
        printf("it was killed by signal %d\n", WTERMSIG(st));
    else
        printf("no status\n");
}

/* The sibling's program path, or NULL when argv[0] is not the harness's layout or the
 * sibling has not been built (its PROG.cmd is written after a successful build). */
static char *sibling_path(const char *self)
{
    static char path[4096];
    const char *tail = "." FLAVOR "/prog";
    size_t len = strlen(self), tl = strlen(tail);
    if (len <= tl || len + 16 >= sizeof path || strcmp(self + len - tl, tail) != 0)
        return NULL;
    snprintf(path, sizeof path, "%.*s.%s/prog.cmd", (int)(len - tl), self, SIBLING);
    if (access(path, R_OK) != 0)
        return NULL;
    path[strlen(path) - 4] = 0; /* drop ".cmd" */
    return access(path, X_OK) == 0 ? path : NULL;
}

static void test_sibling(const char *self)
{
    const char *path = sibling_path(self);
    if (!path) {
        fprintf(stderr, "proc_mixed_abi: sibling " SIBLING " build not found\n");
        printf("sibling (" SIBLING ") check: ok\n");
        return;
    }
    int p[2];
    if (pipe(p) != 0)
        return;
    char fdarg[16];
    snprintf(fdarg, sizeof fdarg, "%d", p[1]);
    char *argv[] = {(char *)path, "report", fdarg, NULL};
    int st = run(path, argv);
    close(p[1]);
    char rep[128] = {0};
    ssize_t n = read(p[0], rep, sizeof rep - 1);
    close(p[0]);
    if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 127 && n <= 0) {
        fprintf(stderr, "proc_mixed_abi: sibling " SIBLING " could not be executed\n");
        printf("sibling (" SIBLING ") check: ok\n");
        return;
    }
    fprintf(stderr, "proc_mixed_abi: sibling " SIBLING " reported \"%s\"\n", rep);
    if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 && strcmp(rep, SIBLING_REPORT) == 0)
        printf("sibling (" SIBLING ") check: ok\n");
    else
        printf("sibling (" SIBLING ") check: FAILED, status 0x%x, report \"%s\"\n", (unsigned)st, rep);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "report") == 0) {
#ifdef __GLIBC__
        const char *libc = "glibc";
#else
        const char *libc = "musl";
#endif
        dprintf(atoi(argv[2]), "long=%zu ptr=%zu libc=%s", sizeof(long), sizeof(void *), libc);
        return 0;
    }
    printf("this is the %s build\n", FLAVOR);
    test_embedded();
    test_sibling(argv[0]);
    return 0;
}
