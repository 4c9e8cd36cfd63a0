#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "channel.h"
#include "copyup.h"
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
// attributes while still detached, then moves onto the target fd. An
// idmapped one was cloned earlier, from the host's user namespace.
void bind_mount(const MountEntry &m, int targetfd) {
  int tree = m.idmapped_tree >= 0 ? m.idmapped_tree : detached_bind_tree(m);
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

// What the kernel logged on an fs context fd ("e tmpfs: Bad value for 'size'"),
// for the error message.
std::string fs_context_log(int fs) {
  std::string out;
  char buf[512];
  for (;;) {
    ssize_t n = read(fs, buf, sizeof buf);
    if (n <= 0) break;
    std::string line(buf, static_cast<size_t>(n));
    while (!line.empty() && line.back() == '\n') line.pop_back();
    if (line.size() > 2 && line[1] == ' ') line = line.substr(2);
    out += out.empty() ? line : "; " + line;
  }
  return out;
}

[[noreturn]] void fail_fs_context(int fs, const MountEntry &m, const char *what, const std::string &option) {
  int err = errno;
  std::string log = fs_context_log(fs);
  fail("mount tmpfs on %s: %s%s%s: %s%s%s", m.destination.c_str(), what, option.empty() ? "" : " ", option.c_str(),
       strerror(err), log.empty() ? "" : ": ", log.c_str());
}

// mount(2)'s per-mount flags as fsmount/mount_setattr attributes. As in
// mount(2), strictatime wins over noatime, and relatime is the default.
uint64_t mount_attributes(uint64_t flags) {
  uint64_t attr = 0;
  if (flags & MS_RDONLY) attr |= MOUNT_ATTR_RDONLY;
  if (flags & MS_NOSUID) attr |= MOUNT_ATTR_NOSUID;
  if (flags & MS_NODEV) attr |= MOUNT_ATTR_NODEV;
  if (flags & MS_NOEXEC) attr |= MOUNT_ATTR_NOEXEC;
  if (flags & MS_NODIRATIME) attr |= MOUNT_ATTR_NODIRATIME;
  if (flags & MS_NOSYMFOLLOW) attr |= MOUNT_ATTR_NOSYMFOLLOW;
  if (flags & MS_STRICTATIME) attr |= MOUNT_ATTR_STRICTATIME;
  else if (flags & MS_NOATIME) attr |= MOUNT_ATTR_NOATIME;
  return attr;
}

struct TmpfsOptions {
  bool mode = false, uid = false, gid = false;
};

// A detached tmpfs configured like mount(2) would from the entry's flags
// and data; the mount is writable until the copy is done.
int detached_tmpfs(const MountEntry &m, TmpfsOptions &given) {
  int fs = sys::fsopen("tmpfs", FSOPEN_CLOEXEC);
  if (fs < 0) fail_errno("mount tmpfs on %s: fsopen", m.destination.c_str());
  const char *source = m.source.empty() ? "tmpfs" : m.source.c_str();
  if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", source, 0) < 0) fail_fs_context(fs, m, "source", source);
  size_t i = 0;
  while (i <= m.data.size()) {
    size_t j = m.data.find(',', i);
    // As mount(2) reads tmpfs options: a part starting with a digit continues
    // the option before it (mpol=bind:0,2).
    while (j != std::string::npos && j + 1 < m.data.size() && m.data[j + 1] >= '0' && m.data[j + 1] <= '9')
      j = m.data.find(',', j + 1);
    if (j == std::string::npos) j = m.data.size();
    std::string opt = m.data.substr(i, j - i);
    i = j + 1;
    if (opt.empty()) continue;
    size_t eq = opt.find('=');
    std::string key = opt.substr(0, eq);
    long rc;
    if (eq == std::string::npos) {
      rc = syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, key.c_str(), nullptr, 0);
    } else {
      std::string value = opt.substr(eq + 1);
      rc = syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, key.c_str(), value.c_str(), 0);
    }
    if (rc < 0) fail_fs_context(fs, m, "option", opt);
    if (key == "mode") given.mode = true;
    if (key == "uid") given.uid = true;
    if (key == "gid") given.gid = true;
  }
  // Superblock flags that mount(2) takes as MS_* bits (MS_SILENT has no
  // fsconfig key and only quietens messages).
  const std::pair<uint64_t, const char *> sb_flags[] = {
      {MS_SYNCHRONOUS, "sync"}, {MS_DIRSYNC, "dirsync"}, {MS_LAZYTIME, "lazytime"}, {MS_MANDLOCK, "mand"}};
  for (const auto &[flag, key] : sb_flags)
    if ((m.flags & flag) != 0 && syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, key, nullptr, 0) < 0)
      fail_fs_context(fs, m, "option", key);
  if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) fail_fs_context(fs, m, "create", "");
  uint64_t attr = mount_attributes(m.flags) & ~static_cast<uint64_t>(MOUNT_ATTR_RDONLY);
  int mnt = static_cast<int>(syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attr));
  if (mnt < 0) fail_fs_context(fs, m, "fsmount", "");
  close(fs);
  return mnt;
}

