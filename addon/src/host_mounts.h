// The rootfs bind of a container that has no mount namespace lives in the
// host's mount table; the runtime finds it again by its mount id and
// detaches it through an fd, never by resolving the path twice.
#pragma once
#include <stdint.h>

namespace tsrun::addon {

struct MountIdentity {
  uint64_t id;      // STATX_MNT_ID_UNIQUE where the kernel has it, else STATX_MNT_ID
  bool mount_root;  // the path is the root of that mount
};

// statx(2) of path (symlinks followed). Returns 0 or an errno value.
int mount_identity(const char *path, MountIdentity &out);

// Lazily unmounts (MNT_DETACH: with every mount below it) the mount whose
// root is at path, if its id is `id`. Returns 0 when detached, ESTALE when
// another mount (or none) is there, or an errno value.
int detach_mount_if(const char *path, uint64_t id);

}  // namespace tsrun::addon
