#include "copyup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <map>
#include <utility>

#include "channel.h"

namespace tsrun::init {
namespace {

// Deeper than any real image directory. Each level holds two fds.
constexpr int kMaxDepth = 256;

struct Node {
  mode_t mode = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  dev_t dev = 0, rdev = 0;
  ino_t ino = 0;
  uint64_t size = 0, nlink = 0;
  uint64_t mnt_id = 0;
  bool has_mnt_id = false;
  struct timespec times[2] = {};  // atime, mtime (for utimensat)
};

// Never follows a symlink, never triggers an automount.
bool stat_node(int dirfd, const char *name, int flags, Node &n) {
  struct statx sx;
  if (statx(dirfd, name, flags | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_BASIC_STATS | STATX_MNT_ID, &sx) < 0)
    return false;
  n.mode = sx.stx_mode;
  n.uid = sx.stx_uid;
  n.gid = sx.stx_gid;
  n.dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
  n.rdev = makedev(sx.stx_rdev_major, sx.stx_rdev_minor);
  n.ino = sx.stx_ino;
  n.size = sx.stx_size;
  n.nlink = sx.stx_nlink;
  n.has_mnt_id = (sx.stx_mask & STATX_MNT_ID) != 0;
  n.mnt_id = sx.stx_mnt_id;
  n.times[0] = {static_cast<time_t>(sx.stx_atime.tv_sec), static_cast<long>(sx.stx_atime.tv_nsec)};
  n.times[1] = {static_cast<time_t>(sx.stx_mtime.tv_sec), static_cast<long>(sx.stx_mtime.tv_nsec)};
  return true;
}

// One buffer for the read/write fallback and for extended attributes: init
// is single-threaded.
char g_buffer[64 * 1024];
char g_xattr_names[64 * 1024];

class Copier {
 public:
  Copier(int dst_root, const std::string &where, const Node &top) : dst_root_(dst_root), where_(where), top_(top) {}

  // Copies the entries of `src` into `dst`; takes ownership of `src`.
  void dir(int src, int dst, const std::string &rel, int depth) {
    DIR *d = fdopendir(src);
    if (d == nullptr) fail_errno("copy up %s: read directory", label(rel).c_str());
    for (;;) {
      errno = 0;
      struct dirent *e = readdir(d);
      if (e == nullptr) {
        if (errno != 0) fail_errno("copy up %s: read directory", label(rel).c_str());
        break;
      }
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      entry(dirfd(d), dst, e->d_name, rel.empty() ? std::string(e->d_name) : rel + "/" + e->d_name, depth);
    }
    closedir(d);
  }

  unsigned skipped_devices = 0;
  std::string first_skipped_device;
  unsigned skipped_xattrs = 0;
  std::string first_skipped_xattr;

 private:
  std::string label(const std::string &rel) const {
    if (rel.empty()) return where_;
    return where_ == "/" ? "/" + rel : where_ + "/" + rel;
  }

  // Entries on another mount than the copied directory (mount points below
  // it) are not part of the image directory: leave them out.
  bool same_mount(const Node &n) const {
    if (n.has_mnt_id && top_.has_mnt_id) return n.mnt_id == top_.mnt_id;
    return n.dev == top_.dev;
  }

  // The opened fd must be the very inode stat_node looked at.
  void check_same(int fd, const Node &n, const std::string &rel) const {
    struct stat st;
    if (fstat(fd, &st) < 0) fail_errno("copy up %s: stat", label(rel).c_str());
    if (st.st_ino != n.ino || st.st_dev != n.dev || (st.st_mode & S_IFMT) != (n.mode & S_IFMT))
      fail("copy up %s: changed while being copied", label(rel).c_str());
  }

  // O_NOATIME keeps the image's access times; it needs ownership or
  // CAP_FOWNER, so it is dropped where refused.
  int open_source(int dirfd, const char *name, int flags, const std::string &rel) const {
    int fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);
    if (fd < 0 && errno == EPERM) fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) fail_errno("copy up %s: open", label(rel).c_str());
    return fd;
  }

  // An owner the current user namespace cannot represent (EINVAL) stays the
  // creator's; any other failure is an error.
  void chown_fd(int fd, const Node &n, const std::string &rel) const {
    if (fchown(fd, n.uid, n.gid) < 0 && errno != EINVAL) fail_errno("copy up %s: chown", label(rel).c_str());
  }

