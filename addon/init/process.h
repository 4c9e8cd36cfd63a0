// The process-level steps between a finished rootfs and execve.
#pragma once
#include <string>

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
void load_seccomp(const Plan &plan);

[[noreturn]] void exec_program(const Plan &plan, const std::string &path);

}  // namespace tsrun::init
