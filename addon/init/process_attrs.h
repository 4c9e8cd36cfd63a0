// Scheduling and execution attributes: personality, I/O priority,
// scheduler, CPU affinity, NUMA memory policy, time namespace offsets.
#pragma once
#include "plan.h"

namespace tsrun::init {

// process.execCPUAffinity.initial: as soon as an exec'd process's init has
// its plan, before it joins the container's namespaces.

// linux.timeOffsets: right after unshare(CLONE_NEWTIME), before the clone
// that puts the container process into the new time namespace.
void apply_time_offsets(const Plan &plan);

// personality, ioPriority, memoryPolicy, scheduler and (exec) the final CPU
// affinity: after the rootfs is done, before the user switch drops the
// capabilities they may need and before any seccomp filter is loaded.
void apply_process_attrs(const Plan &plan);

}  // namespace tsrun::init
