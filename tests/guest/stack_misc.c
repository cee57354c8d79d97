/* Stack and miscellaneous data-movement instructions.
 *
 * push/pop of registers, immediates and memory (including 16-bit pushes), pusha/popa
 * in both sizes (i386), enter/leave at nesting levels 0..4, ret imm16, sign and zero
 * extension (cbw cwde cdqe cwd cdq cqo movsx movzx movsxd), xlat, lahf/sahf, the
 * pushf/popf round trip of DF, AC and ID, jump tables, indirect calls and deep
 * recursion. Stack addresses differ between runs, so values that are stack addresses
 * are printed relative to a reference point taken in the same asm block.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef unsigned long word;

#ifdef __x86_64__
#define RZ_IN "lea -128(%%rsp), %%rsp\n\t"
#define RZ_OUT "\n\tlea 128(%%rsp), %%rsp"
#define SP "%%rsp"
#define BP "%%rbp"
/* byte offsets of word slots 0..15, as strings for the asm templates */
#define S(n) S64_##n
#define S64_0 "0"
#define S64_1 "8"
#define S64_2 "16"
#define S64_3 "24"
#define S64_4 "32"
#define S64_5 "40"
#define S64_6 "48"
#define S64_7 "56"
#define S64_8 "64"
#define S64_9 "72"
#define S64_10 "80"
#define S64_11 "88"
#define S64_12 "96"
#define S64_13 "104"
#define S64_14 "112"
#define S64_15 "120"
#else
#define RZ_IN ""
#define RZ_OUT ""
#define SP "%%esp"
#define BP "%%ebp"
#define S(n) S32_##n
#define S32_0 "0"
#define S32_1 "4"
#define S32_2 "8"
#define S32_3 "12"
#define S32_4 "16"
#define S32_5 "20"
#define S32_6 "24"
#define S32_7 "28"
#define S32_8 "32"
#define S32_9 "36"
#define S32_10 "40"
#define S32_11 "44"
#define S32_12 "48"
#define S32_13 "52"
#define S32_14 "56"
#define S32_15 "60"
#endif

/* A value that is a stack address near REF prints as an offset from it, anything else
 * as itself. */
static void print_word(word v, word ref)
{
    long d = (long)(v - ref);
    if (d > -4096 && d < 4096)
        printf(" ref%+ld", d);
    else
        printf(" %#lx", v);
}

/* ------------------------------------------------------------------- push/pop */

static void test_push_pop(void)
{
    printf("== push / pop\n");
    word out[8], tmp;
    const word x = 0x1234abcd;
    /* slots: 0 ref sp; 1..3 popped values; 4 sp after pushw; 5 popw value; 6 sp at end */
    __asm__ volatile(RZ_IN "mov " SP ", " S(0) "(%[o])\n\t"
                     "push $-5\n\tpush $0x12345678\n\tpush %[x]\n\t"
                     "pop %[t]\n\tmov %[t], " S(1) "(%[o])\n\t"
                     "pop %[t]\n\tmov %[t], " S(2) "(%[o])\n\t"
                     "pop %[t]\n\tmov %[t], " S(3) "(%[o])\n\t"
                     "pushw $0x7788\n\tmov " SP ", " S(4) "(%[o])\n\t"
                     "mov $-1, %[t]\n\tpopw %w[t]\n\tmov %[t], " S(5) "(%[o])\n\t"
                     "mov " SP ", " S(6) "(%[o])" RZ_OUT
                     : [t] "=&r"(tmp) : [o] "r"(out), [x] "r"(x) : "memory");
    printf("popped in reverse: %#lx %#lx %#lx\n", out[1], out[2], out[3]);
    printf("pushw moved sp by %ld; popw gave %#lx (upper bits kept); sp back by %ld\n",
           (long)(out[0] - out[4]), out[5], (long)(out[0] - out[6]));

    /* memory operands: push from memory, pop into memory */
    static word cell = 0x0badf00d, other;
    word *pc = &cell, *po = &other;
    __asm__ volatile(RZ_IN "push (%[c])\n\tpop (%[p])" RZ_OUT : : [c] "r"(pc), [p] "r"(po) : "memory");
    printf("push mem / pop mem: %#lx\n", other);

    /* pop into a memory operand addressed via the stack pointer: the address is formed
     * with the stack pointer after the pop's increment. */
    word slot[2] = {0, 0};
    __asm__ volatile(RZ_IN "push $0x5151\n\tpush $0x4242\n\t"
                     "pop (" SP ")\n\t" /* writes 0x4242 over the 0x5151 slot */
                     "pop " S(0) "(%[s])\n\t" RZ_OUT
                     : : [s] "r"(slot) : "memory");
    printf("pop (sp): %#lx\n", slot[0]);

    /* push of the stack pointer pushes its value before the decrement */
    word d;
    __asm__ volatile(RZ_IN "mov " SP ", %[d]\n\tpush " SP "\n\tsub (" SP "), %[d]\n\t"
                     "pop %[t]" RZ_OUT
                     : [d] "=&r"(d), [t] "=&r"(tmp) : : "memory");
    printf("push sp pushes the old value: %s\n", d == 0 ? "yes" : "no");
}

