/* A TCP server on loopback: writes its port to ./port, answers one client's line in
 * upper case, exits 0. Run natively and under hexvm, with a host client. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 1) ||
        getsockname(s, (struct sockaddr *)&a, &len))
        return 1;
    FILE *f = fopen("port.tmp", "w");
    fprintf(f, "%d\n", ntohs(a.sin_port));
    fclose(f);
    rename("port.tmp", "port"); /* the client sees a whole file or none */
    int c = accept(s, NULL, NULL);
    char buf[256];
    ssize_t n = read(c, buf, sizeof buf);
    for (ssize_t k = 0; k < n; k++)
        if (buf[k] >= 'a' && buf[k] <= 'z')
            buf[k] = (char)(buf[k] - 32);
    if (n <= 0 || write(c, buf, (size_t)n) != n)
        return 2;
    close(c);
    return 0;
}
