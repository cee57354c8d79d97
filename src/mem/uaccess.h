/* The kernel's only way into guest memory: checked copies. */
#ifndef HEXVM_MEM_UACCESS_H
#define HEXVM_MEM_UACCESS_H

#include <stddef.h>
#include <stdint.h>

struct mm;

/* 0, or -EFAULT when any byte is not accessible to the guest. */
int copy_from_user(struct mm *mm, void *dst, uint64_t src, size_t n);
int copy_to_user(struct mm *mm, uint64_t dst, const void *src, size_t n);
int clear_user(struct mm *mm, uint64_t dst, size_t n);
/* Copies a NUL-terminated string of at most max-1 bytes; returns its length,
 * -EFAULT, or -ENAMETOOLONG when no NUL comes within max bytes. */
long strncpy_from_user(struct mm *mm, char *dst, uint64_t src, size_t max);

/* Host pointer to guest [addr, addr+n) when all of it allows `prot`
 * (GPROT_*), for host calls that fill or read guest buffers in place; NULL
 * otherwise. After writing through it, call user_wrote. */
void *user_ptr(struct mm *mm, uint64_t addr, size_t n, int prot);
void user_wrote(struct mm *mm, uint64_t addr, size_t n);

#endif
