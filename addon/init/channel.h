// The sync socket between tsrun-init and the TypeScript parent, and the one
// way init reports a failure: a kMsgError message, then exit.
#pragma once
#include <stdint.h>
#include <string>
#include <vector>

namespace tsrun::init {

struct Message {
  uint32_t type = 0;
  std::vector<uint8_t> payload;
  std::vector<int> fds;
};

class Channel {
 public:
  explicit Channel(int fd) : fd_(fd) {}
  int fd() const { return fd_; }
  bool send(uint32_t type, const void *data, uint32_t len) const;
  bool send_u32(uint32_t type, uint32_t value) const { return send(type, &value, sizeof value); }
  // Like send, with fds attached to the header as SCM_RIGHTS.
  bool send_fds(uint32_t type, const void *data, uint32_t len, const int *fds, unsigned count) const;
  // Blocks for the next message; false on EOF or a malformed header.
  bool receive(Message &out) const;
  void close();

 private:
  int fd_;
};

// Set once at start-up so fail() can reach the parent from anywhere.
void set_report_channel(Channel *channel);
bool has_report_channel();
// The channel set above (nullptr once `create` has closed it).
const Channel *report_channel();
// After the sync socket is gone: failures are written to this fd instead.
void set_late_report_fd(int fd);

// Reports "<what>: <strerror(errno)>" to the parent and exits.
[[noreturn]] void fail_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
// Tells the parent something it should log as a warning; carries on.
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
// The same, for the debug log only.
void debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// Reports the text as is and exits.
[[noreturn]] void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace tsrun::init
