/* Listening sockets across a snapshot: a stream listener bound to a path
 * and a seqpacket one bound to an abstract name (argv[1], unique to the
 * run), children that connect (one from an address of its own) and wait
 * for the parent's greeting while their connections wait to be accepted,
 * the parent blocked in accept for a late one, a client that says goodbye
 * and exits before the parent reads it, a datagram socket bound to a path
 * that children and the parent send to (by sendto from no address, from
 * datagram sockets connected to it, one with an address of its own), the
 * listener closed and its file removed while accepted connections go on,
 * and sockets left unconnected. Everything read is printed. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "work.h"

static char abstract[64];

static socklen_t addr(struct sockaddr_un *a, const char *name, int is_abstract)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	strncpy(a->sun_path + (is_abstract ? 1 : 0), name, sizeof a->sun_path - 2);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + (is_abstract ? 1 : 0) +
			   strlen(name) + (is_abstract ? 0 : 1));
}

/* A socket address, or what kind of name it is. */
static const char *name_of(const struct sockaddr_un *a, socklen_t len, char *buf, size_t size)
{
	size_t plen = len > offsetof(struct sockaddr_un, sun_path) ? len - offsetof(struct sockaddr_un, sun_path) : 0;
	if (!plen)
		return "(unnamed)";
	if (!a->sun_path[0]) {
		snprintf(buf, size, "@%s", strncmp(a->sun_path + 1, abstract, strlen(abstract))
						  ? "(another)" : "(the abstract name)");
		return buf;
	}
	/* the name as the guest bound it, with Linux's length */
	snprintf(buf, size, "%.48s (%u)", a->sun_path, (unsigned)len);
	return buf;
}

static void print_name(const char *what, int fd, int peer)
{
	struct sockaddr_un a;
	socklen_t len = sizeof a;
	char buf[64];
	int rc = peer ? getpeername(fd, (struct sockaddr *)&a, &len) : getsockname(fd, (struct sockaddr *)&a, &len);
	printf("%s: %s\n", what, rc ? "error" : name_of(&a, len, buf, sizeof buf));
}

static void stretch(int rounds)
{
	printf("work %016llx\n", (unsigned long long)work(rounds));
	fflush(stdout);
}

/* A client: connects (from its own address when it has one), waits for the
 * greeting, answers with its number. */
static pid_t client(int n, int rounds, int type, const char *name, int is_abstract, const char *own)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid)
		return pid;
	struct sockaddr_un a;
	int s = socket(AF_UNIX, type, 0);
	work(rounds);
	if (own) {
		socklen_t len = addr(&a, own, 0);
		bind(s, (struct sockaddr *)&a, len);
	}
	socklen_t len = addr(&a, name, is_abstract);
	if (connect(s, (struct sockaddr *)&a, len))
		perror("connect");
	char buf[64];
	ssize_t got = recv(s, buf, sizeof buf, 0);
	printf("client %d: greeted with %zd [%.*s]\n", n, got, got > 0 ? (int)got : 0, buf);
	char answer[32];
	snprintf(answer, sizeof answer, "client %d here", n);
	send(s, answer, strlen(answer), 0);
	print_name("client peer", s, 1);
	fflush(stdout);
	if (own)
		unlink(own);
	_exit(0);
}

static void serve(int l, const char *what)
{
	struct sockaddr_un a;
	socklen_t len = sizeof a;
	char buf[64], name[64];
	int c = accept(l, (struct sockaddr *)&a, &len);
	printf("%s: accepted from %s\n", what, name_of(&a, len, name, sizeof name));
	send(c, "hello", 5, 0);
	ssize_t got = recv(c, buf, sizeof buf, 0);
	printf("%s: answered %zd [%.*s]\n", what, got, got > 0 ? (int)got : 0, buf);
	print_name("accepted name", c, 0);
	close(c);
}

/* A child that sends datagrams to the bound datagram socket, from no
 * address or from one of its own. */
