// Join mode: run a program inside the namespaces of an existing container
// (createContainer and startContainer hooks).
#pragma once
#include <vector>

#include "channel.h"
#include "plan.h"

namespace tsrun::init {

// Never returns: execs the program or reports why it could not.
[[noreturn]] void run_join(const Plan &plan, const Channel &channel, const std::vector<int> &fds);

}  // namespace tsrun::init
