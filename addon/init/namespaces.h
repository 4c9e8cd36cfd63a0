// Joining and creating namespaces: the bootstrap half of tsrun-init.
#pragma once
#include "channel.h"
#include "plan.h"

namespace tsrun::init {

// Joins the namespaces given by path (the user namespace first), creates the
// new ones, and forks the container process into the new pid namespace.
// Returns only in the container process; the bootstrap process reports the
// child's pid to the parent and exits.
void enter_namespaces(const Plan &plan, const Channel &channel);

}  // namespace tsrun::init
