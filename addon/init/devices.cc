#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "channel.h"
#include "resolve.h"
#include "syscalls.h"

namespace tsrun::init {
namespace {

// True when the requested device already exists; any other file at its path
// is an error (config-linux.md, Devices), a symlink included.
bool device_exists(int dirfd, const std::string &base, const DeviceEntry &d) {
  struct stat st;
  if (fstatat(dirfd, base.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT) return false;
    fail_errno("stat %s", d.path.c_str());
  }
  if ((st.st_mode & S_IFMT) == (d.mode & S_IFMT) && (S_ISFIFO(st.st_mode) || st.st_rdev == d.rdev)) return true;
  fail("%s already exists and is not the requested device", d.path.c_str());
}

// Where mknod is refused (a user namespace), bind the host's node instead.
void bind_host_device(int dirfd, const std::string &base, const DeviceEntry &d) {
  int f = openat(dirfd, base.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (f < 0) fail_errno("create %s", d.path.c_str());
  close(f);
  int target = openat(dirfd, base.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (target < 0) fail_errno("open %s", d.path.c_str());
  int tree = sys::open_tree(AT_FDCWD, d.path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0) fail_errno("open host device %s", d.path.c_str());
  if (sys::move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    fail_errno("bind mount host device %s", d.path.c_str());
  close(tree);
  close(target);
}

void create_device(int rootfd, const DeviceEntry &d) {
  std::string parent, base;
  split_parent(d.path, parent, base);
  if (base.empty()) fail("bad device path %s", d.path.c_str());
  // An O_PATH fd serves as the directory for the *at calls below.
  int dirfd = mkdir_all_in_root(rootfd, parent, 0755);
  bool exists = device_exists(dirfd, base, d);
  if (!exists && mknodat(dirfd, base.c_str(), static_cast<mode_t>(d.mode), static_cast<dev_t>(d.rdev)) < 0) {
    if (errno != EPERM || !d.bind_fallback) fail_errno("mknod %s", d.path.c_str());
    bind_host_device(dirfd, base, d);
    close(dirfd);
    return;
  }
  // An existing node is kept, with the requested owner and mode.
  if (fchmodat(dirfd, base.c_str(), static_cast<mode_t>(d.mode & 07777), 0) < 0) fail_errno("chmod %s", d.path.c_str());
  if (fchownat(dirfd, base.c_str(), static_cast<uid_t>(d.uid), static_cast<gid_t>(d.gid), AT_SYMLINK_NOFOLLOW) < 0)
    fail_errno("chown %s", d.path.c_str());
  close(dirfd);
}


void create_symlink(int rootfd, const SymlinkEntry &l) {
  std::string parent, base;
  split_parent(l.path, parent, base);
  int dirfd = mkdir_all_in_root(rootfd, parent, 0755);
  if (symlinkat(l.target.c_str(), dirfd, base.c_str()) < 0 && errno != EEXIST)
    fail_errno("symlink %s -> %s", l.path.c_str(), l.target.c_str());
  close(dirfd);
}

}  // namespace

void create_devices(int rootfd, const Plan &plan) {
  mode_t old = umask(0);
  for (const auto &d : plan.devices) create_device(rootfd, d);
  for (const auto &l : plan.symlinks) create_symlink(rootfd, l);
  umask(old);
}

}  // namespace tsrun::init
