#include "process_ops.h"

#include <errno.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

namespace tsrun::addon {

int pidfd_open(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }

int pidfd_send_signal(int pidfd, int sig) { return static_cast<int>(syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0)); }

int wait_pidfd(int pidfd, bool nohang, ExitStatus &out) {
  siginfo_t info = {};
  int rc;
  do {
    rc = waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd), &info, WEXITED | (nohang ? WNOHANG : 0));
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) return errno;
  if (info.si_pid == 0) {
    out = {false, 0, 0};
    return 0;
  }
  if (info.si_code == CLD_EXITED) out = {true, info.si_status, 0};
  else out = {true, -1, info.si_status};
  return 0;
}

}  // namespace tsrun::addon
