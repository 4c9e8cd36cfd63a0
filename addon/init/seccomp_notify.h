// SCMP_ACT_NOTIFY: the listener fd seccomp(2) returns for a filter loaded
// with SECCOMP_FILTER_FLAG_NEW_LISTENER goes to the runtime, which passes it
// on to linux.seccomp.listenerPath; this process never keeps it.
#pragma once
#include <linux/seccomp.h>

#include "plan.h"

namespace tsrun::init {

inline bool seccomp_has_listener(const Plan &plan) {
  return !plan.seccomp_bpf.empty() && (plan.seccomp_flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) != 0;
}

// Tells the runtime the number of `listener` over the sync socket (it takes
// the fd with pidfd_getfd), waits until the runtime says the listener socket
// has it, and closes it. Fails (reporting) otherwise.
void hand_over_seccomp_listener(int listener);

}  // namespace tsrun::init
