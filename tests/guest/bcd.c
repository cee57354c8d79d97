/* BCD adjustment instructions (invalid in 64-bit mode, so i386 only): daa das aaa aas
 * over every AL value with both AF and CF inputs, aam/aad with bases 10, 16, 7 and 255,
 * printing the result and the flags the SDM defines for each (daa/das: CF AF SF ZF PF;
 * aaa/aas: CF AF; aam/aad: SF ZF PF). Last: aam 0 raises #DE, and the program dies of
 * SIGFPE (exit status 136 in both runs).
 * hexvm-test: flavors=m32
 */
#include <stdint.h>
#include <stdio.h>

#define CF 0x001u
#define PF 0x004u
#define AF 0x010u
#define ZF 0x040u
#define SF 0x080u
#define OF 0x800u
#define STATUS (CF | PF | AF | ZF | SF | OF)

static uint32_t base_flags;

/* Run INSN on AX with the status flags set to IN; return AX, flags through *out. */
#define DEF_BCD(name, insn)                                                               \
    static uint16_t name(uint16_t ax, uint32_t in, uint32_t *out)                         \
    {                                                                                     \
        uint32_t f = (base_flags & ~STATUS) | in;                                         \
        __asm__ volatile("push %[f]\n\tpopf\n\t" insn "\n\tpushf\n\tpop %[f]"             \
                         : "+a"(ax), [f] "+r"(f) : : "cc", "memory");                     \
        *out = f;                                                                         \
        return ax;                                                                        \
    }
DEF_BCD(do_daa, "daa")
DEF_BCD(do_das, "das")
DEF_BCD(do_aaa, "aaa")
DEF_BCD(do_aas, "aas")
DEF_BCD(do_aam10, "aam")
DEF_BCD(do_aam16, "aam $16")
DEF_BCD(do_aam7, "aam $7")
DEF_BCD(do_aam255, "aam $255")
DEF_BCD(do_aad10, "aad")
DEF_BCD(do_aad16, "aad $16")
DEF_BCD(do_aad7, "aad $7")
DEF_BCD(do_aad255, "aad $255")

typedef uint16_t (*bcdfn)(uint16_t, uint32_t, uint32_t *);

/* daa/das/aaa/aas: every AL, AH in {0x00, 0x7f, 0xff}, AF and CF in all 4 combinations */
static void sweep_adjust(const char *name, bcdfn fn, uint32_t defined)
{
    printf("== %s (defined flags %03x)\n", name, defined);
    static const uint16_t ahs[3] = {0x00, 0x7f, 0xff};
    for (int h = 0; h < 3; h++)
        for (int al = 0; al < 256; al++) {
            printf("%s %02x%02x:", name, ahs[h], al);
            for (int fi = 0; fi < 4; fi++) {
                uint32_t in = ((fi & 1) ? AF : 0) | ((fi & 2) ? CF : 0), out;
                /* the other status flags set on alternate rows: they must not matter */
                if (al & 1)
                    in |= SF | ZF | PF | OF;
                uint16_t r = fn((uint16_t)(ahs[h] << 8 | al), in, &out);
                printf(" %04x/%03x", r, out & defined);
            }
            printf("\n");
        }
}

/* aam/aad: every AX low byte with a few AH values, no flag inputs matter */
static void sweep_ascii(const char *name, bcdfn fn)
{
    printf("== %s\n", name);
    static const uint16_t ahs[4] = {0x00, 0x01, 0x09, 0xff};
    for (int h = 0; h < 4; h++) {
        for (int al = 0; al < 256; al++) {
            uint32_t out;
            uint16_t r = fn((uint16_t)(ahs[h] << 8 | al), al & 1 ? STATUS : 0, &out);
            if (al % 16 == 0)
                printf("%s %02x%02x:", name, ahs[h], al);
            printf(" %04x/%03x", r, out & (SF | ZF | PF));
            if (al % 16 == 15)
                printf("\n");
        }
    }
}

int main(void)
{
    uint32_t f;
    __asm__ volatile("pushf\n\tpop %0" : "=r"(f));
    base_flags = f;
    sweep_adjust("daa", do_daa, CF | AF | SF | ZF | PF);
    sweep_adjust("das", do_das, CF | AF | SF | ZF | PF);
    sweep_adjust("aaa", do_aaa, CF | AF);
    sweep_adjust("aas", do_aas, CF | AF);
    sweep_ascii("aam", do_aam10);
    sweep_ascii("aam $16", do_aam16);
    sweep_ascii("aam $7", do_aam7);
    sweep_ascii("aam $255", do_aam255);
    sweep_ascii("aad", do_aad10);
    sweep_ascii("aad $16", do_aad16);
    sweep_ascii("aad $7", do_aad7);
    sweep_ascii("aad $255", do_aad255);

    printf("== aam 0: divide error, the process dies of SIGFPE now\n");
    fflush(stdout);
    uint16_t ax = 0x1234;
    __asm__ volatile("aam $0" : "+a"(ax) : : "cc");
    printf("still alive after aam 0: ax=%04x\n", ax);
    return 0;
}