/* ----------------------------------------------------------------- pusha/popa */

#ifndef __x86_64__
static uint32_t pa[24];

static void test_pusha(void)
{
    printf("== pusha / popa\n");
    /* pa[0..7]: the pushal image (edi esi ebp esp ebx edx ecx eax from the top);
     * pa[8]: esp before pushal; pa[9..15]: eax ecx edx ebx esi ebp esp after popal,
     * with the image's esp slot overwritten first (popal must skip it). */
    __asm__ volatile("push %%ebp\n\tpush %%ebx\n\t"
                     "mov $0x11, %%eax\n\tmov $0x22, %%ecx\n\tmov $0x33, %%edx\n\t"
                     "mov $0x44, %%ebx\n\tmov $0x55, %%ebp\n\tmov $0x66, %%esi\n\t"
                     "mov %%esp, 32(%%edi)\n\t"
                     "pushal\n\t"
                     "mov 0(%%esp), %%eax\n\tmov %%eax, 0(%%edi)\n\t"
                     "mov 4(%%esp), %%eax\n\tmov %%eax, 4(%%edi)\n\t"
                     "mov 8(%%esp), %%eax\n\tmov %%eax, 8(%%edi)\n\t"
                     "mov 12(%%esp), %%eax\n\tmov %%eax, 12(%%edi)\n\t"
                     "mov 16(%%esp), %%eax\n\tmov %%eax, 16(%%edi)\n\t"
                     "mov 20(%%esp), %%eax\n\tmov %%eax, 20(%%edi)\n\t"
                     "mov 24(%%esp), %%eax\n\tmov %%eax, 24(%%edi)\n\t"
                     "mov 28(%%esp), %%eax\n\tmov %%eax, 28(%%edi)\n\t"
                     "movl $0x99, 12(%%esp)\n\t"
                     "xor %%eax, %%eax\n\txor %%ecx, %%ecx\n\txor %%edx, %%edx\n\t"
                     "xor %%ebx, %%ebx\n\txor %%esi, %%esi\n\txor %%ebp, %%ebp\n\t"
                     "popal\n\t"
                     "mov %%eax, 36(%%edi)\n\tmov %%ecx, 40(%%edi)\n\tmov %%edx, 44(%%edi)\n\t"
                     "mov %%ebx, 48(%%edi)\n\tmov %%esi, 52(%%edi)\n\tmov %%ebp, 56(%%edi)\n\t"
                     "mov %%esp, 60(%%edi)\n\t"
                     /* 16-bit forms: pushaw stores 8 words; popaw reloads only the low
                      * halves. */
                     "mov $0xaaaa0011, %%eax\n\tmov $0xaaaa0022, %%ecx\n\t"
                     "pushaw\n\t"
                     "mov %%esp, 64(%%edi)\n\t"
                     "movzwl 14(%%esp), %%ebx\n\tmov %%ebx, 68(%%edi)\n\t" /* ax slot */
                     "mov $0xbbbbffff, %%eax\n\tmov $0xbbbbffff, %%ecx\n\t"
                     "popaw\n\t"
                     "mov %%eax, 72(%%edi)\n\tmov %%ecx, 76(%%edi)\n\tmov %%esp, 80(%%edi)\n\t"
                     "pop %%ebx\n\tpop %%ebp"
                     :
                     : "D"(pa)
                     : "eax", "ecx", "edx", "esi", "memory");
    static const char *const names[8] = {"edi", "esi", "ebp", "esp", "ebx", "edx", "ecx", "eax"};
    printf("pushal image:");
    for (int i = 0; i < 8; i++) {
        printf(" %s=", names[i]);
        if (i == 3)
            printf("ref%+ld", (long)(pa[3] - pa[8]));
        else if (i == 0)
            printf("%s", pa[0] == (uint32_t)(uintptr_t)pa ? "pointer" : "WRONG");
        else
            printf("%#x", pa[i]);
    }
    printf("\npopal: eax=%#x ecx=%#x edx=%#x ebx=%#x esi=%#x ebp=%#x esp=ref%+ld\n", pa[9],
           pa[10], pa[11], pa[12], pa[13], pa[14], (long)(pa[15] - pa[8]));
    printf("pushaw: sp moved by %ld, ax slot=%#x; popaw: eax=%#x ecx=%#x sp back to ref%+ld\n",
           (long)(pa[8] - pa[16]), pa[17], pa[18], pa[19], (long)(pa[20] - pa[8]));
}
#endif