// tmpcopyup: the tmpfs is built detached, gets a copy of the directory it
// is about to cover (found by fd inside the rootfs), then moves onto it.
void mount_tmpfs_copyup(int rootfd, const MountEntry &m) {
  if (m.type != "tmpfs") fail("mount %s: tmpcopyup needs a tmpfs, not %s", m.destination.c_str(), m.type.c_str());
  int target = open_in_root(rootfd, m.destination, O_PATH);
  int src = -1;
  if (target >= 0) {
    src = openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (src < 0) fail_errno("tmpcopyup %s: open the directory to copy", m.destination.c_str());
  } else {
    // Nothing to copy; the tmpfs root keeps its own (or the given) mode.
    if (errno != ENOENT) fail_errno("open mount destination %s inside rootfs", m.destination.c_str());
    target = make_mount_target(rootfd, m.destination, false, false);
  }
  TmpfsOptions given;
  int mnt = detached_tmpfs(m, given);
  if (src >= 0) {
    int dst = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dst < 0) fail_errno("tmpcopyup %s: open the new tmpfs", m.destination.c_str());
    copy_up(src, dst, m.destination, CopyUpRoot{!given.mode, !given.uid, !given.gid});
    close(dst);
    close(src);
  }
  if ((m.flags & MS_RDONLY) != 0) {
    sys::mount_attr_arg attr = {MOUNT_ATTR_RDONLY, 0, 0, 0};
    if (sys::mount_setattr(mnt, "", AT_EMPTY_PATH, &attr) < 0) fail_errno("tmpcopyup %s: make read-only", m.destination.c_str());
  }
  if (sys::move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    fail_errno("mount tmpfs on %s", m.destination.c_str());
  close(mnt);
  close(target);
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
  if (m.copy_up) {
    mount_tmpfs_copyup(rootfd, m);
    apply_propagation(rootfd, m);
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

int detached_bind_tree(const MountEntry &m) {
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
  return tree;
}

int prepare_rootfs(const Plan &plan) {
  if (!plan.host_mount_ns) {
    // Nothing done below may propagate back to the host.
    uint64_t host_prop = plan.host_propagation != 0 ? plan.host_propagation : (MS_SLAVE | MS_REC);
    if (mount(nullptr, "/", nullptr, host_prop, nullptr) < 0) fail_errno("make / a %s mount", (host_prop & MS_SHARED) ? "shared" : "non-shared");
  }

  // pivot_root needs the new root to be a mount point of its own. In the
  // host's mount table (no mount namespace) this bind holds every mount of
  // the container: private, so none of them reaches the host's other
  // mounts, and one detach on delete takes them all away.
  if (mount(plan.rootfs.c_str(), plan.rootfs.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0)
    fail_errno("bind mount rootfs %s", plan.rootfs.c_str());
  if (plan.host_mount_ns && mount(nullptr, plan.rootfs.c_str(), nullptr, MS_PRIVATE | MS_REC, nullptr) < 0)
    fail_errno("make the rootfs bind %s private", plan.rootfs.c_str());
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
  if (plan.host_mount_ns) {
    // The host's root stays the namespace's root: neither pivot_root nor
    // MS_MOVE may touch it. The container's root is our bind.
    if (chroot(".") < 0) fail_errno("chroot %s", plan.rootfs.c_str());
  } else if (plan.no_pivot) {
    if (mount(".", "/", nullptr, MS_MOVE, nullptr) < 0) fail_errno("move rootfs to /");
    if (chroot(".") < 0) fail_errno("chroot");
  } else {
    // Stack the old root over the new one, then detach it: no temporary
    // directory inside the image is needed. The old root is reached through
    // its own fd: "." names the new root below it, whose mounts keep the
    // propagation they were given.
    int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (oldroot < 0) fail_errno("open the old root");
    if (sys::pivot_root(".", ".") < 0) fail_errno("pivot_root %s", plan.rootfs.c_str());
    if (fchdir(oldroot) < 0) fail_errno("chdir to the old root");
    close(oldroot);
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
