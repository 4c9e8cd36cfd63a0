#include "idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

#include "channel.h"
#include "rootfs.h"
#include "syscalls.h"

namespace tsrun::init {
namespace {

// The first failure while the helper lives: reported only once it is reaped.
struct Failure {
  std::string what;
  int err = 0;
  bool set() const { return !what.empty(); }
  // errno is taken first: building the text may allocate.
  void note(const char *action, const char *object) {
    int e = errno;
    if (set()) return;
    err = e;
    what = std::string(action) + " " + object;
  }
};

bool write_map(int procfd, const char *file, const std::string &text) {
  int fd = openat(procfd, file, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ssize_t n = write(fd, text.data(), text.size());
  int err = errno;
  close(fd);
  errno = err;
  if (n >= 0 && static_cast<size_t>(n) != text.size()) errno = EIO;
  return n >= 0 && static_cast<size_t>(n) == text.size();
}

// A user namespace owned by the host's with exactly these maps, as an
// O_CLOEXEC fd. A namespace needs a member while its maps are written: a
// child is cloned straight into a new one and waits on a pipe (read and
// _exit only) until we hold the namespace fd, then it is released and reaped.
int userns_with_maps(const MountEntry &m) {
  const char *dest = m.destination.c_str();
  int release[2];
  if (pipe2(release, O_CLOEXEC) < 0) fail_errno("idmapped mount %s: pipe", dest);
  long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
  if (pid < 0) fail_errno("idmapped mount %s: clone into a new user namespace", dest);
  if (pid == 0) {
    // Keep nothing of tsrun-init's (the sync socket above all) but the pipe.
    int keep = release[0];
    if (keep > 0) sys::close_range(0, static_cast<unsigned>(keep) - 1, 0);
    sys::close_range(static_cast<unsigned>(keep) + 1, ~0U, 0);
    char c;
    while (read(release[0], &c, 1) < 0 && errno == EINTR) {
    }
    _exit(0);
  }
  close(release[0]);

  Failure failure;
  int nsfd = -1;
  char dir[32];
  snprintf(dir, sizeof dir, "/proc/%ld", pid);
  int procfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  struct statfs sfs;
  if (procfd < 0) failure.note("open", dir);
  else if (fstatfs(procfd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC) failure.note("verify procfs at", dir);
  else if (!write_map(procfd, "uid_map", m.idmap_uid_map)) failure.note("write uid_map", m.idmap_uid_map.c_str());
  else if (!write_map(procfd, "gid_map", m.idmap_gid_map)) failure.note("write gid_map", m.idmap_gid_map.c_str());
  else if ((nsfd = openat(procfd, "ns/user", O_RDONLY | O_CLOEXEC)) < 0) failure.note("open the user namespace of", dir);
  if (procfd >= 0) close(procfd);

  close(release[1]);
  while (waitpid(static_cast<pid_t>(pid), nullptr, 0) < 0 && errno == EINTR) {
  }
  if (failure.set()) {
    // uid_map lines end in '\n': keep the message on one line.
    std::string what = failure.what;
    for (auto &ch : what)
      if (ch == '\n') ch = ';';
    while (!what.empty() && (what.back() == ';' || what.back() == ' ')) what.pop_back();
    fail("idmapped mount %s: %s: %s", dest, what.c_str(), strerror(failure.err));
  }
  return nsfd;
}

// Namespaces already made in this run, so mounts with the same maps share one.
struct CachedUserns {
  std::string uid_map, gid_map;
  int fd;
};

int userns_for(const MountEntry &m, std::vector<CachedUserns> &cache) {
  if (!m.idmap_userns.empty()) {
    int fd = open(m.idmap_userns.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail_errno("idmapped mount %s: open user namespace %s", m.destination.c_str(), m.idmap_userns.c_str());
    return fd;
  }
  if (m.idmap_uid_map.empty() || m.idmap_gid_map.empty())
    fail("idmapped mount %s: the plan gives no uid and gid maps", m.destination.c_str());
  for (const auto &c : cache)
    if (c.uid_map == m.idmap_uid_map && c.gid_map == m.idmap_gid_map) return c.fd;
  int fd = userns_with_maps(m);
  cache.push_back({m.idmap_uid_map, m.idmap_gid_map, fd});
  return fd;
}

}  // namespace

void prepare_idmapped_mounts(Plan &plan) {
  std::vector<CachedUserns> cache;
  for (auto &m : plan.mounts) {
    if (m.idmap == 0) continue;
    const char *dest = m.destination.c_str();
    if ((m.flags & MS_BIND) == 0) fail("idmapped mount %s: only bind mounts can be idmapped", dest);
    int userns = userns_for(m, cache);
    int tree = detached_bind_tree(m);
    sys::mount_attr_arg attr = {MOUNT_ATTR_IDMAP, 0, 0, static_cast<uint64_t>(userns)};
    unsigned flags = AT_EMPTY_PATH | (m.idmap == 2 ? AT_RECURSIVE : 0);
    if (sys::mount_setattr(tree, "", flags, &attr) < 0) {
      const char *hint = errno == EINVAL                              ? " (the filesystem of the source, or of a mount below it, cannot be idmapped)"
                         : errno == EPERM && !m.idmap_userns.empty() ? " (the host's own user namespace cannot idmap a mount)"
                                                                     : "";
      fail("idmapped mount %s: mount_setattr(MOUNT_ATTR_IDMAP) on %s: %s%s", dest, m.source.c_str(), strerror(errno), hint);
    }
    if (!m.idmap_userns.empty()) close(userns);
    m.idmapped_tree = tree;
  }
  for (const auto &c : cache) close(c.fd);
}

}  // namespace tsrun::init
