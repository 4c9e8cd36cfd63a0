#include "container_process.h"

#include <sys/prctl.h>
#include <sys/stat.h>

#include "channel.h"
#include "process.h"
#include "process_attrs.h"
#include "syscalls.h"

namespace tsrun::init {

void become_container_process(const Plan &plan, const std::function<void()> &ready) {
  // Read while the runtime still may: before seccomp and the user switch.
  const std::vector<std::string> env = environment_with_home(plan);
  apply_rlimits(plan);
  // Without a configured umask the caller's stays (config.md, POSIX user).
  if (plan.has_umask) umask(static_cast<mode_t>(plan.umask));
  // Before seccomp and before the user switch drops CAP_SYS_NICE and friends.
  apply_process_attrs(plan);
  if (plan.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail_errno("prctl no_new_privs");
  // The seccomp filter goes in right before execve, unless the process will
  // have neither no_new_privs nor CAP_SYS_ADMIN to load it with by then, or
  // its notify listener must reach the runtime before ready().
  const SeccompLoad seccomp_at = seccomp_load_point(plan);
  if (seccomp_at == SeccompLoad::kBeforeUserSwitch) {
    check_seccomp(plan, seccomp_at);
    load_seccomp(plan, seccomp_at);
  }
  become_user(plan);
  enter_cwd(plan);
  std::string program = find_executable(plan);
  if (seccomp_at != SeccompLoad::kBeforeUserSwitch) check_seccomp(plan, seccomp_at);
  if (seccomp_at == SeccompLoad::kBeforeReady) load_seccomp(plan, seccomp_at);

  ready();

  reset_signals();
  if (seccomp_at == SeccompLoad::kBeforeExec) {
    // Close-on-exec rather than closed: a sync socket still open closes at
    // the exec itself, which is how `exec` learns the program started.
    if (sys::close_range(3 + static_cast<unsigned>(plan.preserve_fds), ~0U, CLOSE_RANGE_CLOEXEC) < 0)
      fail_errno("close_range (close-on-exec)");
    load_seccomp(plan, seccomp_at);
  }
  exec_program(plan, program, env);
}

}  // namespace tsrun::init