/* ---------------------------------------------------------------- enter/leave */

/* A fake chain of frame pointers for enter's display copy: enter $N, $L pushes the old
 * frame pointer, then L-1 words read from below it, then the new frame pointer. */
static word display[8] = {0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7};

/* out: 0 sp at start (ref), 1 sp after enter, 2 bp after enter, 3..14 the words from sp
 * upward, 15 bp after leave; *after: sp after leave. The words below ref are filled with
 * a pattern first so that enter's uninitialised locals print the same in both runs. */
#define FILL(n) "mov %[pat], -" S(n) "(" SP ")\n\t"
#define DEF_ENTER(L)                                                                      \
    static void enter_##L(word *out, word *after)                                         \
    {                                                                                     \
        word t;                                                                           \
        __asm__ volatile(RZ_IN "push " BP "\n\t"                                          \
                         "mov " SP ", " S(0) "(%[o])\n\t"                                 \
                         FILL(1) FILL(2) FILL(3) FILL(4) FILL(5) FILL(6) FILL(7) FILL(8)  \
                         FILL(9) FILL(10) FILL(11) FILL(12) FILL(13) FILL(14) FILL(15)    \
                         "mov %[d], " BP "\n\t"                                           \
                         "enter $24, $" #L "\n\t"                                         \
                         "mov " SP ", " S(1) "(%[o])\n\t"                                 \
                         "mov " BP ", " S(2) "(%[o])\n\t"                                 \
                         COPY(0, 3) COPY(1, 4) COPY(2, 5) COPY(3, 6) COPY(4, 7) COPY(5, 8) \
                         COPY(6, 9) COPY(7, 10) COPY(8, 11) COPY(9, 12) COPY(10, 13)      \
                         COPY(11, 14)                                                     \
                         "leave\n\t"                                                      \
                         "mov " BP ", " S(15) "(%[o])\n\t"                                \
                         "mov " SP ", (%[a])\n\t"                                         \
                         "pop " BP RZ_OUT                                                 \
                         : [t] "=&r"(t)                                                   \
                         : [o] "r"(out), [a] "r"(after), [d] "r"(display + 8),            \
                           [pat] "r"((word)0x5e5e5e5e)                                    \
                         : "memory");                                                     \
    }
#define COPY(from, to) "mov " S(from) "(" SP "), %[t]\n\tmov %[t], " S(to) "(%[o])\n\t"
DEF_ENTER(0)
DEF_ENTER(1)
DEF_ENTER(2)
DEF_ENTER(3)
DEF_ENTER(4)

static void test_enter_leave(void)
{
    printf("== enter / leave\n");
    void (*const fns[5])(word *, word *) = {enter_0, enter_1, enter_2, enter_3, enter_4};
    for (int l = 0; l < 5; l++) {
        word out[16], after = 0;
        fns[l](out, &after);
        word ref = out[0];
        printf("enter $24, $%d: sp=ref%+ld bp=ref%+ld stack:", l, (long)(out[1] - ref),
               (long)(out[2] - ref));
        /* the words enter pushed or reserved: from the new sp up to ref */
        long n = (long)(ref - out[1]) / (long)sizeof(word);
        for (long i = 0; i < n && i < 12; i++)
            print_word(out[3 + i], ref);
        printf("\n  after leave: bp %s, sp=ref%+ld\n",
               out[15] == (word)(display + 8) ? "restored" : "WRONG", (long)(after - ref));
    }
}

/* ------------------------------------------------------------------- ret imm16 */

