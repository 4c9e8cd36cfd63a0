// The process-level steps between a finished rootfs and execve.
#pragma once
#include <string>
#include <vector>

#include "plan.h"

namespace tsrun::init {

// chdir into the configured cwd and prove it lies inside the new root
// (CVE-2024-21626).
void enter_cwd(const Plan &plan);

void apply_rlimits(const Plan &plan);
void join_new_keyring();

// setgroups/setresgid/setresuid with the capability sets of the plan.
void become_user(const Plan &plan);

// Finds the program like execvp would, with the container's PATH. Fails with
// the phrases engines match on ("executable file not found in $PATH",
// "no such file or directory").
std::string find_executable(const Plan &plan);

void reset_signals();
void close_fds_from(unsigned first);
// Seccomp (linux.seccomp): where the filter goes in.
enum class SeccompLoad {
  // Loading a filter takes no_new_privs or CAP_SYS_ADMIN: the process keeps
  // neither after become_user, so the filter goes in before it.
  kBeforeUserSwitch,
  // A notify listener (SCMP_ACT_NOTIFY) is handed to the runtime while it
  // still listens: after the user switch, before the "created" message.
  kBeforeReady,
  // Otherwise right before execve, after the exec fifo wait.
  kBeforeExec,
};
SeccompLoad seccomp_load_point(const Plan &plan);
// Fails, naming seccomp, when the filter would block a syscall init still
// makes after loading it at `at`; for a load right before execve, also tries
// the load in a child so a refusal is reported while the runtime listens.
void check_seccomp(const Plan &plan, SeccompLoad at);
// Loads the filter and hands a notify listener to the runtime. Except right
// before execve it also makes every fd past the preserved ones
// close-on-exec, since close_range may not pass the filter later.
void load_seccomp(const Plan &plan, SeccompLoad at);

// The process's environment, with HOME added from the container's
// /etc/passwd (by uid) when the config has none.
std::vector<std::string> environment_with_home(const Plan &plan);

[[noreturn]] void exec_program(const Plan &plan, const std::string &path, const std::vector<std::string> &env);

}  // namespace tsrun::init
