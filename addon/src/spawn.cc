#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "clone_into_cgroup.h"
#include "init_image.h"

namespace tsrun::addon {
namespace {

class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&fa_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&fa_); }
  posix_spawn_file_actions_t *get() { return &fa_; }

 private:
  posix_spawn_file_actions_t fa_;
};

class SpawnAttr {
 public:
  SpawnAttr() { posix_spawnattr_init(&attr_); }
  ~SpawnAttr() { posix_spawnattr_destroy(&attr_); }
  posix_spawnattr_t *get() { return &attr_; }

 private:
  posix_spawnattr_t attr_;
};

}  // namespace

bool spawn_init(unsigned preserve_fds, const int stdio[3], SpawnedInit &out, int cgroup_fd) {
  int image = sealed_init_fd();
  if (image < 0) return false;

  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) return false;
  int child_sync = static_cast<int>(3 + preserve_fds);

  FileActions actions;
  for (int i = 0; i < 3; i++)
    if (stdio[i] >= 0) posix_spawn_file_actions_adddup2(actions.get(), stdio[i], i);
  // dup2(fd, fd) clears FD_CLOEXEC, so preserved fds survive the exec.
  for (unsigned fd = 3; fd < 3 + preserve_fds; fd++) posix_spawn_file_actions_adddup2(actions.get(), static_cast<int>(fd), static_cast<int>(fd));
  posix_spawn_file_actions_adddup2(actions.get(), pair[1], child_sync);
  // The image must stay open until execve reads it; init closes it first thing.
  int child_image = child_sync + 1;
  posix_spawn_file_actions_adddup2(actions.get(), image, child_image);
  posix_spawn_file_actions_addclosefrom_np(actions.get(), child_image + 1);

  // Node ignores SIGPIPE and SIGXFSZ and may block signals on its threads:
  // the helper starts with every signal at its default and none blocked.
  SpawnAttr attr;
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(attr.get(), &all);
  posix_spawnattr_setsigmask(attr.get(), &none);
  posix_spawnattr_setflags(attr.get(), POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::string image_path = "/proc/self/fd/" + std::to_string(child_image);
  std::string sync_arg = std::to_string(child_sync);
  char arg0[] = "tsrun-init";
  char *argv[] = {arg0, const_cast<char *>(sync_arg.c_str()), nullptr};
  char *envp[] = {nullptr};

  // Straight into the container's cgroup v2 where the kernel can; else
  // posix_spawn, and the caller writes cgroup.procs.
  if (cgroup_fd >= 0) {
    std::vector<FdMove> moves;
    for (int i = 0; i < 3; i++)
      if (stdio[i] >= 0) moves.push_back({stdio[i], i});
    for (unsigned fd = 3; fd < 3 + preserve_fds; fd++) moves.push_back({static_cast<int>(fd), static_cast<int>(fd)});
    moves.push_back({pair[1], child_sync});
    moves.push_back({image, child_image});
    ExecPlan plan = {image_path.c_str(), argv, envp, moves.data(), moves.size(), child_image + 1};
    CloneResult r = clone_exec_into_cgroup(plan, cgroup_fd);
    if (r.cloned) {
      int saved = errno;
      close(pair[1]);
      if (r.pid < 0) {
        close(pair[0]);
        errno = saved;
        return false;
      }
      out = {r.pid, r.pidfd, pair[0], true};
      return true;
    }
  }

  pid_t pid;
  int rc = posix_spawn(&pid, image_path.c_str(), actions.get(), attr.get(), argv, envp);
  close(pair[1]);
  if (rc != 0) {
    close(pair[0]);
    errno = rc;
    return false;
  }
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    int saved = errno;
    kill(pid, SIGKILL);
    close(pair[0]);
    errno = saved;
    return false;
  }
  fcntl(pidfd, F_SETFD, FD_CLOEXEC);
  out = {pid, pidfd, pair[0], false};
  return true;
}

}  // namespace tsrun::addon
