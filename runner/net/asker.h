/* Who sent a datagram to the resolver: the socket with that source address, found over
 * sock_diag in the namespace, and the process holding it. For the audit log only. */
#pragma once

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

/* A sock_diag socket in the calling thread's network namespace; -errno on failure. */
int fn_asker_open(void);

/* The process (pid as the target's pid namespace numbers it) and command holding the UDP socket
 * bound to `from`; 0 and "" when none is found (it may have exited already). */
pid_t fn_asker_find(int diag_fd, const struct sockaddr_storage *from, char *comm, size_t len);
