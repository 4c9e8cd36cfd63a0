#include "resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "channel.h"
#include "syscalls.h"

namespace tsrun::init {
namespace {

std::vector<std::string> components(const std::string &path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string part = path.substr(i, j - i);
    if (part.empty() || part == ".") {
      // skip
    } else if (part == "..") {
      if (!out.empty()) out.pop_back();
    } else {
      out.push_back(part);
    }
    i = j + 1;
  }
  return out;
}

std::string join_prefix(const std::vector<std::string> &parts, size_t count) {
  std::string s;
  for (size_t i = 0; i < count; i++) s += "/" + parts[i];
  return s.empty() ? "/" : s;
}

}  // namespace

std::string clean_path(const std::string &path) {
  auto parts = components(path);
  return join_prefix(parts, parts.size());
}

void split_parent(const std::string &path, std::string &parent, std::string &base) {
  auto parts = components(path);
  if (parts.empty()) {
    parent = "/";
    base = "";
    return;
  }
  base = parts.back();
  parent = join_prefix(parts, parts.size() - 1);
}

std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

int open_in_root(int rootfd, const std::string &path, int flags, bool no_symlinks) {
  uint64_t resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  if (no_symlinks) resolve |= RESOLVE_NO_SYMLINKS;
  std::string rel = clean_path(path);
  int fd;
  do {
    fd = sys::openat2(rootfd, rel.c_str(), static_cast<uint64_t>(flags) | O_CLOEXEC, 0, resolve);
  } while (fd < 0 && errno == EAGAIN);  // openat2 asks for a retry when a rename raced
  return fd;
}

int mkdir_all_in_root(int rootfd, const std::string &path, unsigned mode) {
  auto parts = components(path);
  int fd = open_in_root(rootfd, "/", O_PATH | O_DIRECTORY);
  if (fd < 0) fail_errno("open rootfs");
  for (size_t i = 1; i <= parts.size(); i++) {
    std::string prefix = join_prefix(parts, i);
    int next = open_in_root(rootfd, prefix, O_PATH | O_DIRECTORY);
    if (next < 0 && errno == ENOENT) {
      // Create the missing component below the directory already resolved,
      // then resolve the whole prefix again from the root.
      if (mkdirat(fd, parts[i - 1].c_str(), mode) < 0 && errno != EEXIST)
        fail_errno("mkdir %s inside rootfs", prefix.c_str());
      next = open_in_root(rootfd, prefix, O_PATH | O_DIRECTORY);
    }
    if (next < 0) fail_errno("open %s inside rootfs", prefix.c_str());
    close(fd);
    fd = next;
  }
  return fd;
}

int make_mount_target(int rootfd, const std::string &path, bool as_file, bool no_symlinks) {
  int fd = open_in_root(rootfd, path, O_PATH, no_symlinks);
  if (fd >= 0) {
    if (no_symlinks) return fd;
    return fd;
  }
  if (errno == ELOOP && no_symlinks) fail("mount destination %s is or passes through a symlink: refused", path.c_str());
  if (errno != ENOENT) fail_errno("open mount destination %s inside rootfs", path.c_str());
  if (!as_file) return mkdir_all_in_root(rootfd, path, 0755);
  std::string parent, base;
  split_parent(path, parent, base);
  int dirfd = mkdir_all_in_root(rootfd, parent, 0755);
  int f = openat(dirfd, base.c_str(), O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (f < 0 && errno != EEXIST) fail_errno("create mount target %s inside rootfs", path.c_str());
  if (f >= 0) close(f);
  close(dirfd);
  fd = open_in_root(rootfd, path, O_PATH, no_symlinks);
  if (fd < 0) fail_errno("open mount destination %s inside rootfs", path.c_str());
  return fd;
}

}  // namespace tsrun::init
