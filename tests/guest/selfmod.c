/* Self-modifying and run-time generated code, the cases a translating emulator must
 * notice: code written into an RWX page then called; its immediate patched from C after
 * it has run many times; an instruction patched by the loop that executes it; the very
 * next instruction patched by the store just before it; the W^X dance of a JIT
 * (write under PROT_READ|PROT_WRITE, then PROT_READ|PROT_EXEC); and new code mapped at
 * an address that held other code before. The machine code is hand-assembled for both
 * modes (only the argument passing differs).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef int (*fn0)(void);
typedef int (*fn1)(void *);

/* mov eax, imm32 ; ret -- identical in both modes; the immediate is at offset 1 */
static const unsigned char ret_imm[] = {0xb8, 0x07, 0x00, 0x00, 0x00, 0xc3};

/* Loop ten times: add eax, imm32 then increment that immediate through the pointer
 * argument, so each iteration runs code the previous one modified. 1+2+...+10 = 55. */
#ifdef __x86_64__
static const unsigned char loop_patch[] = {
    0x31, 0xc0,                   /* 0: xor eax, eax */
    0xb9, 0x0a, 0x00, 0x00, 0x00, /* 2: mov ecx, 10 */
    0x05, 0x01, 0x00, 0x00, 0x00, /* 7: add eax, 1  (imm at 8) */
    0xff, 0x07,                   /* c: inc dword [rdi] */
    0xe2, 0xf7,                   /* e: loop 7 */
    0xc3,                         /* 10: ret */
};
#define LOOP_IMM 8
/* Store 42 into the immediate of the next instruction, then execute it. */
static const unsigned char next_patch[] = {
    0xc7, 0x47, 0x08, 0x2a, 0x00, 0x00, 0x00, /* 0: mov dword [rdi+8], 42 */
    0xb8, 0x01, 0x00, 0x00, 0x00,             /* 7: mov eax, 1  (imm at 8) */
    0xc3,                                     /* c: ret */
};
#else
static const unsigned char loop_patch[] = {
    0x8b, 0x54, 0x24, 0x04,       /* 0: mov edx, [esp+4] */
    0x31, 0xc0,                   /* 4: xor eax, eax */
    0xb9, 0x0a, 0x00, 0x00, 0x00, /* 6: mov ecx, 10 */
    0x05, 0x01, 0x00, 0x00, 0x00, /* b: add eax, 1  (imm at c) */
    0xff, 0x02,                   /* 10: inc dword [edx] */
    0xe2, 0xf7,                   /* 12: loop b */
    0xc3,                         /* 14: ret */
};
#define LOOP_IMM 12
static const unsigned char next_patch[] = {
    0x8b, 0x54, 0x24, 0x04,                   /* 0: mov edx, [esp+4] */
    0xc7, 0x42, 0x0c, 0x2a, 0x00, 0x00, 0x00, /* 4: mov dword [edx+12], 42 */
    0xb8, 0x01, 0x00, 0x00, 0x00,             /* b: mov eax, 1  (imm at c) */
    0xc3,                                     /* 10: ret */
};
#endif

static void set_imm(unsigned char *p, int32_t v)
{
    memcpy(p, &v, 4);
}

int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    unsigned char *code = mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE | PROT_EXEC,
                               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) {
        printf("RWX mmap failed\n");
        return 1;
    }

    /* 1: write, call, patch the immediate, call again -- after many calls */
    memcpy(code, ret_imm, sizeof ret_imm);
    fn0 f = (fn0)(void *)code;
    printf("first call: %d\n", f());
    long sum = 0;
    for (int i = 0; i < 10000; i++)
        sum += f();
    printf("10000 calls sum: %ld\n", sum);
    set_imm(code + 1, 1234567);
    printf("after patching the immediate: %d\n", f());
    for (int i = 0; i < 5; i++) {
        set_imm(code + 1, -i * 1000);
        printf("patched to %d: %d\n", -i * 1000, f());
    }

    /* 2: a loop that modifies its own body, in the same page as function 1 */
    unsigned char *loop = code + 64;
    memcpy(loop, loop_patch, sizeof loop_patch);
    fn1 g = (fn1)(void *)loop;
    printf("self-patching loop: %d (55 when every patch is seen)\n", g(loop + LOOP_IMM));
    printf("immediate afterwards: %d\n", (int)loop[LOOP_IMM]);
    printf("run again (starts from 11): %d\n", g(loop + LOOP_IMM));
    printf("function 1 unaffected: %d\n", f());

    /* 3: patch the next instruction */
    unsigned char *next = code + 128;
    memcpy(next, next_patch, sizeof next_patch);
    fn1 h = (fn1)(void *)next;
    printf("store into the next instruction: %d (42 when seen)\n", h(next));
    set_imm(next + (sizeof next_patch - 5), 1); /* back to "mov eax, 1" */
    printf("reset from C, run again (patches itself again): %d\n", h(next));

    /* 4: code in the second page, written while not executable (W^X) */
    unsigned char *wx = code + page;
    mprotect(wx, (size_t)page, PROT_READ | PROT_WRITE);
    memcpy(wx, ret_imm, sizeof ret_imm);
    set_imm(wx + 1, 111);
    mprotect(wx, (size_t)page, PROT_READ | PROT_EXEC);
    fn0 k = (fn0)(void *)wx;
    printf("W^X function: %d\n", k());
    mprotect(wx, (size_t)page, PROT_READ | PROT_WRITE);
    set_imm(wx + 1, 222);
    mprotect(wx, (size_t)page, PROT_READ | PROT_EXEC);
    printf("W^X function rewritten: %d\n", k());

    /* 5: unmap the code and map fresh code at the same address */
    munmap(code, 2 * (size_t)page);
    unsigned char *again = mmap(code, (size_t)page, PROT_READ | PROT_WRITE | PROT_EXEC,
                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    memcpy(again, ret_imm, sizeof ret_imm);
    set_imm(again + 1, 999);
    printf("new mapping at the old address: %d\n", ((fn0)(void *)again)());

    /* 6: many small functions generated and called in turn */
    long total = 0;
    for (int i = 0; i < 200; i++) {
        unsigned char *p = again + (i % 50) * 16;
        memcpy(p, ret_imm, sizeof ret_imm);
        set_imm(p + 1, i * 7);
        total += ((fn0)(void *)p)();
    }
    printf("200 generated functions: %ld\n", total);
    return 0;
}
