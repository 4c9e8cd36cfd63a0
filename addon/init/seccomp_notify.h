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

// Gives `listener` to the runtime over the sync socket, waits until the
// runtime says the listener socket has it, and closes it. Fails (reporting)
// otherwise. `with_sendmsg`: the filter lets sendmsg through, so the fd goes
// as SCM_RIGHTS; else only its number is written and the runtime takes it
// with pidfd_getfd, which a rootless runtime may not (init is not dumpable).
void hand_over_seccomp_listener(int listener, bool with_sendmsg);

}  // namespace tsrun::init
