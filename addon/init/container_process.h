// The last steps before the user program runs, shared by the container's
// first process and the processes `exec` adds.
#pragma once
#include <functional>

#include "plan.h"

namespace tsrun::init {

// rlimits, umask, no_new_privs, seccomp, user and capabilities, cwd, the
// program lookup; then `ready` (everything that can fail has been checked:
// report success, wait for start), then signals and fds are reset and the
// program is exec'd.
[[noreturn]] void become_container_process(const Plan &plan, const std::function<void()> &ready);

}  // namespace tsrun::init
