/* The wireless-extension requests (SIOCGIW*) iwconfig and older fingerprinting code send, answered
 * as cfg80211's compatibility layer answers them for the identity's wireless interfaces. */
#pragma once

#include "identity.h"

/* Whether `req` is a wireless-extension request this layer answers (the GET ones). */
bool fn_preload_is_wext(unsigned long req);
/* 0 when answered, -1 with errno set when refused, as the kernel would refuse it. */
int fn_preload_wext(const struct fn_identity *id, unsigned long req, void *arg);
