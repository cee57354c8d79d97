/* Host shared-memory objects (see shmfd.h). */
#include "host/shmfd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Where the unlinked file lives: TMPDIR, as the host's tools would. */
static int unlinked_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/hexvm-shm-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

int host_shm_create(const char *name, uint64_t size)
{
	int fd = -1;
#ifdef MFD_CLOEXEC
	fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0 && errno != ENOSYS) /* (a kernel older than 3.17 has none) */
		return -errno;
#else
	(void)name;
#endif
	if (fd < 0 && (fd = unlinked_file()) < 0)
		return fd;
	if (size && ftruncate(fd, (off_t)size) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	return fd;
}
