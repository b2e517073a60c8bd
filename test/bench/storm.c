// npm run bench: a connection storm at rates Python cannot make.
//   storm serve ADDRESS PORT PROCS: PROCS processes accept and close at once (the server's FIN first, so no client port waits in TIME_WAIT); prints "listening".
//   storm churn ADDRESS PORT SECONDS RATE PROCS: PROCS processes connect, read the server's EOF and close, RATE a second in all, for SECONDS; prints how many were made.
// Forked processes die with their parent (PR_SET_PDEATHSIG), so killing it ends them all.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void sleep_until(double when)
{
	struct timespec t = { .tv_sec = (time_t)when, .tv_nsec = (long)((when - (time_t)when) * 1e9) };
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
}

static int serve(struct sockaddr_in *at, int procs)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)at, sizeof(*at)) < 0 || listen(fd, 4096) < 0) {
		perror("storm serve");
		return 1;
	}
	for (int i = 1; i < procs; i++) {
		if (fork() == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			break;
		}
	}
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		int c = accept4(fd, NULL, NULL, 0);
		if (c >= 0)
			close(c);
	}
}

static unsigned long churn(struct sockaddr_in *to, double seconds, double rate)
{
	unsigned long made = 0;
	double start = now();
	char buf[16];
	while (now() - start < seconds) {
		/* Paced in steps of 50: ahead of time, wait for the step's start. */
		if (made % 50 == 0)
			sleep_until(start + made / rate);
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			continue;
		if (connect(fd, (struct sockaddr *)to, sizeof(*to)) == 0) {
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			made++;
		}
		close(fd);
	}
	return made;
}

int main(int argc, char **argv)
{
	if (argc < 4 || (strcmp(argv[1], "serve") && strcmp(argv[1], "churn")) || (!strcmp(argv[1], "serve") && argc != 5) || (!strcmp(argv[1], "churn") && argc != 7)) {
		fprintf(stderr, "usage: storm serve ADDRESS PORT PROCS | storm churn ADDRESS PORT SECONDS RATE PROCS\n");
		return 2;
	}
	struct sockaddr_in at = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[3])) };
	if (inet_pton(AF_INET, argv[2], &at.sin_addr) != 1) {
		fprintf(stderr, "storm: bad address %s\n", argv[2]);
		return 2;
	}
	if (!strcmp(argv[1], "serve"))
		return serve(&at, atoi(argv[4]));
	double seconds = atof(argv[4]);
	int procs = atoi(argv[6]);
	double rate = atof(argv[5]) / procs;
	int out[2];
	if (pipe(out) < 0) {
		perror("storm");
		return 1;
	}
	for (int i = 0; i < procs; i++) {
		if (fork() == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			unsigned long made = churn(&at, seconds, rate);
			if (write(out[1], &made, sizeof(made)) != sizeof(made))
				return 1;
			return 0;
		}
	}
	unsigned long total = 0;
	for (int i = 0; i < procs; i++) {
		unsigned long made;
		if (read(out[0], &made, sizeof(made)) == sizeof(made))
			total += made;
	}
	while (wait(NULL) > 0)
		;
	printf("%lu\n", total);
	return 0;
}
