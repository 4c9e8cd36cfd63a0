// Builds the container's filesystem view: mounts, devices, masked and
// read-only paths, then pivots into it.
#pragma once
#include "plan.h"

namespace tsrun::init {

// The detached clone (O_CLOEXEC fd) of a bind mount's source tree, with the
// entry's mount attributes applied; the caller moves it into place.
int detached_bind_tree(const MountEntry &m);

// Runs in the container's new mount namespace (or the host's, when the
// config has none), before pivot_root. Returns an O_DIRECTORY fd of the
// prepared rootfs.
int prepare_rootfs(const Plan &plan);

// Switches "/" to the prepared rootfs (pivot_root, or chroot in the host's
// mount namespace) and applies the options that act on
// the final root (readonly, propagation).
void enter_rootfs(const Plan &plan, int rootfd);

}  // namespace tsrun::init
