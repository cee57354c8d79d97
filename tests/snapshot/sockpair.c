/* Socketpairs across a snapshot: stream, datagram and seqpacket pairs with
 * bytes and messages queued both ways between work stretches, a half shut
 * down, a pair whose other end closed with bytes unread (the survivor reads
 * them, then ECONNRESET, then end of file), a pipe end in flight in an
 * SCM_RIGHTS message, credentials on some messages and not on others,
 * options set, an epoll instance watching a socket, and children blocked
 * in recv and send. Everything read is printed; the snapshot suite
 * compares a restored run with an uninterrupted one. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "work.h"

static void show(const char *what, int fd, int flags)
{
	char buf[256];
	ssize_t n = recv(fd, buf, sizeof buf, flags);
	if (n < 0)
		printf("%s: error %s\n", what, strerror(errno));
	else
		printf("%s: %zd [%.*s]\n", what, n, (int)n, buf);
}

static void send_fd(int sock, int fd, const char *data)
{
	char space[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {(void *)data, strlen(data)};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = space,
			   .msg_controllen = sizeof space};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	if (sendmsg(sock, &m, 0) < 0)
		perror("sendmsg");
}

/* A message and what came with it: a descriptor (written to, to show it
 * works) and whose credentials came: 1 its own, 2 another process's. */
static void show_msg(const char *what, int sock)
{
	char buf[64], space[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = {buf, sizeof buf};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = space,
			   .msg_controllen = sizeof space};
	ssize_t n = recvmsg(sock, &m, 0);
	int fd = -1, creds = 0;
	for (struct cmsghdr *c = n >= 0 ? CMSG_FIRSTHDR(&m) : NULL; c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(c), sizeof fd);
		else if (c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred u;
			memcpy(&u, CMSG_DATA(c), sizeof u);
			/* the sender's guest pid, however the queue was restored */
			creds = u.pid == getpid() ? 1 : u.pid ? 2 : 0;
		}
	printf("%s: %zd [%.*s] fd %s creds %d\n", what, n, n > 0 ? (int)n : 0, buf,
	       fd >= 0 ? "yes" : "no", creds);
	if (fd >= 0) {
		if (write(fd, "through the passed end", 22) != 22)
			perror("write");
		close(fd);
	}
}

static void stretch(int rounds)
{
	printf("work %016llx\n", (unsigned long long)work(rounds));
}

/* A child that waits in recv, answers, and then waits in send on a full
 * datagram pair until the parent drains it. */
static pid_t waiter(int sock, int full)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid)
		return pid;
	char buf[32];
	ssize_t n = recv(sock, buf, sizeof buf, 0);
	printf("child: got %zd [%.*s]\n", n, n > 0 ? (int)n : 0, buf);
	send(sock, "answer", 6, 0);
	int sent = 0;
	while (send(full, "fill", 4, MSG_DONTWAIT) == 4)
		sent++;
	send(sock, &sent, sizeof sent, 0);
	send(full, "last", 4, 0); /* waits until the parent reads */
	printf("child: sent the last one\n");
	fflush(stdout);
	_exit(0);
}

int main(void)
{
	int st[2], dg[2], sp[2], half[2], gone[2], blk[2], full[2], p[2], one = 1;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, blk) || socketpair(AF_UNIX, SOCK_DGRAM, 0, full))
		return 1;
	pid_t child = waiter(blk[1], full[1]);
	close(blk[1]);
	close(full[1]);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, st) || socketpair(AF_UNIX, SOCK_DGRAM, 0, dg) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) || socketpair(AF_UNIX, SOCK_STREAM, 0, half) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, gone) || pipe(p))
		return 1;
	int rcvbuf = 65536;
	struct timeval tv = {7, 500000};
	setsockopt(dg[1], SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	setsockopt(st[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 7};
	epoll_ctl(ep, EPOLL_CTL_ADD, dg[0], &ev);
	stretch(30);
	if (write(st[0], "abc", 3) != 3 || write(st[1], "xyz12", 5) != 5)
		return 2;
	send(dg[0], "one", 3, 0);
	send(dg[0], "two", 3, 0);
	send(dg[0], "", 0, 0);
	send(dg[0], "three", 5, 0);
	send(dg[1], "back", 4, 0);
	printf("epoll: %d\n", epoll_wait(ep, &ev, 1, 0));
	stretch(20);
	send_fd(st[0], p[1], "F");
	close(p[1]);
	if (write(st[0], "after", 5) != 5)
		return 3;
	send(sp[0], "plain", 5, 0);
	setsockopt(sp[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
	send(sp[0], "credited", 8, 0);
	setsockopt(sp[1], SOL_SOCKET, SO_PASSCRED, &(int){0}, sizeof(int));
	if (write(half[0], "bye", 3) != 3 || write(gone[1], "left", 4) != 4 ||
	    write(gone[0], "unread", 6) != 6)
		return 4;
	shutdown(half[0], SHUT_WR);
	close(gone[1]);
	stretch(30);
	send(blk[0], "go", 2, 0);
	stretch(20);
	show_msg("st[1] up to the descriptor", st[1]);
	show("st[1] rest", st[1], 0);
	show("st[0]", st[0], 0);
	char buf[32];
	printf("pipe: %zd\n", read(p[0], buf, sizeof buf));
	for (int k = 0; k < 4; k++)
		show("dg[1]", dg[1], MSG_DONTWAIT);
	printf("epoll: %d (data %d)\n", epoll_wait(ep, &ev, 1, 0), (int)ev.data.u64);
	show("dg[0]", dg[0], MSG_DONTWAIT);
	printf("epoll: %d\n", epoll_wait(ep, &ev, 1, 0));
	setsockopt(sp[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
	show_msg("sp[1] first", sp[1]);
	show_msg("sp[1] second", sp[1]);
	show("half[1]", half[1], 0);
	show("half[1] again", half[1], 0);
	show("gone[0]", gone[0], 0);
	show("gone[0] again", gone[0], 0);
	show("gone[0] end", gone[0], 0);
	char answer[6];
	printf("blk[0]: %zd\n", recv(blk[0], answer, sizeof answer, MSG_WAITALL));
	int sent = 0;
	if (recv(blk[0], &sent, sizeof sent, MSG_WAITALL) != sizeof sent)
		return 5;
	printf("the child filled its datagram pair with %d\n", sent);
	stretch(20);
	for (int k = 0; k < sent; k++)
		recv(full[0], buf, sizeof buf, 0);
	show("full[0] last", full[0], 0);
	waitpid(child, NULL, 0);
	socklen_t len = sizeof rcvbuf;
	getsockopt(dg[1], SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len);
	len = sizeof tv;
	getsockopt(st[1], SOL_SOCKET, SO_RCVTIMEO, &tv, &len);
	printf("rcvbuf %d timeout %ld.%06ld\n", rcvbuf, (long)tv.tv_sec, (long)tv.tv_usec);
	return 0;
}
