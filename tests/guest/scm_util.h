/* One descriptor passed over an AF_UNIX socket with SCM_RIGHTS, with one
 * byte of data beside it: what the tests that move descriptors between
 * processes (or through a message nobody has read yet) send and take. */
#ifndef HEXVM_TESTS_GUEST_SCM_UTIL_H
#define HEXVM_TESTS_GUEST_SCM_UTIL_H

#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

/* 0, or -1 with errno set */
static inline int scm_send_fd(int via, int fd)
{
	char space[CMSG_SPACE(sizeof(int))], tag = 'f';
	struct iovec iov = {&tag, 1};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = space,
			   .msg_controllen = sizeof space};
	memset(space, 0, sizeof space);
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	return sendmsg(via, &m, 0) == 1 ? 0 : -1;
}

/* The descriptor received, or -1 when none came */
static inline int scm_recv_fd(int via)
{
	char space[CMSG_SPACE(sizeof(int))], tag;
	struct iovec iov = {&tag, 1};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = space,
			   .msg_controllen = sizeof space};
	int fd = -1;
	if (recvmsg(via, &m, 0) != 1)
		return -1;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof fd);
	return fd;
}

#endif
