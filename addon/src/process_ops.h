// Process handles by pidfd: no pid-reuse races when signalling or waiting.
#pragma once
#include <sys/types.h>

namespace tsrun::addon {

struct ExitStatus {
  bool exited;  // false: still running (only with nohang)
  int code;     // exit code, or -1 when killed by a signal
  int signal;   // terminating signal, or 0
};

int pidfd_open(pid_t pid);                 // -1 with errno
int pidfd_send_signal(int pidfd, int sig);  // 0 or -1 with errno
// Reaps the child behind pidfd. Returns 0 or an errno value.
int wait_pidfd(int pidfd, bool nohang, ExitStatus &out);

}  // namespace tsrun::addon