  // Extended attributes (file capabilities, user.*, trusted.* ...) go with
  // the data. Names the tmpfs or this user namespace cannot hold are left
  // out and reported once; any other failure is an error.
  void copy_xattrs(int src, int dst, const std::string &rel) {
    ssize_t len = flistxattr(src, g_xattr_names, sizeof g_xattr_names);
    if (len < 0) {
      if (errno == ENOTSUP) return;
      fail_errno("copy up %s: list extended attributes", label(rel).c_str());
    }
    for (ssize_t at = 0; at < len; at += static_cast<ssize_t>(strlen(g_xattr_names + at)) + 1) {
      const char *name = g_xattr_names + at;
      ssize_t size = fgetxattr(src, name, g_buffer, sizeof g_buffer);
      if (size < 0) fail_errno("copy up %s: read extended attribute %s", label(rel).c_str(), name);
      if (fsetxattr(dst, name, g_buffer, static_cast<size_t>(size), 0) == 0) continue;
      if (errno != ENOTSUP && errno != EPERM && errno != EINVAL)
        fail_errno("copy up %s: set extended attribute %s", label(rel).c_str(), name);
      if (skipped_xattrs++ == 0) first_skipped_xattr = label(rel) + " " + name;
    }
  }

  // Owner before mode (chown clears set-id bits) and before extended
  // attributes (it clears security.capability too), times last.
  void finish_fd(int fd, const Node &n, const std::string &rel, int src = -1) {
    chown_fd(fd, n, rel);
    if (fchmod(fd, n.mode & 07777) < 0) fail_errno("copy up %s: chmod", label(rel).c_str());
    if (src >= 0) copy_xattrs(src, fd, rel);
    if (futimens(fd, n.times) < 0) fail_errno("copy up %s: set times", label(rel).c_str());
  }

  void entry(int src, int dst, const char *name, const std::string &rel, int depth) {
    Node n;
    if (!stat_node(src, name, 0, n)) fail_errno("copy up %s: stat", label(rel).c_str());
    if (!same_mount(n)) return;
    if (S_ISDIR(n.mode)) {
      directory(src, dst, name, n, rel, depth);
      return;
    }
    if (S_ISSOCK(n.mode)) return;  // a socket file is useless without its listener
    if (!S_ISREG(n.mode) && !S_ISLNK(n.mode) && !S_ISFIFO(n.mode) && !S_ISCHR(n.mode) && !S_ISBLK(n.mode)) return;

    // Hard links inside the tree stay hard links.
    const auto key = std::make_pair(n.dev, n.ino);
    if (n.nlink > 1) {
      auto it = links_.find(key);
      if (it != links_.end()) {
        // Relative to the private destination root, where every component
        // is a directory this copy made: nothing can redirect it.
        if (linkat(dst_root_, it->second.c_str(), dst, name, 0) < 0) fail_errno("copy up %s: link", label(rel).c_str());
        return;
      }
    }
    bool made = true;
    if (S_ISREG(n.mode)) regular(src, dst, name, n, rel);
    else if (S_ISLNK(n.mode)) symlink(src, dst, name, n, rel);
    else made = special(dst, name, n, rel);
    if (made && n.nlink > 1) links_.emplace(key, rel);
  }

  void directory(int src, int dst, const char *name, const Node &n, const std::string &rel, int depth) {
    if (depth >= kMaxDepth) fail("copy up %s: directories nested more than %d levels deep", label(rel).c_str(), kMaxDepth);
    int s = open_source(src, name, O_RDONLY | O_DIRECTORY, rel);
    check_same(s, n, rel);
    if (mkdirat(dst, name, 0700) < 0) fail_errno("copy up %s: mkdir", label(rel).c_str());
    int d = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (d < 0) fail_errno("copy up %s: open the copy", label(rel).c_str());
    // dir() closes `s`: a directory's attributes are copied first (no file
    // capability lives on a directory for the later chown to clear).
    copy_xattrs(s, d, rel);
    dir(s, d, rel, depth + 1);
    // After the contents, so their creation does not move the times.
    finish_fd(d, n, rel);
    close(d);
  }

  // Copies the data segments only: holes stay holes on the tmpfs.
  void regular(int src, int dst, const char *name, const Node &n, const std::string &rel) {
    // O_NONBLOCK: should a fifo have been swapped in, opening it must not hang
    // (check_same then refuses it).
    int in = open_source(src, name, O_RDONLY | O_NONBLOCK | O_NOCTTY, rel);
    check_same(in, n, rel);
    int out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (out < 0) fail_errno("copy up %s: create", label(rel).c_str());
    const off_t size = static_cast<off_t>(n.size);
    off_t pos = 0;
    while (pos < size) {
      off_t data = lseek(in, pos, SEEK_DATA);
      if (data < 0) {
        if (errno == ENXIO) break;  // only a hole is left
        data = pos;                 // no SEEK_DATA: all of it is data
      }
      off_t hole = lseek(in, data, SEEK_HOLE);
      if (hole < 0 || hole > size) hole = size;
      if (data >= hole) break;
      if (!copy_range(in, out, data, hole - data, rel)) break;  // the file got shorter
      pos = hole;
    }
    if (ftruncate(out, size) < 0) fail_errno("copy up %s: set size", label(rel).c_str());
    finish_fd(out, n, rel, in);
    close(out);
    close(in);
  }

