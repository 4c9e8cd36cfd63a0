#include "messages.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../common/clock.h"
#include "../common/protocol.h"
#include "../common/scm_rights.h"

namespace tsrun::addon {
namespace {

using tsrun::monotonic_ms;

// Waits until fd is readable; 0, ETIMEDOUT or an errno value.
int wait_readable(int fd, int64_t deadline) {
  for (;;) {
    int timeout = -1;
    if (deadline >= 0) {
      int64_t left = deadline - monotonic_ms();
      if (left <= 0) return ETIMEDOUT;
      timeout = static_cast<int>(left);
    }
    struct pollfd p = {fd, POLLIN, 0};
    int r = poll(&p, 1, timeout);
    if (r < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (r == 0) return ETIMEDOUT;
    return 0;
  }
}

int read_exact(int fd, uint8_t *p, size_t n, int64_t deadline) {
  while (n > 0) {
    int w = wait_readable(fd, deadline);
    if (w != 0) return w;
    ssize_t r = read(fd, p, n);
    if (r < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return errno;
    }
    if (r == 0) return EPIPE;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return 0;
}

}  // namespace

int send_message(int fd, uint32_t type, const uint8_t *data, uint32_t len, const std::vector<int> &fds) {
  uint32_t header[2] = {type, len};
  struct iovec iov[2] = {{header, sizeof header}, {const_cast<uint8_t *>(data), len}};
  std::vector<char> control;
  struct msghdr msg = {};
  msg.msg_iov = iov;
  msg.msg_iovlen = len > 0 ? 2 : 1;
  scm::attach_fds(msg, control, fds.data(), fds.size());
  size_t total = sizeof header + len;
  ssize_t sent;
  do {
    sent = sendmsg(fd, &msg, MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return errno;
  // The fds went with the first bytes; push any remainder plainly.
  size_t done = static_cast<size_t>(sent);
  while (done < total) {
    const uint8_t *base;
    size_t off;
    if (done < sizeof header) {
      base = reinterpret_cast<const uint8_t *>(header) + done;
      off = sizeof header - done;
    } else {
      base = data + (done - sizeof header);
      off = total - done;
    }
    ssize_t w = send(fd, base, off, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    done += static_cast<size_t>(w);
  }
  return 0;
}

int send_fds_with_payload(int fd, const uint8_t *data, size_t len, const std::vector<int> &fds) {
  char byte = 0;
  struct iovec iov = {len > 0 ? const_cast<uint8_t *>(data) : reinterpret_cast<uint8_t *>(&byte), len > 0 ? len : 1};
  std::vector<char> control;
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  scm::attach_fds(msg, control, fds.data(), fds.size());
  ssize_t r;
  do {
    r = sendmsg(fd, &msg, MSG_NOSIGNAL);
  } while (r < 0 && errno == EINTR);
  return r < 0 ? errno : 0;
}

int receive_message(int fd, int timeout_ms, Message &out) {
  int64_t deadline = timeout_ms < 0 ? -1 : monotonic_ms() + timeout_ms;
  int w = wait_readable(fd, deadline);
  if (w != 0) return w;
  uint32_t header[2];
  bool truncated = false;
  out.fds.clear();
  ssize_t r = scm::receive_with_fds(fd, header, sizeof header, 0, out.fds, &truncated);
  if (r < 0) return errno;
  if (r == 0) return EPIPE;
  int rc = 0;
  if (static_cast<size_t>(r) < sizeof header)
    rc = read_exact(fd, reinterpret_cast<uint8_t *>(header) + r, sizeof header - static_cast<size_t>(r), deadline);
  if (rc == 0 && (truncated || header[1] > proto::kMaxMessage)) rc = EPROTO;
  if (rc == 0) {
    out.type = header[0];
    out.payload.resize(header[1]);
    if (header[1] > 0) rc = read_exact(fd, out.payload.data(), header[1], deadline);
  }
  if (rc != 0) {
    for (int f : out.fds) close(f);
    out.fds.clear();
  }
  return rc;
}

}  // namespace tsrun::addon
