#include "join.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "console.h"
#include "container_process.h"
#include "namespaces.h"
#include "process.h"
#include "syscalls.h"

namespace tsrun::init {

void run_join(const Plan &plan, const Channel &channel, const std::vector<int> &fds) {
  if (plan.exec_from_fd && fds.empty()) fail("plan: join mode needs the program fd");
  // A container without a mount namespace has only its chroot to join:
  // opened here, where /proc is still the host's.
  int root = -1;
  if (!plan.join_root.empty()) {
    root = open(plan.join_root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) fail_errno("open the container's root %s", plan.join_root.c_str());
  }
  enter_namespaces(plan, channel);  // returns in the child, inside every namespace
  if (root >= 0) {
    if (fchdir(root) < 0 || chroot(".") < 0) fail_errno("chroot to the container's root %s", plan.join_root.c_str());
    close(root);
  }

  if (plan.join_process) {
    // `exec`: the same confinement as the container's first process. The
    // sync socket closes at execve and tells the parent it went through.
    if (plan.setsid && setsid() < 0) fail_errno("setsid");
    if (plan.terminal) {
      // Joining the mount namespace (or the chroot above) made its root ours: /dev/pts is the container's.
      int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (root < 0) fail_errno("open /");
      adopt_terminal(open_container_pty(root, plan, channel));
      close(root);
    }
    become_container_process(plan, [] {});
  }

  if (chdir(plan.cwd.empty() ? "/" : plan.cwd.c_str()) < 0) fail_errno("chdir to %s", plan.cwd.c_str());
  reset_signals();

  std::vector<char *> argv, envp;
  for (const auto &a : plan.args) argv.push_back(const_cast<char *>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto &e : plan.env) envp.push_back(const_cast<char *>(e.c_str()));
  envp.push_back(nullptr);

  if (plan.exec_from_fd) {
    // fd 3, without close-on-exec: a script's interpreter reads it through
    // /dev/fd/3. Everything else closes at exec, the sync socket included,
    // which tells the parent the exec went through.
    if (dup2(fds[0], 3) < 0) fail_errno("dup2 program fd");
    if (sys::close_range(4, ~0U, CLOSE_RANGE_CLOEXEC) < 0) fail_errno("close_range");
    syscall(SYS_execveat, 3, "", argv.data(), envp.data(), AT_EMPTY_PATH);
    fail_errno("exec %s", plan.args[0].c_str());
  }
  if (sys::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0) fail_errno("close_range");
  execve(plan.exec_path.c_str(), argv.data(), envp.data());
  fail_errno("exec %s", plan.exec_path.c_str());
}

}  // namespace tsrun::init
