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

// Replaces whatever non-directory entry sits at the device's name.
void clear_entry(int dirfd, const std::string &base, const std::string &path) {
  struct stat st;
  if (fstatat(dirfd, base.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT) return;
    fail_errno("stat %s", path.c_str());
  }
  if (S_ISDIR(st.st_mode)) fail("device path %s is a directory", path.c_str());
  if (unlinkat(dirfd, base.c_str(), 0) < 0) fail_errno("remove %s", path.c_str());
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
  int dirfd = mkdir_all_in_root(rootfd, parent, 0755);
  // mkdirat/mknodat need a real directory fd, not O_PATH, for some calls;
  // O_PATH works for the *at family used here.
  clear_entry(dirfd, base, d.path);
  if (mknodat(dirfd, base.c_str(), static_cast<mode_t>(d.mode), static_cast<dev_t>(d.rdev)) < 0) {
    if (errno != EPERM || !d.bind_fallback) fail_errno("mknod %s", d.path.c_str());
    bind_host_device(dirfd, base, d);
  } else {
    if (fchmodat(dirfd, base.c_str(), static_cast<mode_t>(d.mode & 07777), 0) < 0) fail_errno("chmod %s", d.path.c_str());
    if (fchownat(dirfd, base.c_str(), static_cast<uid_t>(d.uid), static_cast<gid_t>(d.gid), AT_SYMLINK_NOFOLLOW) < 0)
      fail_errno("chown %s", d.path.c_str());
  }
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
