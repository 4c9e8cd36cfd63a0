// Device nodes and /dev symlinks, created fd-relative inside the rootfs so a
// symlinked /dev in the image never turns into host path operations
// (CVE-2026-41579, CVE-2026-47766).
#pragma once
#include "plan.h"

namespace tsrun::init {

void create_devices(int rootfd, const Plan &plan);

}  // namespace tsrun::init