/* A callee-pops function: ret $N removes the arguments as well. */
static word ret_imm_probe(void)
{
    word before, after;
    __asm__ volatile(RZ_IN "mov " SP ", %[b]\n\t"
                     "push $1\n\tpush $2\n\tpush $3\n\t"
                     "call 1f\n\t"
                     "jmp 2f\n"
                     "1:\tret $" S(3) "\n"
                     "2:\tmov " SP ", %[a]" RZ_OUT
                     : [b] "=&r"(before), [a] "=&r"(after) : : "memory");
    return before - after;
}

/* --------------------------------------------------------------- extensions */

static void test_extensions(void)
{
    printf("== cbw cwde cdqe cwd cdq cqo movsx movzx\n");
    static const uint64_t vals[] = {0, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
                                    0x80000000, 0xffffffff, 0x123456789abcdef0ull,
                                    0xfedcba9876543210ull};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        word v = (word)vals[i], a, d;
        a = v;
        __asm__("cbtw" : "+a"(a));
        printf("%#llx: cbw=%#lx", (unsigned long long)vals[i], a);
        a = v;
        __asm__("cwtl" : "+a"(a));
        printf(" cwde=%#lx", a);
        a = v, d = 0x5555;
        __asm__("cwtd" : "+a"(a), "+d"(d));
        printf(" cwd=%#lx:%#lx", d, a);
        a = v, d = 0x5555;
        __asm__("cltd" : "+a"(a), "+d"(d));
        printf(" cdq=%#lx:%#lx", d, a);
#ifdef __x86_64__
        a = v;
        __asm__("cltq" : "+a"(a));
        printf(" cdqe=%#lx", a);
        a = v, d = 0x5555;
        __asm__("cqto" : "+a"(a), "+d"(d));
        printf(" cqo=%#lx:%#lx", d, a);
#endif
        word r;
        __asm__("movsbl %b1, %k0" : "=r"(r) : "q"(v));
        printf(" movsbl=%#lx", r);
        __asm__("movswl %w1, %k0" : "=r"(r) : "r"(v));
        printf(" movswl=%#lx", r);
        __asm__("movzbl %b1, %k0" : "=r"(r) : "q"(v));
        printf(" movzbl=%#lx", r);
        __asm__("movzwl %w1, %k0" : "=r"(r) : "r"(v));
        printf(" movzwl=%#lx", r);
        r = ~0ul;
        __asm__("movsbw %b1, %w0" : "+r"(r) : "q"(v));
        printf(" movsbw=%#lx", r);
        r = ~0ul;
        __asm__("movzbw %b1, %w0" : "+r"(r) : "q"(v));
        printf(" movzbw=%#lx", r);
#ifdef __x86_64__
        __asm__("movsbq %b1, %0" : "=r"(r) : "q"(v));
        printf(" movsbq=%#lx", r);
        __asm__("movswq %w1, %0" : "=r"(r) : "r"(v));
        printf(" movswq=%#lx", r);
        __asm__("movslq %k1, %0" : "=r"(r) : "r"(v));
        printf(" movsxd=%#lx", r);
        volatile int32_t m32 = (int32_t)v;
        __asm__("movslq %1, %0" : "=r"(r) : "m"(m32));
        printf(" movsxd(mem)=%#lx", r);
#endif
        volatile uint8_t m8 = (uint8_t)v;
        volatile uint16_t m16 = (uint16_t)v;
        __asm__("movsbl %1, %k0" : "=r"(r) : "m"(m8));
        printf(" movsbl(mem)=%#lx", r);
        __asm__("movzwl %1, %k0" : "=r"(r) : "m"(m16));
        printf(" movzwl(mem)=%#lx\n", r);
    }
}

/* ------------------------------------------------------------ xlat, lahf/sahf */

static void test_xlat_lahf(void)
{
    printf("== xlat\n");
    static unsigned char table[256];
    for (int i = 0; i < 256; i++)
        table[i] = (unsigned char)(255 - i * 3);
    static const word idx[] = {0, 1, 127, 128, 255, 0x1234ff, 0xffffff00};
    for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++) {
        word a = idx[i];
        __asm__("xlat" : "+a"(a) : "b"(table) : "memory");
        printf("xlat %#lx -> %#lx\n", idx[i], a);
    }
    printf("== lahf / sahf\n");
    for (unsigned ah = 0; ah < 256; ah += 17) {
        word a = ah << 8, f;
        /* sahf loads SF ZF AF PF CF from AH; bits 1,3,5 of AH are ignored; lahf reads
         * them back with bit 1 set */
        __asm__ volatile(RZ_IN "sahf\n\tpushf\n\tpop %[f]\n\tmov $0, %%ah\n\tlahf" RZ_OUT
                         : "+a"(a), [f] "=&r"(f) : : "cc", "memory");
        printf("sahf %#04x -> flags %#05lx, lahf %#04lx\n", ah, f & 0x8d5, (a >> 8) & 0xff);
    }
}

