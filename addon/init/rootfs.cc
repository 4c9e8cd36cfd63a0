#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "channel.h"
#include "devices.h"
#include "resolve.h"
#include "syscalls.h"

namespace tsrun::init {
namespace {

bool is_bind(const MountEntry &m) { return (m.flags & MS_BIND) != 0; }

bool source_is_file(const MountEntry &m) {
  struct stat st;
  if (stat(m.source.c_str(), &st) < 0) return false;
  return !S_ISDIR(st.st_mode);
}

// procfs and sysfs must land exactly where asked: a symlinked destination
// could redirect later writes meant for them (CVE-2019-16884).
bool needs_exact_target(const MountEntry &m) { return m.type == "proc" || m.type == "sysfs"; }

void verify_fs(int rootfd, const MountEntry &m) {
  long magic = 0;
  if (m.type == "proc") magic = PROC_SUPER_MAGIC;
  else if (m.type == "sysfs") magic = SYSFS_MAGIC;
  else return;
  int fd = open_in_root(rootfd, m.destination, O_PATH | O_DIRECTORY, true);
  if (fd < 0) fail_errno("reopen %s after mount", m.destination.c_str());
  struct statfs sfs;
  if (fstatfs(fd, &sfs) < 0) fail_errno("statfs %s", m.destination.c_str());
  if (sfs.f_type != magic) fail("mount %s: %s did not end up at its destination", m.type.c_str(), m.destination.c_str());
  close(fd);
}

// Bind mounts use the new mount API: the clone of the source tree gets its
// attributes while still detached, then moves onto the target fd.
void bind_mount(const MountEntry &m, int targetfd) {
  unsigned tree_flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
  if ((m.flags & MS_REC) != 0) tree_flags |= AT_RECURSIVE;
  int tree = sys::open_tree(AT_FDCWD, m.source.c_str(), tree_flags);
  if (tree < 0) fail_errno("bind mount %s: open %s", m.destination.c_str(), m.source.c_str());
  if (m.attr_set != 0 || m.attr_clr != 0) {
    sys::mount_attr_arg attr = {m.attr_set, m.attr_clr, 0, 0};
    unsigned flags = AT_EMPTY_PATH | (m.recursive_attr ? AT_RECURSIVE : 0);
    if (sys::mount_setattr(tree, "", flags, &attr) < 0)
      fail_errno("bind mount %s: set mount attributes", m.destination.c_str());
  }
  if (sys::move_mount(tree, "", targetfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    fail_errno("bind mount %s onto %s", m.source.c_str(), m.destination.c_str());
  close(tree);
}

void apply_propagation(int rootfd, const MountEntry &m) {
  if (m.propagation == 0) return;
  int fd = open_in_root(rootfd, m.destination, O_PATH);
  if (fd < 0) fail_errno("reopen %s", m.destination.c_str());
  if (mount(nullptr, fd_path(fd).c_str(), nullptr, m.propagation, nullptr) < 0)
    fail_errno("set propagation of %s", m.destination.c_str());
  close(fd);
}

void mount_one(int rootfd, const MountEntry &m) {
  if ((m.flags & MS_REMOUNT) != 0) {
    // A follow-up remount of an earlier entry (e.g. the cgroup tmpfs made
    // read-only once its binds are in place).
    int fd = open_in_root(rootfd, m.destination, O_PATH);
    if (fd < 0) fail_errno("reopen %s for remount", m.destination.c_str());
    if (mount(nullptr, fd_path(fd).c_str(), nullptr, m.flags, m.data.empty() ? nullptr : m.data.c_str()) < 0)
      fail_errno("remount %s", m.destination.c_str());
    close(fd);
    return;
  }
  bool exact = needs_exact_target(m);
  int target = make_mount_target(rootfd, m.destination, is_bind(m) && source_is_file(m), exact);
  if (is_bind(m)) {
    bind_mount(m, target);
  } else {
    // The magic link names exactly the inode we resolved, so the kernel
    // mounts on it without walking the container's path again.
    const char *data = m.data.empty() ? nullptr : m.data.c_str();
    if (mount(m.source.c_str(), fd_path(target).c_str(), m.type.c_str(), m.flags, data) < 0)
      fail_errno("mount %s to %s (type %s)", m.source.c_str(), m.destination.c_str(), m.type.c_str());
  }
  close(target);
  verify_fs(rootfd, m);
  apply_propagation(rootfd, m);
}

// A read-only, empty tmpfs built entirely through fds.
int empty_readonly_tmpfs() {
  int fs = sys::fsopen("tmpfs", FSOPEN_CLOEXEC);
  if (fs < 0) fail_errno("fsopen tmpfs");
  if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) fail_errno("create tmpfs");
  int mnt = static_cast<int>(syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
  if (mnt < 0) fail_errno("fsmount tmpfs");
  close(fs);
  return mnt;
}

// /dev/null from the host, checked to be the real character device 1:3
// before it is used to cover anything (CVE-2025-31133).
int verified_dev_null() {
  int fd = open("/dev/null", O_PATH | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) fail_errno("open /dev/null");
  struct stat st;
  if (fstat(fd, &st) < 0) fail_errno("stat /dev/null");
  if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3) fail("/dev/null on the host is not the null device");
  return fd;
}

void mask_paths(int rootfd, const Plan &plan) {
  if (plan.masked_paths.empty()) return;
  int devnull = verified_dev_null();
  for (const auto &path : plan.masked_paths) {
    int target = open_in_root(rootfd, path, O_PATH | O_NOFOLLOW);
    if (target < 0) {
      if (errno == ENOENT) continue;
      fail_errno("open masked path %s", path.c_str());
    }
    struct stat st;
    if (fstat(target, &st) < 0) fail_errno("stat masked path %s", path.c_str());
    int src;
    if (S_ISDIR(st.st_mode)) {
      src = empty_readonly_tmpfs();
    } else {
      src = sys::open_tree(devnull, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
      if (src < 0) fail_errno("clone /dev/null mount for %s", path.c_str());
    }
    if (sys::move_mount(src, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
      fail_errno("mask %s", path.c_str());
    close(src);
    close(target);
  }
  close(devnull);
}

void readonly_paths(int rootfd, const Plan &plan) {
  for (const auto &path : plan.readonly_paths) {
    int target = open_in_root(rootfd, path, O_PATH | O_NOFOLLOW);
    if (target < 0) {
      if (errno == ENOENT) continue;
      fail_errno("open readonly path %s", path.c_str());
    }
    int tree = sys::open_tree(target, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
    if (tree < 0) fail_errno("clone mount of %s", path.c_str());
    sys::mount_attr_arg attr = {MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, 0, 0, 0};
    if (sys::mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr) < 0) fail_errno("make %s read-only", path.c_str());
    if (sys::move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
      fail_errno("mount %s read-only", path.c_str());
    close(tree);
    close(target);
  }
}

}  // namespace

int prepare_rootfs(const Plan &plan) {
  // Nothing done below may propagate back to the host.
  uint64_t host_prop = plan.host_propagation != 0 ? plan.host_propagation : (MS_SLAVE | MS_REC);
  if (mount(nullptr, "/", nullptr, host_prop, nullptr) < 0) fail_errno("make / a %s mount", (host_prop & MS_SHARED) ? "shared" : "non-shared");

  // pivot_root needs the new root to be a mount point of its own.
  if (mount(plan.rootfs.c_str(), plan.rootfs.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0)
    fail_errno("bind mount rootfs %s", plan.rootfs.c_str());
  int rootfd = open(plan.rootfs.c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (rootfd < 0) fail_errno("open rootfs %s", plan.rootfs.c_str());

  // Remounts (e.g. the cgroup tmpfs going read-only) wait until devices and
  // symlinks are in place below them.
  for (const auto &m : plan.mounts)
    if ((m.flags & MS_REMOUNT) == 0) mount_one(rootfd, m);
  create_devices(rootfd, plan);
  for (const auto &m : plan.mounts)
    if ((m.flags & MS_REMOUNT) != 0) mount_one(rootfd, m);
  // The working directory is created as root here; entering it happens
  // later, as the container's user.
  close(mkdir_all_in_root(rootfd, plan.cwd.empty() ? "/" : plan.cwd, 0755));
  mask_paths(rootfd, plan);
  readonly_paths(rootfd, plan);
  return rootfd;
}

void enter_rootfs(const Plan &plan, int rootfd) {
  if (fchdir(rootfd) < 0) fail_errno("chdir to rootfs");
  if (plan.no_pivot) {
    if (mount(".", "/", nullptr, MS_MOVE, nullptr) < 0) fail_errno("move rootfs to /");
    if (chroot(".") < 0) fail_errno("chroot");
  } else {
    // Stack the new root over the old one, then detach the old one from
    // underneath: no temporary directory inside the image is needed.
    if (sys::pivot_root(".", ".") < 0) fail_errno("pivot_root %s", plan.rootfs.c_str());
    if (mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) fail_errno("make old root rslave");
    if (umount2(".", MNT_DETACH) < 0) fail_errno("detach old root");
  }
  if (chdir("/") < 0) fail_errno("chdir /");
  close(rootfd);

  if (plan.root_readonly) {
    sys::mount_attr_arg attr = {MOUNT_ATTR_RDONLY, 0, 0, 0};
    if (sys::mount_setattr(AT_FDCWD, "/", 0, &attr) < 0) fail_errno("make / read-only");
  }
  if (plan.root_propagation != 0 && mount(nullptr, "/", nullptr, plan.root_propagation, nullptr) < 0)
    fail_errno("set rootfs propagation");
}

}  // namespace tsrun::init
