/* A pipe's write end in flight in an SCM_RIGHTS message over a work stretch.
 * With no argument the message goes over a socketpair: a snapshot holds it,
 * and the end, received after the restore, still works. With "host PATH"
 * it goes to a host program's socket at PATH (which sends one byte once it
 * accepted), with "tcp" a TCP socket is open instead: both reach outside
 * the machine, and a snapshot is refused. With "early" a connection waits
 * to be accepted holding bytes its client sent, which a snapshot refuses
 * too: only accept could read them. */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../guest/scm_util.h"
#include "work.h"

/* A socket connected to a host program's listener at path. */
static int to_host(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	char byte;
	snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (connect(s, (struct sockaddr *)&a, sizeof a) || recv(s, &byte, 1, 0) != 1)
		return -1;
	return s;
}

int main(int argc, char **argv)
{
	int sv[2], p[2];
	char buf[16] = {0};
	if (argc > 1 && !strcmp(argv[1], "tcp")) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 1))
			return 5;
		printf("work %016llx\n", (unsigned long long)work(60));
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "early")) {
		struct sockaddr_un a = {.sun_family = AF_UNIX, .sun_path = "early.sock"};
		int l = socket(AF_UNIX, SOCK_STREAM, 0), c = socket(AF_UNIX, SOCK_STREAM, 0);
		unlink(a.sun_path);
		if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 1) ||
		    connect(c, (struct sockaddr *)&a, sizeof a) || write(c, "early", 5) != 5)
			return 7;
		printf("work %016llx\n", (unsigned long long)work(60));
		int s = accept(l, NULL, NULL);
		printf("accepted: %zd\n", read(s, buf, sizeof buf));
		unlink(a.sun_path);
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "host")) {
		if ((sv[0] = to_host(argv[2])) < 0 || pipe(p) || scm_send_fd(sv[0], p[1]))
			return 6;
		close(p[1]);
		printf("work %016llx\n", (unsigned long long)work(60));
		return 0;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || pipe(p) || scm_send_fd(sv[0], p[1]))
		return 1;
	close(p[1]);
	printf("work %016llx\n", (unsigned long long)work(60));
	struct iovec iov = {buf, 1};
	char space[CMSG_SPACE(sizeof(int))];
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = space,
			   .msg_controllen = sizeof space};
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
