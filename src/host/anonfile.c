#include "host/anonfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static int unnamed_file(const char *name)
{
#ifdef MFD_CLOEXEC
	int memfd = memfd_create(name, MFD_CLOEXEC);
	if (memfd >= 0 || errno != ENOSYS)
		return memfd;
#endif
	const char *dir = getenv("TMPDIR");
	char path[4096];
	if (snprintf(path, sizeof path, "%s/%s.XXXXXX", dir && *dir ? dir : "/tmp", name) >=
	    (int)sizeof path)
		return (errno = ENAMETOOLONG, -1);
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	unlink(path);
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		int err = errno;
		close(fd);
		return (errno = err, -1);
	}
	return fd;
}

int host_anon_file(const char *name, uint64_t size)
{
	int fd = unnamed_file(name);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	return fd;
}
