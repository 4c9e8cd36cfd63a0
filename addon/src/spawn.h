// Starting tsrun-init from a multi-threaded runtime: posix_spawn (a vfork
// underneath) whose child only rearranges fds and execs the sealed image.
#pragma once
#include <sys/types.h>

namespace tsrun::addon {

struct SpawnedInit {
  pid_t pid;
  int pidfd;
  int sync_fd;  // our end of the sync socket
  bool in_cgroup;  // started inside the cgroup given (clone3 CLONE_INTO_CGROUP)
};

// fds 0..2 are stdio[0..2] (or inherited where -1), 3..3+preserve_fds-1
// are passed on as they are, the sync socket lands right after them.
// With a cgroup v2 directory fd (else -1) it starts inside that cgroup
// where the kernel allows (clone3 CLONE_INTO_CGROUP). Returns false with
// errno set.
bool spawn_init(unsigned preserve_fds, const int stdio[3], SpawnedInit &out, int cgroup_fd = -1);

}  // namespace tsrun::addon
