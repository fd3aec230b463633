/* The drive requests of hdparm, udev's ata_id and scsi_id, and smartctl-style probes, on the
 * identity's disk device nodes (/dev/sda as the view opens it). */
#pragma once

#include "preload.h"

/* Answers `req` on `fd` when fd is one of the view's disk nodes: returns the ioctl's result, or
 * -2 when the request is not one this layer answers for that fd. */
int fn_disk_ioctl(const struct fn_preload *st, int fd, unsigned long req, void *arg);
