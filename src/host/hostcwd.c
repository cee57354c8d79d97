/* The host's working directory moved for one call (see hostcwd.h). */
#include "host/hostcwd.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int host_cwd_enter(int dirfd, int *saved)
{
	*saved = -1;
	if (dirfd < 0)
		return 0;
	*saved = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*saved < 0 || fchdir(dirfd) < 0) {
		int err = errno;
		if (*saved >= 0)
			close(*saved);
		*saved = -1;
		return -err;
	}
	return 0;
}

void host_cwd_leave(int saved)
{
	if (saved < 0)
		return;
	if (fchdir(saved) < 0) {
		/* (the directory hexvm started in is gone: nothing to go back to) */
	}
	close(saved);
}
