/* splice, tee and vmsplice on the descriptors a program is given: stdin and
 * stdout host pipes (which count as pipes: host FIFO to kernel pipe and
 * back, to and from files, host pipe to host pipe), or stdin /dev/null and
 * stdout a file. The lines it writes go to stdout among the bytes it
 * splices there; the runner compares all of it, and the files it leaves,
 * with the native run. A file spliced into a pipe is not changed
 * afterwards: Linux's pipe then holds the file's pages, not a copy. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static void say(const char *what, long r)
{
	char line[128];
	int n = r < 0 ? snprintf(line, sizeof line, "\n[%s: -1 %s]\n", what, strerror(errno))
		      : snprintf(line, sizeof line, "\n[%s: %ld]\n", what, r);
	if (write(1, line, (size_t)n) != n)
		_exit(2);
}

static const char *kind(int fd)
{
	struct stat st;
	fstat(fd, &st);
	return S_ISFIFO(st.st_mode) ? "a pipe" : S_ISREG(st.st_mode) ? "a file" : "a device";
}

int main(void)
{
	int p[2];
	char line[64], buf[16] = {0};
	loff_t off = 0;
	snprintf(line, sizeof line, "stdin is %s, stdout is %s", kind(0), kind(1));
	say(line, 0);
	pipe(p);
	int file = open("kept", O_RDWR | O_CREAT | O_TRUNC, 0644);
	int other = open("other", O_RDWR | O_CREAT | O_TRUNC, 0644);
	say("stdin to a pipe", splice(0, NULL, p[1], NULL, 10, 0));
	say("stdin teed to a pipe", tee(0, p[1], 5, 0));
	say("the pipe to stdout",
	    splice(p[0], NULL, 1, NULL, 15, SPLICE_F_MORE | SPLICE_F_NONBLOCK));
	say("stdin to a file", splice(0, NULL, file, NULL, 20, 0));
	say("the file to stdout", splice(file, &off, 1, NULL, 20, 0));
	say("stdin to stdout", splice(0, NULL, 1, NULL, 30, 0));
	say("stdin teed to stdout", tee(0, 1, 8, 0));
	struct iovec out = {"<vmspliced>", 11}, in = {buf, 6};
	say("vmsplice to stdout", vmsplice(1, &out, 1, 0));
	say("vmsplice from stdin", vmsplice(0, &in, 1, 0));
	say(buf, 0);
	off = 0;
	say("stdin with an offset", splice(0, &off, p[1], NULL, 1, 0));
	say("stdout as the input", splice(1, NULL, p[1], NULL, 1, 0));
	say("the file at an offset to a pipe", splice(file, &off, p[1], NULL, 7, 0));
	say("the pipe to another file at an offset",
	    splice(p[0], NULL, other, &off, 7, SPLICE_F_NONBLOCK));
	long total = 0, got;
	while ((got = splice(0, NULL, 1, NULL, 1000, 0)) > 0)
		total += got;
	say("the rest of stdin to stdout", got < 0 ? got : total);
	say("at its end", splice(0, NULL, p[1], NULL, 10, SPLICE_F_NONBLOCK));
	return 0;
}
