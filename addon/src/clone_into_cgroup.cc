// See clone_into_cgroup.h.
#include "clone_into_cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace tsrun::addon {
namespace {

// The child, between clone3 and execve: raw syscalls only (no malloc, no
// locks; another thread of the parent may have held them). All signals are
// blocked on entry. Never returns.
[[noreturn]] void exec_child(const ExecPlan &p, int err_fd) {
  int e = 0;
  // Park the error pipe where no move lands; cloexec, it closes at exec.
  int err = static_cast<int>(syscall(SYS_fcntl, err_fd, F_DUPFD_CLOEXEC, p.close_from));
  if (err < 0) syscall(SYS_exit_group, 127);
  for (size_t i = 0; i < p.move_count && e == 0; i++) {
    const FdMove &m = p.moves[i];
    long rc = m.from == m.to ? syscall(SYS_fcntl, m.to, F_SETFD, 0) : syscall(SYS_dup3, m.from, m.to, 0);
    if (rc < 0) e = errno;
  }
  // Everything above the plan's fds: close-on-exec (the error pipe too).
  if (e == 0 && syscall(SYS_close_range, p.close_from, ~0U, CLOSE_RANGE_CLOEXEC) < 0) e = errno;
  if (e == 0) {
    // Node ignores SIGPIPE and SIGXFSZ, and ignored stays ignored across exec.
    struct {
      void (*handler)(int);
      unsigned long flags;
      void (*restorer)();
      uint64_t mask;
    } dfl = {SIG_DFL, 0, nullptr, 0};
    for (int sig = 1; sig < 65; sig++) {
      if (sig != SIGKILL && sig != SIGSTOP) syscall(SYS_rt_sigaction, sig, &dfl, nullptr, sizeof dfl.mask);
    }
    uint64_t none = 0;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, nullptr, sizeof none);
    syscall(SYS_execve, p.path, p.argv, p.envp);
    e = errno;
  }
  while (syscall(SYS_write, err, &e, sizeof e) < 0 && errno == EINTR) {
  }
  syscall(SYS_exit_group, 127);
  __builtin_unreachable();
}

}  // namespace

CloneResult clone_exec_into_cgroup(const ExecPlan &plan, int cgroup_fd) {
  CloneResult out;
  int err_pipe[2];
  if (pipe2(err_pipe, O_CLOEXEC) < 0) return out;

  // No handler of ours may run in the child: block everything across clone3.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int pidfd = -1;
  struct clone_args args = {};
  args.flags = CLONE_PIDFD | CLONE_INTO_CGROUP;
  args.pidfd = reinterpret_cast<uint64_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  args.cgroup = static_cast<uint64_t>(cgroup_fd);
  // No CLONE_VM: like fork, the child runs on a copy of this stack.
  long pid = syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) exec_child(plan, err_pipe[1]);
  int saved = errno;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  close(err_pipe[1]);
  if (pid < 0) {
    close(err_pipe[0]);
    errno = saved;
    return out;
  }
  out.cloned = true;
  // Empty at exec (the pipe closes); the child's errno when exec failed.
  int child_errno = 0;
  ssize_t n;
  do {
    n = read(err_pipe[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  close(err_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    siginfo_t info;
    waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd), &info, WEXITED);
    close(pidfd);
    errno = child_errno;
    return out;
  }
  out.pid = static_cast<pid_t>(pid);
  out.pidfd = pidfd;
  return out;
}

}  // namespace tsrun::addon
