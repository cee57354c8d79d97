/* memfd_create, and fcntl's seal commands (the files: kernel/vfs/memfd.c). */
#include <errno.h>

#include "kernel/sys/syscall.h"
#include "kernel/vfs/file.h"
#include "kernel/vfs/memfd.h"
#include "mem/uaccess.h"

#define L_MFD_CLOEXEC	    0x01u
#define L_MFD_ALLOW_SEALING 0x02u
#define L_MFD_HUGETLB	    0x04u
#define L_MFD_NOEXEC_SEAL   0x08u
#define L_MFD_EXEC	    0x10u
#define L_MFD_ALL	    (L_MFD_CLOEXEC | L_MFD_ALLOW_SEALING | L_MFD_NOEXEC_SEAL | L_MFD_EXEC)

/* Linux's order: the flags, then the name. MFD_HUGETLB is refused as a
 * kernel without hugetlbfs would: hexvm has no huge pages to give. */
int64_t sys_memfd_create(struct task *t, const uint64_t *a)
{
	unsigned flags = (unsigned)a[1];
	char name[MEMFD_NAME_MAX + 1];
	if (flags & ~L_MFD_ALL)
		return -EINVAL;
	if ((flags & L_MFD_EXEC) && (flags & L_MFD_NOEXEC_SEAL))
		return -EINVAL;
	long len = strncpy_from_user(t->proc->mm, name, a[0], sizeof name);
	if (len == -ENAMETOOLONG)
		return -EINVAL;
	if (len < 0)
		return len;
	unsigned seals = flags & (L_MFD_ALLOW_SEALING | L_MFD_NOEXEC_SEAL) ? 0 : L_F_SEAL_SEAL;
	uint32_t mode = 0777;
	if (flags & L_MFD_NOEXEC_SEAL) {
		seals |= L_F_SEAL_EXEC;
		mode &= ~0111u;
	}
	struct file *f;
	int rc = memfd_create_file(t, name, seals, mode, &f);
	return rc ? rc : fd_alloc_new(t->proc->fds, f, (flags & L_MFD_CLOEXEC) != 0);
}
