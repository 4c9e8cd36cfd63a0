#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "channel.h"
#include "syscalls.h"

namespace tsrun::init {
namespace {

// A detached procfs mount: reachable only through this fd.
int private_procfs() {
  int fs = sys::fsopen("proc", FSOPEN_CLOEXEC);
  if (fs < 0) fail_errno("fsopen proc");
  if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) fail_errno("create procfs");
  int mnt = static_cast<int>(syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
  if (mnt < 0) fail_errno("fsmount procfs");
  close(fs);
  return mnt;
}

}  // namespace

void apply_sysctls(const Plan &plan) {
  if (plan.sysctls.empty()) return;
  int proc = private_procfs();
  for (const auto &kv : plan.sysctls) {
    std::string rel = "sys/" + kv.key;
    for (size_t i = 4; i < rel.size(); i++)
      if (rel[i] == '.') rel[i] = '/';
    int fd = sys::openat2(proc, rel.c_str(), O_WRONLY | O_CLOEXEC, 0, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS);
    if (fd < 0) fail_errno("open sysctl %s", kv.key.c_str());
    struct statfs sfs;
    if (fstatfs(fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC) fail("sysctl %s: not on procfs", kv.key.c_str());
    if (write(fd, kv.value.data(), kv.value.size()) < 0) fail_errno("write sysctl %s", kv.key.c_str());
    close(fd);
  }
  close(proc);
}

}  // namespace tsrun::init
