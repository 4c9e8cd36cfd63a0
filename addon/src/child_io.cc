#include "child_io.h"

#include "../common/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

namespace tsrun::addon {
namespace {

using tsrun::monotonic_ms;

// Hook output is for error messages: keep the first 64 KiB of each stream.
constexpr size_t kMaxKept = 64 * 1024;

}  // namespace

int collect_child(int in_fd, const std::string &input, int out_fd, int err_fd, int pidfd, int64_t timeout_ms, ChildOutput &result) {
  int64_t deadline = timeout_ms < 0 ? -1 : monotonic_ms() + timeout_ms;
  bool out_open = out_fd >= 0, err_open = err_fd >= 0, exited = false;
  size_t written = 0;
  bool in_open = in_fd >= 0;
  if (in_open) fcntl(in_fd, F_SETFL, fcntl(in_fd, F_GETFL) | O_NONBLOCK);
  auto close_input = [&] {
    if (in_open) close(in_fd);
    in_open = false;
  };
  if (in_open && input.empty()) close_input();
  char buf[8192];
  while (out_open || err_open || !exited) {
    struct pollfd fds[4] = {{out_open ? out_fd : -1, POLLIN, 0},
                            {err_open ? err_fd : -1, POLLIN, 0},
                            {exited ? -1 : pidfd, POLLIN, 0},
                            {in_open ? in_fd : -1, POLLOUT, 0}};
    int wait = -1;
    if (deadline >= 0 && !result.timed_out) {
      int64_t left = deadline - monotonic_ms();
      wait = left > 0 ? static_cast<int>(left) : 0;
    }
    int r = poll(fds, 4, wait);
    if (r < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (r == 0) {
      // Out of time: kill it, then keep draining until everything closes.
      result.timed_out = true;
      pidfd_send_signal(pidfd, SIGKILL);
      continue;
    }
    for (int i = 0; i < 2; i++) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        (i == 0 ? out_open : err_open) = false;
        continue;
      }
      std::string &dst = i == 0 ? result.out : result.err;
      if (dst.size() < kMaxKept) dst.append(buf, static_cast<size_t>(n) < kMaxKept - dst.size() ? static_cast<size_t>(n) : kMaxKept - dst.size());
    }
    if (in_open && fds[3].revents != 0) {
      ssize_t w = write(in_fd, input.data() + written, input.size() - written);
      if (w > 0) written += static_cast<size_t>(w);
      // EPIPE: the child closed its stdin without reading it all; fine.
      if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) close_input();
    }
    if (!exited && fds[2].revents != 0) {
      int rc = wait_pidfd(pidfd, false, result.status);
      if (rc != 0) return rc;
      exited = true;
      close_input();
      // A grandchild may hold the pipes open forever: stop once the hook is
      // gone and the deadline (if any) has passed.
      if (result.timed_out) break;
    }
  }
  close_input();
  return 0;
}

}  // namespace tsrun::addon
