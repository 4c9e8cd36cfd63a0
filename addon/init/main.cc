// tsrun-init: the single-threaded, static helper that builds a container
// from a plan and becomes its first process. It runs from a sealed memfd
// and stays non-dumpable until its final execve (CVE-2019-5736,
// CVE-2016-9962).
//
// usage: tsrun-init <sync-fd>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <string>

#include "../common/protocol.h"
#include "channel.h"
#include "console.h"
#include "container_process.h"
#include "namespaces.h"
#include "plan.h"
#include "process.h"
#include "process_attrs.h"
#include "idmap.h"
#include "join.h"
#include "loopback.h"
#include "rootfs.h"
#include "sysctl.h"

using namespace tsrun::init;
namespace proto = tsrun::proto;

namespace {

// Written through the host's procfs before pivot_root, checked to be procfs.
void write_oom_score_adj(const char *value) {
  int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) fail_errno("open /proc/self/oom_score_adj");
  struct statfs sfs;
  if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC) fail("/proc/self/oom_score_adj is not on procfs");
  if (write(fd, value, strlen(value)) < 0) fail_errno("write oom_score_adj %s", value);
  close(fd);
}

// Blocks until `tsrun start` opens the exec fifo for reading. The fifo
// stays open, close-on-exec: `start` sees its end of file once the user
// program is exec'd, and only then runs the poststart hooks; a failure
// before that is written to it.
void wait_for_start(int statedir, const Plan &plan) {
  int fifo;
  do {
    fifo = openat(statedir, plan.exec_fifo_name.c_str(), O_WRONLY | O_CLOEXEC);
  } while (fifo < 0 && errno == EINTR);
  if (fifo < 0) fail_errno("open exec fifo");
  if (write(fifo, "0", 1) != 1) _exit(1);
  set_late_report_fd(fifo);
}

}  // namespace

int main(int argc, char **argv) {
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (argc != 2) return 2;
  int sync_fd = atoi(argv[1]);
  // Everything above the sync socket (the memfd we were exec'd from) goes.
  close_fds_from(static_cast<unsigned>(sync_fd) + 1);
  Channel channel(sync_fd);
  set_report_channel(&channel);

  Message msg;
  if (!channel.receive(msg) || msg.type != proto::kMsgPlan) fail("did not receive a plan from the runtime");
  Plan plan;
  std::string error;
  if (!decode_plan(msg.payload.data(), msg.payload.size(), plan, error)) fail("%s", error.c_str());
  if (plan.mode == 1) run_join(plan, channel, msg.fds);
  if (msg.fds.size() != 1) fail("plan: expected the state directory fd");
  int statedir = msg.fds[0];

  // Idmapped trees are cloned while still in the host's user namespace.
  prepare_idmapped_mounts(plan);
  enter_namespaces(plan, channel);

  // From here on we are the container process.
  if (plan.setsid && setsid() < 0) fail_errno("setsid");
  if (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0) fail_errno("prctl pdeathsig");
  if (plan.new_keyring) join_new_keyring();
  if (plan.has_oom_score_adj) write_oom_score_adj(std::to_string(plan.oom_score_adj).c_str());

  if (plan.loopback_up) bring_up_loopback();
  if (plan.net_devices_pause) {
    // The runtime moves linux.netDevices into our network namespace now,
    // before sysctls (which may name them) and hooks.
    if (!channel.send(proto::kMsgNetDevicesPoint, nullptr, 0)) fail_errno("send to runtime");
    Message go;
    if (!channel.receive(go) || go.type != proto::kMsgGo) fail("the runtime did not let set-up continue");
  }
  apply_sysctls(plan);
  int rootfd = prepare_rootfs(plan);
  int pty_peer = -1;
  if (plan.terminal) {
    pty_peer = open_container_pty(rootfd, plan, channel);
    mount_console(rootfd, pty_peer);
  }
  if (plan.hook_pause) {
    // prestart, createRuntime and createContainer hooks run now: after the
    // namespaces and mounts exist, before pivot_root.
    if (!channel.send(proto::kMsgHookPoint, nullptr, 0)) fail_errno("send to runtime");
    Message go;
    if (!channel.receive(go) || go.type != proto::kMsgGo) fail("the runtime did not let set-up continue");
  }
  if (plan.has_hostname && sethostname(plan.hostname.data(), plan.hostname.size()) < 0) fail_errno("sethostname");
  if (plan.has_domainname && setdomainname(plan.domainname.data(), plan.domainname.size()) < 0) fail_errno("setdomainname");
  enter_rootfs(plan, rootfd);
  if (pty_peer >= 0) adopt_terminal(pty_peer);

  become_container_process(plan, [&] {
    channel.send(proto::kMsgCreated, nullptr, 0);
    set_report_channel(nullptr);
    channel.close();
    wait_for_start(statedir, plan);
    close(statedir);
  });
}
