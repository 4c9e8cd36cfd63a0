#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <vector>

#include "../common/protocol.h"
#include "process_attrs.h"
#include "syscalls.h"

namespace tsrun::init {
namespace {

const char *ns_name(uint64_t flag) {
  switch (flag) {
    case CLONE_NEWUSER: return "user";
    case CLONE_NEWNS: return "mount";
    case CLONE_NEWPID: return "pid";
    case CLONE_NEWNET: return "network";
    case CLONE_NEWUTS: return "uts";
    case CLONE_NEWIPC: return "ipc";
    case CLONE_NEWCGROUP: return "cgroup";
    case CLONE_NEWTIME: return "time";
    default: return "unknown";
  }
}

void wait_for(const Channel &channel, uint32_t type) {
  Message msg;
  if (!channel.receive(msg)) fail("lost the sync socket to the runtime");
  if (msg.type != type) fail("unexpected message %u from the runtime", msg.type);
}

void setns_all(const Plan &plan) {
  // Open every path before joining anything: once in another mount
  // namespace the host paths may no longer resolve.
  struct Opened {
    uint64_t type;
    int fd;
    const std::string *path;
  };
  std::vector<Opened> opened;
  for (const auto &j : plan.ns_join) {
    int fd = open(j.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail_errno("open %s namespace %s", ns_name(j.type), j.path.c_str());
    opened.push_back({j.type, fd, &j.path});
  }
  // The user namespace goes first: it grants the rights to join the rest.
  for (int pass = 0; pass < 2; pass++) {
    for (const auto &o : opened) {
      bool is_user = o.type == CLONE_NEWUSER;
      if ((pass == 0) != is_user) continue;
      if (sys::setns(o.fd, static_cast<int>(o.type)) < 0) fail_errno("setns %s namespace %s", ns_name(o.type), o.path->c_str());
      close(o.fd);
    }
  }
}

bool joins_user_namespace(const Plan &plan) {
  for (const auto &j : plan.ns_join)
    if (j.type == CLONE_NEWUSER) return true;
  return false;
}

void become_root() {
  if (setresgid(0, 0, 0) < 0) fail_errno("setresgid 0 in the user namespace");
  if (setresuid(0, 0, 0) < 0) fail_errno("setresuid 0 in the user namespace");
}

}  // namespace

void enter_namespaces(const Plan &plan, const Channel &channel) {
  setns_all(plan);
  // Joining keeps our host ids, which the joined namespace may not map:
  // files we create would get no owner (EOVERFLOW). Be its root instead.
  if (joins_user_namespace(plan) && (plan.ns_new & CLONE_NEWUSER) == 0) become_root();

  // Asked before unsharing: inside the new namespace our uid is unmapped.
  bool rootless = geteuid() != 0;
  if ((plan.ns_new & CLONE_NEWUSER) != 0) {
    if (unshare(CLONE_NEWUSER) < 0) fail_errno("unshare user namespace");
  }
  if (plan.uid_map_needed) {
    // Only the parent, outside, may write our id maps. While we are
    // non-dumpable our /proc files belong to root, so an unprivileged
    // runtime could not open them: dumpable just for this exchange.
    uint32_t pid = static_cast<uint32_t>(getpid());
    if (rootless && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0) fail_errno("prctl PR_SET_DUMPABLE 1");
    if (!channel.send_u32(proto::kMsgUsernsReady, pid)) fail_errno("send to runtime");
    wait_for(channel, proto::kMsgUsernsMapped);
    if (rootless && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) fail_errno("prctl PR_SET_DUMPABLE 0");
    become_root();
  }

  uint64_t rest = plan.ns_new & ~static_cast<uint64_t>(CLONE_NEWUSER);
  if (rest != 0 && unshare(static_cast<int>(rest)) < 0) fail_errno("unshare namespaces (flags 0x%llx)", static_cast<unsigned long long>(rest));
  // The container process will be the first in a new time namespace: its
  // offsets can only be written before then.
  if ((rest & CLONE_NEWTIME) != 0) apply_time_offsets(plan);

  // CLONE_PARENT makes the container process a sibling: the runtime that
  // spawned us reaps it and sees its exit status.
  long pid = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
  if (pid < 0) fail_errno("clone container process");
  if (pid > 0) {
    channel.send_u32(proto::kMsgChildPid, static_cast<uint32_t>(pid));
    _exit(0);
  }
}

}  // namespace tsrun::init
