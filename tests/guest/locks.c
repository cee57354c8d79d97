/* Advisory locks between processes: POSIX record locks (F_GETLK reports the holder,
 * a conflicting F_SETLK fails, locks are not inherited) and flock, which belongs to the
 * open file description and goes with its holder. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
    int fd = open("lk.tmp", O_RDWR | O_CREAT | O_TRUNC, 0644);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 5};
    printf("setlk: %d\n", fcntl(fd, F_SETLK, &fl));
    fflush(stdout);
    if (fork() == 0) {
        struct flock q = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 12, .l_len = 1};
        int rc = fcntl(fd, F_GETLK, &q);
        printf("child getlk: %d type %s start %ld len %ld pid is parent %d\n", rc, q.l_type == F_WRLCK ? "W" : "?", (long)q.l_start, (long)q.l_len, q.l_pid == getppid());
        struct flock w = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 11};
        printf("child conflicting setlk: %d\n", fcntl(fd, F_SETLK, &w));
        struct flock r = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 15, .l_len = 0};
        printf("child lock after: %d\n", fcntl(fd, F_SETLK, &r));
        int fd2 = open("lk.tmp", O_RDWR);
        printf("child flock ex nb: %d\n", flock(fd2, LOCK_EX | LOCK_NB));
        fflush(stdout);
        _exit(0);
    }
    wait(NULL);
    int fd3 = open("lk.tmp", O_RDWR);
    printf("parent flock ex nb after child exit: %d\n", flock(fd3, LOCK_EX | LOCK_NB));
    unlink("lk.tmp");
    return 0;
}
