/* Portability shims for the compilers hexvm builds with (gcc, clang). */
#ifndef HEXVM_BASE_COMPILER_H
#define HEXVM_BASE_COMPILER_H

#if defined(__GNUC__) || defined(__clang__)
#define likely(x)     __builtin_expect(!!(x), 1)
#define unlikely(x)   __builtin_expect(!!(x), 0)
#define HOT	      __attribute__((hot))
#define COLD	      __attribute__((cold, noinline))
#define ALWAYS_INLINE inline __attribute__((always_inline))
#define NOINLINE      __attribute__((noinline))
#else
#define likely(x)   (x)
#define unlikely(x) (x)
#define HOT
#define COLD
#define ALWAYS_INLINE inline
#define NOINLINE
#endif

/* Guest memory and registers are little-endian and are accessed in place. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "hexvm needs a little-endian host"
#endif

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
