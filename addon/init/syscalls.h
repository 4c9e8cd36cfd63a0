// Raw system calls that glibc 2.36 does not wrap, or wraps differently.
#pragma once
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdint.h>

namespace tsrun::sys {

inline int openat2(int dirfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve) {
  struct open_how how = {};
  how.flags = flags;
  how.mode = mode;
  how.resolve = resolve;
  return static_cast<int>(::syscall(SYS_openat2, dirfd, path, &how, sizeof how));
}

inline int pivot_root(const char *new_root, const char *put_old) {
  return static_cast<int>(::syscall(SYS_pivot_root, new_root, put_old));
}

inline int close_range(unsigned first, unsigned last, unsigned flags) {
  return static_cast<int>(::syscall(SYS_close_range, first, last, flags));
}

inline int setns(int fd, int nstype) { return static_cast<int>(::syscall(SYS_setns, fd, nstype)); }

inline long capget(void *hdr, void *data) { return ::syscall(SYS_capget, hdr, data); }
inline long capset(void *hdr, const void *data) { return ::syscall(SYS_capset, hdr, data); }

inline int seccomp(unsigned op, unsigned flags, void *args) {
  return static_cast<int>(::syscall(SYS_seccomp, op, flags, args));
}

inline int fsopen(const char *fs, unsigned flags) { return static_cast<int>(::syscall(SYS_fsopen, fs, flags)); }

inline int open_tree(int dirfd, const char *path, unsigned flags) {
  return static_cast<int>(::syscall(SYS_open_tree, dirfd, path, flags));
}

inline int move_mount(int from_dirfd, const char *from_path, int to_dirfd, const char *to_path, unsigned flags) {
  return static_cast<int>(::syscall(SYS_move_mount, from_dirfd, from_path, to_dirfd, to_path, flags));
}

struct mount_attr_arg {
  uint64_t attr_set;
  uint64_t attr_clr;
  uint64_t propagation;
  uint64_t userns_fd;
};

inline int mount_setattr(int dirfd, const char *path, unsigned flags, mount_attr_arg *attr) {
  return static_cast<int>(::syscall(SYS_mount_setattr, dirfd, path, flags, attr, sizeof *attr));
}

}  // namespace tsrun::sys
