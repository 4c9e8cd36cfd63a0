// Starting a program straight inside a cgroup v2 (clone3 with
// CLONE_INTO_CGROUP, Linux 5.7+): it never runs an instruction outside the
// cgroup, so its first fork cannot escape a cgroup.procs write that comes
// too late. From a multi-threaded process: the child makes raw syscalls only.
#pragma once
#include <stddef.h>
#include <sys/types.h>

namespace tsrun::addon {

// One fd of the child: dup2(from, to), in order; from == to only clears
// FD_CLOEXEC (as posix_spawn_file_actions_adddup2 does).
struct FdMove {
  int from;
  int to;
};

struct ExecPlan {
  const char *path;
  char *const *argv;
  char *const *envp;
  const FdMove *moves;
  size_t move_count;
  int close_from;  // every fd from here up is closed at exec
};

struct CloneResult {
  pid_t pid = -1;
  int pidfd = -1;
  // false: clone3 itself failed (old kernel, a v1 or unusable cgroup): the
  // caller may start the program another way. true with pid -1: the child
  // could not exec; errno says why.
  bool cloned = false;
};

// Every signal starts at its default disposition and unblocked, as the
// container's processes must. Sets errno on failure.
CloneResult clone_exec_into_cgroup(const ExecPlan &plan, int cgroup_fd);

}  // namespace tsrun::addon
