/* The audit log's event channel: shims inside the run hand their events to the runner over a unix
 * socket, and the runner writes them, with the sender's pid and uid as the kernel reports them
 * (SO_PEERCRED), never as the sender claims. Only the runner holds the log file. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "report.h"

/* Largest event a shim may send; a longer one is logged as an error with its sender. With the
 * connection limit this bounds what a hostile target can make the runner hold (64 MiB). */
#define FN_AUDITSOCK_MAX_EVENT (1024 * 1024)
/* Connections open at once; past it the oldest is dropped (and logged as dropped). */
#define FN_AUDITSOCK_MAX_CLIENTS 64

struct fn_auditsock_client;

struct fn_auditsock {
	int listen_fd; /* -1: no channel */
	int tree_fd;   /* the socket as a detached mount, for the init to bind (then closed) */
	int wake[2];   /* the runner writes to stop the thread */
	int log_fd;
	char dir[32]; /* the socket's temporary name, until the init removes it */
	char path[40];
	pthread_t thread;
	bool running;
	struct fn_auditsock_client *clients;
	size_t n_clients;
};

/* An idle channel: nothing open; fn_auditsock_stop is a no-op on it. */
void fn_auditsock_init(struct fn_auditsock *a);
/* Creates the listening socket, reachable by every uid, and its detached mount; the socket has no
 * name left in any directory. On failure returns -errno with `rep` filled. */
int fn_auditsock_open(struct fn_auditsock *a, int log_fd, struct fn_report *rep);
/* Serves the socket in a thread of the runner until fn_auditsock_stop. Returns -errno. */
int fn_auditsock_start(struct fn_auditsock *a, struct fn_report *rep);
/* Writes what is still queued (every sender is gone by then), joins the thread, closes it all. */
void fn_auditsock_stop(struct fn_auditsock *a);

/* Writes one "shim" event: time, event, `pid` and `uid` from the runner, then the members of the
 * sender's JSON object except those four; a payload that is not one JSON object is logged as an
 * error of that sender. */
void fn_auditsock_record(int log_fd, pid_t pid, uid_t uid, const char *payload, size_t len);
