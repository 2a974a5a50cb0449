// SPDX-License-Identifier: BSD-2-Clause
/*
 * nslookup: a name's address through getaddrinfo() (lwIP's DNS client,
 * the server DHCP gave: QEMU's user network answers at 10.0.2.3;
 * "localhost" and numeric addresses resolve without one).
 *
 *   nslookup NAME
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <vireo/app.h>
#include <vireo/net.h>

static int nslookup_main(int argc, char **argv)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC }, *res, *ai;
	uint32_t server = net_dns_server();
	char a[INET6_ADDRSTRLEN];
	int r;

	if (argc != 2) {
		fprintf(stderr, "Usage: nslookup NAME\n");
		return 2;
	}
	r = getaddrinfo(argv[1], NULL, &hints, &res);
	if (r) {
		fprintf(stderr, "nslookup: %s: %s\n", argv[1], gai_strerror(r));
		return 1;
	}
	printf("Server:  %s\n", server ? inet_ntop(AF_INET, &server, a, sizeof(a)) :
	       "(none)");
	printf("Name:    %s\n", argv[1]);
	for (ai = res; ai; ai = ai->ai_next) {
		const void *addr = ai->ai_family == AF_INET ?
			(const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr :
			(const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;

		printf("Address: %s\n", inet_ntop(ai->ai_family, addr, a, sizeof(a)));
	}
	freeaddrinfo(res);
	return 0;
}
APP_REGISTER(nslookup, nslookup_main, 0, 0);