  // False at an early end of file.
  bool copy_range(int in, int out, off_t off, off_t len, const std::string &rel) {
    while (len > 0) {
      ssize_t n;
      if (use_copy_file_range_) {
        loff_t i = off, o = off;
        n = copy_file_range(in, &i, out, &o, static_cast<size_t>(len), 0);
        if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP || errno == EBADF)) {
          use_copy_file_range_ = false;  // across filesystems: copy through the buffer
          continue;
        }
        if (n < 0) fail_errno("copy up %s: copy data", label(rel).c_str());
      } else {
        size_t chunk = len < static_cast<off_t>(sizeof g_buffer) ? static_cast<size_t>(len) : sizeof g_buffer;
        n = pread(in, g_buffer, chunk, off);
        if (n < 0) {
          if (errno == EINTR) continue;
          fail_errno("copy up %s: read", label(rel).c_str());
        }
        for (ssize_t done = 0; done < n;) {
          ssize_t w = pwrite(out, g_buffer + done, static_cast<size_t>(n - done), off + done);
          if (w < 0) {
            if (errno == EINTR) continue;
            fail_errno("copy up %s: write", label(rel).c_str());
          }
          done += w;
        }
      }
      if (n == 0) return false;
      off += n;
      len -= n;
    }
    return true;
  }

  void symlink(int src, int dst, const char *name, const Node &n, const std::string &rel) {
    char target[PATH_MAX + 1];
    ssize_t len = readlinkat(src, name, target, sizeof target);
    if (len < 0) fail_errno("copy up %s: read link", label(rel).c_str());
    if (static_cast<size_t>(len) >= sizeof target) fail("copy up %s: link target too long", label(rel).c_str());
    target[len] = '\0';
    if (symlinkat(target, dst, name) < 0) fail_errno("copy up %s: symlink", label(rel).c_str());
    if (fchownat(dst, name, n.uid, n.gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EINVAL)
      fail_errno("copy up %s: chown", label(rel).c_str());
    if (utimensat(dst, name, n.times, AT_SYMLINK_NOFOLLOW) < 0) fail_errno("copy up %s: set times", label(rel).c_str());
  }

  // Fifos and device nodes. Device nodes may be refused (user namespace,
  // device cgroup): those are left out and reported once.
  bool special(int dst, const char *name, const Node &n, const std::string &rel) {
    if (mknodat(dst, name, (n.mode & S_IFMT) | (n.mode & 07777), S_ISFIFO(n.mode) ? 0 : n.rdev) < 0) {
      if (errno == EPERM && !S_ISFIFO(n.mode)) {
        if (skipped_devices++ == 0) first_skipped_device = label(rel);
        return false;
      }
      fail_errno("copy up %s: mknod", label(rel).c_str());
    }
    // The node was just made in the private tree: following it by name is safe.
    if (fchownat(dst, name, n.uid, n.gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EINVAL)
      fail_errno("copy up %s: chown", label(rel).c_str());
    if (fchmodat(dst, name, n.mode & 07777, 0) < 0) fail_errno("copy up %s: chmod", label(rel).c_str());
    if (utimensat(dst, name, n.times, AT_SYMLINK_NOFOLLOW) < 0) fail_errno("copy up %s: set times", label(rel).c_str());
    return true;
  }

  int dst_root_;
  std::string where_;
  Node top_;
  bool use_copy_file_range_ = true;
  std::map<std::pair<dev_t, ino_t>, std::string> links_;  // first copy, relative to dst_root_
};

}  // namespace

void copy_up(int src, int dst, const std::string &where, CopyUpRoot root) {
  Node top;
  if (!stat_node(src, "", AT_EMPTY_PATH, top)) fail_errno("copy up %s: stat", where.c_str());
  if (!S_ISDIR(top.mode)) fail("copy up %s: not a directory", where.c_str());
  // A description of its own, so reading the directory moves no shared offset.
  int iter = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (iter < 0) fail_errno("copy up %s: open", where.c_str());
  Copier copier(dst, where, top);
  copier.dir(iter, dst, "", 1);

  uid_t uid = root.owner ? top.uid : static_cast<uid_t>(-1);
  gid_t gid = root.group ? top.gid : static_cast<gid_t>(-1);
  if ((root.owner || root.group) && fchown(dst, uid, gid) < 0 && errno != EINVAL)
    fail_errno("copy up %s: chown the tmpfs root", where.c_str());
  if (root.mode && fchmod(dst, top.mode & 07777) < 0) fail_errno("copy up %s: chmod the tmpfs root", where.c_str());
  if (futimens(dst, top.times) < 0) fail_errno("copy up %s: set times of the tmpfs root", where.c_str());

  if (copier.skipped_xattrs > 0)
    warn("tmpcopyup %s: %u extended attribute(s) not copied, the tmpfs or the user namespace refused them (first: %s)",
         where.c_str(), copier.skipped_xattrs, copier.first_skipped_xattr.c_str());
  if (copier.skipped_devices > 0)
    warn("tmpcopyup %s: %u device node(s) not copied, creating them is not permitted (first: %s)", where.c_str(),
         copier.skipped_devices, copier.first_skipped_device.c_str());
}

}  // namespace tsrun::init
