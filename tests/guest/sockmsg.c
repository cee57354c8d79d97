/* sendmsg/recvmsg details: the control buffer's length and flags the
 * receiver gets back (MSG_CTRUNC when descriptors do not fit, which are then
 * closed; MSG_CMSG_CLOEXEC reported only when asked for), and a datagram
 * sent by sendmsg to a socket named by a path. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void send_fds(int sock, const int *fds, int n)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(4 * sizeof(int))];
	} u;
	struct iovec iov = {"m", 1};
	struct msghdr m = {0};
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = u.space;
	m.msg_controllen = CMSG_SPACE(n * sizeof(int));
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	if (sendmsg(sock, &m, 0) != 1)
		printf("sendmsg failed: %d\n", errno);
}

/* Receives into a control buffer of `room` bytes; prints what came back. */
static void receive(int sock, size_t room, int flags, const char *what)
{
	union {
		struct cmsghdr h;
		char space[256];
	} u;
	char byte;
	struct iovec iov = {&byte, 1};
	struct msghdr m = {0};
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = u.space;
	m.msg_controllen = room;
	int rc = (int)recvmsg(sock, &m, flags);
	printf("%s: rc %d, controllen %zu, flags %#x", what, rc, (size_t)m.msg_controllen,
	       m.msg_flags);
	struct cmsghdr *c = m.msg_controllen ? CMSG_FIRSTHDR(&m) : NULL;
	if (c && c->cmsg_type == SCM_RIGHTS) {
		int n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int)), fd;
		for (int k = 0; k < n; k++) {
			memcpy(&fd, CMSG_DATA(c) + k * sizeof(int), sizeof fd);
			printf(", fd %d cloexec %d", fd, fcntl(fd, F_GETFD) & FD_CLOEXEC);
			close(fd);
		}
	}
	printf("\n");
}

static void control_lengths(void)
{
	int sv[2], fds[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	fds[0] = open("passed.txt", O_RDWR | O_CREAT | O_TRUNC, 0600); /* a host file */
	fds[1] = dup(fds[0]);
	int next = fds[1] + 1;

	send_fds(sv[1], fds, 1);
	receive(sv[0], 256, MSG_CMSG_CLOEXEC, "room, MSG_CMSG_CLOEXEC");
	send_fds(sv[1], fds, 1);
	receive(sv[0], sizeof(struct cmsghdr) + 2, 0, "room for the header only");
	send_fds(sv[1], fds, 1);
	receive(sv[0], 4, 0, "less than a header");
	send_fds(sv[1], fds, 2);
	receive(sv[0], CMSG_SPACE(sizeof(int)), 0, "room for one of two");
	printf("the one that did not fit is closed: %d\n",
	       fcntl(next, F_GETFD) == -1 && errno == EBADF);
	close(fds[0]);
	close(fds[1]);
	close(sv[0]);
	close(sv[1]);
	unlink("passed.txt");
}

static void sendmsg_to_path(void)
{
	struct sockaddr_un to = {AF_UNIX, "dgram.sock"};
	int server = socket(AF_UNIX, SOCK_DGRAM, 0), client = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (bind(server, (struct sockaddr *)&to, sizeof to))
		printf("bind: %s\n", strerror(errno));
	struct iovec iov = {"hello", 5};
	struct msghdr m = {0};
	m.msg_name = &to;
	m.msg_namelen = sizeof to;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	printf("sendmsg to a path: %zd\n", sendmsg(client, &m, 0));
	char buf[16] = "";
	printf("received: %zd %s\n", recv(server, buf, sizeof buf - 1, MSG_DONTWAIT), buf);
	close(server);
	close(client);
	unlink("dgram.sock");
}

int main(void)
{
	control_lengths();
	sendmsg_to_path();
	return 0;
}
