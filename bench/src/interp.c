/* interp: a small stack-machine bytecode interpreter with a switch-dispatched
 * loop, running a recursive fib and a counting loop written in its bytecode.
 *
 * usage: interp [N]   (default 32: computes fib(N), then a counting loop whose
 *                      length also doubles with each step of N)
 *
 * This is the shape of the hot loop of every scripting language: one
 * indirect jump per bytecode through a jump table, hard-to-predict branch
 * targets, and a loop body of a few loads and stores. For an emulator that
 * translates blocks, it is the worst case of short blocks ending in indirect
 * jumps. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum opcode {
    OP_HALT,
    OP_PUSH,   /* imm: push imm */
    OP_ARG,    /* imm: push the imm-th argument of the current frame */
    OP_LOAD,   /* imm: push global[imm] */
    OP_STORE,  /* imm: pop into global[imm] */
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_MOD,
    OP_XOR,
    OP_LT,     /* pop b, pop a, push a < b */
    OP_JMP,    /* imm: absolute target */
    OP_JZ,     /* imm: pop, jump if zero */
    OP_CALL,   /* imm target, imm2 argument count */
    OP_RET,    /* pop result, drop the frame's arguments, push result */
};

#define STACK_WORDS 4096
#define FRAMES 1024
#define GLOBALS 8

struct frame {
    int32_t return_pc;
    int32_t base; /* stack index of the frame's first argument */
};

/* Run `code` from `pc`; returns the value on top of the stack at HALT, or -1
 * on a stack overflow (a bug in the program, not an expected path). */
static int64_t run(const int32_t *code, int32_t pc, int64_t *globals, uint64_t *executed)
{
    static int64_t stack[STACK_WORDS];
    static struct frame frames[FRAMES];
    int sp = 0, fp = 0, base = 0;
    uint64_t count = 0;
    for (;;) {
        int32_t op = code[pc++];
        count++;
        switch (op) {
        case OP_HALT:
            *executed = count;
            return sp > 0 ? stack[sp - 1] : 0;
        case OP_PUSH:
            stack[sp++] = code[pc++];
            break;
        case OP_ARG:
            stack[sp] = stack[base + code[pc++]];
            sp++;
            break;
        case OP_LOAD:
            stack[sp++] = globals[code[pc++]];
            break;
        case OP_STORE:
            globals[code[pc++]] = stack[--sp];
            break;
        case OP_ADD:
            sp--;
            stack[sp - 1] += stack[sp];
            break;
        case OP_SUB:
            sp--;
            stack[sp - 1] -= stack[sp];
            break;
        case OP_MUL:
            sp--;
            stack[sp - 1] *= stack[sp];
            break;
        case OP_MOD:
            sp--;
            stack[sp - 1] %= stack[sp];
            break;
        case OP_XOR:
            sp--;
            stack[sp - 1] ^= stack[sp];
            break;
        case OP_LT:
            sp--;
            stack[sp - 1] = stack[sp - 1] < stack[sp];
            break;
        case OP_JMP:
            pc = code[pc];
            break;
        case OP_JZ:
            pc = stack[--sp] ? pc + 1 : code[pc];
            break;
        case OP_CALL:
            if (fp == FRAMES || sp >= STACK_WORDS - 64)
                return -1;
            frames[fp].return_pc = pc + 2;
            frames[fp].base = base;
            fp++;
            base = sp - code[pc + 1];
            pc = code[pc];
            break;
        case OP_RET: {
            int64_t result = stack[--sp];
            fp--;
            sp = base;
            stack[sp++] = result;
            pc = frames[fp].return_pc;
            base = frames[fp].base;
            break;
        }
        default:
            fprintf(stderr, "interp: bad opcode %d at %d\n", (int)op, (int)pc - 1);
            exit(2);
        }
    }
}

/* A tiny assembler: append words, remember label positions for patching. */
struct asm_buf {
    int32_t code[256];
    int32_t len;
};

static int32_t emit(struct asm_buf *a, int32_t w)
{
    a->code[a->len] = w;
    return a->len++;
}

