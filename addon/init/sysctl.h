// linux.sysctl, written through a private procfs instance that the
// container cannot see or race (CVE-2025-52881).
#pragma once
#include "plan.h"

namespace tsrun::init {

void apply_sysctls(const Plan &plan);

}  // namespace tsrun::init
