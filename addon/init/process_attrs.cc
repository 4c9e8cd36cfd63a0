#include "process_attrs.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "channel.h"

namespace tsrun::init {
namespace {

// struct sched_attr as of SCHED_ATTR_SIZE_VER1 (linux/sched/types.h).
struct SchedAttr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};
static_assert(sizeof(SchedAttr) == 56, "sched_attr VER1 is 56 bytes");

constexpr uint64_t kSchedFlagUtilClampMin = 0x20;
constexpr uint64_t kSchedFlagUtilClampMax = 0x40;
constexpr uint32_t kUtilClampScale = 1024;  // SCHED_CAPACITY_SCALE
constexpr int kIoprioWhoProcess = 1;        // IOPRIO_WHO_PROCESS

// Room for CONFIG_NR_CPUS up to 8192.
constexpr size_t kAllCpusBytes = 8192 / 8;

void set_affinity(const std::vector<uint8_t> &mask, const char *field) {
  // sched_setaffinity wants a whole number of unsigned longs; the plan
  // sends 8-byte multiples.
  if (syscall(SYS_sched_setaffinity, 0, mask.size(), mask.data()) < 0)
    fail_errno("process.execCPUAffinity.%s: sched_setaffinity", field);
}

}  // namespace

void apply_time_offsets(const Plan &plan) {
  if (plan.time_offsets.empty()) return;
  // Refers to the time namespace our children will be in: the new one.
  int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) fail_errno("linux.timeOffsets: open /proc/self/timens_offsets");
  ssize_t n = write(fd, plan.time_offsets.data(), plan.time_offsets.size());
  if (n < 0) fail_errno("linux.timeOffsets: write /proc/self/timens_offsets");
  if (static_cast<size_t>(n) != plan.time_offsets.size()) fail("linux.timeOffsets: short write to /proc/self/timens_offsets");
  close(fd);
}

void apply_process_attrs(const Plan &plan) {
  if (plan.has_personality && personality(static_cast<unsigned long>(plan.personality)) < 0)
    fail_errno("linux.personality: personality(%#llx)", static_cast<unsigned long long>(plan.personality));

  if (plan.has_io_priority && syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, static_cast<int>(plan.io_priority)) < 0)
    fail_errno("process.ioPriority: ioprio_set(class %llu, priority %llu)", static_cast<unsigned long long>(plan.io_priority >> 13),
               static_cast<unsigned long long>(plan.io_priority & 7));

  if (plan.has_mem_policy) {
    // maxnode counts bits; the kernel reads one fewer than it is given.
    const unsigned long *mask = plan.mem_policy_nodes.empty() ? nullptr : reinterpret_cast<const unsigned long *>(plan.mem_policy_nodes.data());
    unsigned long maxnode = plan.mem_policy_nodes.empty() ? 0 : plan.mem_policy_nodes.size() * 8 + 1;
    if (syscall(SYS_set_mempolicy, static_cast<int>(plan.mem_policy_mode), mask, maxnode) < 0)
      fail_errno("linux.memoryPolicy: set_mempolicy(mode %#llx)", static_cast<unsigned long long>(plan.mem_policy_mode));
  }

  if (plan.has_scheduler) {
    SchedAttr attr = {};
    attr.size = sizeof attr;
    attr.sched_policy = static_cast<uint32_t>(plan.sched_policy);
    attr.sched_flags = plan.sched_flags;
    attr.sched_nice = static_cast<int32_t>(plan.sched_nice);
    attr.sched_priority = static_cast<uint32_t>(plan.sched_priority);
    attr.sched_runtime = plan.sched_runtime;
    attr.sched_deadline = plan.sched_deadline;
    attr.sched_period = plan.sched_period;
    // The spec has no clamp values: a clamp flag asks for the full range.
    attr.sched_util_min = 0;
    attr.sched_util_max = kUtilClampScale;
    if ((attr.sched_flags & (kSchedFlagUtilClampMin | kSchedFlagUtilClampMax)) == 0) attr.size = 48;  // SCHED_ATTR_SIZE_VER0
    if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
      fail_errno("process.scheduler: sched_setattr(policy %u, nice %d, priority %u, flags %#llx)", attr.sched_policy, attr.sched_nice,
                 attr.sched_priority, static_cast<unsigned long long>(attr.sched_flags));
  }

  // execCPUAffinity does not apply to the container's first process
  // (config.md). The runtime pinned us to `initial` before the cgroup move;
  // without `final` the process gets every CPU its cgroup allows (the kernel
  // intersects an all-CPUs mask with the cpuset), not the runtime's pinning.
  if (plan.mode == 1 && plan.join_process) {
    if (!plan.cpu_affinity_final.empty()) set_affinity(plan.cpu_affinity_final, "final");
    else if (!plan.cpu_affinity_initial.empty()) set_affinity(std::vector<uint8_t>(kAllCpusBytes, 0xff), "final (reset)");
  }
}

}  // namespace tsrun::init