static int32_t emit2(struct asm_buf *a, int32_t op, int32_t imm)
{
    emit(a, op);
    return emit(a, imm);
}

/* Assembles:
 *   fib(n) = n < 2 ? n : fib(n-1) + fib(n-2)
 *   main:   g0 = fib(N)
 *           g1 = 0; g2 = 0
 *           while (g2 < loops) { g1 = (g1 * 31 + (g2 ^ g0)) % 1000003; g2 += 1 }
 *           halt with g1 on the stack
 * and returns the entry point of main. */
static int32_t assemble(struct asm_buf *a, int32_t n, int32_t loops)
{
    int32_t fib = a->len;
    emit2(a, OP_ARG, 0);
    emit2(a, OP_PUSH, 2);
    emit(a, OP_LT);
    int32_t to_recurse = emit2(a, OP_JZ, 0);
    emit2(a, OP_ARG, 0);
    emit(a, OP_RET);
    a->code[to_recurse] = a->len;
    emit2(a, OP_ARG, 0);
    emit2(a, OP_PUSH, 1);
    emit(a, OP_SUB);
    emit2(a, OP_CALL, fib);
    emit(a, 1);
    emit2(a, OP_ARG, 0);
    emit2(a, OP_PUSH, 2);
    emit(a, OP_SUB);
    emit2(a, OP_CALL, fib);
    emit(a, 1);
    emit(a, OP_ADD);
    emit(a, OP_RET);

    int32_t entry = a->len;
    emit2(a, OP_PUSH, n);
    emit2(a, OP_CALL, fib);
    emit(a, 1);
    emit2(a, OP_STORE, 0);
    emit2(a, OP_PUSH, 0);
    emit2(a, OP_STORE, 1);
    emit2(a, OP_PUSH, 0);
    emit2(a, OP_STORE, 2);
    int32_t top = a->len;
    emit2(a, OP_LOAD, 2);
    emit2(a, OP_PUSH, loops);
    emit(a, OP_LT);
    int32_t to_exit = emit2(a, OP_JZ, 0);
    emit2(a, OP_LOAD, 1);
    emit2(a, OP_PUSH, 31);
    emit(a, OP_MUL);
    emit2(a, OP_LOAD, 2);
    emit2(a, OP_LOAD, 0);
    emit(a, OP_XOR);
    emit(a, OP_ADD);
    emit2(a, OP_PUSH, 1000003);
    emit(a, OP_MOD);
    emit2(a, OP_STORE, 1);
    emit2(a, OP_LOAD, 2);
    emit2(a, OP_PUSH, 1);
    emit(a, OP_ADD);
    emit2(a, OP_STORE, 2);
    emit2(a, OP_JMP, top);
    a->code[to_exit] = a->len;
    emit2(a, OP_LOAD, 1);
    emit(a, OP_HALT);
    return entry;
}

int main(int argc, char **argv)
{
    int32_t n = argc > 1 ? (int32_t)strtol(argv[1], NULL, 0) : 32;
    if (n < 0 || n > 38) { /* 38 keeps the loop count in an int32 immediate */
        fputs("interp: N must be in 0..38\n", stderr);
        return 2;
    }
    /* The loop part scales with fib's cost so one N sizes the whole run. */
    int32_t loops = 4000 << (n > 20 ? n - 20 : 0) >> 1;
    struct asm_buf a = {.len = 0};
    int32_t entry = assemble(&a, n, loops);
    int64_t globals[GLOBALS] = {0};
    uint64_t executed = 0;
    int64_t result = run(a.code, entry, globals, &executed);
    printf("interp n=%d fib=%lld loops=%d result=%lld executed=%llu\n", (int)n,
           (long long)globals[0], (int)loops, (long long)result, (unsigned long long)executed);
    printf("checksum %016llx\n",
           (unsigned long long)((uint64_t)result * 0x9e3779b97f4a7c15ull ^ executed ^
                                (uint64_t)globals[0] << 20));
    return result < 0;
}
