/* The forwarders (publish.c): --publish, and nat's ports followed onto the host's loopback. */
#pragma once

#include "net.h"
#include "report.h"

/* net->publish listen in the runner's namespace and connect inside
 * net->target_fd; under nat, also on 127.0.0.1 for every port the target listens on. */
int fn_publish_start(struct fn_net *net, struct fn_report *rep);
