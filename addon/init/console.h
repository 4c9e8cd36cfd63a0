// Terminals: a pty allocated inside the container, its master handed to
// the runtime, its peer made the process's controlling terminal.
#pragma once
#include "channel.h"
#include "plan.h"

namespace tsrun::init {

// Opens a pty on the devpts instance reached from `rootfd` (the container's
// rootfs before pivot_root, or "/" after joining its mount namespace),
// sends the master to the parent, and returns the peer fd. The peer comes
// from TIOCGPTPEER, never from a path lookup.
int open_container_pty(int rootfd, const Plan &plan, const Channel &channel);

// Binds the pty peer onto <rootfs>/dev/console, by fd (CVE-2025-52565).
void mount_console(int rootfd, int peer);

// Makes the pty the process's controlling terminal and its stdio.
void adopt_terminal(int peer);

}  // namespace tsrun::init
