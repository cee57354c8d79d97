/* A pipe's write end in flight in an SCM_RIGHTS message over a work stretch: a
 * snapshot then is refused (with --snapshot-drop-sockets too); the run goes on and
 * the end, received, still works. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static uint64_t work(int rounds)
{
	uint64_t h = 1469598103934665603ull;
	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < 100000; i++)
			h = (h ^ (uint64_t)(i + r)) * 1099511628211ull;
	return h;
}

int main(void)
{
	int sv[2], p[2];
	char space[CMSG_SPACE(sizeof(int))], tag = 'p', buf[16] = {0};
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || pipe(p))
		return 1;
	struct iovec iov = {&tag, 1};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = space,
			   .msg_controllen = sizeof space};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &p[1], sizeof(int));
	if (sendmsg(sv[0], &m, 0) != 1)
		return 2;
	close(p[1]);
	printf("work %016llx\n", (unsigned long long)work(60));
	if (recvmsg(sv[1], &m, 0) != 1)
		return 3;
	int w;
	memcpy(&w, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof w);
	if (write(w, "arrived", 7) != 7)
		return 4;
	close(w);
	printf("read %d: %.*s\n", (int)read(p[0], buf, sizeof buf), 7, buf);
	return 0;
}
