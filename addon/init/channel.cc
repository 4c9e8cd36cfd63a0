#include "channel.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/protocol.h"
#include "../common/scm_rights.h"

namespace tsrun::init {
namespace {

Channel *g_report = nullptr;
int g_late_report_fd = -1;

bool write_all(int fd, const uint8_t *p, size_t n) {
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool read_all(int fd, uint8_t *p, size_t n) {
  while (n > 0) {
    ssize_t r = ::read(fd, p, n);
    if (r < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (r == 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

[[noreturn]] void report_and_exit(const char *text) {
  if (g_report != nullptr) {
    g_report->send(proto::kMsgError, text, static_cast<uint32_t>(strlen(text)));
  } else if (g_late_report_fd >= 0) {
    // After `start` the exec fifo is the only way back: "1" then the reason.
    if (write(g_late_report_fd, "1", 1) == 1) (void)!write(g_late_report_fd, text, strlen(text));
  }
  _exit(1);
}

}  // namespace

// Header and payload in one send(2): the bootstrap process and the
// container process share this socket for a moment, and two writes could
// interleave with the other's message. (send, not sendmsg: seccomp profiles
// written for runc allow sendto and write.)
bool Channel::send(uint32_t type, const void *data, uint32_t len) const {
  std::vector<uint8_t> frame(8 + len);
  uint32_t header[2] = {type, len};
  memcpy(frame.data(), header, sizeof header);
  if (len > 0) memcpy(frame.data() + sizeof header, data, len);
  return write_all(fd_, frame.data(), frame.size());
}

bool Channel::send_fds(uint32_t type, const void *data, uint32_t len, const int *fds, unsigned count) const {
  uint32_t header[2] = {type, len};
  std::vector<char> control;
  struct iovec iov = {header, sizeof header};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  scm::attach_fds(msg, control, fds, count);
  ssize_t r;
  do {
    r = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
  } while (r < 0 && errno == EINTR);
  if (r != static_cast<ssize_t>(sizeof header)) return false;
  return len == 0 || write_all(fd_, static_cast<const uint8_t *>(data), len);
}
// (send_fds is used only by the container process, after the bootstrap
// process is gone, so its two writes cannot interleave with another sender.)

bool Channel::receive(Message &out) const {
  uint32_t header[2];
  bool truncated = false;
  out.fds.clear();
  ssize_t r = scm::receive_with_fds(fd_, header, sizeof header, MSG_WAITALL, out.fds, &truncated);
  if (r != static_cast<ssize_t>(sizeof header)) return false;
  if (truncated) return false;
  if (header[1] > proto::kMaxMessage) return false;
  out.type = header[0];
  out.payload.resize(header[1]);
  return header[1] == 0 || read_all(fd_, out.payload.data(), header[1]);
}

void Channel::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void set_report_channel(Channel *channel) { g_report = channel; }
bool has_report_channel() { return g_report != nullptr || g_late_report_fd >= 0; }
const Channel *report_channel() { return g_report; }

void set_late_report_fd(int fd) { g_late_report_fd = fd; }

void fail_errno(const char *fmt, ...) {
  int saved = errno;
  char text[2048];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  if (static_cast<size_t>(n) >= sizeof text) n = sizeof text - 1;
  snprintf(text + n, sizeof text - static_cast<size_t>(n), ": %s", strerror(saved));
  // strerror gives "No such file or directory"; callers match the Go-style
  // lower-case phrases runc prints, so lower the first letter.
  char *colon = text + n + 2;
  if (*colon >= 'A' && *colon <= 'Z') *colon = static_cast<char>(*colon - 'A' + 'a');
  report_and_exit(text);
}

static void tell(uint32_t type, const char *fmt, va_list ap) {
  char text[2048];
  vsnprintf(text, sizeof text, fmt, ap);
  if (g_report != nullptr) g_report->send(type, text, static_cast<uint32_t>(strlen(text)));
}

void warn(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  tell(proto::kMsgWarning, fmt, ap);
  va_end(ap);
}

void debug(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  tell(proto::kMsgDebug, fmt, ap);
  va_end(ap);
}

void fail(const char *fmt, ...) {
  char text[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  report_and_exit(text);
}

}  // namespace tsrun::init
