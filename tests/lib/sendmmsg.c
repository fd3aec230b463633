/* Sends one UDP datagram to each IPv4 ADDR:PORT given, all in a single sendmmsg(2) call, and
 * prints how many the kernel took or the error. Usage: sendmmsg ADDR:PORT... */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define MAX_DEST 8

int main(int argc, char **argv)
{
	struct sockaddr_in to[MAX_DEST];
	struct mmsghdr msgs[MAX_DEST];
	struct iovec iov = {.iov_base = "x", .iov_len = 1};
	int n = argc - 1, fd, sent;

	if (n < 1 || n > MAX_DEST) {
		fprintf(stderr, "usage: sendmmsg ADDR:PORT... (at most %d)\n", MAX_DEST);
		return 2;
	}
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < n; i++) {
		char *colon = strrchr(argv[i + 1], ':');

		if (!colon)
			return 2;
		*colon = '\0';
		memset(&to[i], 0, sizeof(to[i]));
		to[i].sin_family = AF_INET;
		to[i].sin_port = htons((unsigned short)atoi(colon + 1));
		if (inet_pton(AF_INET, argv[i + 1], &to[i].sin_addr) != 1)
			return 2;
		msgs[i].msg_hdr.msg_name = &to[i];
		msgs[i].msg_hdr.msg_namelen = sizeof(to[i]);
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	sent = sendmmsg(fd, msgs, (unsigned)n, 0);
	if (sent < 0)
		printf("error %s\n", strerror(errno));
	else
		printf("sent %d\n", sent);
	return 0;
}
