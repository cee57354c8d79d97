/* Shared by the integer guest tests that run instructions in inline asm
 * with chosen flags: the machine word, stepping over the x86-64 red zone
 * (the asm pushes), and 64-bit-only pieces. */
#ifndef ASM_UTIL_H
#define ASM_UTIL_H

typedef unsigned long word;

#ifdef __x86_64__
#define RZ_IN "lea -128(%%rsp), %%rsp\n\t"
#define RZ_OUT "\n\tlea 128(%%rsp), %%rsp"
#define W64(...) __VA_ARGS__
#else
#define RZ_IN ""
#define RZ_OUT ""
#define W64(...)
#endif
/* Flags in through POPF before the instruction, out through PUSHF after. */
#define FLAGS_IN RZ_IN "push %[fl]\n\tpopf\n\t"
#define FLAGS_PUSHF_OUT "\n\tpushf\n\tpop %[fl]"

#endif