/* ------------------------------------------------------------ pushf / popf */

static void test_pushf_popf(void)
{
    printf("== pushf / popf of DF, AC, ID\n");
    static const struct {
        const char *name;
        word bit;
    } bits[] = {{"DF", 0x400}, {"AC", 0x40000}, {"ID", 0x200000}, {"TF-free status", 0x8d5}};
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        word before, set, cleared;
        /* nothing but aligned stack accesses happens while AC is set; cld restores the
         * C convention for DF */
        __asm__ volatile(RZ_IN "pushf\n\tpop %[b]\n\t"
                         "mov %[b], %[s]\n\tor %[bit], %[s]\n\tpush %[s]\n\tpopf\n\t"
                         "pushf\n\tpop %[s]\n\t"
                         "mov %[s], %[c]\n\tnot %[bit]\n\tand %[bit], %[c]\n\tpush %[c]\n\tpopf\n\t"
                         "pushf\n\tpop %[c]\n\t"
                         "push %[b]\n\tpopf\n\tcld" RZ_OUT
                         : [b] "=&r"(before), [s] "=&r"(set), [c] "=&r"(cleared)
                         : [bit] "r"(bits[i].bit) : "cc", "memory");
        printf("%s: sets=%s clears=%s\n", bits[i].name,
               (set & bits[i].bit) == bits[i].bit ? "yes" : "no",
               (cleared & bits[i].bit) == 0 ? "yes" : "no");
    }
    word f;
    __asm__ volatile(RZ_IN "pushf\n\tpop %[f]" RZ_OUT : [f] "=r"(f) : : "memory");
    printf("reserved bit 1 reads as 1: %s; IF reads as 1: %s\n", (f & 2) ? "yes" : "no",
           (f & 0x200) ? "yes" : "no");
}

/* ----------------------------------------------- calls, jump tables, recursion */

static int __attribute__((noinline)) classify(int x)
{
    /* dense cases: compiled to an indirect jump through a table */
    switch (x) {
    case 0: return 17;
    case 1: return 4;
    case 2: return 99;
    case 3: return -3;
    case 4: return 55;
    case 5: return 8;
    case 6: return 1000;
    case 7: return -77;
    case 8: return 31;
    default: return 0;
    }
}

static int add1(int x) { return x + 1; }
static int dbl(int x) { return x * 2; }
static int neg(int x) { return -x; }

/* Non-tail recursion deep enough to need a few MiB of stack. */
static long __attribute__((noinline)) depth_sum(long n)
{
    volatile long pad = n;
    if (n == 0)
        return 0;
    return depth_sum(n - 1) + (pad % 7);
}

static int __attribute__((noinline)) is_odd(unsigned n);
static int __attribute__((noinline)) is_even(unsigned n)
{
    return n == 0 ? 1 : is_odd(n - 1);
}
static int __attribute__((noinline)) is_odd(unsigned n)
{
    return n == 0 ? 0 : is_even(n - 1);
}

static long ackermann(long m, long n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static void test_calls(void)
{
    printf("== calls\n");
    int sum = 0;
    for (int i = -1; i < 11; i++)
        sum = sum * 3 + classify(i);
    printf("jump table checksum: %d\n", sum);
    int (*volatile fns[3])(int) = {add1, dbl, neg};
    int v = 5;
    for (int i = 0; i < 9; i++)
        v = fns[i % 3](v);
    printf("indirect calls: %d\n", v);
    printf("ret imm16 removed the arguments: %s\n", ret_imm_probe() == 0 ? "yes" : "no");
    printf("recursion depth 100000: %ld\n", depth_sum(100000));
    printf("mutual recursion: is_even(30001)=%d\n", is_even(30001));
    printf("ackermann(2, 300)=%ld ackermann(3, 6)=%ld\n", ackermann(2, 300), ackermann(3, 6));
}

int main(void)
{
    test_push_pop();
#ifndef __x86_64__
    test_pusha();
#endif
    test_enter_leave();
    test_extensions();
    test_xlat_lahf();
    test_pushf_popf();
    test_calls();
    return 0;
}
