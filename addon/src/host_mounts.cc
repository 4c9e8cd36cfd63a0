#include "host_mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif
#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000
#endif

namespace tsrun::addon {
namespace {

int identity_at(int dirfd, const char *path, int flags, MountIdentity &out) {
  struct statx st;
  // The unique id (Linux 6.8) is never reused; the old one can be once the
  // mount is gone. The kernel says which one it filled in.
  if (statx(dirfd, path, flags, STATX_MNT_ID_UNIQUE | STATX_MNT_ID, &st) < 0) return errno;
  if ((st.stx_mask & (STATX_MNT_ID_UNIQUE | STATX_MNT_ID)) == 0) return ENOTSUP;
  out.id = st.stx_mnt_id;
  out.mount_root = (st.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) != 0 && (st.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
  return 0;
}

}  // namespace

int mount_identity(const char *path, MountIdentity &out) { return identity_at(AT_FDCWD, path, 0, out); }

int detach_mount_if(const char *path, uint64_t id) {
  int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  MountIdentity found{};
  int err = identity_at(fd, "", AT_EMPTY_PATH, found);
  if (err == 0 && (!found.mount_root || found.id != id)) err = ESTALE;
  if (err == 0) {
    // The fd pins the mount checked above; its /proc/self/fd link names
    // exactly that mount's root.
    char link[32];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    if (umount2(link, MNT_DETACH) < 0) err = errno;
  }
  close(fd);
  return err;
}

}  // namespace tsrun::addon
