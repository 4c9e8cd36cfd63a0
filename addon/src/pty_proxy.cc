#include "pty_proxy.h"

#include <errno.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

namespace tsrun::addon {
namespace {

bool write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

void copy_window_size(int from, int master) {
  struct winsize ws;
  if (ioctl(from, TIOCGWINSZ, &ws) == 0) ioctl(master, TIOCSWINSZ, &ws);
}

int proxy_pty(int master) {
  struct termios saved;
  bool raw = isatty(0) && tcgetattr(0, &saved) == 0;
  if (raw) {
    struct termios t = saved;
    cfmakeraw(&t);
    tcsetattr(0, TCSANOW, &t);
  }
  copy_window_size(0, master);
  bool stdin_open = true;
  char buf[16384];
  int rc = 0;
  for (;;) {
    struct pollfd fds[2] = {{master, POLLIN, 0}, {stdin_open ? 0 : -1, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      rc = errno;
      break;
    }
    if (fds[0].revents != 0) {
      ssize_t n = read(master, buf, sizeof buf);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) break;  // EIO: the container side is gone
      if (!write_all(1, buf, static_cast<size_t>(n))) break;
    }
    if (stdin_open && fds[1].revents != 0) {
      ssize_t n = read(0, buf, sizeof buf);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) stdin_open = false;  // our input ended; the program's output may go on
      else if (!write_all(master, buf, static_cast<size_t>(n))) stdin_open = false;
    }
  }
  if (raw) tcsetattr(0, TCSANOW, &saved);
  return rc;
}

}  // namespace tsrun::addon