static pid_t sender(const char *own)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid)
		return pid;
	struct sockaddr_un a, to;
	int s = socket(AF_UNIX, SOCK_DGRAM, 0);
	socklen_t tolen = addr(&to, "dgram.sock", 0);
	if (own && (bind(s, (struct sockaddr *)&a, addr(&a, own, 0)) ||
		    connect(s, (struct sockaddr *)&to, tolen)))
		perror("sender");
	for (int k = 0; k < 3; k++) {
		char msg[32];
		snprintf(msg, sizeof msg, "%s %d", own ? own : "anonymous", k);
		if (own)
			send(s, msg, strlen(msg), 0);
		else
			sendto(s, msg, strlen(msg), 0, (struct sockaddr *)&to, tolen);
		work(5);
	}
	if (own)
		unlink(own);
	_exit(0);
}

int main(int argc, char **argv)
{
	struct sockaddr_un a;
	snprintf(abstract, sizeof abstract, "%s", argc > 1 ? argv[1] : "hexvm-listen-test");
	unlink("srv.sock");
	unlink("dgram.sock");
	unlink("client2.sock");
	unlink("sender.sock");
	int l = socket(AF_UNIX, SOCK_STREAM, 0), q = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	int d = socket(AF_UNIX, SOCK_DGRAM, 0), idle = socket(AF_UNIX, SOCK_STREAM, 0);
	int bound = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (bind(l, (struct sockaddr *)&a, addr(&a, "srv.sock", 0)) || listen(l, 4) ||
	    bind(q, (struct sockaddr *)&a, addr(&a, abstract, 1)) || listen(q, 2) ||
	    bind(d, (struct sockaddr *)&a, addr(&a, "dgram.sock", 0)) ||
	    bind(bound, (struct sockaddr *)&a, addr(&a, "", 0) - 1)) {
		perror("setup");
		return 1;
	}
	pid_t kids[8];
	int n = 0;
	kids[n++] = client(1, 2, SOCK_STREAM, "srv.sock", 0, NULL);
	kids[n++] = client(2, 4, SOCK_STREAM, "srv.sock", 0, "client2.sock");
	kids[n++] = client(3, 6, SOCK_SEQPACKET, abstract, 1, NULL);
	kids[n++] = sender(NULL);
	kids[n++] = sender("sender.sock");
	int dc = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (connect(dc, (struct sockaddr *)&a, addr(&a, "dgram.sock", 0)) ||
	    send(dc, "from the parent", 15, 0) != 15)
		perror("parent's datagram");
	stretch(30);
	serve(l, "stream 1");
	stretch(10);
	serve(q, "seqpacket");
	kids[n++] = client(4, 40, SOCK_STREAM, "srv.sock", 0, NULL);
	serve(l, "stream 2");
	serve(l, "stream 3 (waited for)");
	/* a client that says goodbye and goes before the parent reads it */
	kids[n++] = fork();
	if (!kids[n - 1]) {
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		connect(s, (struct sockaddr *)&a, addr(&a, "srv.sock", 0));
		recv(s, &a, 1, 0);
		send(s, "goodbye", 7, 0);
		_exit(0);
	}
	int last = accept(l, NULL, NULL);
	send(last, "!", 1, 0);
	close(l);
	unlink("srv.sock");
	stretch(20);
	char buf[64], name[64];
	ssize_t got = recv(last, buf, sizeof buf, 0);
	printf("last: %zd [%.*s]\n", got, got > 0 ? (int)got : 0, buf);
	printf("last then: %zd\n", recv(last, buf, sizeof buf, 0));
	print_name("last's name", last, 0);
	for (int k = 0; k < 7; k++) {
		socklen_t len = sizeof a;
		got = recvfrom(d, buf, sizeof buf, 0, (struct sockaddr *)&a, &len);
		printf("datagram from %s: [%.*s]\n", name_of(&a, len, name, sizeof name),
		       got > 0 ? (int)got : 0, buf);
	}
	print_name("parent's datagram socket's peer", dc, 1);
	print_name("idle", idle, 0);
	print_name("autobound", bound, 0);
	for (int k = 0; k < n; k++)
		waitpid(kids[k], NULL, 0);
	unlink("dgram.sock");
	return 0;
}
